"""The pack checks itself: it loads, every rule and fact is well-formed, referenced and reachable."""

from __future__ import annotations

import re
import shutil

import pytest

from advisor.errors import RulePackError
from advisor.pack_models import NOT_APPLICABLE
from advisor.pack_templates import check_templates
from advisor.requirements import WorkloadType
from advisor.rulepack import load

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


def test_a_template_is_parsed_once_for_its_inputs_and_its_code(monkeypatch):
    # A cold run compiles about a hundred templates; parsing each twice was a fifth of that time.
    pack = load()
    pack.template_data.clear()  # as for an organization pack's texts, which the pack cache does not hold
    key = next(key for key, source in pack.sources.items() if "{{ answers." in source)
    env = pack._env
    real, parsed = env._parse, []
    monkeypatch.setattr(env, "_parse", lambda source, *a, **k: parsed.append(source) or real(source, *a, **k))
    template = pack.template(key)
    assert parsed == [pack.sources[key]]
    assert pack._inputs[key] and all(path[0] == "answers" for path in pack._inputs[key])
    assert template is pack.template(key) and len(parsed) == 1


def test_a_text_the_pack_cache_describes_is_not_parsed_until_jinja_compiles_it(monkeypatch):
    pack = load()
    key = next(key for key, source in pack.sources.items() if "{{ answers." in source)
    assert key in pack.template_data
    env = pack._env
    real, parsed = env._parse, []
    monkeypatch.setattr(env, "_parse", lambda source, *a, **k: parsed.append(source) or real(source, *a, **k))
    template = pack.template(key)
    assert parsed == [] and template.data is not None and pack._inputs[key]
    template.compiled()
    assert parsed == [pack.sources[key]]


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


# ---- packs that must not load: built in tmp_path from a copy of rules/ ---------------------------

RULE = """\
area: compute_platform
rules:
  - id: {id}
    title: A rule written for a test of the loader
    when: {when}
    effect: {effect}
    rationale: This rationale is long enough to pass.
    reference: https://docs.aws.amazon.com/x
    examples: {{fires: [{{workload: {{type: batch}}}}], quiet: [{{workload: {{type: api}}}}]}}
"""


@pytest.fixture
def bad_pack(tmp_path):
    shutil.copytree(PACK.root, tmp_path / "rules")
    return tmp_path / "rules"


def write_rule(
    pack, *, id="compute.test.rule", when="{workload.type: batch}", effect="{favor: ec2}", extra=""
):
    path = pack / "compute_platform" / "zz-bad.yaml"
    path.write_text(RULE.format(id=id, when=when, effect=effect) + extra, encoding="utf-8")
    return path


def problems_of(pack) -> list[str]:
    with pytest.raises(RulePackError) as raised:
        load(pack)
    return raised.value.problems


def test_a_well_formed_extra_rule_loads(bad_pack):
    write_rule(bad_pack)  # the baseline the tests below break one field of
    assert "compute.test.rule" in load(bad_pack).rule_by_id


def test_a_malformed_rule_fails_with_file_and_field(bad_pack):
    write_rule(bad_pack, id="compute.bad.rule", when="{workload.typo: batch}")
    with pytest.raises(
        RulePackError,
        match=r"zz-bad.yaml: compute.bad.rule: when.workload.typo: tests unknown field 'workload.typo'",
    ):
        load(bad_pack)


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


def test_an_id_without_its_areas_prefix_fails(bad_pack):
    write_rule(bad_pack, id="purchase.misfiled.rule")
    assert problems_of(bad_pack) == [
        "compute_platform/zz-bad.yaml: purchase.misfiled.rule: id: "
        "rules of compute_platform have ids starting with 'compute.'"
    ]


@pytest.mark.parametrize(
    "effect", ["{favor: ec2, weight: 0}", "{disfavor: ec2, weight: -3}", "{choose: ec2, weight: -1}"]
)
def test_a_weight_that_is_not_positive_fails(bad_pack, effect):
    write_rule(bad_pack, effect=effect)
    (problem,) = problems_of(bad_pack)
    assert problem.startswith("compute_platform/zz-bad.yaml: compute.test.rule: effect.weight: ")
    assert "greater than 0" in problem


def test_disfavor_scores_its_weight_negatively():
    scores = {r.rule.effect.verb: r.rule.effect.score for r in PACK.rules if r.rule.effect.weight is None}
    assert scores["disfavor"] == -3 and scores["favor"] == 3
    weighted = [
        r.rule.effect for r in PACK.rules if r.rule.effect.verb == "disfavor" and r.rule.effect.weight
    ]
    assert weighted and all(e.score == -e.weight for e in weighted)


