"""Filters and functions that rule templates may use: formatting, and look-ups in the pack's tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.runtime import Context

# Context names whose values change from one evaluation to the next; the rest (facts, tables,
# options) are fixed for a loaded pack.
VARYING = ("answers", "dataset", "decision", "derived")


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


@dataclass(frozen=True)
class Suggestion:
    """The instance size instance_type() suggests, as data: what the cost estimate prices."""

    name: str  # the instance family name ("m8g")
    size: str  # "large"
    vcpus: int
    memory_gib: float
    architecture: str  # the architecture `name` is listed under in the table
    other_architecture: bool  # the answers asked for an architecture this family lacks
    largest: bool  # nothing fits: the largest size, scaled out

    @property
    def instance_type(self) -> str:
        return f"{self.name}.{self.size}"


def suggest_instance(tables: dict[str, Any], family: str, compute: dict[str, Any]) -> Suggestion | None:
    """The smallest current size of `family` that gives the answers' vCPUs and memory.

    The family names, architectures and sizes come from rules/tables/instance_types.yaml:
    `names` maps architecture -> instance family name; `sizes` maps size -> [vCPUs, GiB];
    `sizes_by_name` may give a name its own sizes. `compute["architecture"]` is the decided one
    (see decided_architecture); only "any", or one the family lacks, falls back to the first name.
    """
    table = tables.get("instance_types", {}).get("families", {}).get(family)
    if not table:
        return None
    arch = compute["architecture"]
    names = table["names"]
    missing = arch != "any" and arch not in names
    if arch == "any" or missing:
        arch = next(iter(names))
    name = names[arch]
    by_size = (table.get("sizes_by_name") or {}).get(name) or table["sizes"]
    want_cpu, want_mem = compute["vcpus"], compute["memory_gib"]
    sizes = [(size, cpu, mem) for size, (cpu, mem) in by_size.items()]
    fitting = [s for s in sizes if s[1] >= want_cpu and s[2] >= want_mem]
    if fitting:
        size, cpu, mem = min(fitting, key=lambda s: (s[1], s[2]))
    else:
        size, cpu, mem = max(sizes, key=lambda s: (s[1], s[2]))
    return Suggestion(name, size, cpu, mem, arch, missing, not fitting)


def decided_architecture(compute: dict[str, Any], decision: dict[str, Any]) -> dict[str, Any]:
    """The compute answers with the architecture the cpu_architecture area decided, where it did.

    The answer "any" leaves the choice to that area; following its decision, not the order of the
    instance table's names, keeps the suggested instance, its price and the decision in step.
    """
    decided = decision.get("cpu_architecture")
    if decided in ("arm64", "x86_64") and decided != compute["architecture"]:
        return {**compute, "architecture": decided}
    return compute


@pass_context
def instance_type(context: Context, family: str) -> str:
    """The suggested size of `family` for the answers, in words (see suggest_instance)."""
    compute = decided_architecture(context["answers"]["compute"], context.get("decision") or {})
    found = suggest_instance(context["tables"], family, compute)
    if found is None:
        return ""
    note = f"; no {compute['architecture']} instances in this family" if found.other_architecture else ""
    if found.largest:
        note += "; the largest size: scale out across several instances"
    return f"{found.instance_type} ({found.vcpus} vCPU, {number(found.memory_gib)} GiB{note})"


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    """answers.workload.type -> ("answers", "workload", "type"); None unless a constant path."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return tuple(reversed(parts))
        else:
            return None


def inputs_of(tree: nodes.Template) -> tuple[tuple[str, ...], ...] | None:
    """The paths into the varying context that a template reads; None if that cannot be told.

    A path stops where an index is computed (options.x[decision.y] reads options.x and
    decision.y); functions declare what they read in their `reads` attribute.
    """
    paths: set[tuple[str, ...]] = set()
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name in GLOBALS:
            paths.update(getattr(GLOBALS[name.name], "reads", ()))
    covered: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in covered:
            continue
        chain = _chain(node)
        if chain is None:
            continue
        # Mark the inner nodes of this chain so a sub-chain is not counted on its own.
        inner = node
        while isinstance(inner, (nodes.Getattr, nodes.Getitem)):
            inner = inner.node
            covered.add(id(inner))
        if chain[0] in VARYING:
            paths.add(chain)
    return tuple(sorted(paths))


def value_at(context: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = context
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return "<missing>"
        value = value[part]
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, float):
        # repr tells -0.0 from 0.0 (equal, and so one cache entry), which format differently.
        return ("float", repr(value))
    return (type(value).__name__, value)


instance_type.reads = (("answers", "compute"), ("decision", "cpu_architecture"))  # type: ignore[attr-defined]

FILTERS = {"duration": duration, "number": number, "join_and": join_and, "months": months}
GLOBALS = {"instance_type": instance_type}
