"""Evaluations that need only the choices: what would change a decision asks for one per answer it could change."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor import templating
from advisor.decide import Run, holds
from advisor.fields import value_at
from advisor.resolve import WORKLOAD, option_of, tally


@dataclass
class Choices:
    """Only what was chosen: each workload area's choice, each data set's, the controls proposed."""

    decisions: dict[str, str]
    datasets: list[tuple[str, dict[str, str]]]  # (data set name, its areas' choices)
    controls: list[str]
    # What each question read, and what it chose (a list of controls for the set area): another
    # evaluation whose first questions read the same starts after them (`ChoiceRun.start`).
    inputs: list[tuple[Any, ...]] = field(default_factory=list, repr=False, compare=False)
    chosen: list[str | list[str]] = field(default_factory=list, repr=False, compare=False)


class ChoiceRun(Run):
    """An evaluation that makes the same choices as `Run` and writes none of the texts behind them.

    Asking "what would change this decision" evaluates a file once per answer it could change;
    those evaluations need the choices alone, and skipping the reasons, texts and result objects
    makes each several times cheaper. Both runs choose through `tally`.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self.proposed: list[str] = []

    def _inputs(self, position: int) -> tuple[Any, ...]:
        """Everything the question at `position` lets its rules see but the decisions before it.

        Two evaluations whose questions read the same up to some position make the same choices up
        to it: the decisions a question carries were made by earlier questions, alike by induction.
        """
        area, subject = self.questions[position]
        roots = self._roots[subject]
        named_by = self.plan.option_inputs(self.pack, area)
        if named_by is None:
            named: Any = object()  # equal to nothing: the question is always asked again
        else:
            context = self._new_context(subject)
            named = tuple(templating.value_at(context, path) for path in named_by)
        return (
            area.id,
            subject,
            tuple(value_at(roots, path) for path in self.plan.fields[area.id]),
            tuple(holds(test, value_at(roots, test.field)) for _, test in self.plan.tests[area.id]),
            self.overrides.get((subject, area.id)),
            named,
        )

    def start(self, like: Choices | None) -> dict[str, Any] | None:
        """The first question to ask: after those whose inputs match `like`'s, their choices taken as made."""
        same = 0
        if like is not None and len(like.inputs) == len(self.questions):
            while same < len(self.questions) and self._inputs(same) == like.inputs[same]:
                area, subject = self.questions[same]
                chosen = like.chosen[same]
                if isinstance(chosen, list):
                    self.proposed = list(chosen)
                else:
                    self.choices.setdefault(subject, {})[area.id] = chosen
                same += 1
        self.position = same
        return self._question(same)

    def resolved(self, fact: dict[str, Any]) -> dict[str, Any] | None:
        position, area, subject, fired = self._fired_for(fact)
        if area.kind == "set":
            named = {f.rule.rule.effect.option for f in fired if f.rule.rule.effect.verb == "propose"}
            self.proposed = [option for option in area.options if option in named]
        else:
            pack = self.pack
            choice = tally(
                area,
                fired,
                lambda item: None if item.rule.rule.effect.verb == "warn" else option_of(pack, item),
            ).winner
            override = self.overrides.get((subject, area.id))
            self.choices.setdefault(subject, {})[area.id] = choice if override is None else override.choice
        self.position = position + 1
        return self._question(self.position)

    def outcome(self, inputs: bool = True) -> Choices:
        """The choices made; with `inputs`, what each question read too (for a later `start`)."""
        workload = self.choices.get(WORKLOAD, {})
        areas = self.pack.areas
        return Choices(
            decisions={a.id: workload[a.id] for a in areas if a.scope == "workload" and a.kind == "choice"},
            datasets=[
                (dataset["name"], {a.id: self.choices[i][a.id] for a in areas if a.scope == "dataset"})
                for i, dataset in enumerate(self.answers["datasets"])
            ],
            controls=list(self.proposed),
            inputs=[self._inputs(position) for position in range(len(self.questions))] if inputs else [],
            chosen=[
                list(self.proposed) if area.kind == "set" else self.choices[subject][area.id]
                for area, subject in self.questions
            ],
        )
