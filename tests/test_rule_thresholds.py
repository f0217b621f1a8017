"""Every number a rule's `when` tests is a fact with an AWS source, never a bare number."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from advisor.rulepack import load

RULES = Path(__file__).resolve().parent.parent / "rules"
GROUPS = {"any", "any_of"}
# A count compared with zero ("at least one data set cannot be regenerated") is arithmetic, not
# an AWS threshold: no AWS page could be its source, so 0 is the one number a `when` may test.
ALLOWED_BARE = {0}


def _numbers(when: object, path: str) -> Iterator[tuple[str, object]]:
    """Yield (field path, number) for every bare number under a `when` block."""
    if isinstance(when, dict):
        for key, value in when.items():
            yield from _numbers(value, f"{path}.{key}" if path else str(key))
    elif isinstance(when, list):
        for item in when:
            yield from _numbers(item, path)
    elif isinstance(when, int | float) and not isinstance(when, bool):
        yield path, when


def _bare_numbers(text: str) -> list[str]:
    document = yaml.safe_load(text)
    found = []
    for rule in document.get("rules", []):
        for field, number in _numbers(rule.get("when", {}), ""):
            if number not in ALLOWED_BARE:
                found.append(f"{rule['id']}: {field} tests {number}")
    return found


def _rule_files() -> list[Path]:
    return sorted(p for p in RULES.glob("*/*.yaml") if p.parent.name not in {"facts", "tables", "prices"})


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_rule_tests_a_bare_number(path: Path) -> None:
    assert _bare_numbers(path.read_text(encoding="utf-8")) == []


def test_a_bare_number_in_any_form_is_found() -> None:
    text = """
rules:
  - id: x.plain
    when: {availability.target: 99.99}
  - id: x.operator
    when: {compute.vcpus: {lte: 2}}
  - id: x.group
    when:
      any_of:
        - - dataset.retention_days: {gt: 30.5}
  - id: x.fact
    when: {compute.vcpus: {lte: fact:lightsail_max_vcpus}, derived.dataset_count: {gt: 0}}
  - id: x.bool
    when: {workload.stateful: true}
"""
    assert _bare_numbers(text) == [
        "x.plain: availability.target tests 99.99",
        "x.operator: compute.vcpus.lte tests 2",
        "x.group: any_of.dataset.retention_days.gt tests 30.5",
    ]


def test_every_fact_a_when_tests_has_an_aws_source() -> None:
    pack = load()
    tested = set()
    for path in _rule_files():
        text = path.read_text(encoding="utf-8")
        tested.update(part.split()[0].rstrip("},") for part in text.split("fact:")[1:])
    for fact_id in sorted(tested):
        fact = pack.facts[fact_id]
        assert "amazon.com" in str(fact.source), fact_id
