"""One evaluation: the questions asked of the engine, the rules that fired, and how each area is resolved.

The engine asks one question per area (and per dataset for dataset areas), in the order of
rules/areas.yaml. A question is a fact carrying the answers the rules test and the decisions made
so far, so a decided compute platform is what triggers the container and instance-family rules.
Resolution is generic: exclusions rule options out, weights add up, the best remaining option wins.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from advisor import operators
from advisor.requirements import Override
from advisor.result import (
    Alternative,
    Assumed,
    Control,
    DatasetResult,
    Decision,
    Overridden,
    Reason,
    Result,
    RulePackInfo,
)
from advisor.rulepack import NOT_APPLICABLE, Area, Clause, CompiledRule, RulePack
from advisor.validation import Profile

WORKLOAD = -1  # the subject of workload-level questions; datasets are numbered from 0


def derived_values(answers: dict[str, Any]) -> dict[str, Any]:
    """Values the SPEC defines in terms of other answers; no AWS knowledge here."""
    compliance = answers["compliance"]
    encryption = compliance["encryption_at_rest"]
    datasets = answers["datasets"]
    return {
        "encryption_at_rest": bool(compliance["frameworks"]) if encryption is None else encryption,
        "has_datasets": bool(datasets),
        "dataset_usages": sorted({d["usage"] for d in datasets}),
        "dataset_count": len(datasets),
        "total_size_gb": sum(d["size_gb"] for d in datasets),
        "unreproducible_datasets": sum(1 for d in datasets if not d["reproducible"]),
        "memory_per_vcpu": answers["compute"]["memory_gib"] / answers["compute"]["vcpus"],
    }


def _lookup(path: str, roots: dict[str, Any]) -> Any:
    head, _, rest = path.partition(".")
    value = roots[head]
    for part in rest.split(".") if rest else ():  # a top-level answer such as `processing` has no rest
        value = value[part]
    return value


def _holds(test: Clause, value: Any) -> bool:
    return operators.holds(test.op, value, test.value)


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in flat.items():
        head, _, tail = path.partition(".")
        value = "none" if value is None else value
        if tail:
            out.setdefault(head, {})[tail] = value
        else:  # a top-level answer such as `processing`
            out[head] = value
    return out


@dataclass
class Plan:
    """What each area's rules test, worked out once per pack: a question carries only that."""

    fields: dict[str, list[str]]  # area -> answers and derived values its rules test natively
    tests: dict[str, list[tuple[int, Clause]]]  # area -> numeric and list tests, by flag number
    quoted: dict[str, list[str]] = field(default_factory=dict)  # rule id -> facts its texts quote

    @classmethod
    def of(cls, pack: RulePack) -> Plan:
        index = {test: i for i, test in enumerate(pack.computed_tests)}
        fields: dict[str, list[str]] = {}
        tests: dict[str, list[tuple[int, Clause]]] = {}
        for area in pack.areas:
            clauses = [
                c
                for rule in pack.rules_by_area[area.id]
                for c in rule.clauses + [x for g in rule.any_of for x in g]
            ]
            fields[area.id] = list(
                dict.fromkeys(
                    c.field
                    for c in clauses
                    if not c.op.startswith("flag:") and not c.field.startswith("decision.")
                )
            )
            flagged = list(dict.fromkeys(c.value for c in clauses if c.op.startswith("flag:")))
            tests[area.id] = [(index[t], t) for t in flagged]
        return cls(fields, tests)

    def facts_quoted(self, pack: RulePack, rule: CompiledRule) -> list[str]:
        """The facts a rule's texts quote (`{{ facts.ID }}`), worked out once per rule."""
        found = self.quoted.get(rule.id)
        if found is None:
            prefix = f"{rule.id}:"
            names = (
                name
                for key, source in pack.sources.items()
                if key.startswith(prefix)
                for name in _FACT_REFERENCE.findall(source)
            )
            found = self.quoted[rule.id] = [n for n in dict.fromkeys(names) if n in pack.facts]
        return found


