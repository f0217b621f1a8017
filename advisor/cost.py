"""What a design costs a month: the result's decisions and the usage answers, priced from the snapshot."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advisor.prices import (
    RATE_GROUPS,
    VOLUME_GROUPS,
    PriceOrigin,
    Snapshot,
    VolumePrice,
    age_warning,
    builtin,
    over_a_year,
)
from advisor.requirements import Requirements
from advisor.result import Cost, CostItem, CostRange, Result
from advisor.rulepack import NOT_APPLICABLE
from advisor.templating import number, suggest_instance

if TYPE_CHECKING:  # the memo's view of the estimate: imported where it is built, not by `recommend`
    from advisor.memo_view import CostView

HOURS_A_MONTH = 730  # AWS's own month for monthly figures (8,760 hours / 12)


def _money(value: float) -> float:
    return round(value + 0.0, 2)


@dataclass
class _Estimate:
    """The estimate as it is built: fixed lines, and compute lines under each purchase model."""

    snapshot: Snapshot
    items: list[CostItem] = field(default_factory=list)
    # purchase model -> the compute lines under it; None where the model does not apply or is unpriced
    compute: dict[str, list[CostItem] | None] = field(default_factory=dict)
    peak_extra: float = 0.0  # On-Demand cost of the instances above the expected load, at the peak
    unpriced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # snapshot groups the figures rest on
    # organization pack prices the figures rest on -> the items priced from each, in order of use
    from_packs: dict[PriceOrigin, list[str]] = field(default_factory=dict)
    break_even: float | None = None

    def only_baseline(self, lines: list[CostItem]) -> None:
        """A service with one price: the baseline model's lines, no figure under the others."""
        for model in self.snapshot.pricing.purchase_models:
            self.compute[model] = lines if model == self.snapshot.pricing.baseline else None

    def line(
        self,
        group: str,
        area: str,
        what: str,
        unit: str,
        quantity: float,
        unit_price: float,
        item: str | None = None,
    ) -> CostItem:
        """One priced line; `item` names the price in its group (an instance type, a storage class,
        a rate), so a price an organization pack replaced is shown with the pack's source and date."""
        origin = self.snapshot.origin(group, item)
        if origin is not None and item is not None:
            priced = self.from_packs.setdefault(origin, [])
            # An instance type or a class names itself; a rate is named with its group (tasks.gb_hour).
            label = f"{group}.{item}" if group in RATE_GROUPS else item
            if label not in priced:
                priced.append(label)
            source, as_of = origin.source, origin.as_of
        else:
            self.used.add(group)
            source, as_of = self.snapshot.groups[group].source, self.snapshot.groups[group].as_of
        return CostItem(
            area=area,
            what=what,
            unit=unit,
            quantity=round(quantity, 4),
            unit_price=unit_price,
            monthly=_money(quantity * unit_price),
            source=source,
            as_of=as_of.isoformat(),
        )


def _choice(result: Result, area: str) -> str:
    decision = result.decisions.get(area)
    return decision.choice if decision is not None else NOT_APPLICABLE


def _architecture(result: Result, requirements: Requirements, default: str) -> str:
    """The decided CPU architecture where an area decides it, else the answer; "any" gives `default`."""
    decided = _choice(result, "cpu_architecture")
    if decided in ("arm64", "x86_64"):
        return decided
    answer = requirements.compute.architecture
    return answer if answer != "any" else default


def _ec2(est: _Estimate, result: Result, requirements: Requirements, tables: dict[str, Any]) -> None:
    family = _choice(result, "instance_family")
    if family == NOT_APPLICABLE:
        return
    compute = requirements.compute.model_dump()
    decided = _choice(result, "cpu_architecture")
    if decided in ("arm64", "x86_64"):
        compute["architecture"] = decided
    found = suggest_instance(tables, family, compute)
    if found is None:
        est.unpriced.append(f"instance family {family}: no sizes in the instance table")
        return
    price = est.snapshot.ec2.instances.prices.get(found.instance_type)
    if price is None:
        est.unpriced.append(f"EC2 {found.instance_type}: no price in the snapshot")
        return
    usage = requirements.usage
    base, hours = usage.instances, usage.hours_per_month
    what = f"{base} × {found.instance_type}"
    interruptible = requirements.workload.interruptible != "no"
    models = est.snapshot.pricing.purchase_models
    for model_id, model in models.items():
        hourly = getattr(price, model.price) if model.price else None
        if model.interruptible_only and not interruptible:
            est.compute[model_id] = None
            continue
        if hourly is None:
            est.compute[model_id] = None
            est.unpriced.append(f"EC2 {found.instance_type} {model.words}: no price in the snapshot")
            continue
        # A reservation is paid for every hour of the month, whether the instance runs or not.
        billed = HOURS_A_MONTH if model.always_billed else hours
        label = what if model.baseline else f"{what} ({model.words})"
        est.compute[model_id] = [
            est.line(
                "instances",
                "instance_family",
                label,
                "instance-hour",
                base * billed,
                hourly,
                found.instance_type,
            )
        ]
        if model.interruptible_only:
            est.notes.append(
                f"The {model.words} price is one seen on the snapshot's date; it moves with demand."
            )
    on_demand, reserved = price.on_demand, price.reserved_1y
    if reserved is not None:
        upfront = reserved * HOURS_A_MONTH * 12
        months = upfront / (hours * on_demand)
        est.break_even = round(months, 1) if months <= 12 else None
        if months > 12:
            est.notes.append(
                f"A 1-year reservation does not pay for itself at {number(hours)} hours a month: "
                f"its upfront payment buys {months:.1f} months of On-Demand use."
            )
    peak = max(usage.peak_instances or base, base)  # a peak below the load is no peak
    est.peak_extra = (peak - base) * hours * on_demand


