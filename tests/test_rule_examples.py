"""Every rule carries scenarios that must fire it and scenarios that must not; run them all."""

from __future__ import annotations

import pytest
from conftest import decided, scenario

from advisor.rulepack import load

PACK = load()
CASES = [
    pytest.param(rule.id, kind, index, example, id=f"{rule.id}-{kind}{index}")
    for rule in PACK.rules
    for kind in ("fires", "quiet")
    for index, example in enumerate(getattr(rule.rule.examples, kind))
]


@pytest.mark.parametrize(("rule_id", "kind", "index", "example"), CASES)
def test_rule_example(advisor, rule_id, kind, index, example):
    data, expect = scenario(example)
    result = advisor.evaluate(data)
    if kind == "fires":
        assert rule_id in result.fired_rules, f"{rule_id} did not fire on {data}"
    else:
        assert rule_id not in result.fired_rules, f"{rule_id} fired on {data}"
    for area, choice in expect.items():
        if area == "controls_include":
            ids = [c.id for c in result.controls]
            for control in [choice] if isinstance(choice, str) else choice:
                assert control in ids, f"{control} not proposed: {ids}"
            continue
        if area == "controls_exclude":
            ids = [c.id for c in result.controls]
            for control in [choice] if isinstance(choice, str) else choice:
                assert control not in ids, f"{control} proposed: {ids}"
            continue
        assert decided(result, area) == choice, f"{area}: expected {choice} for {data}"
