"""Everything behind a decision (`advisor explain`): scores, rules for and against, answers read, facts, what would change it."""

from __future__ import annotations

import datetime
import difflib
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from advisor.change_words import UNCHANGEABLE, changes_text, value_text
from advisor.errors import AdvisorError
from advisor.loading import Document
from advisor.result import Alternative, Assumed, Change, Decision, Number, Out, Reason, Result
from advisor.sensitivity import CONTROL, PROPOSED, Key, attach, would_change
from advisor.terminal import Terminal, safe
from advisor.validation import Profile

if TYPE_CHECKING:
    from advisor.api import Advisor
    from advisor.rulepack import RulePack


class UnknownTarget(AdvisorError):
    """An explain TARGET that names no decision of this result."""


class AnswerRead(Out):
    """An answer a rule's conditions tested, with where its value came from."""

    model_config = Out.model_config | {"populate_by_name": True, "serialize_by_alias": True}

    path: str
    value: Any
    source: Literal["file", "default", "workload_type", "derived", "decision"] = Field(alias="from")


class FactQuoted(Out):
    id: str
    text: str
    as_of: str
    source: str


class RuleSaid(Out):
    """One rule that fired for or against an option, with what it read and quoted."""

    rule: str
    effect: str
    option: str | None
    weight: Number | None
    text: str
    answers: list[AnswerRead]
    facts: list[FactQuoted]
    pack: str


class OptionStanding(Out):
    option: str
    chosen: bool
    score: Number | None = Field(description="null for an option ruled out")
    excluded_by: list[str] = Field(default_factory=list)


class Explained(Out):
    target: str
    choice: str
    confidence: str | None = Field(description="null for a control")
    options: list[OptionStanding]
    reasons: list[RuleSaid]
    alternatives: list[Alternative]
    assumed: list[Assumed]
    would_change: list[Change]


class Explanation(Out):
    advisor_version: str
    name: str
    explained: list[Explained]


def targets(result: Result) -> list[str]:
    """Every TARGET of a result: areas, dataset:NAME:AREA, control:ID."""
    out = list(result.decisions)
    out += [f"dataset:{d.name}:{area}" for d in result.datasets for area in d.decisions]
    out += [CONTROL + control.id for control in result.controls]
    return out


def _key(target: str) -> Key:
    if target.startswith("dataset:"):
        name, _, area = target[len("dataset:") :].rpartition(":")
        return Key(area, name)
    return Key(target)


def _answer_source(path: str, profile: Profile) -> str:
    if path.startswith("decision."):
        return "decision"
    if path.startswith("derived."):
        return "derived"
    if path in profile.type_defaults:
        return "workload_type"
    return "default" if path in profile.defaulted else "file"


def _rule_said(reason: Reason, profile: Profile, pack: RulePack) -> RuleSaid:
    facts = [
        FactQuoted(
            id=fid,
            text=str(pack.facts[fid]),
            as_of=pack.facts[fid].as_of.isoformat(),
            source=pack.facts[fid].source,
        )
        for fid in reason.facts
        if fid in pack.facts
    ]
    answers = [
        AnswerRead.model_validate({"path": path, "value": value, "from": _answer_source(path, profile)})
        for path, value in reason.answers.items()
    ]
    return RuleSaid(
        rule=reason.rule,
        effect=reason.effect,
        option=reason.option,
        weight=reason.weight,
        text=reason.text,
        answers=answers,
        facts=facts,
        pack=reason.pack,
    )


def _options(decision: Decision) -> list[OptionStanding]:
    ranked = sorted(decision.scores.items(), key=lambda item: (item[0] != decision.choice, -item[1]))
    out = [OptionStanding(option=o, chosen=o == decision.choice, score=s) for o, s in ranked]
    out += [
        OptionStanding(option=o, chosen=False, score=None, excluded_by=rules)
        for o, rules in decision.excluded.items()
    ]
    if not any(item.chosen for item in out):  # chosen by a choose or not_applicable rule alone
        out.insert(0, OptionStanding(option=decision.choice, chosen=True, score=None))
    return out


