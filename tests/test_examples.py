"""Each example in examples/ gets the key decisions written in tests/expectations/<example>.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES

EXPECTATIONS = Path(__file__).parent / "expectations"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def test_there_are_enough_examples():
    assert len(EXAMPLE_FILES) >= 8


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_example_gets_its_expected_decisions(advisor, path):
    expected_file = EXPECTATIONS / f"{path.stem}.yaml"
    assert expected_file.exists(), f"write the key decisions of {path.name} into {expected_file}"
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    result = advisor.evaluate(path).to_dict()
    problems = []
    for area, choice in (expected.get("decisions") or {}).items():
        got = result["decisions"][area]["choice"]
        if got != choice:
            problems.append(f"{area}: expected {choice}, got {got}")
    datasets = {d["name"]: d["decisions"] for d in result["datasets"]}
    for name, areas in (expected.get("datasets") or {}).items():
        for area, choice in areas.items():
            got = datasets[name][area]["choice"]
            if got != choice:
                problems.append(f"{name}.{area}: expected {choice}, got {got}")
    controls = [c["id"] for c in result["controls"]]
    for control in expected.get("controls_include") or []:
        if control not in controls:
            problems.append(f"control {control} not proposed")
    for control in expected.get("controls_exclude") or []:
        if control in controls:
            problems.append(f"control {control} proposed")
    assert not problems, "\n".join(problems)