def _fargate(est: _Estimate, result: Result, requirements: Requirements) -> None:
    arch = _architecture(result, requirements, "x86_64")
    prices = est.snapshot.services.fargate.prices
    usage, compute = requirements.usage, requirements.compute
    task_hours = usage.instances * usage.hours_per_month
    what = f"{usage.instances} × Fargate task ({compute.vcpus} vCPU, {number(compute.memory_gib)} GB, {arch})"
    cpu = est.line(
        "tasks",
        "container_capacity",
        what + ": vCPU",
        "vCPU-hour",
        task_hours * compute.vcpus,
        getattr(prices.vcpu_hour, arch),
        "vcpu_hour",
    )
    mem = est.line(
        "tasks",
        "container_capacity",
        what + ": memory",
        "GB-hour",
        task_hours * compute.memory_gib,
        getattr(prices.gb_hour, arch),
        "gb_hour",
    )
    est.only_baseline([cpu, mem])
    est.unpriced.append("Fargate under a Savings Plan: no price in the snapshot")
    if requirements.workload.interruptible != "no":
        est.unpriced.append("Fargate Spot: no price in the snapshot (AWS quotes only a maximum discount)")
    peak = max(usage.peak_instances or usage.instances, usage.instances)
    per_task_hour = compute.vcpus * getattr(prices.vcpu_hour, arch) + compute.memory_gib * getattr(
        prices.gb_hour, arch
    )
    est.peak_extra = (peak - usage.instances) * usage.hours_per_month * per_task_hour


def _lambda(est: _Estimate, result: Result, requirements: Requirements) -> None:
    arch = _architecture(result, requirements, "x86_64")
    prices = est.snapshot.services.functions.prices
    usage = requirements.usage
    memory = requirements.compute.memory_gib
    requests = est.line(
        "functions",
        "compute_platform",
        f"Lambda invocations ({arch})",
        "million requests",
        usage.requests_per_month / 1_000_000,
        getattr(prices.million_requests, arch),
        "million_requests",
    )
    seconds = usage.requests_per_month * usage.duration_ms / 1000 * memory
    duration = est.line(
        "functions",
        "compute_platform",
        f"Lambda duration: {number(usage.duration_ms)} ms at {number(memory)} GB ({arch})",
        "GB-second",
        seconds,
        getattr(prices.gb_second, arch),
        "gb_second",
    )
    est.only_baseline([requests, duration])
    est.notes.append("Lambda's free tier (per account, not per design) is not deducted.")
    if usage.requests_per_month == 0:
        est.notes.append(
            "usage.requests_per_month is 0: the function lines cost nothing until it is answered."
        )


def _volume(snapshot: Snapshot, service: str) -> tuple[str, VolumePrice | None]:
    """The group and price of a storage service priced by the GB-month it holds (EFS, EBS)."""
    for group in VOLUME_GROUPS:
        price = getattr(snapshot.services, group).prices.get(service)
        if price is not None:
            return group, price
    return "", None


