"""The `advisor rules` commands: list, show, test, lint and the catalogue kept in rules/CATALOGUE.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from advisor.cli import cli
from advisor.rulepack import default_root

CATALOGUE = default_root() / "CATALOGUE.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(default_root(), root)
    return root


def test_the_catalogue_in_rules_is_fresh(runner):
    result = runner.invoke(cli, ["rules", "catalogue"])
    assert result.exit_code == 0, result.output
    assert result.output == CATALOGUE.read_text(encoding="utf-8"), (
        "rules/CATALOGUE.md is stale: run `advisor rules catalogue > rules/CATALOGUE.md`"
    )
    assert "`elb.nlb.tcp-udp`" in result.output
    assert '| choose nlb (10) | `workload.protocol in ["tcp", "udp"]` |' in result.output


def test_list_filters_by_area_as_text_and_json(runner):
    text = runner.invoke(cli, ["rules", "list", "--area", "load_balancer"])
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert all(line.startswith("elb.") for line in lines)
    assert any(line.split()[:4] == ["elb.nlb.tcp-udp", "choose", "nlb", "(10)"] for line in lines)
    data = json.loads(
        runner.invoke(cli, ["rules", "list", "--area", "load_balancer", "--format", "json"]).output
    )
    assert [row["id"] for row in data] == [line.split()[0] for line in lines]
    (nlb,) = [row for row in data if row["id"] == "elb.nlb.tcp-udp"]
    assert (nlb["effect"], nlb["option"], nlb["weight"], nlb["file"]) == (
        "choose",
        "nlb",
        10,
        "load_balancer/alb-nlb.yaml",
    )


def test_list_of_an_unknown_area_is_a_usage_error(runner):
    result = runner.invoke(cli, ["rules", "list", "--area", "load_balancers"])
    assert result.exit_code == 2
    assert "unknown area 'load_balancers'" in result.output


def test_show_gives_the_rule_its_texts_examples_and_where_it_is(runner):
    result = runner.invoke(cli, ["rules", "show", "elb.nlb.tcp-udp"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("elb.nlb.tcp-udp: TCP and UDP services sit behind a Network Load Balancer\n")
    where = next(line for line in out.splitlines() if line.startswith("  file: "))
    path, line = where.removeprefix("  file: ").rsplit(":", 1)
    assert (
        "id: elb.nlb.tcp-udp"
        in (default_root() / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
    )
    assert '  when:\n    workload.protocol in ["tcp", "udp"]\n' in out
    assert "  rationale: The workload speaks {{ answers.workload.protocol | upper }}" in out
    assert "  reference: https://docs.aws.amazon.com/elasticloadbalancing/" in out
    assert "  example fires 1: {workload: {type: game_server}, expect: {load_balancer: nlb}}" in out
    assert "  example quiet 1: " in out


def test_show_of_an_unknown_id_is_a_usage_error(runner):
    result = runner.invoke(cli, ["rules", "show", "elb.nlb.nope"])
    assert result.exit_code == 2
    assert "no rule 'elb.nlb.nope'" in result.output


def test_rules_test_reports_each_failing_example(runner, tmp_path):
    root = _copy(tmp_path)
    path = root / "load_balancer" / "alb-nlb.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (rule,) = [r for r in data["rules"] if r["id"] == "elb.nlb.tcp-udp"]
    rule["examples"]["fires"][0]["expect"] = {"load_balancer": "alb"}
    rule["examples"]["quiet"][0]["workload"]["protocol"] = "udp"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    result = runner.invoke(cli, ["rules", "test", str(root)])
    assert result.exit_code == 1, result.output
    assert (
        "elb.nlb.tcp-udp: fires 1: {workload: {type: game_server}, expect: {load_balancer: alb}}"
        in result.output
    )
    assert "load_balancer was nlb, expected alb" in result.output
    assert "elb.nlb.tcp-udp: quiet 1: " in result.output
    assert "the rule fired" in result.output
    assert result.output.rstrip().endswith("2 fail")


@pytest.mark.slow
def test_rules_test_passes_on_the_builtin_pack(runner):
    result = runner.invoke(cli, ["rules", "test"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" fail\n") and ", 0 fail" in result.output


def test_lint_exits_0_on_the_builtin_pack(runner):
    result = runner.invoke(cli, ["rules", "lint", "--today", "2026-11-29"])
    assert result.exit_code == 0, result.output


def test_lint_exits_1_on_findings_and_names_them(runner, tmp_path):
    root = _copy(tmp_path)
    path = root / "load_balancer" / "alb-nlb.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("id: elb.nlb.tcp-udp", "id: nlb.tcp-udp"), "utf-8"
    )
    result = runner.invoke(cli, ["rules", "lint", str(root), "--today", "2026-11-29", "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.output)
    assert finding["kind"] == "id-prefix"
    assert finding["subject"] == "nlb.tcp-udp"
    assert finding["where"].startswith("load_balancer/alb-nlb.yaml:")


def test_lint_of_an_unreadable_pack_exits_2_naming_file_and_line(runner, tmp_path):
    root = _copy(tmp_path)
    (root / "load_balancer" / "alb-nlb.yaml").write_text("area: load_balancer\nrules: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["rules", "lint", str(root)])
    assert result.exit_code == 2
    assert "load_balancer/alb-nlb.yaml: line 3: is not valid YAML" in result.output
    assert "Traceback" not in result.output
