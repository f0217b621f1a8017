"""How answers and `would_change` entries are said in text: values as YAML writes them, changes grouped by choice."""

from __future__ import annotations

from typing import Any

from advisor.result import Change
from advisor.terminal import safe

UNCHANGEABLE = "no change of a single answer changes it"


def value_text(value: Any) -> str:
    """An answer as it is written in a requirements file (YAML): true, null, spiky, [a, b]."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return safe(str(value))


def grouped(changes: list[Change]) -> list[tuple[str, list[str]]]:
    """(choice, the single changes that lead to it as PATH=VALUE), choices in order of first appearance."""
    out: dict[str, list[str]] = {}
    for change in changes:
        for path, value in change.set.items():
            out.setdefault(change.choice, []).append(f"{path}={value_text(value)}")
    return list(out.items())


def changes_text(changes: list[Change]) -> list[str]:
    """One line per resulting choice: "spot: workload.interruptible=restartable, …"."""
    return [f"{choice}: {', '.join(sets)}" for choice, sets in grouped(changes)]
