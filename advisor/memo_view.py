"""The memo's view model: what the templates receive, built by `advisor.memo_build.build` from a result."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor import diagram as diagrams
from advisor.pack_models import NOT_APPLICABLE

# ---- the view model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class OptionView:
    id: str
    title: str
    summary: str
    best_for: str
    reference: str


@dataclass(frozen=True)
class Cause:
    """An answer (or earlier decision) a rule tested: what made a reason apply."""

    path: str
    label: str
    value: str
    assumed: bool = False
    kind: str = "answer"  # answer | decision | derived


@dataclass(frozen=True)
class Reason:
    text: str
    causes: tuple[Cause, ...] = ()


@dataclass(frozen=True)
class OverriddenView:
    """The team's override of a decision: the advice it replaces, why, and until when."""

    advice: OptionView
    reason: str
    until: str  # YYYY-MM-DD, or "" for no end


@dataclass(frozen=True)
class AlternativeView:
    """An option some rule spoke for or against, and why it lost."""

    option: OptionView
    why_not: str
    ruled_out: bool


@dataclass(frozen=True)
class PillarView:
    id: str
    title: str
    how: str
    reference: str


@dataclass(frozen=True)
class ChangeView:
    """A choice the decision would get, and the single changed answers (each alone) that lead to it."""

    choice: OptionView
    causes: tuple[Cause, ...]  # the answer each change sets, with its new value


@dataclass
class DecisionView:
    area: str
    title: str  # the area's title
    question: str
    subject: str  # the data set's name for dataset areas, else ""
    anchor: str
    choice: OptionView
    confidence: str
    applicable: bool
    reasons: list[Reason]
    drivers: list[Cause]
    alternatives: list[AlternativeView]
    others: list[OptionView]  # options no rule spoke for or against
    tradeoffs: list[str]
    risks: list[str]
    advice: list[str]
    details: list[tuple[str, str]]
    references: list[Link]
    pillars: list[PillarView]
    assumptions: list[str]
    rules: list[str]
    confirmation: str
    confirmation_reference: str
    number: int = 0  # its ADR number, 0 when it gets no record
    ordinal: int = 0  # its place among the memo's decisions that apply, for section headings
    filename: str = ""
    # What would change this decision: None when not computed (the part is left out), [] when no
    # single answer can change it.
    would_change: list[ChangeView] | None = None
    overridden: OverriddenView | None = None  # the team took another choice than the advice

    @property
    def heading(self) -> str:
        return f"{self.title} for {self.subject}" if self.subject else self.title


@dataclass(frozen=True)
class Answer:
    path: str
    label: str
    value: str
    assumed: bool


@dataclass(frozen=True)
class AnswerGroup:
    title: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class AssumptionView:
    path: str
    label: str
    value: str
    why: str  # "the advisor's default" or "usual for batch"
    affects: tuple[str, ...]


@dataclass
class DatasetView:
    name: str
    anchor: str
    facts: list[Answer]
    decisions: list[DecisionView]


@dataclass(frozen=True)
class ControlView:
    id: str
    title: str
    summary: str
    reasons: tuple[str, ...]
    references: tuple[Link, ...]
    pillars: tuple[PillarView, ...]


@dataclass(frozen=True)
class PillarSummary:
    id: str
    title: str
    reference: str
    served_by: tuple[tuple[str, str, str], ...]  # (what, choice, how)


@dataclass(frozen=True)
class SummaryRow:
    area: str
    subject: str
    choice: str
    confidence: str
    anchor: str
    applicable: bool


@dataclass(frozen=True)
class CostLine:
    what: str
    quantity: str  # "1,460 instance-hour"
    unit_price: str
    monthly: str
    source: str
    as_of: str


@dataclass(frozen=True)
class CostView:
    """The section "What it costs": the estimate's figures, formatted, each with its dated source."""

    region: str
    prices_as_of: str
    low: str
    expected: str
    high: str
    lines: tuple[CostLine, ...]
    by_purchase_model: tuple[tuple[str, str], ...]  # (model in words, monthly or "not priced")
    break_even: str
    unpriced: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass
class Memo:
    name: str
    description: list[str]
    date: str
    advisor_version: str
    rule_pack_version: str
    rule_pack_digest: str
    fingerprint: str
    source: str
    words: dict[str, str]  # dotted answer path -> plain words
    answers: list[AnswerGroup]
    assumptions: list[AssumptionView]
    decisions: list[DecisionView]  # workload areas that apply, in the order they are decided
    not_applicable: list[DecisionView]
    datasets: list[DatasetView]
    summary: list[SummaryRow]
    controls: list[ControlView]
    pillars: list[PillarSummary]
    open_questions: list[str]
    next_steps: list[str]
    warnings: list[str]
    diagram: diagrams.Diagram
    choices: dict[str, str]  # workload area -> option id
    titles: dict[str, str]  # workload area -> chosen option's title
    roles: dict[str, str] = field(default_factory=dict)  # workload area -> chosen option's diagram role
    names: frozenset[str] = frozenset()  # every word of every option title: names, not prose
    cost: CostView | None = None  # "What it costs" (advisor.cost)

    @property
    def records(self) -> list[DecisionView]:
        """The decisions that get an ADR each, numbered in order."""
        return [d for d in self.all_decisions if d.number]

    @property
    def all_decisions(self) -> list[DecisionView]:
        return self.decisions + [d for ds in self.datasets for d in ds.decisions]

    @property
    def confidence_counts(self) -> dict[str, int]:
        counts = {"high": 0, "medium": 0, "low": 0}
        for decision in self.all_decisions:
            if decision.applicable:
                counts[decision.confidence] += 1
        return counts

    def decided(self, area: str) -> bool:
        return self.choices.get(area, NOT_APPLICABLE) != NOT_APPLICABLE