def test_every_problem_of_a_file_is_reported_at_once(bad_pack):
    second = RULE.format(id="compute.second.rule", when="{workload.type: {gt: 3}}", effect="{favor: ec2}")
    write_rule(
        bad_pack,
        id="wrong.prefix.rule",
        effect="{favor: ec2, weight: 0}",
        extra=second.split("rules:\n", 1)[1],
    )
    problems = problems_of(bad_pack)
    assert len(problems) == 3, problems
    assert all(p.startswith("compute_platform/zz-bad.yaml: ") for p in problems)
    assert any("wrong.prefix.rule: effect.weight" in p for p in problems)
    assert any("wrong.prefix.rule: id: rules of compute_platform" in p for p in problems)
    assert any(
        "compute.second.rule: when.workload.type" in p and "gt needs a number field" in p for p in problems
    )


def test_problems_of_several_files_are_reported_together(bad_pack):
    write_rule(bad_pack, when="{workload.type: {like: batch}}")
    (bad_pack / "defaults.yaml").write_text("batch: {workload.traffic: sometimes}\n", encoding="utf-8")
    problems = problems_of(bad_pack)
    assert [p.split(":")[0] for p in problems] == ["defaults.yaml", "compute_platform/zz-bad.yaml"], problems
    assert "unknown operator; known: eq, ne, in" in problems[1]


def test_the_old_and_new_spellings_of_several_any_groups_compile_alike(bad_pack):
    old = "{workload.type: batch, any: [processing: batch_etl, derived.has_datasets: true], any_2: [workload.stateful: true, compute.vcpus: {gt: 2}]}"
    new = "{workload.type: batch, any_of: [[processing: batch_etl, derived.has_datasets: true], [workload.stateful: true, compute.vcpus: {gt: 2}]]}"
    write_rule(bad_pack, when=old)
    old_rule = load(bad_pack).rule_by_id["compute.test.rule"]
    write_rule(bad_pack, when=new)
    new_rule = load(bad_pack).rule_by_id["compute.test.rule"]
    assert len(old_rule.any_of) == 2
    assert (old_rule.clauses, old_rule.any_of) == (new_rule.clauses, new_rule.any_of)


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ("batchy: {workload.traffic: periodic}", "defaults.yaml: batchy: Input should be 'web_app'"),
        ("batch: {workload.trafic: periodic}", "defaults.yaml: batch.workload.trafic: is not an answer"),
        (
            "batch: {workload.traffic: sometimes}",
            "defaults.yaml: batch.workload.traffic: Input should be 'steady'",
        ),
        ("batch: {compute.vcpus: 0}", "batch.compute.vcpus: Input should be greater than or equal to 1"),
    ],
)
def test_a_bad_defaults_file_fails(bad_pack, defaults, message):
    (bad_pack / "defaults.yaml").write_text(defaults + "\n", encoding="utf-8")
    (problem,) = problems_of(bad_pack)
    assert message in problem, problem


def test_a_bad_table_fails(bad_pack):
    regions = bad_pack / "tables" / "regions.yaml"
    regions.write_text(
        regions.read_text(encoding="utf-8").replace("region: eu-central-1}", "region: eu-centre-1}", 1),
        encoding="utf-8",
    )
    sizes = bad_pack / "tables" / "instance_types.yaml"
    sizes.write_text(
        sizes.read_text(encoding="utf-8").replace("nano: [2, 0.5]", "nano: [2]", 1), encoding="utf-8"
    )
    (bad_pack / "tables" / "unknown.yaml").write_text("a: 1\n", encoding="utf-8")
    problems = problems_of(bad_pack)
    assert len(problems) == 3, problems
    assert problems[0].startswith("tables/instance_types.yaml: families.t.sizes.nano")
    assert (
        problems[1].startswith("tables/regions.yaml: ")
        and "'eu-centre-1' is not one of the options" in problems[1]
    )
    assert problems[2].startswith("tables/unknown.yaml: no model checks this table")


def test_the_render_cache_stays_bounded_and_keeps_its_newer_half(monkeypatch):
    """A long batch never grows it past its size, and a full cache keeps what it rendered last."""
    import random

    from profiles import random_requirements

    from advisor import rulepack
    from advisor.api import Advisor

    monkeypatch.setattr(rulepack, "RENDER_CACHE_SIZE", 200)
    advisor = Advisor()
    rng = random.Random(7)
    sizes = []
    for index in range(60):
        advisor.evaluate(random_requirements(rng, index))
        sizes.append(len(advisor.pack._rendered))
    assert max(sizes) <= 200
    assert min(sizes[20:]) >= 100  # never emptied: the older half goes, the newer stays
    newest = list(advisor.pack._rendered)[-1]
    advisor.evaluate(random_requirements(rng, 99))  # adds fewer than 100 texts
    assert newest in advisor.pack._rendered
