"""Questioning a decision: explain, diff, --set and would_change, driven as a user drives them."""

from __future__ import annotations

import json
import re
from typing import Any, Literal, get_args, get_origin

import pytest
import yaml
from click.testing import CliRunner
from conftest import EXAMPLES

from advisor import fields
from advisor.cli import cli
from advisor.loading import load_source
from advisor.sensitivity import Key, decisions, evaluate_with_sensitivity, would_change
from advisor.settings import BadSetting, Setting, apply, parse
from advisor.validation import check, with_defaults

BATCH = EXAMPLES / "overnight-batch.yaml"  # restartable batch work: Spot
WEB_SHOP = EXAMPLES / "web-shop.yaml"


@pytest.fixture
def runner():
    return CliRunner()


def _evaluate_with(advisor, path, setting: Setting):
    document = apply(load_source(path), [setting])
    return advisor.evaluate_profile(with_defaults(document, check(document), advisor.pack.type_defaults))


def _batch_not_interruptible(tmp_path):
    data = yaml.safe_load(BATCH.read_text())
    data["workload"]["interruptible"] = "no"
    path = tmp_path / "not-interruptible.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


# ---- explain ---------------------------------------------------------------------------------


def test_explain_json_names_scores_rules_answers_facts_and_what_would_change(runner):
    done = runner.invoke(cli, ["explain", str(BATCH), "purchase_option", "--format", "json"])
    assert done.exit_code == 0, done.output
    (item,) = json.loads(done.stdout)["explained"]
    assert item["target"] == "purchase_option" and item["choice"] == "spot"
    assert item["options"][0] == {"option": "spot", "chosen": True, "score": 8, "excluded_by": []}
    spot = next(r for r in item["reasons"] if r["rule"] == "purchase.spot.interruptible-ec2")
    assert spot["weight"] == 5 and spot["option"] == "spot"
    assert {"path": "workload.interruptible", "value": "restartable", "from": "file"} in spot["answers"]
    notice = next(f for f in spot["facts"] if f["id"] == "spot_notice")
    expected = yaml.safe_load((EXAMPLES.parent / "rules" / "facts" / "purchase.yaml").read_text())[
        "spot_notice"
    ]
    assert notice["as_of"] == expected["as_of"].isoformat() and notice["source"] == expected["source"]
    assert {"set": {"workload.interruptible": "no"}, "choice": "on_demand"} in item["would_change"]


def test_explain_text_shows_the_rules_and_what_would_change_it(runner):
    done = runner.invoke(cli, ["explain", str(BATCH), "purchase_option"])
    assert done.exit_code == 0, done.output
    text = done.stdout
    assert "purchase_option: spot (confidence high)" in text
    assert "+5 favor spot: purchase.spot.interruptible-ec2" in text
    checked = yaml.safe_load((EXAMPLES.parent / "rules" / "facts" / "purchase.yaml").read_text())[
        "spot_notice"
    ]
    assert f"fact spot_notice: a two-minute notice (as of {checked['as_of'].isoformat()})" in text
    after = text.split("what would change it", 1)[1]
    assert "on_demand: " in after and "workload.interruptible=no" in after.split("on_demand: ", 1)[1]
    assert max(len(line) for line in text.splitlines()) <= 80


def test_set_interruptible_no_loses_spot_and_rules_it_out(runner):
    done = runner.invoke(
        cli,
        ["explain", str(BATCH), "purchase_option", "--format", "json", "--set", "workload.interruptible=no"],
    )
    assert done.exit_code == 0, done.output
    (item,) = json.loads(done.stdout)["explained"]
    assert item["choice"] == "on_demand"
    spot = next(o for o in item["options"] if o["option"] == "spot")
    assert spot["score"] is None and spot["excluded_by"]
    assert {"set": {"workload.interruptible": "restartable"}, "choice": "spot"} in item["would_change"]


