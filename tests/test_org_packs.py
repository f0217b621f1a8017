"""Organization packs layered on the built-in pack (SPEC §9): policies, required controls, clashes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.api import Advisor, default_advisor
from advisor.cli import cli
from advisor.errors import RulePackError
from advisor.result import Result

ROOT = Path(__file__).resolve().parent.parent
ORG_PACK = ROOT / "examples" / "org-pack"
EXAMPLE_FILES = sorted((ROOT / "examples").glob("*.yaml"))
ALLOWED_REGIONS = {"eu-central-1", "eu-west-1"}


@pytest.fixture(scope="module")
def org_advisor() -> Advisor:
    return Advisor(rules=[ORG_PACK])


def _packs(reasons: list) -> set[str]:
    return {reason.pack for reason in reasons}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_the_org_pack_holds_on_every_example(org_advisor: Advisor, path: Path) -> None:
    profile = org_advisor.profile(path)
    result = org_advisor.evaluate_profile(profile)
    answers = profile.requirements

    orchestrator = result.decisions["container_orchestrator"]
    assert orchestrator.choice != "ecs"
    if result.decisions["compute_platform"].choice == "containers":
        assert "ecs" in orchestrator.excluded
        assert "acme" in _packs(orchestrator.reasons)

    region = result.decisions["region"]
    assert region.choice in ALLOWED_REGIONS
    assert "acme" in _packs(region.reasons)

    controls = {control.id: control for control in result.controls}
    assert "cloudtrail" in controls
    assert "acme" in _packs(controls["cloudtrail"].reasons)
    if answers.compliance.public_facing and answers.workload.protocol == "http":
        assert "waf" in controls
        assert "acme" in _packs(controls["waf"].reasons)


def test_the_version_and_digest_reflect_the_layer(org_advisor: Advisor) -> None:
    builtin = default_advisor().pack
    assert org_advisor.pack.version == f"{builtin.version} + acme 1.0.0"
    assert org_advisor.pack.digest != builtin.digest


def test_without_the_pack_results_are_unchanged(org_advisor: Advisor) -> None:
    # Built after the layered advisor: nothing of the layer leaks into the built-in one.
    fresh = Advisor()
    for path in EXAMPLE_FILES:
        plain = default_advisor().evaluate(path)
        assert {r.pack for d in plain.decisions.values() for r in d.reasons} == {"builtin"}
        assert plain.to_json() == fresh.evaluate(path).to_json()


def test_a_builtin_rule_keeps_its_pack_name(org_advisor: Advisor) -> None:
    result: Result = org_advisor.evaluate(ROOT / "examples" / "web-shop.yaml")
    packs = {r.rule.split(".")[0]: r.pack for d in result.decisions.values() for r in d.reasons}
    assert packs["acme"] == "acme"
    assert packs["region"] == "builtin"


def _copy(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(ORG_PACK, pack)
    return pack


def test_an_id_clash_names_both_files(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    text = (pack / "controls" / "required.yaml").read_text()
    (pack / "controls" / "again.yaml").write_text(text)
    with pytest.raises(RulePackError) as error:
        Advisor(rules=[pack])
    message = str(error.value)
    assert "'acme.controls.waf-public-http' is already used in" in message
    assert str(pack / "controls" / "again.yaml") in message
    assert str(pack / "controls" / "required.yaml") in message


def test_two_layers_with_one_name_clash(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="acme.orchestrator.eks-only' is already used in"):
        Advisor(rules=[ORG_PACK, _copy(tmp_path)])


def test_a_fact_of_the_builtin_pack_cannot_be_replaced(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    (pack / "facts" / "again.yaml").write_text(
        "lambda_max_duration_seconds:\n  value: 9000\n  text: 150 minutes\n"
        "  source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html\n  as_of: 2026-11-29\n"
    )
    with pytest.raises(
        RulePackError, match=r"lambda_max_duration_seconds: fact is already defined in facts/compute.yaml"
    ):
        Advisor(rules=[pack])


def test_a_rule_id_must_carry_the_pack_name(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    path = pack / "container_orchestrator" / "eks-only.yaml"
    path.write_text(path.read_text().replace("acme.orchestrator.eks-only", "orchestrator.acme-eks-only"))
    with pytest.raises(RulePackError, match="pack acme have ids starting with 'acme.'"):
        Advisor(rules=[pack])


def test_a_folder_without_pack_yaml_is_refused_with_exit_2(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    (pack / "pack.yaml").unlink()
    result = CliRunner().invoke(
        cli, ["recommend", str(ROOT / "examples" / "web-shop.yaml"), "--rules", str(pack)]
    )
    assert result.exit_code == 2
    assert "needs pack.yaml" in result.output


def test_recommend_with_rules_names_the_pack() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "recommend",
            str(ROOT / "examples" / "kubernetes-platform.yaml"),
            "--rules",
            str(ORG_PACK),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rule_pack"]["version"].endswith("+ acme 1.0.0")
    assert "acme.orchestrator.eks-only" in data["decisions"]["container_orchestrator"]["excluded"]["ecs"]


@pytest.mark.parametrize("command", ["memo", "explain"])
def test_other_commands_take_rules(command: str) -> None:
    args = [command, str(ROOT / "examples" / "web-shop.yaml"), "--rules", str(ORG_PACK)]
    result = CliRunner().invoke(cli, args + (["--date", "2026-11-29"] if command == "memo" else []))
    assert result.exit_code == 0, result.output
    assert "acme" in result.output


def test_batch_workers_load_the_layer(tmp_path: Path) -> None:
    files = [str(path) for path in EXAMPLE_FILES[:3]]
    result = CliRunner().invoke(cli, ["batch", *files, "-j", "2", "--rules", str(ORG_PACK)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 3
    assert {line["decisions"]["region"]["choice"] for line in lines} <= ALLOWED_REGIONS


def test_rules_test_runs_the_pack_examples_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["rules", "test", str(ORG_PACK)])
    assert result.exit_code == 0, result.output
    assert "13 of 13 rule examples pass" in result.output
    pack = _copy(tmp_path)
    path = pack / "region" / "eu-only.yaml"
    path.write_text(
        path.read_text().replace(
            "expect: {region: eu-west-1}\n      quiet", "expect: {region: eu-north-1}\n      quiet"
        )
    )
    failed = CliRunner().invoke(cli, ["rules", "test", str(pack)])
    assert failed.exit_code == 1
    assert "acme.region.ireland: fires 1" in failed.output


def test_rules_lint_on_the_pack(tmp_path: Path) -> None:
    clean = CliRunner().invoke(cli, ["rules", "lint", str(ORG_PACK), "--today", "2026-11-29"])
    assert clean.exit_code == 0, clean.output
    pack = _copy(tmp_path)
    (pack / "facts" / "platform.yaml").write_text(
        (pack / "facts" / "platform.yaml").read_text() + "eks_unused_days:\n  value: 1\n  text: one day\n"
        "  source: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html\n  as_of: 2024-01-01\n"
    )
    found = CliRunner().invoke(cli, ["rules", "lint", str(pack), "--today", "2026-11-29"])
    assert found.exit_code == 1
    assert "eks_unused_days" in found.output
    assert "unused-fact" in found.output and "stale-fact" in found.output


def test_rules_list_filters_by_pack() -> None:
    result = CliRunner().invoke(
        cli, ["rules", "list", "--rules", str(ORG_PACK), "--pack", "acme", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {row["pack"] for row in rows} == {"acme"}
    assert all(row["line"] for row in rows)


def test_batch_on_a_folder_skips_the_rule_packs_in_it() -> None:
    result = CliRunner().invoke(cli, ["batch", str(ROOT / "examples"), "-j", "1"])
    assert result.exit_code == 0, result.output
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(sources) == len(EXAMPLE_FILES)
    assert not any("org-pack" in source for source in sources)
