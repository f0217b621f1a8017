"""One evaluation: the questions asked of the engine, the rules that fired, and the result they add up to.

The engine asks one question per area (and per dataset for dataset areas), in the order of
rules/areas.yaml. A question is a fact carrying the answers the rules test and the decisions made
so far, so a decided compute platform is what triggers the container and instance-family rules.
Each area is resolved between questions, in plain Python (advisor.resolve).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from advisor import operators, templating
from advisor.fields import value_at
from advisor.requirements import Override
from advisor.resolve import WORKLOAD, Fired, number, option_of, overridden, proposals, resolve
from advisor.result import Control, DatasetResult, Decision, Reason, Result, RulePackInfo
from advisor.rulepack import NOT_APPLICABLE, Area, Clause, CompiledRule, RulePack
from advisor.validation import Profile


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


def holds(test: Clause, value: Any) -> bool:
    """Whether an answer passes one of a rule's tests, as the operator table defines it."""
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
    decided: dict[str, list[str]]  # area -> the earlier decisions its rules test
    quoted: dict[str, list[str]] = field(default_factory=dict)  # rule id -> facts its texts quote
    texts_by_rule: dict[str, list[str]] = field(default_factory=dict)  # rule id -> its texts' sources
    # (rule index, subject) -> each answer the rule tests: its name in the record, the decision it
    # is (or None), and its path into the question's roots
    records: dict[tuple[int, int], list[tuple[str, str | None, tuple[str, ...]]]] = field(
        default_factory=dict
    )
    # area -> what its rules' option templates read (a region named after a country); None: unknown
    named_by: dict[str, tuple[tuple[str, ...], ...] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, pack: RulePack) -> Plan:
        index = {test: i for i, test in enumerate(pack.computed_tests)}
        fields: dict[str, list[str]] = {}
        tests: dict[str, list[tuple[int, Clause]]] = {}
        decided: dict[str, list[str]] = {}
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
            decided[area.id] = list(
                dict.fromkeys(c.field.split(".", 1)[1] for c in clauses if c.field.startswith("decision."))
            )
        return cls(fields, tests, decided)

    def option_inputs(self, pack: RulePack, area: Area) -> tuple[tuple[str, ...], ...] | None:
        """What the option templates of an area's rules read, worked out once per area."""
        if area.id not in self.named_by:
            read: set[tuple[str, ...]] | None = set()
            for rule in pack.rules_by_area[area.id]:
                option = rule.rule.effect.option
                if read is None or option is None or "{{" not in option:
                    continue
                key = f"{rule.id}:option"
                found = templating.inputs_of(pack.template(key).environment.parse(pack.sources[key]))
                read = None if found is None else read | set(found)
            self.named_by[area.id] = None if read is None else tuple(sorted(read))
        return self.named_by[area.id]

    def tested(self, rule: CompiledRule, subject: int) -> list[tuple[str, str | None, tuple[str, ...]]]:
        """What a rule's record quotes, worked out once per rule and subject (a hot path).

        A data set's answer is named after its place ("datasets[1].usage"); an earlier decision
        is read from the decisions made, the rest from the answers and derived values.
        """
        found = self.records.get((rule.index, subject))
        if found is None:
            found = []
            for path in rule.fields():
                head, _, rest = path.partition(".")
                if head == "decision":
                    found.append((path, rest, ()))
                elif head == "dataset" and subject != WORKLOAD:
                    found.append((f"datasets[{subject}].{rest}", None, tuple(path.split("."))))
                else:
                    found.append((path, None, tuple(path.split("."))))
            self.records[(rule.index, subject)] = found
        return found

    def facts_quoted(self, pack: RulePack, rule: CompiledRule) -> list[str]:
        """The facts a rule's texts quote (`{{ facts.ID }}`), worked out once per rule."""
        found = self.quoted.get(rule.id)
        if found is None:
            if not self.texts_by_rule:  # grouped once: a first evaluation asks for ~90 rules
                for key, source in pack.sources.items():
                    self.texts_by_rule.setdefault(key.split(":", 1)[0], []).append(source)
            names = (
                name
                for source in self.texts_by_rule.get(rule.id, [])
                for name in _FACT_REFERENCE.findall(source)
            )
            found = self.quoted[rule.id] = [n for n in dict.fromkeys(names) if n in pack.facts]
        return found