def _storage(est: _Estimate, result: Result, requirements: Requirements) -> None:
    classes = est.snapshot.services.s3.classes
    reads = est.snapshot.usage.reads_per_month
    for dataset, answers in zip(result.datasets, requirements.datasets, strict=True):
        service = dataset.decisions.get("storage_service")
        storage_class = dataset.decisions.get("storage_class")
        kind = storage_class.choice if storage_class is not None else NOT_APPLICABLE
        if kind == NOT_APPLICABLE:  # a block or file store: no class, priced by its service
            group, volume = _volume(est.snapshot, service.choice) if service else ("", None)
            if volume is not None:
                est.items.append(
                    est.line(
                        group,
                        f"dataset:{dataset.name}:storage_service",
                        f"{dataset.name}: {number(answers.size_gb)} GB in {volume.words}",
                        "GB-month",
                        answers.size_gb,
                        volume.gb_month,
                        service.choice if service else None,
                    )
                )
            elif service is not None:
                est.unpriced.append(
                    f"data set {dataset.name}: "
                    + est.snapshot.services.unpriced.get(service.choice, f"{service.choice}: no price")
                )
            continue
        area = f"dataset:{dataset.name}:storage_class"
        price = classes.get(kind)
        if price is None:
            est.unpriced.append(
                f"data set {dataset.name}: " + est.snapshot.services.unpriced.get(kind, f"{kind}: no price")
            )
            continue
        # An object deleted before the class's minimum duration is billed for the minimum: over a
        # retention shorter than it, each GB-month costs min_days / retention_days as much.
        factor = max(1.0, price.min_days / answers.retention_days)
        what = f"{dataset.name}: {number(answers.size_gb)} GB in {kind}"
        if factor > 1:
            what += f" (billed for the {price.min_days}-day minimum, kept {answers.retention_days} days)"
        est.items.append(
            est.line("storage", area, what, "GB-month", answers.size_gb * factor, price.gb_month, kind)
        )
        if price.retrieval_gb > 0:
            share = reads[answers.access]
            est.items.append(
                est.line(
                    "storage",
                    area,
                    f"{dataset.name}: retrieval, {number(share)} × its size a month ({answers.access} access)",
                    "GB retrieved",
                    answers.size_gb * share,
                    price.retrieval_gb,
                    kind,
                )
            )


def _hourly(est: _Estimate, result: Result) -> set[str]:
    """Resources paid by the hour they exist (a load balancer); returns the areas it priced."""
    priced = set()
    for area in est.snapshot.pricing.hourly_areas:
        choice = _choice(result, area)
        price = est.snapshot.services.load_balancers.prices.get(choice)
        if price is None:
            continue
        # Billed for every hour it exists: it stays up while the design does, not only at the load.
        est.items.append(
            est.line("load_balancers", area, f"1 × {price.words}", "hour", HOURS_A_MONTH, price.hour, choice)
        )
        est.unpriced.append(
            f"{price.words} capacity units: {_price(price.capacity_unit_hour)} USD per LCU-hour, "
            "by traffic the requirements do not give"
        )
        priced.add(area)
    return priced


def _others(est: _Estimate, result: Result) -> None:
    services, pricing = est.snapshot.services.unpriced, est.snapshot.pricing
    priced = _hourly(est, result)
    for area in pricing.unpriced_areas:
        choice = _choice(result, area)
        if choice != NOT_APPLICABLE and area not in priced:
            est.unpriced.append(
                services.get(choice, f"{choice}: {services.get(area, 'no price in the snapshot')}")
            )
    for control in result.controls:
        if control.id in pricing.unpriced_controls:
            est.unpriced.append(f"{control.id}: no price in the snapshot")


