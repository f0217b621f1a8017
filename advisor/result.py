"""What an evaluation returns (SPEC section 5), as pydantic models whose dump is the JSON output."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
)

Confidence = Literal["high", "medium", "low"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


Effect = Literal["choose", "favor", "disfavor", "exclude", "not_applicable", "propose"]
Number = int | float


class Reason(Out):
    """One rule that fired for or against an option of a decision (or proposed a control)."""

    rule: str
    effect: Effect
    option: str | None = Field(description="The option it spoke for or against; null for not_applicable.")
    weight: Number | None = Field(
        description="What it added to the option's score (negative against it); null when it scores nothing."
    )
    text: str = Field(description="Its rationale, rendered for these answers.")
    answers: dict[str, Any] = Field(
        description="Every answer, derived value and earlier decision (decision.AREA) its conditions tested."
    )
    facts: list[str] = Field(description="The ids of the facts its texts quote (rules/facts/).")
    pack: str = Field(description="The rule pack it came from: builtin, or an organization pack's name.")


class Assumed(Out):
    """A defaulted answer a decision rests on."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    path: str
    value: Any
    source: Literal["default", "workload_type"] = Field(
        alias="from", description="default: the model's default; workload_type: the type's usual answer."
    )


class Alternative(Out):
    choice: str
    why_not: str
    rules: list[str] = Field(default_factory=list)


class Change(Out):
    """One changed answer (`set`: its path and new value) and the choice the decision would then get."""

    set: dict[str, Any]
    choice: str


class Overridden(Out):
    """The team's choice in place of the advice (SPEC §9); `advice` is what the rules chose."""

    choice: str
    reason: str
    until: str | None = Field(description="The last day it applies (YYYY-MM-DD), or null for no end.")
    advice: str


# Less than one ordinary "favor" between the winner and the runner-up: a close call, and at most
# medium confidence (advisor.resolve) however sure the rules behind the winner are.
CLOSE_MARGIN = 3


def _absent(value: Any) -> bool:
    return value is None


class Decision(Out):
    choice: str
    confidence: Confidence
    rationale: list[str]
    rules: list[str]
    assumptions: list[str]
    alternatives: list[Alternative]
    details: dict[str, str] = Field(default_factory=dict)
    advice: list[str] = Field(default_factory=list)
    tradeoffs: list[str] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list, description="Every rule that fired, in firing order.")
    scores: dict[str, Number] = Field(
        default_factory=dict, description="The summed weight of every option still in play."
    )
    excluded: dict[str, list[str]] = Field(
        default_factory=dict, description="Each ruled-out option with the rules that ruled it out."
    )
    assumed: list[Assumed] = Field(default_factory=list)
    # Absent, not null, unless computed: output without --sensitivity stays as it was.
    would_change: list[Change] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Each single-answer change that gives another choice; absent unless asked for.",
    )
    overridden: Overridden | None = Field(
        default=None,
        exclude_if=_absent,
        description="The team's override of this decision; absent when there is none.",
    )

    def close_to(self, option: str) -> bool:
        """Whether `option` is still in play within CLOSE_MARGIN of the choice's score."""
        if option not in self.scores or self.choice not in self.scores:
            return False
        return self.scores[self.choice] - self.scores[option] < CLOSE_MARGIN


class DatasetResult(Out):
    name: str
    decisions: dict[str, Decision]


class Control(Out):
    id: str
    rationale: list[str]
    rules: list[str]
    references: list[str] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)


class CostItem(Out):
    """One priced line of the estimate: quantity x unit price, with where the price comes from."""

    area: str = Field(description="The decision area (or dataset:NAME:storage_class) the line prices.")
    what: str
    unit: str
    quantity: Number
    unit_price: Number
    monthly: Number
    source: str
    as_of: str


class CostRange(Out):
    low: Number
    expected: Number
    high: Number


class Cost(Out):
    """What the design costs a month (SPEC section 10): every figure rests on a dated price."""

    currency: Literal["USD"] = "USD"
    region: str = Field(description="The Region the prices are for.")
    prices_as_of: str = Field(description="The snapshot's date: that of its oldest price.")
    monthly: CostRange
    by_purchase_model: dict[str, Number | None] = Field(
        description="The compute lines under each purchase model; null where it does not apply or has no price."
    )
    items: list[CostItem]
    unpriced: list[str] = Field(description="What the design uses that the snapshot has no price for.")
    notes: list[str] = Field(
        default_factory=list, description="What the figures assume, and how old they are."
    )
    break_even_months: Number | None = Field(
        None, description="Months after which a 1-year commitment paid upfront costs less than On-Demand."
    )


class RulePackInfo(Out):
    version: str
    digest: str


class Result(Out):
    advisor_version: str
    rule_pack: RulePackInfo
    name: str
    fingerprint: str = Field(description="sha256 of the validated requirements, to trace output to input")
    decisions: dict[str, Decision]
    datasets: list[DatasetResult]
    controls: list[Control]
    warnings: list[str]
    cost: Cost | None = Field(None, description="What it costs (SPEC section 10).")

    # The validated requirements and the values derived from them, for renderers; not in the JSON.
    _profile: Any = PrivateAttr(default=None)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)
    # Every rule that fired, in firing order: for tests and explanations; not part of the JSON.
    _fired: list[str] = PrivateAttr(default_factory=list)

    @property
    def fired_rules(self) -> list[str]:
        return list(self._fired)

    @property
    def profile(self) -> Any:
        return self._profile

    @property
    def derived(self) -> dict[str, Any]:
        """The values the evaluation derived from the answers (rules test them as derived.NAME)."""
        return dict(self._derived)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        if indent is None:  # json.dumps's spaced separators, which pydantic's serializer has no form of
            return json.dumps(self.to_dict(), ensure_ascii=False)
        # pydantic's serializer writes the same bytes as json.dumps(to_dict(), indent, ensure_ascii=False)
        # (tests/test_outputs.py keeps them) in a sixth of the time; results hold only finite numbers.
        return self.model_dump_json(indent=indent)

    def to_json_line(self) -> str:
        """The result as one compact JSON line: json.dumps's (",", ":") form, serialized once by pydantic."""
        return self.model_dump_json()
