"""The memo's view of each decision and control: the choice, reasons tied to the answers they read, the alternatives, the pillars served."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from advisor import fields
from advisor.conditions import DERIVED_FIELDS
from advisor.markup import plain
from advisor.memo_view import (
    AlternativeView,
    Cause,
    ChangeView,
    ControlView,
    DecisionView,
    Link,
    OptionView,
    OverriddenView,
    PillarView,
    Reason,
)
from advisor.pack_models import NOT_APPLICABLE, Area, Option
from advisor.result import Decision
from advisor.result import Reason as ReasonRecord
from advisor.rulepack import RulePack
from advisor.templating import join_and

# ---- plain words for answers --------------------------------------------------------------------

# The labels, groups and value words come from the requirements model's fields (advisor.fields).
LABELS = fields.labels()
SECTIONS = fields.sections()
WORDS = fields.value_words()


def words(path: str, value: Any) -> str:
    """An answer as a reader would say it: "3 years", "99.95%", "PCI DSS", "yes"."""
    return fields.words(path, value)


@dataclass
class DecisionViews:
    pack: RulePack
    answers: dict[str, Any]
    derived: dict[str, Any]
    defaulted: frozenset[str]
    type_defaults: frozenset[str]
    decisions: dict[str, Decision]
    pillar_table: dict[str, Any]  # pillar id -> its title and reference
    dataset_decisions: list[dict[str, Decision]]

    def option(self, area: Area, option_id: str) -> OptionView:
        option = area.options.get(option_id)
        if option is None:  # an option the pack does not describe: its id is all there is to show
            return OptionView(option_id, plain(option_id), plain(option_id), plain(option_id), "")
        return OptionView(
            option_id, plain(option.title), plain(option.summary), plain(option.best_for), option.reference
        )

    def cause(self, path: str, value: Any, subject: int | None) -> Cause:
        """What one tested answer of a reason looks like in the memo: its label and plain words."""
        if path.startswith("decision."):
            area = self.pack.area_by_id[path.split(".", 1)[1]]
            return Cause(path, plain(area.title), self.option(area, value).title, kind="decision")
        if path.startswith("derived."):
            key = path.split(".", 1)[1]
            meaning = DERIVED_FIELDS.get(path, ("", key.replace("_", " ")))[1]
            return Cause(
                path, plain(meaning[0].upper() + meaning[1:]), plain(words(key, value)), kind="derived"
            )
        indexed = fields.dataset_path(path)
        if indexed is not None:
            key = indexed[1]
            return Cause(
                path, LABELS.get(f"dataset.{key}", key), plain(words(key, value)), path in self.defaulted
            )
        return Cause(path, LABELS.get(path, path), plain(words(path, value)), path in self.defaulted)

    def causes(self, reason: ReasonRecord, subject: int | None) -> tuple[Cause, ...]:
        return tuple(self.cause(path, value, subject) for path, value in reason.answers.items())

    def decision(
        self, area: Area, decision: Decision, subject: int | None = None, name: str = ""
    ) -> DecisionView:
        # The rules that decided it (backers, then what ruled out or spoke against the others).
        by_rule = {r.rule: r for r in decision.reasons}
        deciding = [by_rule[rule] for rule in decision.rules if rule in by_rule]
        backers = [r for r in deciding if _backs(r, decision.choice)]
        # Each line of the rationale with the answers that made it apply: the reasons whose text it is.
        reasons = [
            Reason(
                plain(text),
                tuple(dict.fromkeys(c for r in backers if r.text == text for c in self.causes(r, subject))),
            )
            for text in decision.rationale
        ]
        drivers = list(dict.fromkeys(c for r in deciding for c in self.causes(r, subject)))

        alternatives = []
        others = []
        for alternative in decision.alternatives:
            option = self.option(area, alternative.choice)
            ruled_out = alternative.choice in decision.excluded
            spoken_for = any(
                r.option == alternative.choice and r.effect in ("choose", "favor") for r in decision.reasons
            )
            if alternative.rules or spoken_for:
                alternatives.append(AlternativeView(option, plain(alternative.why_not), ruled_out))
            else:
                others.append(option)
        alternatives.sort(key=lambda a: a.ruled_out)
        overridden = None
        if decision.overridden is not None:
            # The team's choice is the outcome; the advice is the first option it was weighed against.
            advice = self.option(area, decision.overridden.advice)
            overridden = OverriddenView(
                advice, plain(decision.overridden.reason), decision.overridden.until or ""
            )
            alternatives = [a for a in alternatives if a.option.id != decision.choice]
            others = [o for o in others if o.id != decision.choice]
            if decision.overridden.advice != decision.choice:
                alternatives.insert(
                    0, AlternativeView(advice, "the advice: " + " ".join(r.text for r in reasons), False)
                )

        applicable = decision.choice != NOT_APPLICABLE
        risks = []
        if applicable and decision.confidence == "low":
            if backers:
                risks.append(
                    "The confidence is low: the answers only weakly point to this choice; "
                    "confirm it before building on it."
                )
            else:
                risks.append(
                    "The confidence is low: no rule in the pack spoke for this option; it is the default "
                    "for this area, so confirm it against what the team knows about the workload."
                )
        elif applicable and decision.confidence == "medium":
            runner = next((a for a in alternatives if not a.ruled_out), None)
            if runner is not None and decision.close_to(runner.option.id):
                risks.append(
                    f"The confidence is medium: {runner.option.title} came close; "
                    "revisit if the answers behind this decision change."
                )
            else:  # the rules behind the choice are rated medium themselves
                risks.append(
                    "The confidence is medium: the rules behind this choice hold for most designs like "
                    "this one, not all; revisit if the answers behind this decision change."
                )
        assumed = [c for c in drivers if c.assumed]
        if assumed:
            risks.append(
                "The decision rests on assumed answers: "
                + join_and([f"{c.label.lower()} ({c.value})" for c in assumed])
                + "; if any of them is wrong, this decision may change."
            )

        references = []
        titles_by_url: dict[str, str] = {}
        for rule in (self.pack.rule_by_id[r] for r in decision.rules if r in self.pack.rule_by_id):
            titles_by_url.setdefault(rule.rule.reference, plain(rule.rule.title))
        option = self.option(area, decision.choice)
        if option.reference:
            titles_by_url.setdefault(option.reference, f"{option.title}: documentation")
        for ref in decision.references:
            references.append(Link(titles_by_url.get(ref, _link_text(ref)), ref))

        described = area.options.get(decision.choice)
        pillars = _pillars(self.pillar_table, described) if applicable else []
        confirmed = described.confirmation if described else None
        confirmation = plain(confirmed.check) if confirmed else ""
        confirmation_reference = confirmed.reference if confirmed else ""
        return DecisionView(
            area=area.id,
            title=plain(area.title),
            question=plain(area.question),
            subject=plain(name),
            anchor="",
            choice=option,
            confidence=decision.confidence,
            applicable=applicable,
            reasons=reasons,
            drivers=drivers,
            alternatives=alternatives,
            others=others,
            tradeoffs=[plain(t) for t in decision.tradeoffs],
            risks=risks,
            advice=[plain(a) for a in decision.advice],
            details=[
                (plain(k.replace("_", " ").capitalize()), plain(v)) for k, v in decision.details.items()
            ],
            references=references,
            pillars=pillars,
            assumptions=[plain(a) for a in decision.assumptions],
            rules=list(decision.rules),
            confirmation=confirmation,
            confirmation_reference=confirmation_reference,
            would_change=self.changes(area, decision, subject),
            overridden=overridden,
        )

    def changes(self, area: Area, decision: Decision, subject: int | None) -> list[ChangeView] | None:
        """would_change grouped by the choice it leads to, each changed answer in the memo's words."""
        if decision.would_change is None:
            return None
        grouped: dict[str, list[Cause]] = {}
        for change in decision.would_change:
            for path, value in change.set.items():
                cause = self.cause(path, value, subject)
                grouped.setdefault(change.choice, []).append(replace(cause, assumed=False))
        return [ChangeView(self.option(area, choice), tuple(causes)) for choice, causes in grouped.items()]

    def control(self, control: Any) -> ControlView:
        area = self.pack.area_by_id.get("controls")
        option = area.options.get(control.id) if area else None
        title = plain(option.title) if option else control.id
        summary = plain(option.summary) if option else ""
        titles_by_url: dict[str, str] = {}
        for rule_id in control.rules:
            rule = self.pack.rule_by_id.get(rule_id)
            if rule:
                titles_by_url.setdefault(rule.rule.reference, plain(rule.rule.title))
        if option and option.reference:
            titles_by_url.setdefault(option.reference, f"{title}: documentation")
        return ControlView(
            control.id,
            title,
            summary,
            tuple(plain(r) for r in control.rationale),
            tuple(Link(titles_by_url.get(ref, _link_text(ref)), ref) for ref in control.references),
            tuple(_pillars(self.pillar_table, option)),
        )


def _backs(reason: ReasonRecord, choice: str) -> bool:
    if choice == NOT_APPLICABLE:
        return reason.effect == "not_applicable"
    return reason.effect in ("choose", "favor") and (reason.weight or 0) > 0 and reason.option == choice


def _link_text(ref: str) -> str:
    return ref.removeprefix("https://").removeprefix("docs.aws.amazon.com/")


def _pillars(meta: Mapping[str, Any], option: Option | None) -> list[PillarView]:
    """The pillars an option serves, in the pillars table's order."""
    served = option.pillars if option else {}
    return [
        PillarView(
            pillar,
            plain(meta[pillar].get("title", pillar)),
            plain(served[pillar]),
            meta[pillar].get("reference", ""),
        )
        for pillar in meta
        if pillar in served
    ]