def test_explain_every_decision_and_a_dataset_and_a_control(runner, advisor):
    done = runner.invoke(cli, ["explain", str(BATCH), "--format", "json"])
    assert done.exit_code == 0, done.output
    targets = [item["target"] for item in json.loads(done.stdout)["explained"]]
    result = advisor.evaluate(BATCH)
    assert targets[: len(result.decisions)] == list(result.decisions)
    assert "dataset:portfolio snapshots:storage_class" in targets
    assert "control:backups" in targets
    control = runner.invoke(cli, ["explain", str(BATCH), "control:backups", "--format", "json"])
    (item,) = json.loads(control.stdout)["explained"]
    assert item["choice"] == "proposed" and item["reasons"]
    assert all(change["choice"] == "not_proposed" for change in item["would_change"])


def test_explain_an_unknown_target_is_exit_2_with_a_hint(runner):
    done = runner.invoke(cli, ["explain", str(BATCH), "purchase_optoin"])
    assert done.exit_code == 2
    assert 'did you mean "purchase_option"' in done.output and "Traceback" not in done.output


# ---- diff ------------------------------------------------------------------------------------


def test_diff_shows_answers_decisions_and_reasons_on_each_side(runner, tmp_path):
    other = _batch_not_interruptible(tmp_path)
    done = runner.invoke(cli, ["diff", str(BATCH), str(other), "--format", "json"])
    assert done.exit_code == 1, done.output
    diff = json.loads(done.stdout)
    assert diff["same"] is False
    assert {"path": "workload.interruptible", "a": "restartable", "b": "no"} in diff["answers"]
    purchase = next(d for d in diff["decisions"] if d["target"] == "purchase_option")
    assert (purchase["a"], purchase["b"]) == ("spot", "on_demand")
    assert "purchase.spot.interruptible-ec2" in [r["rule"] for r in purchase["reasons_a"]]
    assert any(r["effect"] == "exclude" and r["option"] == "spot" for r in purchase["reasons_b"])
    text = runner.invoke(cli, ["diff", str(BATCH), str(other)])
    assert text.exit_code == 1
    assert "workload.interruptible: restartable → no" in text.stdout
    assert "purchase_option: spot → on_demand" in text.stdout


def test_diff_of_a_file_with_itself_is_exit_0(runner):
    done = runner.invoke(cli, ["diff", str(WEB_SHOP), str(WEB_SHOP), "--format", "json"])
    assert done.exit_code == 0, done.output
    diff = json.loads(done.stdout)
    assert diff["same"] is True and diff["decisions"] == [] and diff["answers"] == []


def test_diff_with_set_asks_what_if(runner):
    done = runner.invoke(cli, ["diff", str(WEB_SHOP), str(WEB_SHOP), "--set", "compliance.frameworks=[]"])
    assert done.exit_code == 1, done.output
    assert "compliance.frameworks: [pci_dss] → []" in done.stdout
    assert "controls removed\n  kms_encryption" in done.stdout  # PCI DSS asked for encryption at rest
    traffic = runner.invoke(cli, ["diff", str(WEB_SHOP), str(WEB_SHOP), "--set", "workload.traffic=spiky"])
    assert traffic.exit_code == 1
    assert "purchase_option: savings_plan → on_demand" in traffic.stdout


def test_diff_of_a_bad_file_is_exit_2(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\nworkload: {type: nope}\n")
    assert runner.invoke(cli, ["diff", str(WEB_SHOP), str(bad)]).exit_code == 2


# ---- --set -----------------------------------------------------------------------------------


def test_set_reads_yaml_scalars():
    assert parse("workload.traffic=spiky") == Setting("workload.traffic", "spiky")
    assert parse("workload.lifetime_months=11") == Setting("workload.lifetime_months", 11)
    assert parse("workload.stateful=true") == Setting("workload.stateful", True)
    assert parse("compliance.data_residency=null") == Setting("compliance.data_residency", None)
    assert parse("datasets[1].access=rare") == Setting("datasets[1].access", "rare")
    assert parse("compliance.frameworks=[hipaa, gdpr]").value == ["hipaa", "gdpr"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("workload.trafic=spiky", 'did you mean "workload.traffic"'),
        ("workload=x", "not an answer"),
        ("dataset.access=rare", "not an answer"),
        ("workload.traffic", "PATH=VALUE"),
        ("workload.traffic={a: 1}", "single value"),
        ("workload.traffic=[a, b]", "single value"),
    ],
)
def test_a_bad_setting_is_refused_with_a_hint(text, says):
    with pytest.raises(BadSetting, match=says.replace("[", r"\[")):
        parse(text)


