"""Every example and 50 generated profiles give exactly the JSON kept in tests/outputs/, byte for byte."""

from __future__ import annotations

import json

import pytest
from expected_outputs import GENERATED, OUTPUTS, compact_output, example_files, example_output, stored_inputs


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem)
def test_an_example_prints_the_kept_json(advisor, path):
    expected = (OUTPUTS / f"{path.stem}.json").read_text(encoding="utf-8")
    assert example_output(advisor, path) == expected, "run scripts/regen-outputs if the change is meant"


def test_generated_profiles_give_the_kept_json_lines(advisor):
    inputs = stored_inputs()
    expected = GENERATED.read_text(encoding="utf-8").splitlines()
    assert len(inputs) == len(expected) == 50
    for index, (data, line) in enumerate(zip(inputs, expected, strict=True)):
        assert compact_output(advisor, data) == line, f"profile {index}: {json.dumps(data)[:200]}"


def test_the_sample_covers_every_example():
    kept = {p.stem for p in OUTPUTS.glob("*.json")}
    assert kept == {p.stem for p in example_files()}


def test_the_fast_serializers_write_what_json_dumps_writes(advisor):
    for data in stored_inputs()[:10]:
        result = advisor.evaluate(data)
        as_data = result.to_dict()
        assert result.to_json() == json.dumps(as_data, indent=2, ensure_ascii=False)
        assert result.to_json(indent=4) == json.dumps(as_data, indent=4, ensure_ascii=False)
        assert result.to_json(indent=None) == json.dumps(as_data, ensure_ascii=False)
        assert result.to_json_line() == json.dumps(as_data, ensure_ascii=False, separators=(",", ":"))
