"""The requirements model: defaults, assumptions, and every problem reported with its field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import InvalidRequirements, evaluate
from advisor.requirements import json_schema

MINIMAL = "version: 1\nname: Minimal\nworkload:\n  type: web_app\n"


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(InvalidRequirements) as caught:
        evaluate(text)
    return [(p.path, p.line, p.message) for p in caught.value.problems]


def test_minimal_file_is_valid_and_everything_else_is_an_assumption(advisor):
    profile = advisor.profile(MINIMAL)
    assert profile.requirements.workload.interruptible == "no"
    assert "workload.interruptible" in profile.defaulted
    assert "workload.type" not in profile.defaulted
    assert "name" not in profile.defaulted


def test_type_defaults_fill_unanswered_fields_and_are_marked(advisor):
    profile = advisor.profile("version: 1\nname: b\nworkload: {type: batch, latency: low}\n")
    assert profile.requirements.workload.latency == "low"  # the user's answer wins
    assert profile.requirements.workload.traffic == "scheduled"  # batch's default
    assert "workload.traffic" in profile.type_defaults
    assert "workload.traffic" in profile.defaulted
    assert "workload.latency" not in profile.defaulted


def test_unquoted_yaml_no_means_the_answer_no(advisor):
    profile = advisor.profile(MINIMAL + "  interruptible: no\n")
    assert profile.requirements.workload.interruptible == "no"
    assert "workload.interruptible" not in profile.defaulted


def test_unknown_key_gets_a_did_you_mean_and_its_line():
    found = problems(MINIMAL + "  interruptable: restartable\n")
    assert found == [("workload.interruptable", 5, 'is not a known field (did you mean "interruptible"?)')]


def test_enum_typo_gets_a_did_you_mean():
    ((path, line, message),) = problems(MINIMAL.replace("web_app", "web-app"))
    assert (path, line) == ("workload.type", 4)
    assert 'did you mean "web_app"' in message


def test_every_problem_is_reported_at_once_in_line_order():
    text = (
        "version: 1\nname: x\nworkload:\n  type: batch\n  lifetime_months: 0\n"
        "compute:\n  vcpus: many\ncost:\n  priority: cheapest\nfoo: 1\n"
    )
    found = problems(text)
    assert [(p, line) for p, line, _ in found] == [
        ("workload.lifetime_months", 5),
        ("compute.vcpus", 7),
        ("cost.priority", 9),
        ("foo", 10),
    ]


def test_missing_required_fields_are_named():
    found = problems("version: 1\nworkload: {}\n")
    assert ("name", None, "is required") in [(p, None, m) for p, _, m in found]
    assert any(p == "workload.type" and m == "is required" and line == 2 for p, line, m in found)


def test_wrong_version_is_refused():
    ((path, _, message),) = problems(MINIMAL.replace("version: 1", "version: 2"))
    assert path == "version"


def test_availability_target_must_be_a_listed_one():
    ((path, line, message),) = problems(MINIMAL + "availability: {target: 99.8}\n")
    assert (path, line) == ("availability.target", 5)
    assert "99.95" in message


def test_duplicate_dataset_names_are_refused():
    text = MINIMAL + "datasets:\n  - {name: logs, usage: logs}\n  - {name: logs, usage: backups}\n"
    ((path, line, message),) = problems(text)
    assert path == "datasets" and line == 5 and '"logs" is used twice' in message


def test_residency_is_normalised_and_checked(advisor):
    assert (
        advisor.profile(MINIMAL + "compliance: {data_residency: de}\n").requirements.compliance.data_residency
        == "DE"
    )
    ((path, _, _),) = problems(MINIMAL + "compliance: {data_residency: Germany}\n")
    assert path == "compliance.data_residency"


def test_frameworks_may_not_repeat():
    ((path, _, message),) = problems(MINIMAL + "compliance: {frameworks: [gdpr, gdpr]}\n")
    assert path == "compliance.frameworks"


def test_a_section_of_the_wrong_shape_is_named():
    ((path, line, message),) = problems("version: 1\nname: x\nworkload: batch\n")
    assert (path, line) == ("workload", 3) and "mapping" in message


def test_evaluate_takes_a_dict_a_path_or_text(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(MINIMAL)
    as_text = evaluate(MINIMAL).to_json()
    assert evaluate(path).to_json() == as_text
    assert evaluate(str(path)).to_json() == as_text
    assert evaluate({"version": 1, "name": "Minimal", "workload": {"type": "web_app"}}).to_json() == as_text


def test_invalid_requirements_is_a_value_error_with_every_problem():
    with pytest.raises(ValueError) as caught:
        evaluate({"version": 1, "name": "", "workload": {"type": "nope"}})
    error = caught.value
    assert isinstance(error, InvalidRequirements)
    assert {p["path"] for p in error.to_list()} == {"name", "workload.type"}


def test_a_path_that_does_not_exist_is_reported_as_such():
    with pytest.raises(InvalidRequirements, match="no such file"):
        evaluate(Path("/nonexistent/requirements.yaml"))


def test_schema_comes_from_the_models():
    schema = json_schema()
    assert schema["required"] == ["version", "name", "workload"]
    workload = schema["$defs"]["Workload"]
    assert workload["additionalProperties"] is False
    assert set(workload["properties"]["interruptible"]["enum"]) == {"no", "restartable", "checkpointed"}
    assert schema["$defs"]["Availability"]["properties"]["target"]["enum"] == [
        99.0,
        99.5,
        99.9,
        99.95,
        99.99,
        99.999,
    ]


def _described(schema, where, defs, problems):
    """Walks a schema node: every property needs a description, every enum value its own."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in defs:
            defs.add(name)
            _described(json_schema()["$defs"][name], name, defs, problems)
    for name, prop in schema.get("properties", {}).items():
        if not prop.get("description", "").strip():
            problems.append(f"{where}.{name}: no description")
        _described(prop, f"{where}.{name}", defs, problems)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _described(schema[key], f"{where}[]", defs, problems)
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        _described(option, where, defs, problems)
    if "enum" in schema:
        meanings = schema.get("enumDescriptions", [])
        if len(meanings) != len(schema["enum"]):
            problems.append(f"{where}: {len(schema['enum'])} values, {len(meanings)} enumDescriptions")
        for value, meaning in zip(schema["enum"], meanings, strict=False):
            if not str(meaning).strip():
                problems.append(f"{where}: the value {value!r} has no description")


def test_the_schema_describes_every_field_and_every_value():
    problems: list[str] = []
    _described(json_schema(), "", set(), problems)
    assert problems == []


def test_the_schema_walk_fails_on_an_undescribed_field_or_value():
    problems: list[str] = []
    bare = {
        "properties": {
            "a": {"enum": ["x", "y"], "enumDescriptions": ["", "why"], "description": "d"},
            "b": {},
        }
    }
    _described(bare, "", set(), problems)
    assert problems == [".a: the value 'x' has no description", ".b: no description"]
