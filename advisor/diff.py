"""Comparing two requirements (`advisor diff`): the answers that differ and what that does to the design."""

from __future__ import annotations

import datetime
from typing import Any

from advisor.change_words import value_text
from advisor.prices import over_a_year
from advisor.result import CostRange, Decision, Out, Reason, Result
from advisor.sensitivity import Key
from advisor.terminal import Terminal

SAME, DIFFERENT = 0, 1  # exit codes of `advisor diff` (2 stays bad input)


class AnswerDiff(Out):
    path: str
    a: Any
    b: Any


class DecisionDiff(Out):
    target: str
    a: str | None = None  # null where the decision does not exist on that side (a data set only one has)
    b: str | None = None
    reasons_a: list[Reason]
    reasons_b: list[Reason]


class CostSide(Out):
    prices_as_of: str
    monthly: CostRange
    unpriced: list[str]  # what the side's figure leaves out
    # With `--date`: whether the oldest price the figure rests on was seen more than a year before
    # that day; null without a date, so the output never depends on the clock.
    over_a_year_old: bool | None = None


class CostDiff(Out):
    """Each side's monthly estimate and B minus A; a side without an estimate is null."""

    a: CostSide | None
    b: CostSide | None
    difference: CostRange | None  # b - a, null unless both sides have an estimate


class Diff(Out):
    a: str
    b: str
    same: bool
    answers: list[AnswerDiff]
    decisions: list[DecisionDiff]
    controls_added: list[str]
    controls_removed: list[str]
    warnings_added: list[str]
    warnings_removed: list[str]
    cost: CostDiff


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _flat(item, f"{prefix}.{key}" if prefix else key)
        return out
    if isinstance(value, list) and prefix == "datasets":
        out = {}
        for index, item in enumerate(value):
            out |= _flat(item, f"{prefix}[{index}]")
        return out
    return {prefix: value}


def _decisions(result: Result) -> dict[str, Decision]:
    out = {str(Key(area)): decision for area, decision in result.decisions.items()}
    for dataset in result.datasets:
        out |= {str(Key(area, dataset.name)): decision for area, decision in dataset.decisions.items()}
    return out


def _cost_side(result: Result, today: datetime.date | None) -> CostSide | None:
    if result.cost is None:
        return None
    old = None
    if today is not None:
        old = over_a_year(datetime.date.fromisoformat(result.cost.prices_as_of), today)
    return CostSide(
        prices_as_of=result.cost.prices_as_of,
        monthly=result.cost.monthly,
        unpriced=result.cost.unpriced,
        over_a_year_old=old,
    )


def _cost(a: Result, b: Result, today: datetime.date | None) -> CostDiff:
    left, right = _cost_side(a, today), _cost_side(b, today)
    difference = None
    if left is not None and right is not None:
        # Rounded like the figures themselves: 0.1 + 0.2 must not print as 0.30000000000000004.
        difference = CostRange(
            **{
                key: round(getattr(right.monthly, key) - getattr(left.monthly, key) + 0.0, 2)
                for key in CostRange.model_fields
            }
        )
    return CostDiff(a=left, b=right, difference=difference)


