"""What an evaluation returns (SPEC section 5), as pydantic models whose dump is the JSON output."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Confidence = Literal["high", "medium", "low"]


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Alternative(Out):
    choice: str
    why_not: str
    rules: list[str] = Field(default_factory=list)


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


class DatasetResult(Out):
    name: str
    decisions: dict[str, Decision]


class Control(Out):
    id: str
    rationale: list[str]
    rules: list[str]
    references: list[str] = Field(default_factory=list)


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

    # The validated requirements, for renderers; not part of the JSON.
    _profile: Any = PrivateAttr(default=None)
    # Every rule that fired, in firing order: for tests and explanations; not part of the JSON.
    _fired: list[str] = PrivateAttr(default_factory=list)

    @property
    def fired_rules(self) -> list[str]:
        return list(self._fired)

    @property
    def profile(self) -> Any:
        return self._profile

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