_FACT_REFERENCE = re.compile(r"\bfacts\.([A-Za-z0-9_]+)")


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
    fired_rules: dict[tuple[str, int], list[Fired]] = field(default_factory=dict)
    choices: dict[int, dict[str, str]] = field(default_factory=dict)
    decisions: dict[int, dict[str, Decision]] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The team's overrides that apply (advisor.overrides.resolve), by (subject, area).
    overrides: dict[tuple[int, str], Override] = field(default_factory=dict)
    _roots: dict[int, dict[str, Any]] = field(default_factory=dict)
    _contexts: dict[int, dict[str, Any]] = field(default_factory=dict)
    _seen: set[tuple[int, int]] = field(default_factory=set)  # (rule index, subject) of the rules fired

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
        fact = _nest({path: value_at(roots, path) for path in self.plan.fields[area.id]})
        # Only what the area's rules test: the decisions they read (a decision not yet made stays
        # absent, as before) and the flags that hold (rules test a flag only for being true). A
        # question that carries nothing else repeats across profiles, and the engine remembers
        # which rules a question fires.
        made = self.choices.get(WORKLOAD, {})
        own = self.choices.get(subject, {}) if subject != WORKLOAD else {}
        decided = {}
        for name in self.plan.decided[area.id]:
            if name in own:
                decided[name] = own[name]
            elif name in made:
                decided[name] = made[name]
        fact["decision"] = decided
        fact["flag"] = {
            f"t{i}": True for i, test in self.plan.tests[area.id] if holds(test, value_at(roots, test.field))
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
        key = (rule.index, subject)
        if key in self._seen:
            return  # durable-rules fires an `any:` rule once for each alternative that holds
        self._seen.add(key)
        self.fired_rules.setdefault((rule.area.id, subject), []).append(
            Fired(rule, self._context(int(fact["q"])))
        )

    def resolved(self, fact: dict[str, Any]) -> dict[str, Any] | None:
        position, area, subject, fired = self._fired_for(fact)
        for item in fired:
            if item.rule.rule.effect.verb == "warn":
                text = item.render(self.pack, "rationale")
                if text not in self.warnings:
                    self.warnings.append(text)
        reasons = self._reasons(area, subject, fired)
        if area.kind == "set":
            self.controls = proposals(self.pack, area, fired, reasons)
        else:
            decision = resolve(self.pack, area, fired, self.profile, self._context(position), reasons)
            override = self.overrides.get((subject, area.id))
            if override is not None:  # the team's choice; later areas see it, the advice stays
                decision = decision.model_copy(
                    update={"choice": override.choice, "overridden": overridden(override, decision)}
                )
            self.choices.setdefault(subject, {})[area.id] = decision.choice
            self.decisions.setdefault(subject, {})[area.id] = decision
        self.position = position + 1
        return self._question(self.position)

    def _fired_for(self, fact: dict[str, Any]) -> tuple[int, Area, int, list[Fired]]:
        """The question `fact` answered, and the rules that fired for it in pack order."""
        position = int(fact["q"])
        area, subject = self.questions[position]
        if area.id != fact["area"] or subject != int(fact["subject"]):
            raise RuntimeError(f"question {position} came back for another area")
        fired = sorted(self.fired_rules.get((area.id, subject), []), key=lambda f: f.rule.index)
        return position, area, subject, fired

    def _reasons(self, area: Area, subject: int, fired: list[Fired]) -> dict[int, Reason]:
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
            for name, decision, parts in self.plan.tested(item.rule, subject):
                if decision is not None:
                    answers[name] = decided.get(decision, NOT_APPLICABLE)
                else:
                    value: Any = roots
                    for part in parts:
                        value = value[part]
                    answers[name] = value
            out[id(item)] = Reason(
                rule=item.rule.id,
                effect=effect.verb,  # warn is skipped above
                option=option_of(self.pack, item),
                weight=number(effect.score) if effect.verb in ("choose", "favor", "disfavor") else None,
                text=item.render(self.pack, "rationale"),
                answers=answers,
                facts=self.plan.facts_quoted(self.pack, item.rule),
                pack=item.rule.pack,
            )
        return out


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
