"""A rule as its file states it (effect, examples, metadata) and as compiled for matching (clauses per rule)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from advisor import operators
from advisor.conditions import FieldTest, When
from advisor.pack_models import DEFAULT_WEIGHTS, Area, Confidence, Strict

FLAG = "flag:"  # the op of a precomputed test; its value is the test itself


@dataclass(frozen=True)
class Clause:
    """One test of one field: `field op value`. Values naming a fact (fact:ID) are resolved at load.

    A test that is computed before matching (see advisor.operators) is wrapped: op `flag:<op>`,
    value the test itself, and reaches the engine as a flag.
    """

    field: str
    op: str
    value: Any

    @property
    def precomputed(self) -> bool:
        return self.op.startswith(FLAG)


class Effect(Strict):
    choose: str | None = None
    favor: str | None = None
    disfavor: str | None = None
    exclude: str | None = None
    not_applicable: bool | None = None
    propose: str | None = None
    warn: bool | None = None
    weight: float | None = Field(
        None, gt=0, description="Overrides the verb's weight; disfavor makes it negative."
    )
    details: dict[str, str] = Field(
        default_factory=dict, description="Templates shown with the decision when its option wins."
    )
    advice: list[str] = Field(
        default_factory=list, description="Templates of follow-up advice when its option wins."
    )

    @model_validator(mode="after")
    def _one_verb(self) -> Effect:
        verbs = [
            v
            for v in ("choose", "favor", "disfavor", "exclude", "not_applicable", "propose", "warn")
            if getattr(self, v) not in (None, False)
        ]
        if len(verbs) != 1:
            raise ValueError(
                "an effect has exactly one of choose, favor, disfavor, exclude, not_applicable, propose, warn"
            )
        if self.weight is not None and verbs[0] not in DEFAULT_WEIGHTS:
            raise ValueError("weight goes with choose, favor or disfavor")
        return self

    @cached_property
    def verb(self) -> str:
        return next(
            v
            for v in ("choose", "favor", "disfavor", "exclude", "not_applicable", "propose", "warn")
            if getattr(self, v) not in (None, False)
        )

    @cached_property
    def option(self) -> str | None:
        value = getattr(self, self.verb)
        return value if isinstance(value, str) else None

    @cached_property
    def score(self) -> float:
        if self.weight is not None:
            return self.weight if self.verb != "disfavor" else -self.weight
        return DEFAULT_WEIGHTS.get(self.verb, 0)


class RuleExamples(Strict):
    """Scenarios next to the rule: partial requirements that must fire it, and ones that must not.

    A scenario may carry `expect: {area: option}` (dataset areas: the first dataset's decision).
    """

    fires: list[dict[str, Any]] = Field(min_length=1)
    quiet: list[dict[str, Any]] = Field(min_length=1)


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(\.[a-z0-9_]+(-[a-z0-9_]+)*)+$")
    title: str = Field(min_length=8, max_length=140, description="The recommended end state.")
    when: When = Field(default_factory=lambda: When())
    effect: Effect
    confidence: Confidence = "high"
    rationale: str = Field(min_length=20)
    tradeoffs: list[str] = Field(default_factory=list)
    reference: str = Field(pattern=r"^https://")
    aliases: list[str] = Field(default_factory=list, description="Old ids that still name this rule.")
    examples: RuleExamples

    @field_validator("title")
    @classmethod
    def _no_ensure(cls, title: str) -> str:
        if title.lower().startswith("ensure"):
            raise ValueError('states the end state, not "Ensure ..."')
        return title


class RuleFile(Strict):
    """A file of rules: its area, and the rules, each validated on its own so every problem is told."""

    area: str
    rules: list[Any] = Field(min_length=1)


@dataclass
class CompiledRule:
    rule: Rule
    area: Area
    index: int
    path: str  # the file it came from: relative to the built-in pack, as given for a layer's
    clauses: list[Clause]  # all must hold
    any_of: list[list[Clause]]  # each group: one of its clauses must hold
    pack: str = "builtin"  # the pack it came from: builtin, or an organization pack's name
    root: Path | None = None  # that pack's folder

    @property
    def id(self) -> str:
        return self.rule.id

    def fields(self) -> list[str]:
        """The answers the rule tests, in order; worked out once (each evaluation asks several times
        for every rule that fired). The list is shared: read it, do not change it."""
        return self._fields

    @cached_property
    def _fields(self) -> list[str]:
        seen = [c.field for c in self.clauses] + [c.field for group in self.any_of for c in group]
        return list(dict.fromkeys(seen))


def clause_of(test: FieldTest) -> Clause:
    if operators.is_precomputed(test.op, test.kind):
        return Clause(test.field, FLAG + test.op, Clause(test.field, test.op, test.value))
    return Clause(test.field, test.op, "none" if test.value is None else test.value)
