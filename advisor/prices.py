"""The price snapshot of rules/prices/ loaded and checked: every figure with its source and date."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from advisor.errors import RulePackError
from advisor.rulepack import default_root, read_pack_yaml

Price = float
Arch = Literal["x86_64", "arm64"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# One link: an https page with no spaces or control characters (the memo links every source).
_LINK = r"^https://[^\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]+$"
_AWS_PAGE = "https://aws.amazon.com/"


class Dated(Strict):
    """A group of prices from one source, seen on one date."""

    source: str = Field(pattern=_LINK, max_length=300)
    via: str = Field("", pattern=r"^[^\x00-\x1f\x7f-\x9f]*$", max_length=300)
    as_of: datetime.date
    region: Literal["us-east-1"]

    @field_validator("source")
    @classmethod
    def _an_aws_page(cls, source: str, info: ValidationInfo) -> str:
        # The built-in snapshot quotes AWS's own pricing pages; an organization pack's negotiated
        # rates come from its own rate card (validated with the context {"pack": name}).
        if not (info.context or {}).get("pack") and not source.startswith(_AWS_PAGE):
            raise ValueError(f"the built-in prices quote an AWS pricing page ({_AWS_PAGE}...)")
        return source


class InstancePrice(Strict):
    on_demand: Price = Field(gt=0)
    spot: Price | None = Field(None, gt=0)
    reserved_1y: Price | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _discounts_discount(self) -> InstancePrice:
        for name, value in self:
            if value is not None and value > self.on_demand:
                raise ValueError(f"{name} ({value}) is dearer than on_demand ({self.on_demand})")
        return self


class Instances(Dated):
    prices: dict[str, InstancePrice]


class Ec2File(Strict):
    instances: Instances
    unpriced: dict[str, list[str]] = Field(default_factory=dict)  # family name -> sizes


class ByArch(Strict):
    x86_64: Price = Field(ge=0)
    arm64: Price = Field(ge=0)


class FargatePrices(Strict):
    vcpu_hour: ByArch
    gb_hour: ByArch


class Fargate(Dated):
    prices: FargatePrices


class LambdaPrices(Strict):
    million_requests: ByArch
    gb_second: ByArch


class Lambda(Dated):
    prices: LambdaPrices


class StorageClass(Strict):
    gb_month: Price = Field(gt=0)
    retrieval_gb: Price = Field(ge=0)
    min_days: int = Field(ge=0)


class S3(Dated):
    classes: dict[str, StorageClass]


class HourlyPrice(Strict):
    """A resource paid for every hour it exists, plus a usage unit the requirements cannot count."""

    words: str
    hour: Price = Field(gt=0)
    capacity_unit_hour: Price = Field(gt=0)


class LoadBalancers(Dated):
    prices: dict[str, HourlyPrice]  # option id -> price


class VolumePrice(Strict):
    words: str
    gb_month: Price = Field(gt=0)


class FileStorage(Dated):
    prices: dict[str, VolumePrice]  # storage_service option id -> price


class ServicesFile(Strict):
    fargate: Fargate
    functions: Lambda  # AWS Lambda
    s3: S3
    load_balancers: LoadBalancers
    file_storage: FileStorage
    block_storage: FileStorage  # EBS volumes, priced like a file system by the GB-month provisioned
    unpriced: dict[str, str] = Field(default_factory=dict)


class UsageFile(Strict):
    reads_per_month: dict[Literal["frequent", "infrequent", "rare", "unknown"], float]


Kind = Literal["instances", "tasks", "functions", "capacity"]


class PurchaseModel(Strict):
    words: str
    price: str | None = None  # a field of InstancePrice
    baseline: bool = False
    always_billed: bool = False
    interruptible_only: bool = False


class PricingFile(Strict):
    """pricing.yaml: how each decided option is priced (option ids as data, not code)."""

    compute: dict[str, Kind]
    capacity: dict[str, Literal["instances", "tasks"]]
    purchase_models: dict[str, PurchaseModel]
    hourly_areas: list[str]
    unpriced_areas: list[str]
    unpriced_controls: list[str]

    @model_validator(mode="after")
    def _one_baseline(self) -> PricingFile:
        baselines = [name for name, model in self.purchase_models.items() if model.baseline]
        if len(baselines) != 1:
            raise ValueError(f"exactly one purchase model must be the baseline, not {baselines}")
        return self

    @model_validator(mode="after")
    def _prices_exist(self) -> PricingFile:
        for name, model in self.purchase_models.items():
            if model.price is not None and model.price not in InstancePrice.model_fields:
                raise ValueError(f"purchase_models.{name}.price: no such EC2 price: {model.price}")
        return self

    @property
    def baseline(self) -> str:
        return next(name for name, model in self.purchase_models.items() if model.baseline)


class PriceOrigin(Strict):
    """Where an organization pack's price comes from: the pack, its price file, source and date."""

    pack: str
    file: str
    source: str
    via: str = ""
    as_of: datetime.date


