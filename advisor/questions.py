"""The questions of `advisor ask`: which field each asks about, in what order, and when one does not apply.

What a question says (its prompt, help and the meaning of each option) is the field's own (advisor.about).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from advisor import fields
from advisor.about import About


class View(Protocol):
    """The answers so far, defaults filled in: what a skip test reads."""

    def get(self, path: str) -> Any: ...

    def fact(self, name: str, attribute: str = "text") -> Any: ...


Skip = Callable[[View], str | None]  # the reason the question does not apply, or None


@dataclass(frozen=True)
class Question:
    path: str
    skip: Skip | None = None
    again: tuple[str, str] | None = None  # (prompt, help) of a question put again: "Add another data set?"

    @property
    def about(self) -> About:
        return fields.about(self.path)

    @property
    def prompt(self) -> str:  # the question itself, short
        return self.again[0] if self.again else self.about.prompt

    @property
    def help(self) -> str:  # one line in the user's terms; {fact_id} quotes a fact of the rule pack
        return self.again[1] if self.again else self.about.help

    @property
    def hints(self) -> Mapping[str, str]:  # option key -> what picking it means
        return self.about.values

    def explain(self, facts: Mapping[str, Any]) -> str:
        """The one-line help, quoting the rule pack's facts where it names them."""
        return self.again[1] if self.again else self.about.explain(facts)


@dataclass(frozen=True)
class Group:
    title: str
    questions: tuple[Question | str, ...]  # DATASETS stands for the data-set loop


DATASETS = "datasets"

# Work that runs to completion and takes no client connections: no protocol, no user geography.
JOB_TYPES = frozenset(
    {"batch", "scheduled_job", "ml_training", "hpc", "media_transcoding", "rendering", "ci_build"}
)


def _no_servers(view: View) -> str | None:
    if view.get("workload.type") == "static_site":
        return "a static site runs no servers of its own"
    return None


def _no_clients(view: View) -> str | None:
    kind = view.get("workload.type")
    if kind in JOB_TYPES:
        return f"{kind} work takes no client connections"
    return _no_servers(view)


def _no_containers(view: View) -> str | None:
    return None if view.get("workload.containerized") else "nothing is containerized"


def _no_database(view: View) -> str | None:
    return None if view.get("database.model") != "none" else "there is no database"


def _not_public(view: View) -> str | None:
    return None if view.get("compliance.public_facing") else "it is not reachable from the internet"


def _too_short_to_commit(view: View) -> str | None:
    shortest = view.fact("commitment_min_months", "value")
    if shortest is not None and view.get("workload.lifetime_months") < shortest:
        return f"it runs for less than the shortest commitment ({view.fact('commitment_min_months')})"
    return None


def _read_daily(view: View) -> str | None:
    if view.get("dataset.access") == "frequent":
        return "data read every day comes back in milliseconds"
    return None


NAME = Question("name")

DESCRIPTION = Question("description")

WORKLOAD = Group(
    "Workload",
    (
        Question("workload.type"),
        Question("workload.environment"),
        Question("workload.containerized"),
        Question("workload.stateful", skip=_no_servers),
        Question("workload.interruptible", skip=_no_servers),
        Question("workload.traffic"),
        Question("workload.lifetime_months"),
        Question("workload.latency"),
        Question("workload.task_duration_seconds", skip=_no_servers),
        Question("workload.needs_os_control", skip=_no_servers),
        Question("workload.protocol", skip=_no_clients),
        Question("workload.users", skip=_no_clients),
    ),
)

COMPUTE = Group(
    "Compute: one server or task",
    (
        Question("compute.vcpus", skip=_no_servers),
        Question("compute.memory_gib", skip=_no_servers),
        Question("compute.bottleneck", skip=_no_servers),
        Question("compute.cpu_usage", skip=_no_servers),
        Question("compute.accelerator", skip=_no_servers),
        Question("compute.architecture", skip=_no_servers),
    ),
)

# What the cost estimate multiplies prices by (SPEC section 10); the defaults come from the workload type.
# Skipped only by the workload type (never skipped by relevance): a skip reading an answer that
# relevance may leave unasked (OS control, say) would ask more with relevance than without it.
USAGE = Group(
    "Usage: how much of it runs",
    (
        Question("usage.instances", skip=_no_servers),
        Question("usage.peak_instances", skip=_no_servers),
        Question("usage.hours_per_month", skip=_no_servers),
        Question("usage.requests_per_month", skip=_no_servers),
        Question("usage.duration_ms", skip=_no_servers),
    ),
)

TEAM = Group(
    "Team",
    (
        Question("team.operations"),
        Question("team.kubernetes_experience", skip=_no_containers),
        Question("team.portability"),
        Question("team.cloud_experience"),
    ),
)

AVAILABILITY = Group(
    "Availability",
    (
        Question("availability.target"),
        Question("availability.disaster_recovery"),
    ),
)

DATA = Group(
    "Data",
    (
        Question("database.model"),
        Question("database.access", skip=_no_database),
        Question("database.scale", skip=_no_database),
        Question("database.global_writes", skip=_no_database),
        Question("database.performance", skip=_no_database),
        DATASETS,
        Question("processing"),
    ),
)

ADD_DATASET = Question("datasets")

ADD_ANOTHER = Question(
    "datasets", again=("Add another data set?", "Each data set gets its own storage decision.")
)

DATASET = (
    Question("dataset.usage"),
    Question("dataset.name"),
    Question("dataset.access"),
    Question("dataset.retrieval", skip=_read_daily),
    Question("dataset.retention_days"),
    Question("dataset.size_gb"),
    Question("dataset.reproducible"),
    Question("dataset.shared_by_instances"),
)

COMPLIANCE = Group(
    "Compliance and exposure",
    (
        Question("compliance.frameworks"),
        Question("compliance.data_residency"),
        Question("compliance.encryption_at_rest"),
        Question("compliance.public_facing"),
        Question("compliance.ddos_sensitive", skip=_not_public),
    ),
)

COST = Group(
    "Cost",
    (
        Question("cost.priority"),
        Question("cost.commitment", skip=_too_short_to_commit),
    ),
)

GROUPS: tuple[Group, ...] = (
    Group("About it", (NAME, DESCRIPTION)),
    WORKLOAD,
    COMPUTE,
    USAGE,
    TEAM,
    AVAILABILITY,
    DATA,
    COMPLIANCE,
    COST,
)


def all_questions() -> list[Question]:
    """Every question, data-set questions included, in the order they can be asked."""
    out: list[Question] = []
    for group in GROUPS:
        for item in group.questions:
            if item == DATASETS:
                out += [ADD_DATASET, *DATASET, ADD_ANOTHER]
            else:
                assert isinstance(item, Question)
                out.append(item)
    return out