@pytest.mark.parametrize("command", ["recommend", "memo", "explain", "batch"])
def test_set_on_every_command_refuses_an_unknown_path_with_exit_2(runner, command):
    done = runner.invoke(cli, [command, str(BATCH), "--set", "workload.interruptble=no"])
    assert done.exit_code == 2
    assert 'did you mean "workload.interruptible"' in done.output and "Traceback" not in done.output


def test_set_an_invalid_value_or_a_missing_dataset_is_exit_2(runner):
    done = runner.invoke(cli, ["recommend", str(BATCH), "--set", "workload.interruptible=maybe"])
    assert done.exit_code == 2
    assert "workload.interruptible: 'maybe' is not one of no, restartable, checkpointed" in done.output
    assert "line" not in done.output  # the value came from --set, not from a line of the file
    done = runner.invoke(cli, ["recommend", str(BATCH), "--set", "datasets[7].access=rare"])
    assert done.exit_code == 2 and "datasets[7]" in done.output


def test_set_changes_recommend_memo_and_batch(runner, tmp_path):
    done = runner.invoke(
        cli, ["recommend", str(BATCH), "--format", "json", "--set", "workload.interruptible=no"]
    )
    assert json.loads(done.stdout)["decisions"]["purchase_option"]["choice"] == "on_demand"
    done = runner.invoke(cli, ["batch", str(BATCH), "--set", "workload.interruptible=no"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout.splitlines()[0])["decisions"]["purchase_option"]["choice"] == "on_demand"
    memo = runner.invoke(
        cli, ["memo", str(BATCH), "--date", "2026-01-02", "--set", "workload.interruptible=no"]
    )
    assert memo.exit_code == 0, memo.output
    assert "Purchase option: On-Demand" in memo.stdout


def test_set_leaves_the_callers_document_alone():
    document = load_source({"version": 1, "name": "x", "workload": {"type": "batch"}})
    changed = apply(document, [Setting("workload.traffic", "spiky")])
    assert document.data == {"version": 1, "name": "x", "workload": {"type": "batch"}}
    assert changed.data["workload"] == {"type": "batch", "traffic": "spiky"}


# ---- would_change ----------------------------------------------------------------------------


def test_recommend_json_has_would_change_only_with_sensitivity(runner, advisor):
    plain = runner.invoke(cli, ["recommend", str(BATCH), "--format", "json"])
    assert plain.stdout == advisor.evaluate(BATCH).to_json() + "\n"
    assert "would_change" not in plain.stdout
    done = runner.invoke(cli, ["recommend", str(BATCH), "--format", "json", "--sensitivity"])
    data = json.loads(done.stdout)
    assert all("would_change" in d for d in data["decisions"].values())
    assert all("would_change" in d for ds in data["datasets"] for d in ds["decisions"].values())
    purchase = data["decisions"]["purchase_option"]["would_change"]
    assert {"set": {"workload.interruptible": "no"}, "choice": "on_demand"} in purchase
    # Everything else is the plain output.
    for decision in [
        *data["decisions"].values(),
        *(d for ds in data["datasets"] for d in ds["decisions"].values()),
    ]:
        del decision["would_change"]
    assert data == json.loads(plain.stdout)


def test_would_change_crosses_number_thresholds_read_from_the_pack(advisor):
    result = evaluate_with_sensitivity(advisor, WEB_SHOP)
    purchase = result.decisions["purchase_option"].would_change
    assert result.decisions["purchase_option"].choice == "savings_plan"
    # purchase rules test workload.lifetime_months >= 12 (and < 12): 36 months crosses at 11.
    assert {"workload.lifetime_months": 11} in [c.set for c in purchase]


def _enum_values(found: fields.Field) -> list[Any]:
    """Every value of an enum or boolean answer, read from the model (independently of advisor.sensitivity)."""
    annotation = found.annotation
    if annotation is bool:
        return [False, True]
    if annotation == (bool | None):
        return [None, False, True]
    values: list[Any] = []
    for part in get_args(annotation) or (annotation,):
        if get_origin(part) is Literal:
            values += list(get_args(part))
        elif part is type(None):
            values.append(None)
    if get_origin(annotation) is Literal:
        values = list(get_args(annotation))
    return values


def _brute_force(advisor, path):
    """would_change of the example against evaluating every enum value of every answer, one at a time."""
    document = load_source(path)
    result = advisor.evaluate_profile(with_defaults(document, check(document), advisor.pack.type_defaults))
    found_changes = would_change(advisor, document, result)
    baseline = dict(decisions(result))
    answers = result.profile.answers()
    tried: dict[tuple[str, str], dict[Key, str]] = {}
    for found in fields.walk():
        values = _enum_values(found)
        if not values or found.model is not None:
            continue
        holders = (
            [(f"datasets[{i}].{found.name}", d) for i, d in enumerate(answers["datasets"])]
            if found.path.startswith("dataset.")
            else [(found.path, answers[found.path.split(".")[0]] if "." in found.path else answers)]
        )
        for setting_path, holder in holders:
            for value in values:
                if value == holder.get(found.name) and type(value) is type(holder.get(found.name)):
                    continue
                try:
                    changed = _evaluate_with(advisor, path, Setting(setting_path, value))
                except ValueError:
                    continue
                tried[(setting_path, repr(value))] = dict(decisions(changed))
    for key, choice in baseline.items():
        listed = {(p, repr(v), change.choice) for change in found_changes[key] for p, v in change.set.items()}
        enum_listed = {item for item in listed if (item[0], item[1]) in tried}
        expected = {
            (p, v, tried[(p, v)].get(key, "not_proposed"))
            for (p, v) in tried
            if tried[(p, v)].get(key, "not_proposed") != choice
        }
        assert enum_listed == expected, (path.name, str(key))
        # Every entry, enum or number, is true: re-evaluating with that one change gives that choice.
        for change in found_changes[key]:
            ((p, v),) = change.set.items()
            got = tried.get((p, repr(v)))
            if got is None:
                got = tried[(p, repr(v))] = dict(decisions(_evaluate_with(advisor, path, Setting(p, v))))
            assert got.get(key, "not_proposed") == change.choice, (path.name, str(key), p, v)


QUICK = ["overnight-batch.yaml"]  # the rest are slow: ~180 evaluations each
EVERY = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("name", QUICK)
def test_would_change_is_true_and_complete_over_the_enums(advisor, name):
    _brute_force(advisor, EXAMPLES / name)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in EVERY if n not in QUICK])
def test_would_change_is_true_and_complete_over_the_enums_of_every_example(advisor, name):
    _brute_force(advisor, EXAMPLES / name)


# ---- the memo --------------------------------------------------------------------------------


def test_the_memo_says_what_would_change_each_decision_in_every_format():
    markdown = (EXAMPLES / "web-shop.memo.md").read_text()
    html = (EXAMPLES / "web-shop.memo.html").read_text()
    records = sorted((EXAMPLES / "web-shop.adr").glob("0*.md"))
    sections = markdown.count("**What would change this decision**")
    assert sections >= 10
    assert html.count("What would change this decision</h") == sections
    assert records and all("### What would change this decision" in r.read_text() for r in records)
    # The purchase option of the web shop: a one-year lifetime or less ends the Savings Plan.
    heading = re.search(r"^### \d+\. Purchase option: Savings Plan$", markdown, re.M)
    assert heading is not None
    section = markdown[heading.end() :].split("\n### ", 1)[0]
    purchase = section.split("**What would change this decision**")[1]
    assert "- On-Demand: " in purchase.split("**References**")[0]
    # Areas that do not apply say it inline.
    assert "What would change this decision: " in markdown.split("## Areas that do not apply")[1]
