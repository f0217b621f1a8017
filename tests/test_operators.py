"""The operator table: complete, its examples load, and rules/README.md shows it as generated."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
import yaml

from advisor import operators
from advisor.conditions import TEST_MODELS, When
from advisor.rulepack import load

README = Path(__file__).resolve().parent.parent / "rules" / "README.md"
PACK = load()


def test_readme_operator_table_is_generated_from_the_table():
    text = README.read_text(encoding="utf-8")
    assert operators.README_BEGIN in text and operators.README_END in text, (
        "markers missing in rules/README.md"
    )
    shown = text.split(operators.README_BEGIN, 1)[1].split(operators.README_END, 1)[0].strip("\n")
    assert shown == operators.markdown_table().strip("\n"), (
        "rules/README.md's operator table differs from advisor/operators.py: "
        "run `.venv/bin/python scripts/regen-operator-table` and commit the README"
    )


def test_every_value_kind_has_a_test_model():
    assert set(TEST_MODELS) == set(typing.get_args(operators.ValueKind))


@pytest.mark.parametrize("op", operators.OPERATORS)
def test_each_example_is_a_valid_test_of_its_operator(op):
    example = operators.OPERATORS[op].example
    when = When.model_validate(yaml.safe_load(example), context={"facts": PACK.facts})
    (test,) = when.tests()
    assert (test.field, test.op) == (example.split(":")[0], op)


@pytest.mark.parametrize(
    ("op", "answer", "value", "expected"),
    [
        ("eq", "batch", "batch", True),
        ("ne", "batch", "batch", False),
        ("in", "spiky", ["spiky", "periodic"], True),
        ("not_in", "spiky", ["spiky"], False),
        ("gt", 901, 900, True),
        ("gte", 900, 900, True),
        ("lt", 900, 900, False),
        ("lte", 900, 900, True),
        ("contains", ["hipaa", "gdpr"], "hipaa", True),
        ("not_contains", ["hipaa"], "hipaa", False),
    ],
)
def test_each_operator_holds_as_documented(op, answer, value, expected):
    assert operators.holds(op, answer, value) is expected
