"""How an area is resolved once its rules fired: exclusions rule options out, weights add up, the best
remaining option wins, and the decision is written with its reasons, alternatives and assumptions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.fields import value_at
from advisor.requirements import Override
from advisor.result import CLOSE_MARGIN, Alternative, Assumed, Control, Decision, Overridden, Reason
from advisor.rulepack import NOT_APPLICABLE, Area, CompiledRule, RulePack
from advisor.validation import Profile

WORKLOAD = -1  # the subject of workload-level questions; datasets are numbered from 0


def overridden(override: Override, decision: Decision) -> Overridden:
    until = override.until.isoformat() if override.until else None
    return Overridden(choice=override.choice, reason=override.reason, until=until, advice=decision.choice)


def _assumptions(fired: list[Fired], profile: Profile, answers: dict[str, Any], subject: int) -> list[str]:
    out: list[str] = []
    for item in fired:
        for path in item.rule.fields():
            if path.startswith("dataset.") and subject != WORKLOAD:
                path = f"datasets[{subject}].{path.split('.', 1)[1]}"
            if path not in profile.defaulted:
                continue
            value = value_at(answers, path)
            why = f" (usual for {answers['workload']['type']})" if path in profile.type_defaults else ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text = f"{path} defaulted to {json.dumps(value)}{why}"
            if text not in out:
                out.append(text)
    return out


def _assumed(fired: list[Fired], profile: Profile, answers: dict[str, Any], subject: int) -> list[Assumed]:
    out: dict[str, Assumed] = {}
    for item in fired:
        for path in item.rule.fields():
            if path.startswith("dataset.") and subject != WORKLOAD:
                path = f"datasets[{subject}].{path.split('.', 1)[1]}"
            if path not in profile.defaulted or path in out:
                continue
            value = value_at(answers, path)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            source = "workload_type" if path in profile.type_defaults else "default"
            out[path] = Assumed(path=path, value=value, source=source)
    return list(out.values())


def _excluded(records: list[Reason]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for record in records:
        if record.effect == "exclude" and record.option is not None:
            out.setdefault(record.option, []).append(record.rule)
    return out


def number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def option_of(pack: RulePack, item: Fired) -> str | None:
    option = item.rule.rule.effect.option
    if option is not None and "{{" in option:
        option = item.render(pack, "option")
    return option


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def resolve(
    pack: RulePack,
    area: Area,
    fired: list[Fired],
    profile: Profile,
    context: dict[str, Any],
    reasons: dict[int, Reason],
) -> Decision:
    answers = context["answers"]
    subject = WORKLOAD if area.scope == "workload" else answers["datasets"].index(context["dataset"])
    assumptions = _assumptions(fired, profile, answers, subject)
    records = [reasons[id(f)] for f in fired if id(f) in reasons]

    standing = tally(area, fired, lambda item: reasons[id(item)].option if id(item) in reasons else None)
    not_applicable = standing.not_applicable
    if not_applicable:
        return Decision(
            choice=NOT_APPLICABLE,
            confidence="high",
            rationale=_unique([f.render(pack, "rationale") for f in not_applicable]),
            rules=[f.rule.id for f in not_applicable],
            assumptions=_assumptions(not_applicable, profile, answers, subject),
            alternatives=[],
            references=_unique([f.rule.rule.reference for f in not_applicable]),
            reasons=records,
            excluded=_excluded(records),
            assumed=_assumed(not_applicable, profile, answers, subject),
        )

    options, excluded, score = standing.options, standing.excluded, standing.score
    support, against = standing.support, standing.against
    in_play = {o: number(score.get(o, 0)) for o in standing.candidates}
    ruled_out = _excluded(records)
    assumed = _assumed(fired, profile, answers, subject)
    if standing.winner == NOT_APPLICABLE:
        # An area that applies only when a rule calls for one of its options.
        return Decision(
            choice=NOT_APPLICABLE,
            confidence="high" if not fired else "medium",
            rationale=[area.fallback_reason or f"Nothing in the answers calls for {area.title.lower()}."],
            rules=_unique([f.rule.id for f in fired]),
            assumptions=assumptions,
            alternatives=[_why_not(pack, area, o, NOT_APPLICABLE, excluded, against, score) for o in options],
            reasons=records,
            scores=in_play,
            excluded=ruled_out,
            assumed=assumed,
        )
    warnings: list[str] = []
    if standing.fell_back:
        warnings.append("every option was ruled out by some answer; falling back to the default")
    order = {o: i for i, o in enumerate(options)}
    ranked = standing.ranked
    winner = standing.winner
    backers = sorted(support.get(winner, []), key=lambda f: (-f.rule.rule.effect.score, f.rule.index))

    if backers:
        rationale = [f.render(pack, "rationale") for f in backers]
    else:
        rationale = [
            area.fallback_reason
            or f"{area.options[winner].title} is the default when nothing points elsewhere."
        ]
    runner_up = score.get(ranked[1], 0) if len(ranked) > 1 else None
    confidence = _confidence(backers, score.get(winner, 0), runner_up, bool(warnings))

    alternatives = []
    for option in sorted(
        (o for o in options if o != winner), key=lambda o: (o in excluded, -score.get(o, 0), order[o])
    ):
        alternatives.append(_why_not(pack, area, option, winner, excluded, against, score))

    deciding = backers + [f for o in options if o != winner for f in excluded.get(o, []) + against.get(o, [])]
    details: dict[str, str] = {}
    advice: list[str] = []
    tradeoffs: list[str] = []
    for item in backers:
        for key in item.rule.rule.effect.details:
            details.setdefault(key, item.render(pack, f"details.{key}"))
        advice += [item.render(pack, f"advice.{i}") for i in range(len(item.rule.rule.effect.advice))]
        tradeoffs += [item.render(pack, f"tradeoffs.{i}") for i in range(len(item.rule.rule.tradeoffs))]
    if not tradeoffs and area.options[winner].tradeoff:  # the option's own downside (issue 13)
        tradeoffs.append(area.options[winner].tradeoff)
    references = [f.rule.rule.reference for f in backers]
    if area.options[winner].reference:
        references.append(area.options[winner].reference)
    return Decision(
        choice=winner,
        confidence=confidence,
        rationale=_unique(rationale + warnings),
        rules=_unique([f.rule.id for f in deciding]),
        assumptions=assumptions,
        alternatives=alternatives,
        details=details,
        advice=_unique(advice),
        tradeoffs=_unique(tradeoffs),
        references=_unique(references),
        reasons=records,
        scores=in_play,
        excluded=ruled_out,
        assumed=assumed,
    )


@dataclass
class Tally:
    """Where an area's options stand once its rules fired: the choice, before any text is written."""

    options: list[str]
    excluded: dict[str, list[Fired]]
    support: dict[str, list[Fired]]
    against: dict[str, list[Fired]]
    score: dict[str, float]
    candidates: list[str]  # the options no rule ruled out
    ranked: list[str]  # best first; the fallback alone when every option was ruled out
    winner: str  # NOT_APPLICABLE when the area applies only if a rule calls for an option, and none did
    fell_back: bool  # every option was ruled out
    not_applicable: list[Fired]  # rules that said the area does not apply to this design


