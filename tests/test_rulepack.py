"""The pack checks itself: it loads, every rule and fact is well-formed, referenced and reachable."""

from __future__ import annotations

import re

import pytest

from advisor.errors import RulePackError
from advisor.requirements import WorkloadType
from advisor.rulepack import NOT_APPLICABLE, check_templates, load

PACK = load()


def test_every_area_of_the_contract_is_declared():
    spec_areas = {
        "compute_platform",
        "container_orchestrator",
        "container_capacity",
        "purchase_option",
        "instance_family",
        "database",
        "availability",
        "load_balancer",
        "dns_routing",
        "region",
        "data_processing",
        "storage_service",
        "storage_class",
        "controls",
    }
    assert spec_areas <= set(PACK.area_by_id)


def test_rule_ids_name_their_area_family():
    for rule in PACK.rules:
        assert rule.path.startswith(rule.area.id + "/"), rule.id


def test_every_fact_is_quoted_or_tested_by_some_rule():
    texts = []
    for rule in PACK.rules:
        texts.append(rule.rule.model_dump_json())
    texts.append((PACK.root / "areas.yaml").read_text(encoding="utf-8"))
    corpus = "\n".join(texts)
    unused = [key for key in PACK.facts if f"facts.{key}" not in corpus and f"fact:{key}" not in corpus]
    assert not unused, f"facts no rule uses: {unused}"


def test_every_template_compiles_and_uses_known_names():
    from jinja2 import meta

    check_templates(PACK)
    allowed = {"answers", "derived", "dataset", "decision", "facts", "tables", "options", "instance_type"}
    for key, source in PACK.sources.items():
        names = meta.find_undeclared_variables(PACK.template(key).environment.parse(source))
        assert names <= allowed, f"{key}: unknown names {names - allowed}"


def test_facts_cite_aws_documentation():
    for key, fact in PACK.facts.items():
        assert re.match(r"https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/", fact.source), key


def test_rules_cite_aws_documentation():
    for rule in PACK.rules:
        assert re.match(r"https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/", rule.rule.reference), rule.id


@pytest.mark.parametrize("workload_type", WorkloadType.__args__)
def test_type_defaults_are_valid_answers(advisor, workload_type):
    result = advisor.evaluate({"version": 1, "name": "t", "workload": {"type": workload_type}})
    assert set(result.decisions) == {a.id for a in PACK.areas if a.scope == "workload" and a.kind == "choice"}


def test_type_defaults_name_known_types():
    assert set(PACK.type_defaults) <= set(WorkloadType.__args__)


def test_a_malformed_rule_fails_with_file_and_field(tmp_path):
    import shutil

    shutil.copytree(PACK.root, tmp_path / "rules")
    bad = tmp_path / "rules" / "compute_platform" / "zz-bad.yaml"
    bad.write_text(
        "area: compute_platform\nrules:\n  - id: compute.bad.rule\n    title: A rule with an unknown field\n"
        "    when: {workload.typo: batch}\n    effect: {favor: ec2}\n"
        "    rationale: This rationale is long enough to pass.\n"
        "    reference: https://docs.aws.amazon.com/x\n"
        "    examples: {fires: [{workload: {type: batch}}], quiet: [{workload: {type: api}}]}\n"
    )
    with pytest.raises(
        RulePackError, match=r"zz-bad.yaml: compute.bad.rule: tests unknown field 'workload.typo'"
    ):
        load(tmp_path / "rules")


def test_not_applicable_is_never_chosen_by_a_weight():
    for rule in PACK.rules:
        assert rule.rule.effect.option != NOT_APPLICABLE, rule.id