_FACT_REFERENCE = re.compile(r"\bfacts\.([A-Za-z0-9_]+)")


@dataclass
class _Fired:
    rule: CompiledRule
    context: dict[str, Any]

    def render(self, pack: RulePack, key: str) -> str:
        return pack.render(f"{self.rule.id}:{key}", self.context)


@dataclass
class Run:
    """The state of one evaluation; the engine calls `fired` and `resolved`."""

    pack: RulePack
    plan: Plan
    profile: Profile
    answers: dict[str, Any] = field(init=False)
    derived: dict[str, Any] = field(init=False)
    questions: list[tuple[Area, int]] = field(init=False)
    position: int = 0
    fired_rules: dict[tuple[str, int], list[_Fired]] = field(default_factory=dict)
    choices: dict[int, dict[str, str]] = field(default_factory=dict)
    decisions: dict[int, dict[str, Decision]] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The team's overrides that apply (advisor.overrides.resolve), by (subject, area).
    overrides: dict[tuple[int, str], Override] = field(default_factory=dict)
    _roots: dict[int, dict[str, Any]] = field(default_factory=dict)
    _contexts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.answers = self.profile.answers()
        self.derived = derived_values(self.answers)
        datasets = range(len(self.answers["datasets"]))
        self.questions = [
            (area, subject)
            for area in self.pack.areas
            for subject in ([WORKLOAD] if area.scope == "workload" else datasets)
        ]
        workload = {**self.answers, "derived": self.derived}
        self._roots = {WORKLOAD: workload}
        for subject in datasets:
            self._roots[subject] = {**workload, "dataset": self.answers["datasets"][subject]}

    # ---- questions ------------------------------------------------------------------------

    def first(self) -> dict[str, Any]:
        question = self._question(0)
        assert question is not None  # every pack has workload areas
        return question

    def _question(self, position: int) -> dict[str, Any] | None:
        if position >= len(self.questions):
            return None
        area, subject = self.questions[position]
        roots = self._roots[subject]
        fact = _nest({path: _lookup(path, roots) for path in self.plan.fields[area.id]})
        decided = dict(self.choices.get(WORKLOAD, {}))
        if subject != WORKLOAD:
            decided.update(self.choices.get(subject, {}))
        fact["decision"] = decided
        fact["flag"] = {
            f"t{i}": _holds(test, _lookup(test.field, roots)) for i, test in self.plan.tests[area.id]
        }
        fact["q"] = position
        fact["area"] = area.id
        fact["subject"] = subject
        return fact

    def _context(self, position: int) -> dict[str, Any]:
        """What templates see for the question at `position`: the decisions made before it."""
        context = self._contexts.get(position)
        if context is None:
            context = self._contexts[position] = self._new_context(self.questions[position][1])
        return context

    def _new_context(self, subject: int) -> dict[str, Any]:
        decided = dict(self.choices.get(WORKLOAD, {}))
        if subject != WORKLOAD:
            decided.update(self.choices.get(subject, {}))
        return {
            "answers": self.answers,
            "derived": self.derived,
            "dataset": self.answers["datasets"][subject] if subject != WORKLOAD else {},
            "decision": decided,
            "facts": self.pack.facts,
            "tables": self.pack.tables,
            "options": self.pack.option_tables,
        }

    # ---- engine callbacks -----------------------------------------------------------------

    def fired(self, rule: CompiledRule, fact: dict[str, Any]) -> None:
        subject = int(fact["subject"])
        fired = self.fired_rules.setdefault((rule.area.id, subject), [])
        if any(item.rule is rule for item in fired):
            return  # durable-rules fires an `any:` rule once for each alternative that holds
        fired.append(_Fired(rule, self._context(int(fact["q"]))))

    def resolved(self, fact: dict[str, Any]) -> dict[str, Any] | None:
        position = int(fact["q"])
        area, subject = self.questions[position]
        if area.id != fact["area"] or subject != int(fact["subject"]):
            raise RuntimeError(f"question {position} came back for another area")
        fired = sorted(self.fired_rules.get((area.id, subject), []), key=lambda f: f.rule.index)
        for item in fired:
            if item.rule.rule.effect.verb == "warn":
                text = item.render(self.pack, "rationale")
                if text not in self.warnings:
                    self.warnings.append(text)
        reasons = self._reasons(area, subject, fired)
        if area.kind == "set":
            self.controls = _proposals(self.pack, area, fired, reasons)
        else:
            decision = _resolve(self.pack, area, fired, self.profile, self._context(position), reasons)
            override = self.overrides.get((subject, area.id))
            if override is not None:  # the team's choice; later areas see it, the advice stays
                decision = decision.model_copy(
                    update={"choice": override.choice, "overridden": _overridden(override, decision)}
                )
            self.choices.setdefault(subject, {})[area.id] = decision.choice
            self.decisions.setdefault(subject, {})[area.id] = decision
        self.position = position + 1
        return self._question(self.position)

    def _reasons(self, area: Area, subject: int, fired: list[_Fired]) -> dict[int, Reason]:
        """Each fired rule (but warnings) as a record: what it did, and the answers it tested."""
        out: dict[int, Reason] = {}
        roots = self._roots[subject]
        decided = dict(self.choices.get(WORKLOAD, {}))
        if subject != WORKLOAD:
            decided.update(self.choices.get(subject, {}))
        for item in fired:
            effect = item.rule.rule.effect
            if effect.verb == "warn":
                continue
            answers: dict[str, Any] = {}
            for path in item.rule.fields():
                if path.startswith("decision."):
                    answers[path] = decided.get(path.split(".", 1)[1], NOT_APPLICABLE)
                elif path.startswith("dataset.") and subject != WORKLOAD:
                    answers[f"datasets[{subject}].{path.split('.', 1)[1]}"] = _lookup(path, roots)
                else:
                    answers[path] = _lookup(path, roots)
            out[id(item)] = Reason(
                rule=item.rule.id,
                effect=effect.verb,  # warn is skipped above
                option=_option_of(self.pack, item),
                weight=_number(effect.score) if effect.verb in ("choose", "favor", "disfavor") else None,
                text=item.render(self.pack, "rationale"),
                answers=answers,
                facts=self.plan.facts_quoted(self.pack, item.rule),
                pack=item.rule.pack,
            )
        return out


