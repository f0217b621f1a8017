"""The pack's tables (tables/*.yaml) and type defaults (defaults.yaml) as models, each file checked at load."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, RootModel, ValidationError, model_validator

from advisor import fields
from advisor.conditions import FIELD_KINDS
from advisor.pack_models import Strict
from advisor.requirements import Requirements, WorkloadType

if TYPE_CHECKING:
    from advisor.pack_problems import Problems

Https = Annotated[str, Field(pattern=r"^https://")]
Size = tuple[Annotated[int, Field(ge=1)], Annotated[float, Field(gt=0)]]  # [vCPUs, GiB of memory]


class InstanceFamily(Strict):
    names: dict[Literal["arm64", "x86_64"], str] = Field(min_length=1)
    sizes: dict[str, Size] = Field(min_length=1)
    sizes_by_name: dict[str, dict[str, Size]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names_known(self) -> InstanceFamily:
        unknown = set(self.sizes_by_name) - set(self.names.values())
        if unknown:
            raise ValueError(f"sizes_by_name names no family name of this family: {sorted(unknown)}")
        return self


class InstanceTypesTable(Strict):
    as_of: datetime.date
    families: dict[str, InstanceFamily] = Field(min_length=1)


class Region(Strict):
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    best_for: str = Field(min_length=1)
    reference: Https
    place: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    eu: bool
    opt_in: bool
    partition: Literal["aws", "aws-cn"]


class Country(Strict):
    name: str = Field(min_length=1)
    region: str
    gdpr_area: bool = False
    alias_of: str | None = None
    why: str = ""


class RegionsTable(Strict):
    source: Https
    as_of: datetime.date
    options: dict[str, Region] = Field(min_length=1)
    countries: dict[str, Country]

    @model_validator(mode="after")
    def _references_known(self) -> RegionsTable:
        for code, country in self.countries.items():
            if country.region not in self.options:
                raise ValueError(f"countries.{code}: {country.region!r} is not one of the options")
            if country.alias_of is not None and country.alias_of not in self.countries:
                raise ValueError(f"countries.{code}: alias_of {country.alias_of!r} is not a country")
        return self


class Pillar(Strict):
    title: str = Field(min_length=1)
    reference: Https


class PillarsTable(Strict):
    """The Well-Architected pillars; which an option serves is said on the option (areas.yaml)."""

    pillars: dict[str, Pillar] = Field(min_length=1)


# Every table under tables/ is checked at load by its model; a table without one is an error.
TABLE_MODELS: dict[str, type[Strict]] = {
    "instance_types": InstanceTypesTable,
    "regions": RegionsTable,
    "pillars": PillarsTable,
}


def check_tables(tables: dict[str, Any], problems: Problems) -> None:
    """Check each table by its model; a table without a model is a problem too."""
    for name, data in tables.items():
        where = f"tables/{name}.yaml"
        model = TABLE_MODELS.get(name)
        if model is None:
            problems.add(where, f"no model checks this table: add one to TABLE_MODELS in {__name__}")
            continue
        problems.validate(model, data, where)


# The answers defaults.yaml may assume: every answer of the requirements but the workload type,
# the file's own name and version, and the data sets (they have no type-wide defaults).
DEFAULTABLE = tuple(
    name
    for name in FIELD_KINDS
    if not name.startswith(("derived.", "dataset."))
    and name not in ("version", "name", "description", "workload.type")
)


class TypeDefaults(RootModel[dict[WorkloadType, dict[str, Any]]]):
    """defaults.yaml: workload type -> {dotted answer: value}; each value must be a valid answer."""

    @model_validator(mode="after")
    def _valid_answers(self) -> TypeDefaults:
        problems: list[str] = []
        for kind, defaults in self.root.items():
            document: dict[str, Any] = {"version": 1, "name": "defaults", "workload": {"type": kind}}
            for path, value in defaults.items():
                if path not in DEFAULTABLE:
                    problems.append(f"{kind}.{path}: is not an answer a workload type can assume")
                    continue
                fields.set_at(document, path, value)
            try:
                Requirements.model_validate(document)
            except ValidationError as error:
                for problem in error.errors(include_url=False):
                    loc = ".".join(str(p) for p in problem["loc"] if not str(p).startswith("function-"))
                    problems.append(f"{kind}.{loc}: {problem['msg'].removeprefix('Value error, ')}")
        if problems:
            raise ValueError("; ".join(problems))
        return self