class Snapshot(Strict):
    ec2: Ec2File
    services: ServicesFile
    usage: UsageFile
    pricing: PricingFile
    # group -> item -> the organization pack whose price replaced the built-in one (layer_prices)
    origins: dict[str, dict[str, PriceOrigin]] = Field(default_factory=dict)

    def origin(self, group: str, item: str | None) -> PriceOrigin | None:
        return self.origins.get(group, {}).get(item) if item is not None else None

    @property
    def groups(self) -> dict[str, Dated]:
        # Named for what they price, not for the services (whose names are option ids).
        return {
            "instances": self.ec2.instances,
            "tasks": self.services.fargate,
            "functions": self.services.functions,
            "storage": self.services.s3,
            "load_balancers": self.services.load_balancers,
            "file_storage": self.services.file_storage,
            "block_storage": self.services.block_storage,
        }

    @property
    def as_of(self) -> datetime.date:
        """The snapshot's date: that of its oldest figure, so no figure looks newer than it is."""
        packs = [origin.as_of for items in self.origins.values() for origin in items.values()]
        return min([group.as_of for group in self.groups.values()] + packs)

    @property
    def newest(self) -> datetime.date:
        return max(group.as_of for group in self.groups.values())

    def stale(self) -> list[str]:
        """Groups more than a year older than the snapshot's newest figure.

        Measured against the snapshot itself, not a clock, so the same input gives the same output.
        """
        return [name for name, group in self.groups.items() if over_a_year(group.as_of, self.newest)]

    def older_than_a_year(self, today: datetime.date) -> list[str]:
        """Groups whose figures were seen more than a year before `today`.

        `today` is given, never read from a clock, so the same input gives the same output.
        """
        return [name for name, group in self.groups.items() if over_a_year(group.as_of, today)]


def over_a_year(seen: datetime.date, today: datetime.date) -> bool:
    """Whether a price seen on `seen` is more than a year old on `today` (the staleness warning's rule)."""
    return seen < today - datetime.timedelta(days=365)


def age_warning(group: str, seen: datetime.date, today: datetime.date) -> str:
    return (
        f"The prices of {group} date from {seen.isoformat()}, more than a year before "
        f"{today.isoformat()}: check them before relying on them."
    )


FILES = {name: f"{name}.yaml" for name in Snapshot.model_fields if name != "origins"}


def load(root: Path | None = None, layers: Sequence[Path] = ()) -> Snapshot:
    """The snapshot of `root`'s prices/ (the built-in one by default) with each organization pack's
    prices/ layered on it in order (`layer_prices`)."""
    snapshot = _load_root(root) if root is not None else builtin()
    if layers:
        # Here, not at the top: advisor.price_packs builds on this module's models.
        from advisor.price_packs import layer_prices

        for layer in layers:
            snapshot = layer_prices(snapshot, Path(layer))
    return snapshot


def _load_root(root: Path) -> Snapshot:
    folder = root / "prices"
    data = {}
    for key, name in FILES.items():
        data[key] = read_pack_yaml(folder / name)  # libyaml: the price files are a tenth of start-up
    try:
        return Snapshot.model_validate(data)
    except ValidationError as error:
        problems = [
            f"prices/{FILES.get(str(e['loc'][0]), e['loc'][0])}: "
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}"
            for e in error.errors(include_url=False)
        ]
        raise RulePackError(
            f"{len(problems)} problems in the price snapshot:\n  " + "\n  ".join(problems)
        ) from None