def tally(area: Area, fired: list[Fired], option_of: Callable[[Fired], str | None]) -> Tally:
    """Exclusions rule options out, weights add up, the best remaining option wins.

    The one place a choice is made: `resolve` explains it, `ChoiceRun` only needs it.
    """
    not_applicable = [f for f in fired if f.rule.rule.effect.verb == "not_applicable"]
    if not_applicable:
        return Tally([], {}, {}, {}, {}, [], [], NOT_APPLICABLE, False, not_applicable)
    # An open area (region codes) lists only the options some rule named, not its whole table.
    options = [
        o for o in area.options if o != NOT_APPLICABLE and (not area.open_options or o == area.fallback)
    ]
    excluded: dict[str, list[Fired]] = {}
    support: dict[str, list[Fired]] = {}
    against: dict[str, list[Fired]] = {}
    score: dict[str, float] = {}
    for item in fired:
        effect = item.rule.rule.effect
        option = option_of(item)
        if option is None:
            continue
        if option not in area.options:
            raise RuntimeError(f"rule {item.rule.id} chose {option!r}, not an option of {area.id}")
        if option not in options:
            options.append(option)
        if effect.verb == "exclude":
            excluded.setdefault(option, []).append(item)
        elif effect.verb in ("choose", "favor", "disfavor"):
            score[option] = score.get(option, 0) + effect.score
            (support if effect.score > 0 else against).setdefault(option, []).append(item)
    candidates = [o for o in options if o not in excluded]
    if area.fallback == NOT_APPLICABLE and not any(score.get(o, 0) > 0 for o in candidates):
        return Tally(options, excluded, support, against, score, candidates, [], NOT_APPLICABLE, False, [])
    fell_back = not candidates
    remaining = ([area.fallback] if area.fallback else options[:1]) if fell_back else candidates
    order = {o: i for i, o in enumerate(options)}
    ranked = sorted(remaining, key=lambda o: (-score.get(o, 0), o != area.fallback, order[o]))
    return Tally(options, excluded, support, against, score, candidates, ranked, ranked[0], fell_back, [])