def estimate(
    result: Result,
    requirements: Requirements,
    tables: dict[str, Any],
    snapshot: Snapshot,
    today: datetime.date | None = None,
) -> Cost:
    """The monthly estimate of `result`'s design at `requirements`' usage, from `snapshot`'s prices.

    With `today`, every price group the figures rest on that is more than a year old on that date
    gets a warning among the notes.
    """
    est = _Estimate(snapshot)
    platform = _choice(result, "compute_platform")
    kind = snapshot.pricing.compute.get(platform)
    if kind == "capacity":
        kind = snapshot.pricing.capacity.get(_choice(result, "container_capacity"))
    if platform == NOT_APPLICABLE and _choice(result, "instance_family") != NOT_APPLICABLE:
        kind = "instances"  # a managed capacity the design pays for by the instance
    if kind == "instances":
        _ec2(est, result, requirements, tables)
    elif kind == "tasks":
        _fargate(est, result, requirements)
    elif kind == "functions":
        _lambda(est, result, requirements)
    elif platform != NOT_APPLICABLE:
        est.unpriced.append(f"{platform}: no price in the snapshot")
    _storage(est, result, requirements)
    _others(est, result)

    fixed = sum(item.monthly for item in est.items)
    by_model: dict[str, float | None] = {}
    models = snapshot.pricing.purchase_models
    baseline = snapshot.pricing.baseline
    for model in models:
        lines = est.compute.get(model)
        by_model[model] = None if lines is None else _money(fixed + sum(line.monthly for line in lines))
    chosen = _choice(result, "purchase_option")
    if est.compute.get(chosen) is None and est.compute.get(baseline) is not None:
        if chosen in models:
            est.notes.append(
                f"{models[chosen].words} has no price here: the expected figure is {models[baseline].words}."
            )
        chosen = baseline
    compute_lines = est.compute.get(chosen) or []
    expected = _money(fixed + sum(line.monthly for line in compute_lines))
    priced = [value for value in by_model.values() if value is not None]
    low = min(priced + [expected])
    high = _money(expected + est.peak_extra)
    region = _choice(result, "region")
    if region not in ("us-east-1", NOT_APPLICABLE):
        est.notes.append(f"Prices are for us-east-1; the design runs in {region}, where they may differ.")
    # Old against the date given, where there is one; else against the snapshot's own newest figure.
    old_on_today = set(snapshot.older_than_a_year(today)) & est.used if today is not None else set()
    for group in sorted(set(snapshot.stale()) & est.used - old_on_today):
        est.notes.append(
            f"The prices of {group} date from {snapshot.groups[group].as_of.isoformat()}, more than a year "
            f"before the snapshot's newest ({snapshot.newest.isoformat()}): check them before relying on them."
        )
    if today is not None:
        for group in sorted(old_on_today):
            est.notes.append(age_warning(group, snapshot.groups[group].as_of, today))
    for origin, names in est.from_packs.items():
        est.notes.append(
            f"Organization pack {origin.pack}'s prices replace the built-in ones for {', '.join(names)} "
            f"({origin.file}: {origin.source}, as of {origin.as_of.isoformat()})."
        )
        if today is not None and over_a_year(origin.as_of, today):
            est.notes.append(age_warning(f"{', '.join(names)} (pack {origin.pack})", origin.as_of, today))
    if est.peak_extra:
        est.notes.append("The high figure adds the instances above the expected load at the peak, On-Demand.")
    if low < expected:
        est.notes.append("The low figure is the cheapest purchase model that applies and has a price.")
    return Cost(
        region="us-east-1",
        prices_as_of=min(
            [snapshot.groups[g].as_of for g in est.used] + [origin.as_of for origin in est.from_packs],
            default=snapshot.as_of,
        ).isoformat(),
        monthly=CostRange(low=low, expected=expected, high=high),
        by_purchase_model=by_model,
        items=compute_lines + est.items,
        unpriced=list(dict.fromkeys(est.unpriced)),
        notes=est.notes,
        break_even_months=est.break_even,
    )


def _price(value: float) -> str:
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _model_words() -> dict[str, str]:
    return {name: model.words for name, model in builtin().pricing.purchase_models.items()}


def render_cost_text(cost: Cost | None) -> list[str]:
    """The "What it costs" lines of `advisor recommend`'s text output."""
    if cost is None:
        return []
    words = _model_words()
    m = cost.monthly
    out = [
        "",
        f"what it costs (USD a month, {cost.region} prices as of {cost.prices_as_of}):",
        f"  low {m.low:,.2f}   expected {m.expected:,.2f}   high {m.high:,.2f}",
    ]
    if cost.unpriced:  # a total without its compute must not read like the whole bill
        out.append(
            f"  (priced items only: {len(cost.unpriced)} not priced, listed below; the bill will be higher)"
        )
    for item in cost.items:
        out.append(
            f"  {item.monthly:>12,.2f}  {item.what}: {number(item.quantity)} {item.unit} × {_price(item.unit_price)}"
            f" (as of {item.as_of})"
        )
    models = [f"{words.get(k, k)} {v:,.2f}" for k, v in cost.by_purchase_model.items() if v is not None]
    if models:
        out.append("  by purchase model: " + ", ".join(models))
    if cost.break_even_months is not None:
        out.append(f"  a 1-year reservation pays for itself after {cost.break_even_months:g} months")
    out += [f"  not priced: {what}" for what in cost.unpriced]
    out += [f"  note: {note}" for note in cost.notes]
    return out


def cost_view(cost: Cost | None, plain: Callable[[str], str]) -> CostView | None:
    """The memo's "What it costs" section; `plain` makes a text safe for the memo (advisor.markup)."""
    from advisor.memo_view import CostLine, CostView

    if cost is None:
        return None
    words = _model_words()
    return CostView(
        region=cost.region,
        prices_as_of=cost.prices_as_of,
        low=f"{cost.monthly.low:,.2f}",
        expected=f"{cost.monthly.expected:,.2f}",
        high=f"{cost.monthly.high:,.2f}",
        lines=tuple(
            CostLine(
                what=plain(item.what),
                quantity=f"{number(item.quantity)} {item.unit}",
                unit_price=_price(item.unit_price),
                monthly=f"{item.monthly:,.2f}",
                source=item.source,
                as_of=item.as_of,
            )
            for item in cost.items
        ),
        by_purchase_model=tuple(
            (words.get(model, model), "no figure" if value is None else f"{value:,.2f}")
            for model, value in cost.by_purchase_model.items()
        ),
        break_even="" if cost.break_even_months is None else f"{cost.break_even_months:g} months",
        unpriced=tuple(plain(entry) for entry in cost.unpriced),
        notes=tuple(plain(note) for note in cost.notes),
    )
