"""The terminal output of a result: what `advisor recommend` prints, one screen by default, all of it with --detail.

The summary gives every decision one line (choice, confidence, the first reason, shortened), then
the controls and the warnings, so a 40-row terminal shows all of it. `detail` adds every reason,
the alternatives with their why-not, the assumptions and, when computed, what would change each
decision. Lines are wrapped to the terminal's width (80 when not a terminal).
"""

from __future__ import annotations

import textwrap

from advisor.change_words import UNCHANGEABLE, changes_text
from advisor.cost import render_cost_text
from advisor.result import Decision, Result
from advisor.terminal import Terminal, safe

_CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def _row(label: str, decision: Decision, widths: tuple[int, int], term: Terminal) -> str:
    label_width, choice_width = widths
    head = f"{label:<{label_width}} {decision.choice:<{choice_width}} {decision.confidence:<6} "
    room = term.width - len(head)
    why = decision.rationale[0] if decision.rationale else ""
    if decision.overridden is not None:  # the advice first: the reason is what gets shortened
        why = f"team's choice; advice: {decision.overridden.advice}; {decision.overridden.reason}"
    why = textwrap.shorten(safe(why), room, placeholder="…") if room >= 12 and why else ""
    styled = (
        f"{label:<{label_width}} "
        + term.style(f"{decision.choice:<{choice_width}}", "bold")
        + " "
        + term.style(f"{decision.confidence:<6}", _CONFIDENCE_STYLE[decision.confidence])
    )
    return (styled + " " + term.style(why, "dim")).rstrip() if why else styled.rstrip()


def _overridden(decision: Decision) -> str:
    override = decision.overridden
    assert override is not None
    until = f" (until {override.until})" if override.until else ""
    return f"overridden by the team{until}: {override.reason} — the advice would be {override.advice}"


def _changes(decision: Decision, term: Terminal, indent: str) -> list[str]:
    if decision.would_change is None:
        return []
    lines = changes_text(decision.would_change) or [UNCHANGEABLE]
    out = term.wrap("what would change it:", indent)
    for line in lines:
        out += term.wrap(line, indent + "  ", indent + "    ")
    return out


def _detail(label: str, decision: Decision, term: Terminal, indent: str) -> list[str]:
    head = f"{label}: {decision.choice} (confidence {decision.confidence})"
    out = [term.style(line, "bold") for line in term.wrap(head, indent[:-2], indent)]
    if decision.overridden is not None:
        out += term.wrap(_overridden(decision), indent + "! ", indent + "  ")
    for reason in decision.rationale:
        out += term.wrap(reason, indent + "- ", indent + "  ")
    for key, value in decision.details.items():
        out += term.wrap(f"{key.replace('_', ' ')}: {value}", indent)
    for alternative in decision.alternatives:
        out += term.wrap(f"not {alternative.choice}: {alternative.why_not}", indent, indent + "  ")
    for assumption in decision.assumptions:
        out += term.wrap(f"assumed: {assumption}", indent, indent + "  ")
    return out + _changes(decision, term, indent)


def render(result: Result, term: Terminal | None = None, detail: bool = False) -> str:
    term = term or Terminal()
    out = [term.style(line, "bold") for line in term.wrap(result.name)]
    out += term.wrap(f"advisor {result.advisor_version}, rules {result.rule_pack.version}")
    out.append("")
    # Columns as wide as their longest entry: per part, so one long storage class does not push
    # the workload's reasons off the line.
    labels = list(result.decisions) + [f"  {area}" for d in result.datasets for area in d.decisions]
    label_width = max(map(len, labels), default=0)
    widths = (label_width, max((len(d.choice) for d in result.decisions.values()), default=0))
    dataset_choices = [d.choice for ds in result.datasets for d in ds.decisions.values()]
    dataset_widths = (label_width, max(map(len, dataset_choices), default=0))
    if detail:
        for area, decision in result.decisions.items():
            out += _detail(area, decision, term, "  ") + [""]
    else:
        for area, decision in result.decisions.items():
            out.append(_row(area, decision, widths, term))
    for dataset in result.datasets:
        out += [""] if not detail else []
        out += term.wrap(f"dataset: {dataset.name}")
        for area, decision in dataset.decisions.items():
            if detail:
                out += _detail(area, decision, term, "    ") + [""]
            else:
                out.append(_row(f"  {area}", decision, dataset_widths, term))
    if result.controls:
        out.append("")
        if detail:
            out.append("controls:")
            for control in result.controls:
                why = control.rationale[0] if control.rationale else ""
                out += term.wrap(f"{control.id}: {why}", "  ", "    ")
        else:
            out += term.wrap("controls: " + ", ".join(c.id for c in result.controls), "", "  ")
    if result.warnings:
        out += ["", "warnings:"]
        for warning in result.warnings:
            out += [term.style(line, "yellow") for line in term.wrap(warning, "  ! ", "    ")]
    for line in render_cost_text(result.cost):  # "What it costs" (advisor.cost), wrapped like the rest
        indent = line[: len(line) - len(line.lstrip())]
        out += term.wrap(line.strip(), indent, indent + "  ") if line.strip() else [""]
    if not detail:
        out.append("")
        out += [
            term.style(line, "dim")
            for line in term.wrap(
                "--detail shows every reason, alternative and assumption; `advisor explain FILE AREA` one decision in full."
            )
        ]
    return "\n".join(out) + "\n"
