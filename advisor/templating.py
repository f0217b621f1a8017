"""Filters and functions that rule templates may use: formatting, and look-ups in the pack's tables."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context


def duration(seconds: float) -> str:
    seconds = float(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds / size
            shown = f"{count:g}" if count == int(count) else f"{count:.1f}"
            return f"{shown} {unit}{'' if shown == '1' else 's'}"
    shown = f"{seconds:g}"
    return f"{shown} second{'' if shown == '1' else 's'}"


def number(value: float) -> str:
    value = float(value)
    return f"{int(value):,}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def join_and(items: Any) -> str:
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def months(count: int) -> str:
    count = int(count)
    if count % 12 == 0:
        years = count // 12
        return f"{years} year{'' if years == 1 else 's'}"
    return f"{count} month{'' if count == 1 else 's'}"


@pass_context
def instance_type(context: Context, family: str) -> str:
    """The smallest current size of `family` that gives the answers' vCPUs and memory.

    The family names, architectures and sizes come from rules/tables/instance_types.yaml.
    """
    table = context["tables"]["instance_types"]["families"].get(family)
    if not table:
        return ""
    compute = context["answers"]["compute"]
    arch = compute["architecture"]
    names = table["names"]
    name = names.get(arch) if arch != "any" else next(iter(names.values()))
    if name is None:
        return ""
    want_cpu, want_mem = compute["vcpus"], compute["memory_gib"]
    sizes = [(size, cpu, mem) for size, (cpu, mem) in table["sizes"].items()]
    fitting = [s for s in sizes if s[1] >= want_cpu and s[2] >= want_mem]
    size, cpu, mem = min(fitting, key=lambda s: (s[1], s[2])) if fitting else max(sizes, key=lambda s: (s[1], s[2]))
    note = "" if fitting else "; the largest size: scale out across several instances"
    return f"{name}.{size} ({cpu} vCPU, {number(mem)} GiB{note})"


FILTERS = {"duration": duration, "number": number, "join_and": join_and, "months": months}
GLOBALS = {"instance_type": instance_type}
