"""The cost estimate (SPEC section 10): its arithmetic, its invariants and the snapshot's consistency."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from advisor import prices
from advisor.api import default_advisor
from advisor.cost import estimate, render_cost_text
from advisor.result import Result
from advisor.templating import suggest_instance

BURSTY_SERVER: dict[str, Any] = {
    "version": 1,
    "name": "small server",
    "workload": {"type": "web_app", "needs_os_control": True, "interruptible": "restartable"},
    "compute": {"vcpus": 2, "memory_gib": 8, "cpu_usage": "bursty", "architecture": "x86_64"},
    "usage": {"instances": 3, "peak_instances": 5, "hours_per_month": 730},
}


def _evaluate(document: dict[str, Any], **changes: Any) -> Result:
    document = copy.deepcopy(document)
    for path, value in changes.items():
        section, _, name = path.partition("__")
        document.setdefault(section, {})[name] = value
    return default_advisor().evaluate(document)


def _lines(result: Result, area: str) -> list[Any]:
    assert result.cost is not None
    return [item for item in result.cost.items if item.area == area]


@pytest.fixture(scope="module")
def snapshot() -> prices.Snapshot:
    return prices.builtin()


def test_every_line_is_quantity_times_unit_price_with_a_dated_source() -> None:
    result = _evaluate(BURSTY_SERVER)
    assert result.decisions["instance_family"].choice == "t"
    cost = result.cost
    assert cost is not None and cost.items
    for item in cost.items:
        assert item.monthly == round(item.quantity * item.unit_price, 2)
        assert item.source.startswith("https://aws.amazon.com/")
        datetime.date.fromisoformat(item.as_of)
    (compute,) = _lines(result, "instance_family")
    # t3.large On-Demand in us-east-1 (rules/prices/ec2.yaml): 3 instances x 730 hours x 0.0832
    assert compute.what == "3 × t3.large"
    assert compute.quantity == 3 * 730
    assert compute.unit_price == 0.0832
    assert compute.monthly == 182.21


def test_doubling_the_instances_doubles_the_compute_line() -> None:
    one = _lines(_evaluate(BURSTY_SERVER), "instance_family")[0]
    two = _lines(_evaluate(BURSTY_SERVER, usage__instances=6, usage__peak_instances=6), "instance_family")[0]
    assert two.quantity == 2 * one.quantity
    assert two.monthly == pytest.approx(2 * one.monthly, abs=0.01)


def test_the_peak_raises_the_high_figure_only() -> None:
    flat = _evaluate(BURSTY_SERVER, usage__peak_instances=3).cost
    peaky = _evaluate(BURSTY_SERVER).cost
    assert flat is not None and peaky is not None
    assert flat.monthly.expected == peaky.monthly.expected
    assert flat.monthly.high == flat.monthly.expected
    # two more t3.large On-Demand at the peak: 2 x 730 x 0.0832
    assert peaky.monthly.high == pytest.approx(peaky.monthly.expected + 121.47, abs=0.01)


def test_spot_not_dearer_than_reserved_or_on_demand_where_each_applies() -> None:
    cost = _evaluate(BURSTY_SERVER).cost
    assert cost is not None
    models = cost.by_purchase_model
    assert models["on_demand"] is not None and models["spot"] is not None
    assert models["reserved_instances"] is not None
    assert models["spot"] <= models["on_demand"]
    assert models["reserved_instances"] <= models["on_demand"]
    if models["savings_plan"] is not None:
        assert models["spot"] <= models["savings_plan"] <= models["on_demand"]
    assert cost.monthly.low <= cost.monthly.expected <= cost.monthly.high


def test_spot_does_not_apply_to_work_that_cannot_be_interrupted() -> None:
    cost = _evaluate(BURSTY_SERVER, workload__interruptible="no").cost
    assert cost is not None and cost.by_purchase_model["spot"] is None


def test_a_reservation_breaks_even_only_when_the_instance_runs_enough() -> None:
    always = _evaluate(BURSTY_SERVER).cost
    rarely = _evaluate(BURSTY_SERVER, usage__hours_per_month=100).cost
    assert always is not None and rarely is not None
    # t3.large: 0.04863 x 8,760 upfront / (0.0832 x 730) a month On-Demand = 7.0 months
    assert always.break_even_months == 7.0
    assert rarely.break_even_months is None
    assert any("does not pay for itself" in note for note in rarely.notes)


def test_a_load_balancer_is_paid_every_hour_and_its_capacity_units_are_named_unpriced(
    snapshot: prices.Snapshot,
) -> None:
    result = _evaluate(BURSTY_SERVER, usage__hours_per_month=100)
    choice = result.decisions["load_balancer"].choice
    price = snapshot.services.load_balancers.prices[choice]
    (line,) = _lines(result, "load_balancer")
    # 730 hours x 0.0225 (Application Load Balancer, us-east-1): paid while it exists, whatever
    # the instances' hours
    assert (line.quantity, line.unit_price, line.monthly) == (730, 0.0225, 16.43)
    assert line.source == "https://aws.amazon.com/elasticloadbalancing/pricing/"
    assert result.cost is not None
    assert any(f"{price.words} capacity units" in entry for entry in result.cost.unpriced)
    assert not any("Load Balancer hours" in entry for entry in result.cost.unpriced)
    # in every purchase model's total, since it is not compute
    assert result.cost.by_purchase_model["on_demand"] == pytest.approx(
        sum(item.monthly for item in result.cost.items), abs=0.01
    )


def test_a_shared_file_system_is_priced_by_the_gb_month(snapshot: prices.Snapshot) -> None:
    shared = {
        "version": 1,
        "name": "shared files",
        "workload": {"type": "web_app"},
        "datasets": [{"name": "uploads", "usage": "shared_files", "size_gb": 250}],
    }
    result = _evaluate(shared)
    service = result.datasets[0].decisions["storage_service"].choice
    assert service in snapshot.services.file_storage.prices
    (line,) = _lines(result, "dataset:uploads:storage_service")
    # 250 GB x 0.30 (EFS Standard, us-east-1)
    assert (line.quantity, line.unit_price, line.monthly) == (250, 0.3, 75.0)
    assert result.cost is not None and not any("uploads" in entry for entry in result.cost.unpriced)


def test_a_block_volume_is_priced_by_the_gb_month_provisioned(snapshot: prices.Snapshot) -> None:
    server = {
        "version": 1,
        "name": "block volume",
        "workload": {"type": "web_app", "needs_os_control": True},
        "datasets": [{"name": "scratch", "usage": "block_volume", "size_gb": 500}],
    }
    result = _evaluate(server)
    assert result.datasets[0].decisions["storage_service"].choice == "ebs"
    (line,) = _lines(result, "dataset:scratch:storage_service")
    # 500 GB x 0.08 (EBS gp3, us-east-1), its baseline IOPS and throughput included
    assert (line.quantity, line.unit_price, line.monthly) == (500, 0.08, 40.0)
    assert line.what == "scratch: 500 GB in EBS gp3"
    assert (line.source, line.as_of) == ("https://aws.amazon.com/ebs/pricing/", "2025-05-12")
    assert result.cost is not None and not any("scratch" in entry for entry in result.cost.unpriced)


ARCHIVE: dict[str, Any] = {
    "version": 1,
    "name": "archive",
    "workload": {"type": "static_site"},
    "datasets": [
        {
            "name": "scans",
            "usage": "archives",
            "access": "rare",
            "retrieval": "hours",
            "size_gb": 1000,
            "retention_days": 3650,
        },
    ],
}


def _storage(result: Result) -> list[Any]:
    return _lines(result, "dataset:scans:storage_class")


def test_a_class_with_a_retrieval_fee_costs_more_when_access_is_frequent(snapshot: prices.Snapshot) -> None:
    advisor = default_advisor()
    rare = _evaluate(ARCHIVE)
    kind = rare.datasets[0].decisions["storage_class"].choice
    assert snapshot.services.s3.classes[kind].retrieval_gb > 0
    # The same decisions, read more often: the estimate prices the decided class at the new answer.
    requirements = rare.profile.requirements.model_copy(deep=True)
    requirements.datasets[0].access = "frequent"
    frequent = estimate(rare, requirements, advisor.pack.tables, snapshot)
    assert rare.cost is not None
    before = sum(i.monthly for i in rare.cost.items if i.area == "dataset:scans:storage_class")
    after = sum(i.monthly for i in frequent.items if i.area == "dataset:scans:storage_class")
    assert after > before


def test_a_class_minimum_duration_bills_the_minimum(snapshot: prices.Snapshot) -> None:
    result = _evaluate(ARCHIVE)
    kind = result.datasets[0].decisions["storage_class"].choice
    minimum = snapshot.services.s3.classes[kind].min_days
    assert minimum > 10
    # The decided class kept for half its minimum (the rules would pick another class for that).
    requirements = result.profile.requirements.model_copy(deep=True)
    requirements.datasets[0].retention_days = minimum // 2
    short = estimate(result, requirements, default_advisor().pack.tables, snapshot)
    stored = [item for item in short.items if item.area == "dataset:scans:storage_class"][0]
    # kept half the minimum: billed for the whole minimum, twice the GB-months of the data's size
    assert stored.quantity == pytest.approx(1000 * minimum / (minimum // 2), rel=1e-4)
    assert f"{minimum}-day minimum" in stored.what


def test_functions_cost_requests_and_gb_seconds() -> None:
    result = _evaluate(
        {"version": 1, "name": "f", "workload": {"type": "event_driven"}},
        usage__requests_per_month=3_000_000,
        usage__duration_ms=500,
        compute__memory_gib=1,
        compute__architecture="arm64",
    )
    assert result.decisions["compute_platform"].choice == "lambda"
    requests, duration = _lines(result, "compute_platform")
    assert (requests.quantity, requests.unit_price, requests.monthly) == (3, 0.2, 0.6)
    # 3,000,000 x 0.5 s x 1 GB = 1,500,000 GB-s at the Arm price
    assert duration.quantity == 1_500_000
    assert duration.unit_price == 0.0000133334
    assert duration.monthly == 20.0


def test_what_has_no_price_is_listed_not_guessed() -> None:
    result = _evaluate(BURSTY_SERVER, compute__cpu_usage="steady", compute__architecture="arm64")
    cost = result.cost
    assert cost is not None
    family = result.decisions["instance_family"].choice
    assert family == "m"
    assert not _lines(result, "instance_family")
    assert any(entry.startswith("EC2 m8g.large") for entry in cost.unpriced)
    assert all(value is None for value in cost.by_purchase_model.values())


def test_stale_prices_are_said_with_their_date(snapshot: prices.Snapshot) -> None:
    cost = _evaluate(BURSTY_SERVER).cost
    assert cost is not None
    assert "instances" in snapshot.stale()
    assert cost.prices_as_of == snapshot.ec2.instances.as_of.isoformat()
    assert any("2023-08-30" in note and "more than a year" in note for note in cost.notes)
    text = "\n".join(render_cost_text(cost))
    assert "as of 2023-08-30" in text and "3 × t3.large" in text


# ---- the snapshot's own consistency -----------------------------------------------------------


def _suggestable(tables: dict[str, Any]) -> set[str]:
    names = set()
    for family in tables["instance_types"]["families"].values():
        for name in family["names"].values():
            for size in (family.get("sizes_by_name") or {}).get(name) or family["sizes"]:
                names.add(f"{name}.{size}")
    return names


def test_every_size_instance_type_can_suggest_is_priced_or_listed_unpriced(snapshot: prices.Snapshot) -> None:
    tables = default_advisor().pack.tables
    priced = set(snapshot.ec2.instances.prices)
    unpriced = {f"{name}.{size}" for name, sizes in snapshot.ec2.unpriced.items() for size in sizes}
    assert not priced & unpriced
    assert _suggestable(tables) - priced - unpriced == set()
    # and the table suggests nothing the snapshot prices under another name
    found = suggest_instance(tables, "t", {"architecture": "x86_64", "vcpus": 2, "memory_gib": 8})
    assert found is not None and found.instance_type in priced


def test_arm_is_not_dearer_than_its_x86_twin(snapshot: prices.Snapshot) -> None:
    tables = default_advisor().pack.tables
    table = snapshot.ec2.instances.prices
    compared = 0
    for family in tables["instance_types"]["families"].values():
        names = family["names"]
        if "arm64" not in names or "x86_64" not in names:
            continue
        for size in family["sizes"]:
            arm, x86 = table.get(f"{names['arm64']}.{size}"), table.get(f"{names['x86_64']}.{size}")
            if arm and x86:
                assert arm.on_demand <= x86.on_demand, size
                compared += 1
    assert compared >= 2
    services = snapshot.services
    assert services.fargate.prices.vcpu_hour.arm64 <= services.fargate.prices.vcpu_hour.x86_64
    assert services.functions.prices.gb_second.arm64 <= services.functions.prices.gb_second.x86_64


def test_sizes_scale(snapshot: prices.Snapshot) -> None:
    tables = default_advisor().pack.tables
    table = snapshot.ec2.instances.prices
    for family in tables["instance_types"]["families"].values():
        for name in family["names"].values():
            sizes = (family.get("sizes_by_name") or {}).get(name) or family["sizes"]
            ordered = sorted(sizes.items(), key=lambda item: (item[1][0], item[1][1]))
            priced = [
                (size, table[f"{name}.{size}"].on_demand) for size, _ in ordered if f"{name}.{size}" in table
            ]
            for (small, low), (big, high) in zip(priced, priced[1:], strict=False):
                assert low < high, f"{name}.{small} costs {low}, {name}.{big} {high}"
    # where the shape only doubles (t3.large -> xlarge -> 2xlarge), so does the price
    assert table["t3.xlarge"].on_demand == 2 * table["t3.large"].on_demand
    assert table["t3.2xlarge"].on_demand == 2 * table["t3.xlarge"].on_demand


def test_storage_classes_get_cheaper_to_keep_as_they_get_slower_to_read(snapshot: prices.Snapshot) -> None:
    order = ["s3_standard", "s3_standard_ia", "s3_glacier_instant_retrieval", "s3_glacier_deep_archive"]
    classes = snapshot.services.s3.classes
    keep = [classes[name].gb_month for name in order]
    assert keep == sorted(keep, reverse=True)
    assert [classes[name].min_days for name in order] == sorted(classes[name].min_days for name in order)


def test_a_bad_price_file_names_the_file_and_field(tmp_path: Any) -> None:
    import shutil

    from advisor.errors import RulePackError
    from advisor.rulepack import default_root

    shutil.copytree(default_root() / "prices", tmp_path / "prices")
    path = tmp_path / "prices" / "ec2.yaml"
    path.write_text(path.read_text().replace("t3.large: {on_demand: 0.0832", "t3.large: {on_demand: -1"))
    with pytest.raises(RulePackError, match=r"prices/ec2.yaml: instances.prices.t3.large.on_demand"):
        prices.load(tmp_path)


def test_the_prices_command_lists_sources_dates_and_staleness() -> None:
    import json

    from click.testing import CliRunner

    from advisor.cli import cli as main

    runner = CliRunner()
    text = runner.invoke(main, ["prices"])
    assert text.exit_code == 0, text.output
    assert "instances: as of 2023-08-30, https://aws.amazon.com/ec2/pricing/on-demand/" in text.output
    assert "more than a year older" in text.output
    assert "m8g: large" in text.output  # listed as unpriced, not estimated
    data = json.loads(runner.invoke(main, ["prices", "--format", "json"]).output)
    assert data["groups"]["instances"]["stale"] is True and data["groups"]["storage"]["stale"] is False
    assert data["groups"]["storage"]["source"] == "https://aws.amazon.com/s3/pricing/"


def test_recommend_shows_what_it_costs_in_text_and_json(tmp_path: Any) -> None:
    import json

    import yaml
    from click.testing import CliRunner

    from advisor.cli import cli as main

    path = tmp_path / "server.yaml"
    path.write_text(yaml.safe_dump(BURSTY_SERVER))
    runner = CliRunner()
    text = runner.invoke(main, ["recommend", str(path)]).output
    assert "what it costs (USD a month, us-east-1 prices as of 2023-08-30)" in text
    assert "182.21  3 × t3.large: 2,190 instance-hour × 0.0832 (as of 2023-08-30)" in text
    cost = json.loads(runner.invoke(main, ["recommend", str(path), "--format", "json"]).output)["cost"]
    assert cost["items"][0]["unit_price"] == 0.0832
    assert set(cost["by_purchase_model"]) == {"on_demand", "savings_plan", "reserved_instances", "spot"}


# ---- the cost side by side in `advisor diff` -------------------------------------------------


def test_diff_sets_each_sides_cost_and_the_difference_side_by_side(tmp_path: Any) -> None:
    import json

    import yaml
    from click.testing import CliRunner

    from advisor.cli import cli as main

    path = tmp_path / "server.yaml"
    path.write_text(yaml.safe_dump(BURSTY_SERVER))
    runner = CliRunner()
    args = ["diff", str(path), str(path), "--set", "usage.instances=6"]
    done = runner.invoke(main, [*args, "--format", "json"])
    assert done.exit_code in (0, 1), done.output
    cost = json.loads(done.stdout)["cost"]
    a, b = _evaluate(BURSTY_SERVER).cost, _evaluate(BURSTY_SERVER, usage__instances=6).cost
    assert a is not None and b is not None
    assert cost["a"]["monthly"] == a.monthly.model_dump() and cost["b"]["monthly"] == b.monthly.model_dump()
    # three more t3.large On-Demand: 3 x 730 x 0.0832 = 182.21 (the peak of 5 is now below the load)
    assert cost["difference"]["expected"] == pytest.approx(182.21, abs=0.01)
    assert cost["difference"]["high"] == round(b.monthly.high - a.monthly.high, 2)
    assert cost["a"]["unpriced"] == a.unpriced
    text = runner.invoke(main, args).stdout
    assert "what it costs (USD a month)" in text
    assert f"{a.monthly.expected:,.2f}" in text and f"{b.monthly.expected:,.2f}" in text
    assert "+182.2" in text


def test_diff_without_a_cost_on_a_side_says_so() -> None:
    from advisor.diff import compare, render_text
    from advisor.terminal import Terminal

    a = _evaluate(BURSTY_SERVER)
    b = a.model_copy(update={"cost": None})
    diff = compare(a, b, "a", "b")
    assert diff.cost.b is None and diff.cost.difference is None
    assert diff.cost.a is not None and diff.cost.a.monthly == a.cost.monthly  # type: ignore[union-attr]
    assert "  B         no estimate" in render_text(diff, Terminal(width=100))


# ---- the usage questions of `advisor ask` --------------------------------------------------------


def test_ask_asks_the_usage_the_estimate_multiplies_and_writes_it(tmp_path: Any) -> None:
    from tests.test_ask import ask, piped, script, written

    advisor = default_advisor()
    lines = script(
        advisor,
        {
            "name": "Counted",
            "workload.needs_os_control": "y",
            "usage.instances": "4",
            "usage.peak_instances": "9",
            "usage.hours_per_month": "365",
        },
    )
    paths = [path for path, _ in lines]
    assert {"usage.instances", "usage.peak_instances", "usage.hours_per_month"} <= set(paths)
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    usage = written(tmp_path / "req.yaml")["usage"]
    assert (usage["instances"], usage["peak_instances"], usage["hours_per_month"]) == (4, 9, 365)


def test_a_static_site_is_asked_no_usage() -> None:
    from tests.test_ask import script

    paths = [path for path, _ in script(default_advisor(), {"name": "Pages", "workload.type": "static_site"})]
    assert not [path for path in paths if path.startswith("usage.")]


def test_invocations_are_asked_where_a_function_could_run_it() -> None:
    from tests.test_ask import script

    paths = [
        path for path, _ in script(default_advisor(), {"name": "Hooks", "workload.type": "event_driven"})
    ]
    assert "usage.requests_per_month" in paths and "usage.duration_ms" in paths


def test_enter_at_the_peak_question_keeps_it_open() -> None:
    from advisor.answers import Invalid, parse, spec

    peak = spec("usage.peak_instances")
    # Enter gives the shown default, the open answer's words: they mean null, not a bad number
    assert parse(peak, "the same as at the expected load") is None
    assert parse(peak, "") is None
    assert parse(peak, "7") == 7
    with pytest.raises(Invalid):
        parse(peak, "lots")


# ---- staleness against a date given ------------------------------------------------------------


def test_prices_over_a_year_old_on_the_date_given_are_warned_about(snapshot: prices.Snapshot) -> None:
    advisor = default_advisor()
    profile = advisor.profile(copy.deepcopy(BURSTY_SERVER))
    used = {"instances", "load_balancers"}
    newest_used = max(snapshot.groups[name].as_of for name in used)
    # a year and a day after the newest figure the design rests on: every group it uses is old
    late = newest_used + datetime.timedelta(days=366)
    cost = advisor.evaluate_profile(profile, late).cost
    assert cost is not None
    for name in sorted(used):
        seen = snapshot.groups[name].as_of.isoformat()
        assert any(f"of {name} date from {seen}, more than a year before {late}" in n for n in cost.notes), (
            name
        )
    # the day the newest was seen: only the instances (2023) are old; said once, against the date given
    cost = advisor.evaluate_profile(profile, newest_used).cost
    assert cost is not None
    warned = [note for note in cost.notes if "more than a year before" in note]
    assert len(warned) == 1 and f"before {newest_used}" in warned[0] and "of instances" in warned[0]
    # and without a date, only the snapshot's own spread is judged: the same input, the same output
    plain = advisor.evaluate_profile(profile).cost
    assert plain is not None and not any(str(late) in note for note in plain.notes)
    assert advisor.evaluate_profile(profile, late) == advisor.evaluate_profile(profile, late)


def test_the_prices_command_warns_on_the_date_given() -> None:
    import json

    from click.testing import CliRunner

    from advisor.cli import cli as main

    runner = CliRunner()
    text = runner.invoke(main, ["prices", "--today", "2026-11-29"])
    assert text.exit_code == 0, text.output
    assert "! The prices of instances date from 2023-08-30, more than a year before 2026-11-29" in text.output
    assert "! The prices of tasks" not in text.output  # 2026-03-10 is within the year
    data = json.loads(runner.invoke(main, ["prices", "--format", "json", "--today", "2027-06-01"]).output)
    assert data["today"] == "2027-06-01"
    assert data["groups"]["tasks"]["over_a_year_old"] is True
    assert data["groups"]["load_balancers"]["over_a_year_old"] is False
    assert json.loads(runner.invoke(main, ["prices", "--format", "json"]).output)["warnings"] == []
    assert runner.invoke(main, ["prices", "--today", "29/11/2026"]).exit_code == 2


def test_diff_judges_each_sides_prices_on_the_date_given(tmp_path: Any) -> None:
    import json

    import yaml
    from click.testing import CliRunner

    from advisor.cli import cli as main

    path = tmp_path / "server.yaml"
    path.write_text(yaml.safe_dump(BURSTY_SERVER))
    runner = CliRunner()
    args = ["diff", str(path), str(path), "--set", "usage.instances=6", "--format", "json"]
    # t3.large's price dates from 2023-08-30: more than a year before 2026-11-29, not before 2024-01-01
    late = json.loads(runner.invoke(main, [*args, "--date", "2026-11-29"]).stdout)["cost"]
    assert late["a"]["prices_as_of"] == "2023-08-30"
    assert late["a"]["over_a_year_old"] is True and late["b"]["over_a_year_old"] is True
    early = json.loads(runner.invoke(main, [*args, "--today", "2024-01-01"]).stdout)["cost"]
    assert early["a"]["over_a_year_old"] is False
    # without a date nothing is judged: the output never depends on the clock
    assert json.loads(runner.invoke(main, args).stdout)["cost"]["a"]["over_a_year_old"] is None
    text = runner.invoke(main, args[:-2] + ["--date", "2026-11-29"]).stdout
    assert "more than a year old on the date given" in text
    assert runner.invoke(main, [*args, "--date", "29.11.2026"]).exit_code == 2


def test_memo_judges_the_prices_on_its_date() -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from advisor.cli import cli as main

    example = str(Path(__file__).resolve().parent.parent / "examples" / "ml-training.yaml")
    runner = CliRunner()
    late = runner.invoke(main, ["memo", example, "--date", "2026-11-29"])
    early = runner.invoke(main, ["memo", example, "--today", "2024-01-01"])
    assert late.exit_code == early.exit_code == 0, late.output + early.output
    old = "date from 2023-08-30, more than a year before"
    assert f"{old} 2026-11-29" in late.stdout
    assert f"{old} 2024-01-01" not in early.stdout  # four months old on that day


def test_a_total_with_unpriced_parts_says_it_covers_the_priced_items_only():
    """A bill without its compute must not read like the whole bill (issue 14)."""
    from conftest import EXAMPLES

    result = default_advisor().evaluate(EXAMPLES / "overnight-batch.yaml")
    assert result.cost is not None and result.cost.unpriced  # its EC2 size has no price
    text = "\n".join(render_cost_text(result.cost))
    assert f"priced items only: {len(result.cost.unpriced)} not priced" in text
    whole = result.cost.model_copy(update={"unpriced": []})
    assert "priced items only" not in "\n".join(render_cost_text(whole))
