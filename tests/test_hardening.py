"""Issue 16's reproducers: every input gets an answer, output is safe to print, interrupts poison nothing."""

from __future__ import annotations

import json
from types import MappingProxyType

import pytest
from click.testing import CliRunner

from advisor import evaluate, templating
from advisor.api import Advisor
from advisor.cli import cli
from advisor.errors import InvalidRequirements

HEAD = "version: 1\nname: x\nworkload: {type: web_app}\n"


@pytest.fixture
def runner():
    return CliRunner()


def _refused(runner, tmp_path, text: str, *words: str) -> str:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["recommend", str(path)])
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


# ---- 1: YAML tags and base-60 numbers --------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["!!bool maybe", "!!timestamp x", '!!int ""', "!!int -", '!!float ""', "!!str x"]
)
def test_an_explicit_scalar_tag_is_refused_with_exit_2(runner, tmp_path, value):
    text = f"version: 1\nname: x\nworkload: {{type: web_app, stateful: {value}}}\n"
    _refused(runner, tmp_path, text, "workload.stateful", "YAML tag", "line 3")


def test_a_bare_bool_tag_is_refused_with_exit_2(runner, tmp_path):
    _refused(runner, tmp_path, "version: 1\nname: x\nworkload: {type: web_app, stateful: !!bool}\n")


def test_a_long_base_60_number_is_refused_with_exit_2(runner, tmp_path):
    text = HEAD + "compute: {memory_gib: " + ":".join(["1"] * 180) + ".5}\n"
    _refused(runner, tmp_path, text, "compute.memory_gib", "base-60")
    _refused(runner, tmp_path, HEAD + "compute: {vcpus: 1:30}\n", "compute.vcpus", "base-60")


# ---- 2: bounded descriptions of bad values ---------------------------------------------------


def _problem_text(data) -> str:
    with pytest.raises(InvalidRequirements) as caught:
        evaluate(data)
    return str(caught.value)


def test_a_huge_integer_is_described_by_its_length():
    text = _problem_text(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "compute": {"vcpus": 10**5000}}
    )
    assert "compute.vcpus" in text and "5,000 digits" in text and len(text) < 500


def test_a_deeply_nested_list_is_refused_not_a_recursion_error():
    deep: list = []
    for _ in range(1000):
        deep = [deep]
    for data in (
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "compute": {"vcpus": deep}},
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "description": deep},
    ):
        assert "nested too deeply" in _problem_text(data)


def test_a_deeply_nested_yaml_list_is_refused(runner, tmp_path):
    _refused(runner, tmp_path, HEAD + "description: " + "[" * 1000 + "]" * 1000 + "\n", "nested too deeply")


def test_a_long_string_is_quoted_cut_short():
    text = _problem_text(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "compute": {"vcpus": "x" * 10**6}}
    )
    assert "compute.vcpus" in text and len(text) < 500


# ---- 5: a bounded list of problems -----------------------------------------------------------


def test_problems_stop_after_twenty_with_a_count_of_the_rest(runner, tmp_path):
    text = HEAD + "".join(f"unknown{i}: 1\n" for i in range(3000))
    message = _refused(runner, tmp_path, text, "3,000 problems", "… and 2,980 more")
    assert message.count("is not a known field") == 20


def test_a_jsonl_line_of_many_keys_is_refused_by_the_node_limit(runner, tmp_path):
    line = json.dumps(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, **{f"k{i}": 0 for i in range(60_000)}}
    )
    path = tmp_path / "many.jsonl"
    path.write_text(line + "\n")
    result = runner.invoke(cli, ["batch", str(path)])
    assert result.exit_code == 2
    (out,) = (json.loads(x) for x in result.stdout.splitlines())
    assert "more than 20,000 values" in out["error"] and len(result.stdout) < 2000


def test_a_jsonl_line_of_many_problems_lists_twenty(runner, tmp_path):
    line = json.dumps(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, **{f"k{i}": 0 for i in range(500)}}
    )
    path = tmp_path / "many.jsonl"
    path.write_text(line + "\n")
    result = runner.invoke(cli, ["batch", str(path)])
    (out,) = (json.loads(x) for x in result.stdout.splitlines())
    assert len(out["problems"]) == 20 and out["error"].endswith("… and 480 more")


# ---- 12: containers from the dict API --------------------------------------------------------


def _data(**sections):
    return {"version": 1, "name": "x", "workload": {"type": "web_app"}, **sections}


def test_a_mapping_proxy_section_is_read_like_a_dict():
    proxy = evaluate(_data(compute=MappingProxyType({"vcpus": 8, "memory_gib": 64})))
    assert proxy.to_json() == evaluate(_data(compute={"vcpus": 8, "memory_gib": 64})).to_json()


def test_datasets_as_a_tuple_keep_their_answers_explicit():
    dataset = {"name": "logs", "usage": "logs", "access": "rare", "retention_days": 30, "size_gb": 5}
    assert evaluate(_data(datasets=(dataset,))).to_json() == evaluate(_data(datasets=[dataset])).to_json()


def test_frameworks_as_a_set_give_the_sorted_list():
    as_set = evaluate(_data(compliance={"frameworks": {"pci_dss", "hipaa", "gdpr"}}))
    as_list = evaluate(_data(compliance={"frameworks": ["gdpr", "hipaa", "pci_dss"]}))
    assert as_set.to_json() == as_list.to_json()


def _lambda_job(seconds: float) -> dict:
    return {
        "version": 1,
        "name": "job",
        "workload": {"type": "event_driven", "task_duration_seconds": seconds},
    }


def _texts(result) -> str:
    return result.to_json()


def test_minus_zero_and_zero_render_alike_whatever_came_first():
    """-0.0 == 0 shared a render-cache key: the first call decided "0 seconds" or "-0 seconds"."""
    fresh = Advisor()
    minus_first = _texts(fresh.evaluate(_lambda_job(-0.0)))
    assert "second" in minus_first  # the rationale quoting the duration fired
    warmed = Advisor()
    warmed.evaluate(_lambda_job(0))
    assert _texts(warmed.evaluate(_lambda_job(-0.0))) == minus_first
    assert templating.value_at({"a": -0.0}, ("a",)) != templating.value_at({"a": 0.0}, ("a",))


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(143)])
def test_an_interrupt_while_compiling_a_template_poisons_no_later_render(interrupt, monkeypatch):
    """RulePack.template stored the template before its inputs: later renders raised KeyError."""
    advisor = Advisor()
    pack = advisor.pack
    key = next(iter(pack.sources))
    real = templating.inputs_of
    calls = {"n": 0}

    def interrupted(tree):
        calls["n"] += 1
        if calls["n"] == 1:
            raise interrupt
        return real(tree)

    monkeypatch.setattr(templating, "inputs_of", interrupted)
    with pytest.raises(type(interrupt)):
        pack.template(key)
    pack.template(key)
    assert key in pack._inputs