def compare(a: Result, b: Result, name_a: str, name_b: str, today: datetime.date | None = None) -> Diff:
    """`today` (from --date) is the day each side's prices are judged old or not on."""
    answers_a, answers_b = _flat(a.profile.answers()), _flat(b.profile.answers())
    answers = [
        AnswerDiff(path=path, a=answers_a.get(path), b=answers_b.get(path))
        for path in dict.fromkeys([*answers_a, *answers_b])
        if answers_a.get(path) != answers_b.get(path) or (path in answers_a) != (path in answers_b)
    ]
    decisions_a, decisions_b = _decisions(a), _decisions(b)
    decisions = []
    for target in dict.fromkeys([*decisions_a, *decisions_b]):
        left, right = decisions_a.get(target), decisions_b.get(target)
        if left is not None and right is not None and left.choice == right.choice:
            continue
        decisions.append(
            DecisionDiff(
                target=target,
                a=left.choice if left else None,
                b=right.choice if right else None,
                reasons_a=left.reasons if left else [],
                reasons_b=right.reasons if right else [],
            )
        )
    controls_a, controls_b = [c.id for c in a.controls], [c.id for c in b.controls]
    return Diff(
        a=name_a,
        b=name_b,
        # Controls are decided by rules too: a design that drops KMS encryption is not "the same".
        same=not decisions and controls_a == controls_b,
        answers=answers,
        decisions=decisions,
        controls_added=[c for c in controls_b if c not in controls_a],
        controls_removed=[c for c in controls_a if c not in controls_b],
        warnings_added=[w for w in b.warnings if w not in a.warnings],
        warnings_removed=[w for w in a.warnings if w not in b.warnings],
        cost=_cost(a, b, today),
    )


def _reason_lines(reasons: list[Reason], term: Terminal, indent: str) -> list[str]:
    out = []
    for reason in reasons:
        if reason.option is None and reason.effect != "not_applicable":
            continue
        weight = "" if reason.weight is None else f" {reason.weight:+g}"
        out += term.wrap(
            f"{reason.effect} {reason.option or ''}{weight}: {reason.text}", indent, indent + "  "
        )
    return out


def render_text(diff: Diff, term: Terminal) -> str:
    out = [term.style(line, "bold") for line in term.wrap(f"A: {diff.a}")]
    out += [term.style(line, "bold") for line in term.wrap(f"B: {diff.b}")] + [""]
    if diff.answers:
        out.append("answers that differ")
        for answer in diff.answers:
            out += term.wrap(f"{answer.path}: {value_text(answer.a)} → {value_text(answer.b)}", "  ", "    ")
        out.append("")
    if diff.decisions:
        out.append("decisions that differ")
        for decision in diff.decisions:
            head = f"{decision.target}: {decision.a or '(none)'} → {decision.b or '(none)'}"
            out += [term.style(line, "yellow") for line in term.wrap(head, "  ", "    ")]
            if decision.reasons_a:
                out.append("    in A")
                out += _reason_lines(decision.reasons_a, term, "      ")
            if decision.reasons_b:
                out.append("    in B")
                out += _reason_lines(decision.reasons_b, term, "      ")
        out.append("")
    else:
        out += ["every decision is the same" + ("" if diff.same else "; the controls differ"), ""]
    for title, items in (
        ("controls added", diff.controls_added),
        ("controls removed", diff.controls_removed),
        ("warnings added", diff.warnings_added),
        ("warnings removed", diff.warnings_removed),
    ):
        if items:
            out.append(title)
            for item in items:
                out += term.wrap(item, "  ", "    ")
            out.append("")
    out += _cost_lines(diff.cost)
    return "\n".join(out)


def _cost_lines(cost: CostDiff) -> list[str]:
    if cost.a is None and cost.b is None:
        return []
    out = ["what it costs (USD a month)", f"  {'':<10}{'low':>12}{'expected':>12}{'high':>12}"]
    for name, side in (("A", cost.a), ("B", cost.b)):
        if side is None:
            out.append(f"  {name:<10}no estimate")
            continue
        m = side.monthly
        left_out = f"; {len(side.unpriced)} things not priced" if side.unpriced else ""
        old = "; ! more than a year old on the date given" if side.over_a_year_old else ""
        out.append(
            f"  {name:<10}{m.low:>12,.2f}{m.expected:>12,.2f}{m.high:>12,.2f}"
            f"  (prices as of {side.prices_as_of}{left_out}{old})"
        )
    if cost.difference is not None:
        d = cost.difference
        out.append(f"  {'B − A':<10}{d.low:>+12,.2f}{d.expected:>+12,.2f}{d.high:>+12,.2f}")
    return out + [""]
