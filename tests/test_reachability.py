"""Every option of every area, and every control, is chosen by some example or rule scenario."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, scenario

from advisor.rulepack import load

PACK = load()


@pytest.fixture(scope="module")
def chosen(advisor):
    seen: dict[str, set[str]] = {area.id: set() for area in PACK.areas}
    results = [advisor.evaluate(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    for rule in PACK.rules:
        for example in rule.rule.examples.fires + rule.rule.examples.quiet:
            results.append(advisor.evaluate(scenario(example)[0]))
    for result in results:
        for area, decision in result.decisions.items():
            seen[area].add(decision.choice)
        for dataset in result.datasets:
            for area, decision in dataset.decisions.items():
                seen[area].add(decision.choice)
        seen["controls"].update(control.id for control in result.controls)
    return seen


@pytest.mark.parametrize("area", [a for a in PACK.areas if not a.open_options], ids=lambda a: a.id)
def test_every_option_is_reachable(chosen, area):
    missing = set(area.options) - chosen[area.id]
    assert not missing, f"{area.id}: no example or scenario chooses {sorted(missing)}"


def test_many_regions_are_reachable(chosen):
    assert len(chosen["region"]) >= 8, sorted(chosen["region"])
