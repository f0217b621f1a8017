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


@pytest.mark.parametrize("missing", ["pillars", "confirmation", "diagram"])
def test_an_option_without_its_description_fails_at_load(tmp_path, missing):
    """Adding an option means saying what the memo needs of it: pillars, confirmation, diagram role."""
    import shutil

    import yaml as pyyaml

    from advisor.errors import RulePackError
    from advisor.rulepack import default_root, load

    pack = tmp_path / "rules"
    shutil.copytree(default_root(), pack)
    data = pyyaml.safe_load((pack / "areas.yaml").read_text(encoding="utf-8"))
    database = next(area for area in data["areas"] if area["id"] == "database")
    memorydb = {
        "title": "Amazon MemoryDB",
        "summary": "A durable in-memory database compatible with Valkey and Redis OSS.",
        "best_for": "microsecond reads with durability",
        "pillars": {"performance_efficiency": "microsecond reads from memory"},
        "confirmation": {
            "check": "the cluster's CloudWatch latency metrics stay inside their alarms",
            "reference": "https://docs.aws.amazon.com/memorydb/latest/devguide/what-is-memorydb.html",
        },
        "diagram": {"role": "zonal_nodes", "nodes": ["primary", "replica"], "zonal": True},
    }
    del memorydb[missing]
    database["options"]["memorydb"] = memorydb
    (pack / "areas.yaml").write_text(pyyaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(RulePackError) as error:
        load(pack)
    message = str(error.value)
    assert "areas.yaml" in message and "memorydb" in message, message
    assert missing in message, message


def test_no_option_id_is_written_into_code_or_templates():
    """What an option means lives on the option in areas.yaml; code reads it from there."""
    import typing

    from pydantic import BaseModel

    from advisor.requirements import Requirements
    from advisor.rulepack import default_root

    pack = load()
    answers: set[str] = set()  # words that are also answers of the requirements file, such as "backups"

    def walk(model: type[BaseModel]) -> None:
        for info in model.model_fields.values():
            for arg in [info.annotation, *typing.get_args(info.annotation)]:
                for value in typing.get_args(arg) if typing.get_origin(arg) is typing.Literal else ():
                    answers.add(str(value))
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    walk(arg)
                for inner in typing.get_args(arg):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    walk(Requirements)
    ids = {key for area in pack.areas if not area.open_options for key in area.options}
    ids -= answers | {NOT_APPLICABLE}
    ids = {
        i for i in ids if len(i) > 1
    }  # one-letter families (m, c, r …) are everywhere in code as other things
    root = default_root().parent
    sources = list((root / "advisor").rglob("*.py")) + list((root / "templates").glob("*.jinja"))
    found = []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for option in sorted(ids):
            if re.search(rf"""["']{re.escape(option)}["']""", text):
                found.append(f"{path.name}: {option}")
    assert not found, found
