"""The rule pack's own files as pydantic models: facts, areas and their options, and an organization pack's pack.yaml."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Confidence = Literal["high", "medium", "low"]
CONFIDENCE_ORDER = ("low", "medium", "high")
NOT_APPLICABLE = "not_applicable"
BUILTIN = "builtin"  # the name of the pack under rules/, in reasons and listings
DEFAULT_WEIGHTS = {"choose": 10, "favor": 3, "disfavor": -3}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- facts -----------------------------------------------------------------------------------


class Fact(Strict):
    """A number or limit a rationale quotes, kept once with its source and the date it was checked."""

    value: int | float | str | bool
    text: str = Field(min_length=1, description="How a rationale quotes it.")
    source: str = Field(pattern=r"^https://")
    as_of: datetime.date
    note: str = ""

    def __str__(self) -> str:
        return self.text


# ---- areas -----------------------------------------------------------------------------------


class Confirmation(Strict):
    """How a team checks, once it is built, that the decision holds."""

    check: str = Field(min_length=10, description='Completes "The decision holds when ...".')
    reference: str = Field(pattern=r"^https://")


class DiagramRole(Strict):
    """How the memo's diagram draws an option: which kind of box (if any) and what it says.

    The diagram knows roles, never option ids: a new option states its role here.
    """

    role: Literal[
        "none",  # nothing to draw (not applicable, or a control with no box)
        "annotation",  # shown as words on another box (orchestrator, capacity, instance family …)
        "layout",  # how many regions and zones the boxes are laid out in (availability)
        "dns",  # the DNS box in front of everything
        "cdn",  # a content delivery network box between DNS and the regional entry point
        "region",  # names the region box
        "functions",  # one regional box of functions
        "single_server",  # one server in one zone
        "tasks",  # one box per zone, labelled with the orchestrator and capacity
        "instances",  # one box per zone
        "zonal_nodes",  # database nodes placed per zone, named by `nodes`
        "regional_table",  # one regional database box
        "load_balancer",  # a load balancer box in front of the compute
        "store",  # a data set's storage box
        "pipeline",  # a data-processing box between compute and stores
        "web_firewall",  # a WAF box in front of a load balancer that takes one
    ]
    label: str = Field("", description="The box's label; the option's title when empty.")
    detail: str = Field("", description="The box's second line.")
    nodes: list[str] = Field(default_factory=list, description="zonal_nodes: what each zone's node is.")
    zonal: bool = Field(False, description="Its boxes sit in Availability Zone bands.")
    regions: int = Field(1, ge=1, le=2, description="layout: regions drawn.")
    zones: int = Field(1, ge=1, le=3, description="layout: zones drawn per region.")
    behind_waf: bool = Field(False, description="load_balancer: a WAF web ACL can sit in front of it.")
    prefix: str = Field("", description="store: put before the data set's name.")
    flow: str = Field("", description="store: the label of the data flow from the compute.")
    shows_class: bool = Field(False, description="store: the box shows the data set's storage class.")


class OptionDescription(Strict):
    """What the memo says of an option beyond its texts: pillars served, confirmation, diagram role."""

    pillars: dict[str, str] = Field(
        description='Each Well-Architected pillar it serves, and how (completes "<pillar>: ..."); {} for none.'
    )
    confirmation: Confirmation | None = Field(
        None, description="Required for every applicable option of a choice area."
    )
    diagram: DiagramRole
    # Issue 13: a chosen option always names a downside, even when no backing rule lists one.
    tradeoff: str = Field(
        "", description="What choosing it costs, shown when no rule that backs it names a trade-off."
    )


class Option(OptionDescription):
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="What it is, in one sentence.")
    best_for: str = Field(min_length=1, description="When it is the right call.")
    reference: str = Field("", pattern=r"^(https://.*)?$")


class Area(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    question: str = Field(description="The question this area answers, for the memo.")
    record: int = Field(
        ge=1,
        le=99,
        description="Its ADR number (data sets: 100 × the data set's place + this): an identity, never reused.",
    )
    scope: Literal["workload", "dataset"] = "workload"
    kind: Literal["choice", "set"] = "choice"
    rule_prefix: str = Field(
        pattern=r"^[a-z0-9]+$", description="Every rule id of the area starts with it: `purchase.`."
    )
    options: dict[str, Option]
    fallback: str | None = None
    fallback_reason: str = ""
    open_options: bool = Field(
        False, description="Options come from a table (region codes); rules choose by template."
    )
    options_table: str | None = Field(
        None, description="For open_options: the table under tables/ whose `options` mapping adds options."
    )
    option_defaults: OptionDescription | None = Field(
        None,
        description="For open_options: the pillars, confirmation and diagram role of the table's options.",
    )

    @model_validator(mode="after")
    def _fallback_known(self) -> Area:
        if self.fallback is not None and self.fallback not in self.options:
            raise ValueError(f"fallback {self.fallback!r} is not one of its options")
        if self.kind == "choice" and self.fallback is None:
            raise ValueError("a choice area needs a fallback option")
        if self.kind == "choice":
            for key, option in self.options.items():
                if key != NOT_APPLICABLE and option.confirmation is None:
                    raise ValueError(f"option {key} needs a confirmation (how to check the decision holds)")
        if self.options_table and self.option_defaults is None:
            raise ValueError("an area whose options come from a table needs option_defaults")
        return self


class AreasFile(Strict):
    version: str
    areas: list[Area]

    @model_validator(mode="after")
    def _records_unique(self) -> AreasFile:
        seen: dict[int, str] = {}
        for area in self.areas:
            if area.record in seen:
                raise ValueError(
                    f"areas {seen[area.record]} and {area.id} have the same record number {area.record}"
                )
            seen[area.record] = area.id
        return self


class PackFile(Strict):
    """pack.yaml: what an organization pack is called; its rule ids start with `<name>.`."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)
    description: str = Field(min_length=1, max_length=500)
    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.+-]*$", max_length=40)

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, name: str) -> str:
        if name == BUILTIN:
            raise ValueError(f"{BUILTIN!r} is the name of the built-in pack")
        return name
