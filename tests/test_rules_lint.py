"""`advisor rules lint`: clean on the built-in pack, and each kind of finding named on a seeded bad pack."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.rule_sources import UnreadablePack
from advisor.rulepack import default_root
from advisor.rules_lint import Finding, lint

CHECKED = datetime.date(2026, 11, 29)  # within a year of every fact's as_of


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(default_root(), root)
    return root


def _edit_rule(root: Path, rule_id: str, change: Callable[[dict[str, Any]], None]) -> Path:
    for path in sorted(root.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "rules" not in data:
            continue
        for rule in data["rules"]:
            if rule.get("id") == rule_id:
                change(rule)
                path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
                return path
    raise AssertionError(f"no rule {rule_id}")


def _only(findings: list[Finding], kind: str) -> list[Finding]:
    assert findings, "lint found nothing"
    assert {f.kind for f in findings} == {kind}, [str(f) for f in findings]
    return findings


def test_the_builtin_pack_is_clean():
    assert [str(f) for f in lint(today=CHECKED)] == []


def test_malformed_ids_are_named_with_their_line(tmp_path):
    root = _copy(tmp_path)
    _edit_rule(root, "elb.nlb.tcp-udp", lambda rule: rule.update(id="elb.NLB tcp"))
    (finding,) = _only(lint(root, CHECKED), "malformed-id")
    assert finding.subject == "elb.NLB tcp"
    assert finding.where.startswith("load_balancer/alb-nlb.yaml:")
    line = int(finding.where.rsplit(":", 1)[1])
    text = (root / "load_balancer/alb-nlb.yaml").read_text(encoding="utf-8").splitlines()
    assert "elb.NLB tcp" in text[line - 1]


def test_duplicate_ids_name_both_places(tmp_path):
    root = _copy(tmp_path)
    _edit_rule(root, "elb.nlb.ultra-low-latency", lambda rule: rule.update(id="elb.nlb.tcp-udp"))
    (finding,) = _only(lint(root, CHECKED), "duplicate-id")
    assert finding.subject == "elb.nlb.tcp-udp"
    assert "already used at load_balancer/alb-nlb.yaml:" in finding.message


def test_ids_without_their_areas_prefix(tmp_path):
    root = _copy(tmp_path)
    _edit_rule(root, "elb.nlb.tcp-udp", lambda rule: rule.update(id="balancer.nlb.tcp-udp"))
    (finding,) = _only(lint(root, CHECKED), "id-prefix")
    assert finding.subject == "balancer.nlb.tcp-udp"
    assert "'elb.'" in finding.message


def test_options_no_rule_can_reach(tmp_path):
    root = _copy(tmp_path)
    for rule_id in ("elb.nlb.tcp-udp", "elb.nlb.ultra-low-latency"):
        _edit_rule(root, rule_id, lambda rule: rule.update(effect={"favor": "alb"}))
    (finding,) = _only(lint(root, CHECKED), "unreachable-option")
    assert finding.subject == "load_balancer.nlb"


def test_a_value_outside_a_fields_enum_never_fires(tmp_path):
    root = _copy(tmp_path)
    _edit_rule(root, "elb.nlb.tcp-udp", lambda rule: rule["when"].update({"workload.protocol": "quic"}))
    (finding,) = _only(lint(root, CHECKED), "never-fires")
    assert finding.subject == "elb.nlb.tcp-udp"
    assert "workload.protocol: 'quic' is not one of its values (http, tcp, udp)" in finding.message


def test_two_tests_of_one_field_that_cannot_hold_together(tmp_path):
    root = _copy(tmp_path)

    def contradict(rule: dict[str, Any]) -> None:
        rule["when"]["workload.protocol"] = "tcp"
        rule["when"]["any"] = [{"workload.protocol": "http"}]

    _edit_rule(root, "elb.nlb.tcp-udp", contradict)
    (finding,) = _only(lint(root, CHECKED), "never-fires")
    assert finding.message == "its tests of workload.protocol cannot hold together"


def test_numeric_tests_that_cannot_hold_together(tmp_path):
    root = _copy(tmp_path)

    def contradict(rule: dict[str, Any]) -> None:
        rule["when"]["workload.lifetime_months"] = {"lt": 6}
        rule["when"]["any"] = [{"workload.lifetime_months": {"gt": 24}}]

    _edit_rule(root, "elb.nlb.tcp-udp", contradict)
    (finding,) = _only(lint(root, CHECKED), "never-fires")
    assert "workload.lifetime_months" in finding.message


def test_rules_tying_on_the_same_answers_are_reported_with_an_example(tmp_path):
    root = _copy(tmp_path)
    _edit_rule(root, "compute.containers.portable", lambda rule: rule["effect"].update(weight=3))
    findings = _only(lint(root, CHECKED), "overlap")
    subjects = {f.subject for f in findings}
    assert "compute.containers.portable / compute.ec2.cpu-heavy-jobs" in subjects
    (shown,) = [f for f in findings if f.subject.endswith("cpu-heavy-jobs")]
    assert "team.portability=hybrid" in shown.message
    assert "workload.type=media_transcoding" in shown.message


def test_unused_facts(tmp_path):
    root = _copy(tmp_path)
    with (root / "facts" / "compute.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "nobody_quotes_me:\n  value: 1\n  text: one\n"
            "  source: https://docs.aws.amazon.com/ec2/\n  as_of: 2026-11-27\n"
        )
    (finding,) = _only(lint(root, CHECKED), "unused-fact")
    assert finding.subject == "nobody_quotes_me"
    assert finding.where.startswith("facts/compute.yaml:")


def _checked_on() -> dict[str, datetime.date]:
    """Each built-in fact's as_of, read from the files: re-checking a fact moves its date."""
    dates = {}
    for path in sorted((default_root() / "facts").glob("*.yaml")):
        for key, fact in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            dates[key] = fact["as_of"]
    return dates


def test_facts_checked_over_a_year_before_the_given_date():
    dates = _checked_on()
    oldest = min(dates.values())
    a_year_on = oldest.replace(year=oldest.year + 1)
    day_after = a_year_on + datetime.timedelta(days=1)
    findings = _only(lint(today=day_after), "stale-fact")
    assert {f.subject for f in findings} == {key for key, day in dates.items() if day == oldest}
    assert f"over a year before {day_after.isoformat()}" in findings[0].message
    assert lint(today=a_year_on) == []  # exactly a year: not yet stale


def test_tables_missing_an_option(tmp_path):
    root = _copy(tmp_path)
    path = root / "tables" / "instance_types.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["families"]["x"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (finding,) = _only(lint(root, CHECKED), "table-missing-option")
    assert finding.where == "tables/instance_types.yaml"
    assert "'x' of instance_family" in finding.message


def test_an_unreadable_pack_is_an_error_not_a_finding(tmp_path):
    root = _copy(tmp_path)
    (root / "load_balancer" / "alb-nlb.yaml").write_text("area: [unclosed\n", encoding="utf-8")
    with pytest.raises(UnreadablePack, match=r"load_balancer/alb-nlb.yaml: line 2: is not valid YAML"):
        lint(root, CHECKED)
    with pytest.raises(UnreadablePack, match="not a rule pack"):
        lint(tmp_path, CHECKED)