# ---- resolution ---------------------------------------------------------------------------


def _overridden(override: Override, decision: Decision) -> Overridden:
    until = override.until.isoformat() if override.until else None
    return Overridden(choice=override.choice, reason=override.reason, until=until, advice=decision.choice)


def _assumptions(fired: list[_Fired], profile: Profile, answers: dict[str, Any], subject: int) -> list[str]:
    out: list[str] = []
    for item in fired:
        for path in item.rule.fields():
            if path.startswith("dataset.") and subject != WORKLOAD:
                path = f"datasets[{subject}].{path.split('.', 1)[1]}"
            if path not in profile.defaulted:
                continue
            value = _value_at(answers, path)
            why = f" (usual for {answers['workload']['type']})" if path in profile.type_defaults else ""
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text = f"{path} defaulted to {json.dumps(value)}{why}"
            if text not in out:
                out.append(text)
    return out


def _assumed(fired: list[_Fired], profile: Profile, answers: dict[str, Any], subject: int) -> list[Assumed]:
    out: dict[str, Assumed] = {}
    for item in fired:
        for path in item.rule.fields():
            if path.startswith("dataset.") and subject != WORKLOAD:
                path = f"datasets[{subject}].{path.split('.', 1)[1]}"
            if path not in profile.defaulted or path in out:
                continue
            value = _value_at(answers, path)
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


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _option_of(pack: RulePack, item: _Fired) -> str | None:
    option = item.rule.rule.effect.option
    if option is not None and "{{" in option:
        option = item.render(pack, "option")
    return option


