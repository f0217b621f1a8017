"""Turning a parsed document into a validated profile: pydantic errors become located problems, defaults are recorded."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pydantic import ValidationError

from advisor import fields
from advisor.errors import InvalidRequirements, Problem
from advisor.limits import MAX_SHOWN_VALUE
from advisor.loading import Document, dotted
from advisor.requirements import NotANumber, Requirements


@dataclass(frozen=True)
class Profile:
    """Validated answers plus which of them the user did not give (the assumptions)."""

    requirements: Requirements
    defaulted: frozenset[str]  # dotted paths of answers taken from a default
    type_defaults: frozenset[str]  # those among them that came from the workload type's defaults
    document: Document | None = dataclass_field(
        default=None, compare=False
    )  # its source and lines, for errors

    def answers(self) -> dict[str, Any]:
        # Overrides are no answers: rules never test them, and the decisions apply them (decide.py).
        return self.requirements.model_dump(mode="json", exclude={"overrides"})


def _hint(word: Any, choices: list[str]) -> str:
    if not isinstance(word, str) or len(word) > MAX_SHOWN_VALUE:  # str() of a huge int fails
        return ""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _describe(error: Mapping[str, Any]) -> tuple[tuple[Any, ...], str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        parent = fields.model_at(loc[:-1])
        known = sorted(parent.model_fields) if parent else []
        hint = _hint(loc[-1], known)
        message = "is not a known field" + hint
        if known and not hint:
            message += f"; known here: {', '.join(known)}"
        return loc, message
    if kind == "missing":
        return loc, "is required"
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'|(\d+)", error.get("ctx", {}).get("expected", ""))
        options = [a or b for a, b in expected]
        return loc, f"{_show(value)} is not one of {', '.join(options)}" + _hint(value, options)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return loc, f"must be a mapping of fields, not {_show(value)}"
    message = error["msg"]
    message = message.removeprefix("Value error, ")
    message = message[0].lower() + message[1:] if message else message
    return loc, f"{message} (got {_show(value)})" if kind not in ("value_error",) else message


def _show(value: Any) -> str:
    """A bad value in bounded, type-aware words: never str() of a huge integer (refused past 4,300
    digits) nor repr() of a deep list (recursion), and never more than MAX_SHOWN_VALUE characters."""
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, int):
        if value.bit_length() > MAX_SHOWN_VALUE * 3:  # ~ 3.3 bits a digit: past 60 digits
            return f"an integer of about {int(value.bit_length() * 0.30103):,} digits"
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = repr(value[: MAX_SHOWN_VALUE + 1])
    elif isinstance(value, Mapping):
        return "a mapping"
    elif isinstance(value, (list, tuple)):
        return "a list"
    elif isinstance(value, (set, frozenset)):
        return "a set"
    elif isinstance(value, NotANumber):
        return str(value)
    else:
        return f"a value of type {type(value).__name__[:MAX_SHOWN_VALUE]}"
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 3] + "..."


def _problems(error: ValidationError, document: Document) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc, message = _describe(item)
        # Literal and union errors name the failing branch in loc; keep only real field names.
        loc = tuple(
            part
            for part in loc
            if isinstance(part, int) or not str(part).startswith(("literal[", "function-"))
        )
        problems.append(Problem(dotted(loc), message, document.line_of(loc)))
    return problems


def _explicit_paths(data: Mapping[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        paths.add(path)
        if isinstance(value, Mapping):
            paths |= _explicit_paths(value, path + ".")
        elif key == "datasets" and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    paths |= _explicit_paths(item, f"{path}[{index}].")
    return paths


def _merge_defaults(data: dict[str, Any], defaults: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Fill answers the user left out from the workload type's defaults (dotted path -> value)."""
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in data.items()}
    applied: set[str] = set()
    for path, value in defaults.items():
        section, _, field = path.partition(".")
        if not field:
            if section not in merged:
                merged[section] = value
                applied.add(path)
            continue
        target = merged.setdefault(section, {})
        if field not in target:
            target[field] = value
            applied.add(path)
    return merged, applied


def check(document: Document) -> Requirements:
    """The user's answers as given, or every problem with its field and line. Needs no rule pack."""
    try:
        return Requirements.model_validate(document.data)
    except ValidationError as error:
        problems = _problems(error, document)
        problems.sort(key=lambda p: (p.line or 0, p.path))
        raise InvalidRequirements(document.source, problems) from None


def with_defaults(
    document: Document, requirements: Requirements, type_defaults: Mapping[str, Mapping[str, Any]]
) -> Profile:
    """Fill what the user left out from the workload type's defaults, and record every default."""
    data = document.data
    defaults = type_defaults.get(requirements.workload.type, {})
    applied: set[str] = set()
    if defaults:
        merged, applied = _merge_defaults(data, defaults)
        requirements = Requirements.model_validate(merged)
    explicit = _explicit_paths(data)
    leaves = fields.leaf_paths(requirements.model_dump(mode="json"))
    defaulted = frozenset(path for path in leaves if path not in explicit and path != "description")
    return Profile(requirements, defaulted, frozenset(applied), document)


def validate(document: Document, type_defaults: Mapping[str, Mapping[str, Any]]) -> Profile:
    return with_defaults(document, check(document), type_defaults)
