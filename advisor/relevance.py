"""Which questions of `advisor ask` can change a decision for this workload, read from the rule pack.

A question is worth asking when some rule of an area that applies tests its field (directly, or
through a value derived from it). Which areas apply is what the rules themselves decide for the
answers so far, the rest defaulted: an area decided `not_applicable` (no orchestrator for Lambda,
no database settings without a database) makes its fields moot. Because a later answer can bring
an area back, the questionnaire checks again at the end and asks whatever became relevant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from advisor.errors import AdvisorError
from advisor.requirements import Usage

# The answers each derived value is computed from (advisor.conditions.DERIVED_FIELDS says what each
# means); the data-set ones are left out: data-set questions are not skipped by relevance.
DERIVED_FROM = {
    "derived.encryption_at_rest": ("compliance.encryption_at_rest", "compliance.frameworks"),
    "derived.memory_per_vcpu": ("compute.memory_gib", "compute.vcpus"),
}
DATASET_DERIVED = frozenset(
    {
        "derived.has_datasets",
        "derived.dataset_usages",
        "derived.dataset_count",
        "derived.total_size_gb",
        "derived.unreproducible_datasets",
    }
)
ALWAYS = frozenset({"controls"})  # a set of controls, decided for every workload
PER_DATASET = frozenset({"storage_service", "storage_class"})
# Never skipped: they name the workload, or set the usual answers of every other question.
KEPT = frozenset({"name", "description", "workload.type"})
# Read by the cost estimate (advisor.cost), not by rules: no decision tests them, yet they change
# what the design costs. Whether one applies is the question's own skip (advisor.questions).
ESTIMATED = frozenset(f"usage.{name}" for name in Usage.model_fields)


def _answers(rule: Any) -> list[str]:
    return [answer for name in rule.fields() for answer in DERIVED_FROM.get(name, (name,))]


def areas_by_field(pack: Any) -> dict[str, frozenset[str]]:
    """Answer field -> the areas whose rules test it."""
    found: dict[str, set[str]] = {}
    for area, rules in pack.rules_by_area.items():
        for rule in rules:
            for answer in _answers(rule):
                found.setdefault(answer, set()).add(area)
    return {name: frozenset(areas) for name, areas in found.items()}


def gating_fields(pack: Any) -> frozenset[str]:
    """Answers a `not_applicable` rule tests: they decide whether an area applies at all, so they
    are asked even while it does not (the database model brings the database area in)."""
    return frozenset(
        answer
        for rules in pack.rules_by_area.values()
        for rule in rules
        if rule.rule.effect.verb == "not_applicable"
        for answer in _answers(rule)
    )


def nested(values: Mapping[str, Any], datasets: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The answers so far as a requirements document (unanswered fields left to their defaults)."""
    document: dict[str, Any] = {"version": 1, "name": "draft", "datasets": [dict(d) for d in datasets]}
    for path, value in values.items():
        if "." in path:
            section, key = path.split(".", 1)
            document.setdefault(section, {})[key] = value
        elif value not in (None, ""):
            document[path] = value
    return document


class Relevance:
    """Tells the questionnaire when a question cannot change any decision that applies."""

    def __init__(self, advisor: Any):
        self.advisor = advisor
        self.by_field = areas_by_field(advisor.pack)
        self.gating = gating_fields(advisor.pack)
        self._applicable: dict[str, frozenset[str] | None] = {}  # answers (as text) -> areas

    def applicable(
        self, values: Mapping[str, Any], datasets: Sequence[Mapping[str, Any]]
    ) -> frozenset[str] | None:
        """The areas that apply for these answers; None when they cannot be evaluated yet."""
        document = nested(values, datasets)
        key = repr(sorted((k, repr(v)) for k, v in document.items()))
        if key not in self._applicable:  # going back replays every question: evaluate each set once
            try:
                result = self.advisor.evaluate(document)
            except AdvisorError:
                self._applicable[key] = None
            else:
                areas = {
                    area for area, decision in result.decisions.items() if decision.choice != "not_applicable"
                }
                areas |= ALWAYS | (PER_DATASET if result.datasets else set())
                self._applicable[key] = frozenset(areas)
        return self._applicable[key]

    def moot(self, path: str, values: Mapping[str, Any], datasets: Sequence[Mapping[str, Any]]) -> str | None:
        """Why the question of `path` need not be asked, or None to ask it."""
        if path in KEPT or path in self.gating or path in ESTIMATED:
            return None
        testing = self.by_field.get(path, frozenset())
        if not testing:
            return "no rule tests it"
        applicable = self.applicable(values, datasets)
        if applicable is None or testing & applicable:
            return None
        return f"only {', '.join(sorted(testing))} test{'s' if len(testing) == 1 else ''} it, and no such decision applies"
