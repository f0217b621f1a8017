"""The terminal summary of a result: what `advisor recommend` prints by default."""

from __future__ import annotations

import textwrap

from advisor.cost import render_cost_text
from advisor.result import Decision, Result

WIDTH = 100


def _line(area: str, decision: Decision, indent: str = "") -> list[str]:
    head = f"{indent}{area:<24} {decision.choice:<30} {decision.confidence}"
    lines = [head]
    for reason in decision.rationale[:2]:
        lines += textwrap.wrap(
            reason, WIDTH, initial_indent=indent + "    ", subsequent_indent=indent + "    "
        )
    for key, value in decision.details.items():
        lines.append(f"{indent}    {key.replace('_', ' ')}: {value}")
    return lines


def render(result: Result) -> str:
    out = [f"{result.name}", f"advisor {result.advisor_version}, rules {result.rule_pack.version}", ""]
    out.append(f"{'area':<24} {'choice':<30} confidence")
    for area, decision in result.decisions.items():
        out += _line(area, decision)
    for dataset in result.datasets:
        out += ["", f"dataset: {dataset.name}"]
        for area, decision in dataset.decisions.items():
            out += _line(area, decision, "  ")
    if result.controls:
        out += ["", "controls:"]
        for control in result.controls:
            out += textwrap.wrap(
                f"{control.id}: {control.rationale[0]}", WIDTH, initial_indent="  ", subsequent_indent="    "
            )
    assumptions = list(dict.fromkeys(a for d in result.decisions.values() for a in d.assumptions))
    if assumptions:
        out += ["", "assumed (not in the requirements):"]
        out += [f"  {a}" for a in assumptions]
    if result.warnings:
        out += ["", "warnings:"]
        for warning in result.warnings:
            out += textwrap.wrap(warning, WIDTH, initial_indent="  ! ", subsequent_indent="    ")
    out += render_cost_text(result.cost)  # "What it costs" (advisor.cost)
    return "\n".join(out) + "\n"
