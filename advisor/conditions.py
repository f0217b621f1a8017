"""A rule's conditions (`when:`): the fields a rule may test, and each test as a model checked against the operator table."""

from __future__ import annotations

import re
from typing import Annotated, Any, cast

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from advisor import fields, operators
from advisor.operators import FieldKind
from advisor.pack_models import Strict

DERIVED_FIELDS = {
    # name: (kind, what it means) -- computed by advisor.facts from the answers, never AWS knowledge
    "derived.encryption_at_rest": ("bool", "encryption_at_rest, or true when any framework is listed"),
    "derived.has_datasets": ("bool", "at least one dataset is listed"),
    "derived.dataset_usages": ("list", "the usage of every dataset"),
    "derived.dataset_count": ("number", "how many datasets are listed"),
    "derived.total_size_gb": ("number", "the size of all datasets together"),
    "derived.unreproducible_datasets": (
        "number",
        "how many datasets cannot be regenerated if lost (reproducible: false)",
    ),
    "derived.memory_per_vcpu": ("number", "compute.memory_gib divided by compute.vcpus (GiB per vCPU)"),
}

# The kind of every answer a rule may test (a section such as `workload` is none), then the derived values.
FIELD_KINDS: dict[str, str] = {
    **{found.path: found.kind for found in fields.walk() if found.model is None},
    **{name: kind for name, (kind, _) in DERIVED_FIELDS.items()},
}

Scalar = str | bool | int | float
Operand = Scalar | list[Scalar]


def field_kind(name: str) -> FieldKind | None:
    """The kind of a field rules may test, or None for a field they cannot."""
    if name.startswith("decision."):
        return "decision"
    kind = FIELD_KINDS.get(name)
    return cast("FieldKind", kind) if kind is not None else None


def _test_of(item: Any) -> Any:
    # `field: value` or `field: {op: value}`, as written in a rule file, to a test's fields.
    if not isinstance(item, dict) or (set(item) >= {"field", "op"}):
        return item  # a test already, or something the test models reject
    if len(item) != 1:
        raise ValueError("each test is one field: `field: value` or `field: {op: value}`")
    ((name, spec),) = item.items()
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise ValueError(f"{name}: one operator per field (use any: for alternatives)")
        ((op, value),) = spec.items()
    else:
        op, value = operators.DEFAULT, spec
    return {"field": name, "op": op, "value": value}


def _scalar(value: Any) -> Any:
    if value is not None and not isinstance(value, Scalar):
        raise ValueError("takes a single value (in: and not_in: take a list)")
    return value


def _values(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise ValueError("takes a list of values")
    for item in value:
        _scalar(item)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("takes a number or fact:ID")
    return value


def _item(value: Any) -> Any:
    if value is None or not isinstance(value, Scalar):
        raise ValueError("takes one item of the list")
    return value


class FieldTest(Strict):
    field: str
    op: str
    value: Any  # each value kind's model below checks it
    facts: tuple[str, ...] = Field((), description="The facts (fact:ID) its value quotes, resolved at load.")

    @model_validator(mode="before")
    @classmethod
    def _resolve_facts(cls, data: Any, info: ValidationInfo) -> Any:
        facts = (info.context or {}).get("facts")
        if not isinstance(data, dict) or facts is None or data.get("facts"):
            return data
        quoted: list[str] = []

        def resolve(value: Any) -> Any:
            if isinstance(value, list):
                return [resolve(v) for v in value]
            if isinstance(value, str) and value.startswith("fact:"):
                if value[5:] not in facts:
                    raise ValueError(f"refers to unknown fact {value[5:]!r}")
                quoted.append(value)
                return facts[value[5:]].value
            return value

        value = resolve(data.get("value"))
        return {**data, "value": value, "facts": tuple(quoted)} if quoted else data

    @field_validator("field")
    @classmethod
    def _known_field(cls, name: str) -> str:
        if field_kind(name) is None:
            raise ValueError(f"tests unknown field {name!r}")
        return name

    @model_validator(mode="after")
    def _fits_field(self) -> FieldTest:
        kind = field_kind(self.field)
        allowed = operators.OPERATORS[self.op].fields
        if kind not in allowed:
            raise ValueError(
                f"{self.op} needs a {' or '.join(sorted(allowed))} field; {self.field} is {kind}"
            )
        return self

    @property
    def kind(self) -> FieldKind:
        return cast("FieldKind", field_kind(self.field))


class ScalarTest(FieldTest):
    value: Annotated[Any, AfterValidator(_scalar)]


class ListTest(FieldTest):
    value: Annotated[Any, AfterValidator(_values)]


class NumberTest(FieldTest):
    value: Annotated[Any, AfterValidator(_number)]


class ItemTest(FieldTest):
    value: Annotated[Any, AfterValidator(_item)]


def _value_kind(data: Any) -> str | None:
    op = data.get("op") if isinstance(data, dict) else getattr(data, "op", None)
    entry = operators.OPERATORS.get(op) if isinstance(op, str) else None
    return entry.value if entry else None


# A test of one field: which model checks it follows from its operator's value kind in the table.
Test = Annotated[
    Annotated[ScalarTest, Tag("scalar")]
    | Annotated[ListTest, Tag("list")]
    | Annotated[NumberTest, Tag("number")]
    | Annotated[ItemTest, Tag("item")],
    Discriminator(
        _value_kind,
        custom_error_type="unknown_operator",
        custom_error_message="unknown operator; known: " + ", ".join(operators.OPERATORS),
    ),
    BeforeValidator(_test_of),
]
TEST_MODELS: dict[str, type[FieldTest]] = {
    "scalar": ScalarTest,
    "list": ListTest,
    "number": NumberTest,
    "item": ItemTest,
}
_OLD_GROUP = re.compile(r"^any_[0-9]+$")  # any_2, any_3: the old spelling of further groups


class When(Strict):
    """A rule's conditions: every test of `all` holds, and in each group of `any_of` one test holds.

    In a rule file `when:` is a mapping: `field: value` or `field: {op: value}` for each test of
    `all`; `any:` one group (a list of one-field tests); `any_of:` a list of such groups. `any_2:`,
    `any_3:` ... are the old spelling of further groups and still load.
    """

    all: dict[str, Test] = Field(default_factory=dict)
    any_of: list[Annotated[list[Test], Field(min_length=1)]] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_rule_file(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "all" in data:
            return data
        tests: dict[str, Any] = {}
        groups: list[Any] = []
        for name, spec in data.items():
            if name == "any" or _OLD_GROUP.match(str(name)):
                groups.append(spec)
            elif name == "any_of":
                groups.extend(spec if isinstance(spec, list) else [spec])
            else:
                tests[name] = {name: spec}
        return {"all": tests, "any_of": groups}

    def tests(self) -> list[FieldTest]:
        return [*self.all.values(), *(t for group in self.any_of for t in group)]
