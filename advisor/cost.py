"""What a design costs a month: the result's decisions and the usage answers, priced from the snapshot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.memo_view import CostLine, CostView
from advisor.prices import Dated, Snapshot
from advisor.requirements import Requirements
from advisor.result import Cost, CostItem, CostRange, Result
from advisor.templating import number, suggest_instance

HOURS_A_MONTH = 730  # AWS's own month for monthly figures (8,760 hours / 12)
MODELS = ("on_demand", "savings_plan", "reserved_instances", "spot")
MODEL_WORDS = {
    "on_demand": "On-Demand",
    "savings_plan": "Savings Plan",
    "reserved_instances": "Reserved Instances",
    "spot": "Spot",
}


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
    break_even: float | None = None

    def line(
        self, group: str, area: str, what: str, unit: str, quantity: float, unit_price: float
    ) -> CostItem:
        dated: Dated = self.snapshot.groups[group]
        self.used.add(group)
        return CostItem(
            area=area,
            what=what,
            unit=unit,
            quantity=round(quantity, 4),
            unit_price=unit_price,
            monthly=_money(quantity * unit_price),
            source=dated.source,
            as_of=dated.as_of.isoformat(),
        )


def _choice(result: Result, area: str) -> str:
    decision = result.decisions.get(area)
    return decision.choice if decision is not None else "not_applicable"


def _architecture(result: Result, requirements: Requirements, default: str) -> str:
    """The decided CPU architecture where an area decides it, else the answer; "any" gives `default`."""
    decided = _choice(result, "cpu_architecture")
    if decided in ("arm64", "x86_64"):
        return decided
    answer = requirements.compute.architecture
    return answer if answer != "any" else default


def _ec2(est: _Estimate, result: Result, requirements: Requirements, tables: dict[str, Any]) -> None:
    family = _choice(result, "instance_family")
    if family == "not_applicable":
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
    on_demand = est.line("ec2", "instance_family", what, "instance-hour", base * hours, price.on_demand)
    est.compute["on_demand"] = [on_demand]
    if price.reserved_1y is not None:
        # A reservation is paid for every hour of the term, whether the instance runs or not.
        reserved = est.line(
            "ec2",
            "instance_family",
            f"{what} (1-year Reserved, all upfront)",
            "instance-hour",
            base * HOURS_A_MONTH,
            price.reserved_1y,
        )
        est.compute["reserved_instances"] = [reserved]
        if on_demand.monthly > 0:
            upfront = base * price.reserved_1y * HOURS_A_MONTH * 12
            months = upfront / (base * hours * price.on_demand)
            est.break_even = round(months, 1) if months <= 12 else None
            if months > 12:
                est.notes.append(
                    f"A 1-year reservation does not pay for itself at {number(hours)} hours a month: "
                    f"its upfront payment buys {months:.1f} months of On-Demand use."
                )
    else:
        est.compute["reserved_instances"] = None
        est.unpriced.append(f"EC2 {found.instance_type} Reserved Instance: no price in the snapshot")
    interruptible = requirements.workload.interruptible != "no"
    if price.spot is not None and interruptible:
        est.compute["spot"] = [
            est.line("ec2", "instance_family", f"{what} (Spot)", "instance-hour", base * hours, price.spot)
        ]
        est.notes.append("The Spot price is one seen on the snapshot's date; Spot prices move with demand.")
    else:
        est.compute["spot"] = None
    est.compute["savings_plan"] = None
    est.unpriced.append(f"EC2 Savings Plan rate for {found.instance_type}: no price in the snapshot")
    peak = usage.peak_instances or base
    est.peak_extra = (peak - base) * hours * price.on_demand


def _fargate(est: _Estimate, result: Result, requirements: Requirements) -> None:
    arch = _architecture(result, requirements, "x86_64")
    prices = est.snapshot.services.fargate.prices
    usage, compute = requirements.usage, requirements.compute
    task_hours = usage.instances * usage.hours_per_month
    what = f"{usage.instances} × Fargate task ({compute.vcpus} vCPU, {number(compute.memory_gib)} GB, {arch})"
    cpu = est.line(
        "fargate",
        "container_capacity",
        what + ": vCPU",
        "vCPU-hour",
        task_hours * compute.vcpus,
        getattr(prices.vcpu_hour, arch),
    )
    mem = est.line(
        "fargate",
        "container_capacity",
        what + ": memory",
        "GB-hour",
        task_hours * compute.memory_gib,
        getattr(prices.gb_hour, arch),
    )
    est.compute.update(
        {"on_demand": [cpu, mem], "reserved_instances": None, "savings_plan": None, "spot": None}
    )
    est.unpriced.append(est.snapshot.services.unpriced.get("savings_plan", "Savings Plan: no price"))
    if requirements.workload.interruptible != "no":
        est.unpriced.append(est.snapshot.services.unpriced.get("fargate_spot", "Fargate Spot: no price"))
    peak = usage.peak_instances or usage.instances
    per_task_hour = compute.vcpus * getattr(prices.vcpu_hour, arch) + compute.memory_gib * getattr(
        prices.gb_hour, arch
    )
    est.peak_extra = (peak - usage.instances) * usage.hours_per_month * per_task_hour


def _lambda(est: _Estimate, result: Result, requirements: Requirements) -> None:
    arch = _architecture(result, requirements, "x86_64")
    prices = est.snapshot.services.lambda_.prices
    usage = requirements.usage
    memory = requirements.compute.memory_gib
    requests = est.line(
        "lambda",
        "compute_platform",
        f"Lambda invocations ({arch})",
        "million requests",
        usage.requests_per_month / 1_000_000,
        getattr(prices.million_requests, arch),
    )
    seconds = usage.requests_per_month * usage.duration_ms / 1000 * memory
    duration = est.line(
        "lambda",
        "compute_platform",
        f"Lambda duration: {number(usage.duration_ms)} ms at {number(memory)} GB ({arch})",
        "GB-second",
        seconds,
        getattr(prices.gb_second, arch),
    )
    est.compute.update({"on_demand": [requests, duration], "reserved_instances": None, "spot": None})
    est.compute["savings_plan"] = None
    est.notes.append("Lambda's free tier (per account, not per design) is not deducted.")
    if usage.requests_per_month == 0:
        est.notes.append(
            "usage.requests_per_month is 0: the function lines cost nothing until it is answered."
        )


def _storage(est: _Estimate, result: Result, requirements: Requirements) -> None:
    classes = est.snapshot.services.s3.classes
    reads = est.snapshot.usage.reads_per_month
    for dataset, answers in zip(result.datasets, requirements.datasets, strict=True):
        service = dataset.decisions.get("storage_service")
        if service is None or service.choice != "s3":
            if service is not None:
                est.unpriced.append(
                    f"data set {dataset.name}: "
                    + est.snapshot.services.unpriced.get(service.choice, f"{service.choice}: no price")
                )
            continue
        kind = dataset.decisions["storage_class"].choice
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
        est.items.append(est.line("s3", area, what, "GB-month", answers.size_gb * factor, price.gb_month))
        if price.retrieval_gb > 0:
            share = reads[answers.access]
            est.items.append(
                est.line(
                    "s3",
                    area,
                    f"{dataset.name}: retrieval, {number(share)} × its size a month ({answers.access} access)",
                    "GB retrieved",
                    answers.size_gb * share,
                    price.retrieval_gb,
                )
            )


def _others(est: _Estimate, result: Result) -> None:
    services = est.snapshot.services.unpriced
    if _choice(result, "load_balancer") in ("alb", "nlb"):
        est.unpriced.append(services[_choice(result, "load_balancer")])
    if _choice(result, "database") not in ("not_applicable",):
        est.unpriced.append(f"{_choice(result, 'database')}: {services['database']}")
    if _choice(result, "data_processing") not in ("not_applicable",):
        est.unpriced.append(f"{_choice(result, 'data_processing')}: {services['data_processing']}")
    for control in result.controls:
        if control.id in ("waf", "shield_advanced"):
            est.unpriced.append(f"{control.id}: no price in the snapshot")


def estimate(result: Result, requirements: Requirements, tables: dict[str, Any], snapshot: Snapshot) -> Cost:
    """The monthly estimate of `result`'s design at `requirements`' usage, from `snapshot`'s prices."""
    est = _Estimate(snapshot)
    platform = _choice(result, "compute_platform")
    if platform in ("ec2", "elastic_beanstalk") or (
        platform == "containers" and _choice(result, "container_capacity") == "ec2"
    ):
        _ec2(est, result, requirements, tables)
    elif platform == "containers" and _choice(result, "container_capacity") == "fargate":
        _fargate(est, result, requirements)
    elif platform == "lambda":
        _lambda(est, result, requirements)
    elif platform == "lightsail":
        est.unpriced.append("Lightsail bundle: no price in the snapshot")
    elif platform == "not_applicable" and _choice(result, "instance_family") != "not_applicable":
        _ec2(est, result, requirements, tables)
    _storage(est, result, requirements)
    _others(est, result)

    fixed = sum(item.monthly for item in est.items)
    by_model: dict[str, float | None] = {}
    for model in MODELS:
        lines = est.compute.get(model)
        by_model[model] = None if lines is None else _money(fixed + sum(line.monthly for line in lines))
    chosen = _choice(result, "purchase_option")
    if est.compute.get(chosen) is None and est.compute.get("on_demand") is not None:
        if chosen in MODEL_WORDS:
            est.notes.append(f"{MODEL_WORDS[chosen]} has no price here: the expected figure is On-Demand.")
        chosen = "on_demand"
    compute_lines = est.compute.get(chosen) or []
    expected = _money(fixed + sum(line.monthly for line in compute_lines))
    priced = [value for value in by_model.values() if value is not None]
    low = min(priced + [expected])
    high = _money(expected + est.peak_extra)
    region = _choice(result, "region")
    if region not in ("us-east-1", "not_applicable"):
        est.notes.append(f"Prices are for us-east-1; the design runs in {region}, where they may differ.")
    for group in sorted(set(snapshot.stale()) & est.used):
        est.notes.append(
            f"The {group} prices date from {snapshot.groups[group].as_of.isoformat()}, more than a year "
            f"before the snapshot's newest ({snapshot.newest.isoformat()}): check them before relying on them."
        )
    if est.peak_extra:
        est.notes.append("The high figure adds the instances above the expected load at the peak, On-Demand.")
    if low < expected:
        est.notes.append("The low figure is the cheapest purchase model that applies and has a price.")
    return Cost(
        region="us-east-1",
        prices_as_of=min((snapshot.groups[g].as_of for g in est.used), default=snapshot.as_of).isoformat(),
        monthly=CostRange(low=low, expected=expected, high=high),
        by_purchase_model=by_model,
        items=compute_lines + est.items,
        unpriced=list(dict.fromkeys(est.unpriced)),
        notes=est.notes,
        break_even_months=est.break_even,
    )


