"""The condition operators of the rule pack: one entry each, read by the loader, the engine, the resolver and the README.

An entry says which fields it may test, what value it takes, when it holds (in Python) and how it
reaches durable-rules. Durable translations are plain dicts (`{"test": ..., "join": ...}`, built
into patterns by `advisor.engine`, the only module that imports durable); "precomputed" means the
test is decided in Python before matching and reaches durable as a flag, because durable's alpha
network fails (error 303) once many threshold tests hold at once. Every test of a numeric or list
field is precomputed, whatever its operator.

`python -m advisor.operators` prints the operator table of rules/README.md;
`scripts/regen-operator-table` writes it there.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

FieldKind = Literal["enum", "bool", "number", "list", "decision"]
# What an operator's value is: a single value, a list of values, a number (or fact:ID), an item.
ValueKind = Literal["scalar", "list", "number", "item"]
Durable = dict[str, str] | Literal["precomputed"]

ANY_FIELD: frozenset[FieldKind] = frozenset(("enum", "bool", "number", "list", "decision"))
PRECOMPUTED_KINDS: frozenset[FieldKind] = frozenset(("number", "list"))
PRECOMPUTED: Literal["precomputed"] = "precomputed"


@dataclass(frozen=True)
class Operator:
    name: str
    meaning: str  # "holds when the answer ...", for rule authors
    fields: frozenset[FieldKind]  # the kinds of field it may test
    value: ValueKind
    holds: Callable[[Any, Any], bool]  # (answer, value) -> whether the test holds
    # How a test of an enum, bool or decision field reaches durable: "test" is "$eq" (plain
    # equality) or a durable operator applied to each value, "join" combines several values.
    durable: Durable
    example: str


def _in(answer: Any, values: Any) -> bool:
    return answer in values


def _not_in(answer: Any, values: Any) -> bool:
    return answer not in values


def _not_contains(answer: Any, item: Any) -> bool:
    return item not in answer


_TABLE = (
    Operator(
        "eq",
        "equals the value (written as the plain value)",
        ANY_FIELD,
        "scalar",
        operator.eq,
        {"test": "$eq", "join": "$or"},
        "workload.type: batch",
    ),
    Operator(
        "ne",
        "differs from the value",
        ANY_FIELD,
        "scalar",
        operator.ne,
        {"test": "$neq", "join": "$and"},
        "workload.environment: {ne: development}",
    ),
    Operator(
        "in",
        "is one of the values",
        ANY_FIELD,
        "list",
        _in,
        {"test": "$eq", "join": "$or"},
        "workload.traffic: {in: [spiky, intermittent]}",
    ),
    Operator(
        "not_in",
        "is none of the values",
        ANY_FIELD,
        "list",
        _not_in,
        {"test": "$neq", "join": "$and"},
        "workload.type: {not_in: [static_site]}",
    ),
    Operator(
        "gt",
        "is greater than the number",
        frozenset(("number",)),
        "number",
        operator.gt,
        PRECOMPUTED,
        "workload.task_duration_seconds: {gt: fact:lambda_max_duration_seconds}",
    ),
    Operator(
        "gte",
        "is at least the number",
        frozenset(("number",)),
        "number",
        operator.ge,
        PRECOMPUTED,
        "workload.lifetime_months: {gte: 12}",
    ),
    Operator(
        "lt",
        "is less than the number",
        frozenset(("number",)),
        "number",
        operator.lt,
        PRECOMPUTED,
        "dataset.retention_days: {lt: 30}",
    ),
    Operator(
        "lte",
        "is at most the number",
        frozenset(("number",)),
        "number",
        operator.le,
        PRECOMPUTED,
        "compute.vcpus: {lte: fact:lightsail_max_vcpus}",
    ),
    Operator(
        "contains",
        "(a list) has the item",
        frozenset(("list",)),
        "item",
        operator.contains,
        PRECOMPUTED,
        "compliance.frameworks: {contains: hipaa}",
    ),
    Operator(
        "not_contains",
        "(a list) lacks the item",
        frozenset(("list",)),
        "item",
        _not_contains,
        PRECOMPUTED,
        "derived.dataset_usages: {not_contains: block_volume}",
    ),
)

OPERATORS: dict[str, Operator] = {op.name: op for op in _TABLE}
DEFAULT = "eq"  # a plain value, `field: value`, tests equality

VALUE_TEXT: dict[ValueKind, str] = {
    "scalar": "a value",
    "list": "a list of values",
    "number": "a number, or `fact:ID`",
    "item": "a value",
}


def holds(op: str, answer: Any, value: Any) -> bool:
    return OPERATORS[op].holds(answer, value)


def is_precomputed(op: str, field_kind: FieldKind) -> bool:
    return field_kind in PRECOMPUTED_KINDS or OPERATORS[op].durable == PRECOMPUTED


README_BEGIN = "<!-- operators: generated from advisor/operators.py by scripts/regen-operator-table -->"
README_END = "<!-- /operators -->"


def markdown_table() -> str:
    """The operator table of rules/README.md."""
    rows = [
        "| operator | holds when the answer | value | fields | engine | example |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for op in _TABLE:
        fields = "any" if op.fields == ANY_FIELD else ", ".join(sorted(op.fields))
        engine = "computed before matching" if op.durable == PRECOMPUTED else "matched by durable-rules"
        rows.append(
            f"| `{op.name}` | {op.meaning} | {VALUE_TEXT[op.value]} | {fields} | {engine} | `{op.example}` |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown_table())