@functools.cache
def builtin() -> Snapshot:
    return _load_root(default_root())


VOLUME_GROUPS = ("file_storage", "block_storage")  # storage services priced by the GB-month held
RATE_GROUPS = ("tasks", "functions")  # groups whose items are rates (vcpu_hour), not things (m8g.large)


def listing(snapshot: Snapshot, today: datetime.date | None = None) -> dict[str, Any]:
    """What the snapshot holds, with dates and sources: `advisor prices --format json`.

    With `today`, each group also says whether it is more than a year old on that date.
    """
    stale = set(snapshot.stale())
    old = set(snapshot.older_than_a_year(today)) if today else set()
    groups = {}
    for name, group in snapshot.groups.items():
        dumped = group.model_dump(mode="json", by_alias=True)
        dumped["stale"] = name in stale
        if today:
            dumped["over_a_year_old"] = name in old
        groups[name] = dumped
    return {
        "currency": "USD",
        "as_of": snapshot.as_of.isoformat(),
        "newest": snapshot.newest.isoformat(),
        "today": today.isoformat() if today else None,
        "warnings": [age_warning(name, snapshot.groups[name].as_of, today) for name in old] if today else [],
        "groups": groups,
        "unpriced": {
            "instances": {name: list(sizes) for name, sizes in snapshot.ec2.unpriced.items()},
            "services": dict(snapshot.services.unpriced),
        },
        "assumptions": {"reads_per_month": dict(snapshot.usage.reads_per_month)},
        # group -> item -> the organization pack whose price replaced the built-in one (--rules)
        "from_packs": {
            group: {item: origin.model_dump(mode="json") for item, origin in items.items()}
            for group, items in snapshot.origins.items()
        },
    }


def render_listing_text(snapshot: Snapshot, today: datetime.date | None = None) -> str:
    stale = set(snapshot.stale())
    out = [f"price snapshot: USD, us-east-1; oldest figure {snapshot.as_of}, newest {snapshot.newest}"]
    if today:
        out += [
            f"! {age_warning(name, snapshot.groups[name].as_of, today)}"
            for name in snapshot.older_than_a_year(today)
        ]
    out.append("")
    for name, group in snapshot.groups.items():
        warning = "  ! more than a year older than the newest figure" if name in stale else ""
        out.append(f"{name}: as of {group.as_of}, {group.source}{warning}")
        if group.via:
            out.append(f"  via {group.via}")
        out += [f"  {line}" for line in _figures(snapshot, name)]
    if snapshot.origins:
        out += ["", "from organization packs (these figures above are theirs, not the built-in ones):"]
        for kind, items in snapshot.origins.items():
            for item, origin in items.items():
                out.append(f"  {kind} {item}: pack {origin.pack}, as of {origin.as_of}, {origin.source}")
    out += ["", "not priced:"]
    out += [f"  {name}: {', '.join(sizes)}" for name, sizes in snapshot.ec2.unpriced.items()]
    out += [f"  {key}: {why}" for key, why in snapshot.services.unpriced.items()]
    return "\n".join(out) + "\n"


def _figures(snapshot: Snapshot, name: str) -> list[str]:
    if name == "instances":
        return [
            f"{kind}: on_demand {p.on_demand}, spot {_or_dash(p.spot)}, reserved_1y {_or_dash(p.reserved_1y)}"
            for kind, p in snapshot.ec2.instances.prices.items()
        ]
    if name == "storage":
        return [
            f"{kind}: {c.gb_month}/GB-month, retrieval {c.retrieval_gb}/GB, minimum {c.min_days} days"
            for kind, c in snapshot.services.s3.classes.items()
        ]
    if name in ("load_balancers", *VOLUME_GROUPS):
        return [
            f"{kind}: " + ", ".join(f"{key} {value}" for key, value in price.items())
            for kind, price in snapshot.groups[name].model_dump()["prices"].items()
        ]
    prices = snapshot.groups[name].model_dump()["prices"]
    return [f"{key}: x86_64 {value['x86_64']}, arm64 {value['arm64']}" for key, value in prices.items()]


def _or_dash(value: float | None) -> str:
    return "–" if value is None else f"{value}"