def _price(value: float) -> str:
    return f"{value:.10f}".rstrip("0").rstrip(".")


def render_cost_text(cost: Cost | None) -> list[str]:
    """The "What it costs" lines of `advisor recommend`'s text output."""
    if cost is None:
        return []
    m = cost.monthly
    out = [
        "",
        f"what it costs (USD a month, {cost.region} prices as of {cost.prices_as_of}):",
        f"  low {m.low:,.2f}   expected {m.expected:,.2f}   high {m.high:,.2f}",
    ]
    for item in cost.items:
        out.append(
            f"  {item.monthly:>12,.2f}  {item.what}: {number(item.quantity)} {item.unit} × {_price(item.unit_price)}"
            f" (as of {item.as_of})"
        )
    models = [f"{MODEL_WORDS[k]} {v:,.2f}" for k, v in cost.by_purchase_model.items() if v is not None]
    if models:
        out.append("  by purchase model: " + ", ".join(models))
    if cost.break_even_months is not None:
        out.append(f"  a 1-year reservation pays for itself after {cost.break_even_months:g} months")
    out += [f"  not priced: {what}" for what in cost.unpriced]
    out += [f"  note: {note}" for note in cost.notes]
    return out


def cost_view(cost: Cost | None, plain: Callable[[str], str]) -> CostView | None:
    """The memo's "What it costs" section; `plain` makes a text safe for the memo (advisor.markup)."""
    if cost is None:
        return None
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
            (MODEL_WORDS[model], "no figure" if value is None else f"{value:,.2f}")
            for model, value in cost.by_purchase_model.items()
        ),
        break_even="" if cost.break_even_months is None else f"{cost.break_even_months:g} months",
        unpriced=tuple(plain(entry) for entry in cost.unpriced),
        notes=tuple(plain(note) for note in cost.notes),
    )