def _value_at(answers: dict[str, Any], path: str) -> Any:
    if path.startswith("datasets["):
        index, _, rest = path[len("datasets[") :].partition("].")
        return answers["datasets"][int(index)][rest]
    return _lookup(path, answers)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _resolve(
    pack: RulePack,
    area: Area,
    fired: list[_Fired],
    profile: Profile,
    context: dict[str, Any],
    reasons: dict[int, Reason],
) -> Decision:
    answers = context["answers"]
    subject = WORKLOAD if area.scope == "workload" else answers["datasets"].index(context["dataset"])
    assumptions = _assumptions(fired, profile, answers, subject)
    records = [reasons[id(f)] for f in fired if id(f) in reasons]

    not_applicable = [f for f in fired if f.rule.rule.effect.verb == "not_applicable"]
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

    # An open area (region codes) lists only the options some rule named, not its whole table.
    options = [
        o for o in area.options if o != NOT_APPLICABLE and (not area.open_options or o == area.fallback)
    ]
    excluded: dict[str, list[_Fired]] = {}
    support: dict[str, list[_Fired]] = {}
    against: dict[str, list[_Fired]] = {}
    score: dict[str, float] = {}
    for item in fired:
        effect = item.rule.rule.effect
        option = reasons[id(item)].option if id(item) in reasons else None
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
    in_play = {o: _number(score.get(o, 0)) for o in candidates}
    ruled_out = _excluded(records)
    assumed = _assumed(fired, profile, answers, subject)
    if area.fallback == NOT_APPLICABLE and not any(score.get(o, 0) > 0 for o in candidates):
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
    if not candidates:
        candidates = [area.fallback] if area.fallback else options[:1]
        warnings.append("every option was ruled out by some answer; falling back to the default")
    order = {o: i for i, o in enumerate(options)}
    ranked = sorted(candidates, key=lambda o: (-score.get(o, 0), o != area.fallback, order[o]))
    winner = ranked[0]
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


def _confidence(backers: list[_Fired], best: float, runner_up: float | None, fell_back: bool) -> str:
    if fell_back or not backers:
        return "low"
    rated = max(("low", "medium", "high").index(f.rule.rule.confidence) for f in backers)
    margin = best - (runner_up if runner_up is not None else 0)
    if margin < 3:  # less than one ordinary "favor" between winner and runner-up
        rated = min(rated, 1)
    return ("low", "medium", "high")[rated]


def _why_not(
    pack: RulePack,
    area: Area,
    option: str,
    winner: str,
    excluded: dict[str, list[_Fired]],
    against: dict[str, list[_Fired]],
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


def _proposals(pack: RulePack, area: Area, fired: list[_Fired], reasons: dict[int, Reason]) -> list[Control]:
    by_option: dict[str, list[_Fired]] = {}
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


def fingerprint(answers: dict[str, Any]) -> str:
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def assemble(run: Run, version: str) -> Result:
    pack = run.pack
    decisions = {
        a.id: run.decisions[WORKLOAD][a.id]
        for a in pack.areas
        if a.scope == "workload" and a.kind == "choice"
    }
    datasets = [
        DatasetResult(
            name=dataset["name"],
            decisions={a.id: run.decisions[i][a.id] for a in pack.areas if a.scope == "dataset"},
        )
        for i, dataset in enumerate(run.answers["datasets"])
    ]
    result = Result(
        advisor_version=version,
        rule_pack=RulePackInfo(version=pack.version, digest=pack.digest),
        name=run.answers["name"],
        fingerprint=fingerprint(run.answers),
        decisions=decisions,
        datasets=datasets,
        controls=run.controls,
        warnings=run.warnings,
    )
    result._profile = run.profile
    result._derived = run.derived
    result._fired = [item.rule.id for items in run.fired_rules.values() for item in items]
    return result