def _explained(target: str, result: Result, pack: RulePack, changes: dict[Key, list[Change]]) -> Explained:
    key = _key(target)
    profile = result.profile
    if key.area.startswith(CONTROL):
        control = next(c for c in result.controls if CONTROL + c.id == key.area)
        return Explained(
            target=target,
            choice=PROPOSED,
            confidence=None,
            options=[],
            reasons=[_rule_said(r, profile, pack) for r in control.reasons],
            alternatives=[],
            assumed=[],
            would_change=changes.get(key, []),
        )
    if key.dataset is None:
        decision = result.decisions[key.area]
    else:
        decision = next(d for d in result.datasets if d.name == key.dataset).decisions[key.area]
    return Explained(
        target=target,
        choice=decision.choice,
        confidence=decision.confidence,
        options=_options(decision),
        reasons=[_rule_said(r, profile, pack) for r in decision.reasons],
        alternatives=decision.alternatives,
        assumed=decision.assumed,
        would_change=changes.get(key, []),
    )


def explain(
    advisor: Advisor, document: Document, target: str | None = None, today: datetime.date | None = None
) -> Explanation:
    """Explain one decision (TARGET) or, without one, every decision of the document evaluated on `today`."""
    from advisor.validation import check, with_defaults

    profile = with_defaults(document, check(document), advisor.pack.type_defaults)
    result = advisor.evaluate_profile(profile, today)
    known = targets(result)
    if target is not None and target not in known:
        close = difflib.get_close_matches(target, known, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else f"; one of: {', '.join(known)}"
        raise UnknownTarget(f"{document.source}: {safe(target)} is not a decision of this file{hint}")
    changes = would_change(advisor, document, result, today)
    attach(result, changes)
    chosen = known if target is None else [target]
    return Explanation(
        advisor_version=result.advisor_version,
        name=result.name,
        explained=[_explained(t, result, advisor.pack, changes) for t in chosen],
    )


# ---- text ------------------------------------------------------------------------------------


def render_text(explanation: Explanation, term: Terminal) -> str:
    out = [term.style(line, "bold") for line in term.wrap(explanation.name)] + [""]
    for item in explanation.explained:
        head = f"{item.target}: {item.choice}" + (
            f" (confidence {item.confidence})" if item.confidence else ""
        )
        out += [term.style(line, "bold") for line in term.wrap(head, "", "  ")]
        if item.options:
            out.append("  options")
            width = max(len(o.option) for o in item.options)
            for option in item.options:
                score = "" if option.score is None else f"{option.score:g}"
                mark = "chosen" if option.chosen else ""
                if option.excluded_by:
                    mark = "ruled out by " + ", ".join(option.excluded_by)
                out += term.wrap(
                    f"{option.option:<{width}} {score:>5}  {mark}".rstrip(), "    ", " " * (width + 12)
                )
        if item.reasons:
            out.append("  rules")
            for reason in item.reasons:
                weight = "" if reason.weight is None else f"{reason.weight:+g} "
                target = f" {reason.option}" if reason.option else ""
                out += term.wrap(f"{weight}{reason.effect}{target}: {reason.rule}", "    ", "      ")
                out += term.wrap(reason.text, "      ")
                read = [
                    f"{a.path}={value_text(a.value)}"
                    + ("" if a.source in ("file", "decision", "derived") else f" ({a.source})")
                    for a in reason.answers
                ]
                if read:
                    out += term.wrap("read: " + "; ".join(read), "      ", "        ")
                for fact in reason.facts:
                    out += term.wrap(
                        f"fact {fact.id}: {fact.text} (as of {fact.as_of})", "      ", "        "
                    )
        for alternative in item.alternatives:
            out += term.wrap(f"why not {alternative.choice}: {alternative.why_not}", "  ", "    ")
        if item.assumed:
            out.append("  assumed")
            for assumed in item.assumed:
                out += term.wrap(f"{assumed.path}={value_text(assumed.value)} ({assumed.source})", "    ")
        out.append("  what would change it")
        lines = changes_text(item.would_change)
        for line in lines or [UNCHANGEABLE]:
            out += term.wrap(line, "    ", "      ")
        out.append("")
    return "\n".join(out)