def _confidence(backers: list[Fired], best: float, runner_up: float | None, fell_back: bool) -> str:
    if fell_back or not backers:
        return "low"
    rated = max(("low", "medium", "high").index(f.rule.rule.confidence) for f in backers)
    margin = best - (runner_up if runner_up is not None else 0)
    if margin < CLOSE_MARGIN:
        rated = min(rated, 1)
    return ("low", "medium", "high")[rated]


def _why_not(
    pack: RulePack,
    area: Area,
    option: str,
    winner: str,
    excluded: dict[str, list[Fired]],
    against: dict[str, list[Fired]],
    score: dict[str, float],
) -> Alternative:
    title = area.options[option].title
    if option in excluded:
        items = excluded[option]
        text = " ".join(_unique([f.render(pack, "rationale") for f in items]))
        return Alternative(choice=option, why_not=text, rules=[f.rule.id for f in items])
    if option in against:
        items = against[option]
        text = " ".join(_unique([f.render(pack, "rationale") for f in items]))
        return Alternative(choice=option, why_not=text, rules=[f.rule.id for f in items])
    winner_title = area.options[winner].title
    best_for = area.options[option].best_for.rstrip(".")
    if option in score:
        text = f"Also fits, but {winner_title} fits these answers better. {title} is the pick for {best_for}."
    else:
        text = f"Nothing in these answers calls for it; {title} is the pick for {best_for}."
    return Alternative(choice=option, why_not=text)


def proposals(pack: RulePack, area: Area, fired: list[Fired], reasons: dict[int, Reason]) -> list[Control]:
    by_option: dict[str, list[Fired]] = {}
    for item in fired:
        option = item.rule.rule.effect.option
        if item.rule.rule.effect.verb == "propose" and option is not None:
            by_option.setdefault(option, []).append(item)
    controls = []
    for option in area.options:
        items = by_option.get(option)
        if not items:
            continue
        controls.append(
            Control(
                id=option,
                rationale=_unique([f.render(pack, "rationale") for f in items]),
                rules=[f.rule.id for f in items],
                reasons=[reasons[id(f)] for f in items],
                references=_unique(
                    [f.rule.rule.reference for f in items]
                    + ([area.options[option].reference] if area.options[option].reference else [])
                ),
            )
        )
    return controls


@dataclass
class Fired:
    rule: CompiledRule
    context: dict[str, Any]  # what its texts see: the answers, and the decisions made before it
    # Its texts once written: a rationale is read for the rule's record, then again as the
    # decision's reason or a runner-up's why-not.
    texts: dict[str, str] = field(default_factory=dict)

    def render(self, pack: RulePack, key: str) -> str:
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = pack.render(f"{self.rule.id}:{key}", self.context)
        return text
