"""A field's answer in `advisor ask`: what kind of answer it takes, and a typed answer parsed and checked."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_origin

import annotated_types
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from advisor import fields

Kind = Literal["choice", "many", "confirm", "number", "text"]
NO_DEFAULT: Any = object()  # the name has none: Enter does not answer it
ANYWHERE = ("anywhere", "none", "null", "-")  # typed for "no data residency"
TRISTATE = {"auto": None, "yes": True, "no": False}
assert tuple(TRISTATE) == fields.TRISTATE


@dataclass(frozen=True)
class Spec:
    """What the model says about one answer: its kind, its options, its default and its limits."""

    path: str  # dotted, "dataset.usage" for a field of a data set
    kind: Kind
    options: tuple[str, ...]  # for choice and many: the keys a user picks (the YAML text of each value)
    default: Any
    info: FieldInfo

    @property
    def integer(self) -> bool:
        return self.info.annotation is int

    def value_of(self, key: str) -> Any:
        """The answer a picked option key stands for."""
        if self.info.annotation == (bool | None):
            return TRISTATE[key]
        if self.info.annotation is float:
            return plain_number(float(key))
        return key

    def key_of(self, value: Any) -> str:
        if self.info.annotation == (bool | None):
            return next(key for key, known in TRISTATE.items() if known is value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def bounds(self) -> tuple[float | None, float | None, bool, bool]:
        """(low, high, low is exclusive, high is exclusive) from the field's constraints."""
        low: float | None = None
        high: float | None = None
        low_open = high_open = False
        for item in self.info.metadata:
            if isinstance(item, annotated_types.Ge):
                low = float(item.ge)  # type: ignore[arg-type]
            elif isinstance(item, annotated_types.Gt):
                low, low_open = float(item.gt), True  # type: ignore[arg-type]
            elif isinstance(item, annotated_types.Le):
                high = float(item.le)  # type: ignore[arg-type]
            elif isinstance(item, annotated_types.Lt):
                high, high_open = float(item.lt), True  # type: ignore[arg-type]
        return low, high, low_open, high_open


@functools.cache
def spec(path: str) -> Spec:
    found = fields.field(path)
    info = found.info
    annotation = info.annotation
    default = info.get_default(call_default_factory=True)
    if default is PydanticUndefined:
        default = NO_DEFAULT
    kind: Kind
    options = found.values()  # the keys a user picks, for a choice or many
    if get_origin(annotation) is list:
        kind = "many"
    elif options:
        kind = "choice"
    elif annotation is bool:
        kind = "confirm"
    elif annotation in (int, float):
        kind = "number"
    else:
        kind = "text"
    return Spec(path, kind, options, default, info)


def plain_number(value: float) -> int | float:
    # 16.0 is written as 16: the file reads as the user typed it, and validates the same.
    return int(value) if isinstance(value, float) and value.is_integer() else value


class Invalid(ValueError):
    """A typed answer that cannot be used; the message is the reason, shown before asking again."""


def parse(field_spec: Spec, text: str) -> Any:
    """A typed answer as the value it stands for, or Invalid with the reason."""
    text = text.strip()
    if field_spec.kind == "number":
        return _parse_number(field_spec, text)
    if field_spec.info.annotation in (str | None, int | None):
        # Enter takes the shown default, which for an open answer is its words ("the same as at
        # the expected load" for usage.peak_instances): they mean null too.
        if text.lower() in ANYWHERE or not text or text == fields.about(field_spec.path).null:
            return None
    adapter: TypeAdapter[Any] = TypeAdapter(_annotated(field_spec.info))
    try:
        return adapter.validate_python(text)
    except ValidationError as error:
        raise Invalid(_reason(error)) from None


def _annotated(info: FieldInfo) -> Any:
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    kind = first["type"]
    if kind == "string_too_short":
        return "an answer is needed"
    if kind == "string_too_long":
        return f"at most {first['ctx']['max_length']} characters, please"
    message = str(first["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def _parse_number(field_spec: Spec, text: str) -> int | float:
    low, high, low_open, high_open = field_spec.bounds()
    whole = field_spec.integer
    limits = span(low, high, low_open, high_open)
    wanted = f"a whole number{limits}" if whole else f"a number{limits}"
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise Invalid(f"{wanted}, please") from None
    if not math.isfinite(value) or (whole and not value.is_integer()):
        raise Invalid(f"{wanted}, please")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise Invalid(f"{wanted}, please")
    return int(value) if whole else plain_number(value)


def span(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    def show(number: float) -> str:
        return f"{plain_number(float(number)):,}"

    if low is not None and high is not None and not low_open and not high_open:
        return f" from {show(low)} to {show(high)}"
    parts = []
    if low is not None:
        parts.append(f"above {show(low)}" if low_open else f"at least {show(low)}")
    if high is not None:
        parts.append(f"below {show(high)}" if high_open else f"at most {show(high)}")
    return " " + " and ".join(parts) if parts else ""
