"""Overrides in the requirements file (SPEC §9): the team's choice, the advice kept, expiry by date."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from advisor.api import Advisor
from advisor.cli import cli
from advisor.errors import InvalidRequirements

REQUIREMENTS: dict[str, Any] = {
    "version": 1,
    "name": "Override demo",
    "workload": {"type": "microservices"},
    "team": {"kubernetes_experience": "none"},
    "datasets": [{"name": "product images", "usage": "user_uploads"}],
    "overrides": {
        "container_orchestrator": {
            "choice": "eks",
            "reason": "The platform team runs every service on EKS",
            "until": datetime.date(2027, 6, 30),
        },
        "dataset:product images:storage_class": {
            "choice": "s3_intelligent_tiering",
            "reason": "Access pattern unknown until launch",
        },
    },
}
BEFORE, LAST_DAY, AFTER = datetime.date(2026, 11, 29), datetime.date(2027, 6, 30), datetime.date(2027, 7, 1)


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "requirements.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _without_overrides() -> dict[str, Any]:
    return {k: v for k, v in REQUIREMENTS.items() if k != "overrides"}


def test_the_advice_without_overrides_is_ecs(advisor: Advisor) -> None:
    result = advisor.evaluate(_without_overrides())
    assert result.decisions["container_orchestrator"].choice == "ecs"
    assert result.decisions["container_orchestrator"].overridden is None
    assert "overridden" not in result.to_dict()["decisions"]["container_orchestrator"]


@pytest.mark.parametrize("today", [BEFORE, LAST_DAY])
def test_a_valid_override_takes_the_choice_and_later_areas_follow(
    advisor: Advisor, today: datetime.date
) -> None:
    result = advisor.evaluate(REQUIREMENTS, today)
    decision = result.decisions["container_orchestrator"]
    assert decision.choice == "eks"
    assert decision.overridden is not None
    assert decision.overridden.advice == "ecs"
    assert decision.overridden.until == "2027-06-30"
    assert decision.overridden.reason == "The platform team runs every service on EKS"
    # The capacity decision comes after: its rules read the team's orchestrator, not the advice.
    capacity = result.decisions["container_capacity"]
    read = {r.answers.get("decision.container_orchestrator") for r in capacity.reasons}
    assert "eks" in read and "ecs" not in read
    assert not result.warnings or not any("override" in w for w in result.warnings)


def test_a_dataset_override(advisor: Advisor) -> None:
    result = advisor.evaluate(REQUIREMENTS, BEFORE)
    decision = result.datasets[0].decisions["storage_class"]
    assert decision.choice == "s3_intelligent_tiering"
    assert decision.overridden is not None and decision.overridden.until is None
    assert (
        decision.overridden.advice
        == advisor.evaluate(_without_overrides()).datasets[0].decisions["storage_class"].choice
    )


def test_an_expired_override_stops_applying_with_a_warning(advisor: Advisor) -> None:
    result = advisor.evaluate(REQUIREMENTS, AFTER)
    assert result.decisions["container_orchestrator"].choice == "ecs"
    assert result.decisions["container_orchestrator"].overridden is None
    assert [w for w in result.warnings if "container_orchestrator" in w] == [
        "The override of container_orchestrator (eks) ended on 2027-06-30: the advice applies again; "
        "renew it or remove it from the requirements file."
    ]
    # The override without an end still applies.
    assert result.datasets[0].decisions["storage_class"].choice == "s3_intelligent_tiering"


def test_the_date_is_an_input_of_the_cli(tmp_path: Path) -> None:
    path = _write(tmp_path, REQUIREMENTS)
    runs = [
        CliRunner().invoke(cli, ["recommend", str(path), "--format", "json", "--date", day])
        for day in ("2027-06-30", "2027-06-30", "2027-07-01")
    ]
    assert all(run.exit_code == 0 for run in runs), runs[0].output
    assert runs[0].output == runs[1].output
    assert json.loads(runs[0].output)["decisions"]["container_orchestrator"]["overridden"]["advice"] == "ecs"
    assert "overridden" not in json.loads(runs[2].output)["decisions"]["container_orchestrator"]


def test_explain_and_batch_take_the_date_too(tmp_path: Path) -> None:
    """Every command that evaluates judges the overrides on the one day given (SPEC §9)."""
    path = _write(tmp_path, REQUIREMENTS)
    runner = CliRunner()
    for day, orchestrator in (("2027-06-30", "eks"), ("2027-07-01", "ecs")):
        explained = runner.invoke(
            cli, ["explain", str(path), "container_orchestrator", "--format", "json", "--date", day]
        )
        assert explained.exit_code == 0, explained.output
        (entry,) = json.loads(explained.output)["explained"]
        assert entry["choice"] == orchestrator
        # What would change it is judged on the same day: the team's choice holds while it lasts,
        # so no single answer changes the orchestrator; after it ends, the advice can move.
        assert (entry["would_change"] == []) == (orchestrator == "eks")
        for change in entry["would_change"]:  # each one true on that day
            ((field, value),) = change["set"].items()
            setting = f"{field}={json.dumps(value)}"
            again = runner.invoke(
                cli, ["recommend", str(path), "--format", "json", "--date", day, "--set", setting]
            )
            assert (
                json.loads(again.output)["decisions"]["container_orchestrator"]["choice"] == change["choice"]
            )
        batch = runner.invoke(cli, ["batch", str(path), "--jobs", "1", "--date", day])
        assert batch.exit_code == 0, batch.output
        decided = json.loads(batch.output.splitlines()[0])["decisions"]["container_orchestrator"]
        assert decided["choice"] == orchestrator
        assert ("overridden" in decided) == (orchestrator == "eks")


@pytest.mark.parametrize(
    ("overrides", "named", "line"),
    [
        (
            {"container_orchestra": {"choice": "eks", "reason": "x"}},
            "unknown workload area 'container_orchestra'",
            11,
        ),
        (
            {"container_orchestrator": {"choice": "nomad", "reason": "x"}},
            "'nomad' is not an option of container_orchestrator",
            12,
        ),
        ({"controls": {"choice": "waf", "reason": "x"}}, "unknown workload area 'controls'", 11),
        (
            {"dataset:photos:storage_class": {"choice": "s3_standard", "reason": "x"}},
            "no dataset named 'photos'",
            11,
        ),
        (
            {"dataset:product images:region": {"choice": "eu-west-1", "reason": "x"}},
            "unknown dataset area 'region'",
            11,
        ),
    ],
)
def test_an_unknown_area_or_option_is_exit_2_naming_it(
    tmp_path: Path, overrides: dict, named: str, line: int
) -> None:
    path = _write(tmp_path, {**_without_overrides(), "overrides": overrides})
    result = CliRunner().invoke(cli, ["recommend", str(path)])
    assert result.exit_code == 2
    assert named in result.output
    assert f"line {line}: overrides." in result.output
    assert "Traceback" not in result.output


def test_an_override_needs_a_reason(advisor: Advisor) -> None:
    data = {**_without_overrides(), "overrides": {"container_orchestrator": {"choice": "eks"}}}
    with pytest.raises(InvalidRequirements, match=r"overrides\.container_orchestrator\.reason"):
        advisor.evaluate(data)


def test_text_output_shows_the_team_choice_and_the_advice(tmp_path: Path) -> None:
    path = _write(tmp_path, REQUIREMENTS)
    result = CliRunner().invoke(cli, ["recommend", str(path), "--date", "2026-11-29", "--detail"])
    assert result.exit_code == 0, result.output
    assert "container_orchestrator: eks" in result.output
    assert (
        "overridden by the team (until 2027-06-30): The platform team runs every service on EKS — the advice would be ecs"
        in " ".join(result.output.split())
    )


def test_the_memo_and_the_adr_name_the_team_choice_and_keep_the_advice(tmp_path: Path) -> None:
    path = _write(tmp_path, REQUIREMENTS)
    memo = CliRunner().invoke(cli, ["memo", str(path), "--date", "2026-11-29"])
    assert memo.exit_code == 0, memo.output
    assert "**Team's choice: Amazon EKS.**" in memo.output
    assert "**Advice: Amazon ECS.**" in memo.output
    folder = tmp_path / "adr"
    adr = CliRunner().invoke(
        cli, ["memo", str(path), "--date", "2026-11-29", "--format", "adr", "-o", str(folder)]
    )
    assert adr.exit_code == 0, adr.output
    record = next(folder.glob("*-container-orchestrator.md")).read_text()
    outcome = record.split("## Decision Outcome", 1)[1]
    assert outcome.lstrip().startswith(
        'Chosen option: "Amazon EKS", because the team decided so until 2027-06-30'
    )
    assert 'The advice was "Amazon ECS", because' in outcome
    considered = record.split("## Considered Options", 1)[1].split("##", 1)[0]
    assert "* Amazon EKS" in considered and "* Amazon ECS" in considered
