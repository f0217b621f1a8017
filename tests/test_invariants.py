"""Property-based tests over the whole requirements space: any valid input gets a sound decision.

The strategies are built from the pydantic models of advisor/requirements.py, so a field added
there is generated here without an edit (and an unknown kind of field fails loudly). Numbers are
drawn from their whole range and, more often, next to every threshold a rule tests. Hypothesis
runs derandomized: CI explores the same examples every time.
"""

from __future__ import annotations

import copy
import string
import typing
from typing import Any

import invariants
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import INVARIANTS, Invariant
from pydantic import BaseModel

from advisor.requirements import AVAILABILITY_TARGETS, Dataset, Requirements

SETTINGS: dict[str, Any] = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
WHOLE_SPACE_EXAMPLES = 500
PER_INVARIANT_EXAMPLES = 50

# ---- strategies ------------------------------------------------------------------------------

NAME_START = string.ascii_letters + string.digits + "éßøü日本語Ωя_-.'&()"
NAME_REST = NAME_START + " "
names = st.builds(
    lambda head, tail: head + tail,
    st.text(NAME_START, min_size=1, max_size=12),
    st.text(NAME_REST, max_size=40),
)


def _thresholds() -> dict[str, set[float]]:
    """Every number a rule compares a field with, and its neighbours: where decisions flip."""
    out: dict[str, set[float]] = {}
    for test in invariants.pack().computed_tests:
        if isinstance(test.value, (int, float)) and not isinstance(test.value, bool):
            field = test.field.split(".")[-1]
            value = test.value
            out.setdefault(field, set()).update({value, value - 1, value + 1, value - 0.5, value + 0.5})
    return out


THRESHOLDS = _thresholds()


def _bounds(info: Any) -> tuple[float | None, float | None, bool]:
    low = high = None
    exclusive_low = False
    for item in info.metadata:
        if getattr(item, "ge", None) is not None:
            low = item.ge
        if getattr(item, "gt", None) is not None:
            low, exclusive_low = item.gt, True
        if getattr(item, "le", None) is not None:
            high = item.le
    return low, high, exclusive_low


def _number(name: str, info: Any, integer: bool) -> st.SearchStrategy[Any]:
    low, high, exclusive_low = _bounds(info)
    assert low is not None and high is not None, f"{name}: a number field needs bounds"
    if integer:
        anywhere: st.SearchStrategy[Any] = st.integers(int(low) + exclusive_low, int(high))
        near = sorted(
            {
                int(v)
                for v in THRESHOLDS.get(name, ())
                if low <= int(v) <= high and not (exclusive_low and int(v) == low)
            }
        )
    else:
        anywhere = st.floats(
            low, high, exclude_min=exclusive_low, allow_nan=False, allow_infinity=False
        ) | st.integers(int(low) + 1, int(high))
        near = sorted(
            v for v in THRESHOLDS.get(name, ()) if (low < v if exclusive_low else low <= v) and v <= high
        )
    edges = [v for v in (low, high) if not (exclusive_low and v == low)]
    return st.sampled_from(near + edges) | anywhere if near or edges else anywhere


def _literal_choices(annotation: Any) -> list[Any] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return list(typing.get_args(annotation))
    if origin is typing.Annotated:
        return _literal_choices(typing.get_args(annotation)[0])
    return None


def _residencies() -> st.SearchStrategy[Any]:
    table = invariants.regions().get("countries", {})
    codes = sorted(table)
    letters = st.text(string.ascii_uppercase, min_size=2, max_size=2)  # any code, known or not
    return st.one_of(
        st.none(),
        st.sampled_from(["EU", "eu", "DE", "de", " De "]),
        st.sampled_from(codes) if codes else st.nothing(),
        letters,
    )


SPECIAL: dict[str, st.SearchStrategy[Any]] = {
    "name": names,
    "description": st.text(NAME_REST + "\n", max_size=200),
    "target": st.sampled_from(AVAILABILITY_TARGETS),
    "frameworks": st.lists(
        st.sampled_from(["hipaa", "pci_dss", "gdpr", "soc2", "fedramp", "iso27001", "sec_17a_4"]),
        unique=True,
        max_size=7,
    ),
    "data_residency": _residencies(),
    "encryption_at_rest": st.none() | st.booleans(),
    "peak_instances": st.none() | st.integers(1, 100_000),
    # No answer: a team's choice in place of the advice, tested in tests/test_overrides.py.
    "overrides": st.just({}),
}


def _field(name: str, info: Any) -> st.SearchStrategy[Any]:
    annotation = info.annotation
    if name in SPECIAL:
        return SPECIAL[name]
    choices = _literal_choices(annotation)
    if choices is not None:
        return st.sampled_from(choices)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return _number(name, info, integer=True)
    if annotation is float:
        return _number(name, info, integer=False)
    raise AssertionError(f"no strategy for field {name} of type {annotation}: add one to test_invariants.py")


def section(model: type[BaseModel], required: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping of the model's fields; each optional one present or left to its default."""
    fields = {name: _field(name, info) for name, info in model.model_fields.items()}
    return st.fixed_dictionaries(
        {name: fields[name] for name in required},
        optional={name: s for name, s in fields.items() if name not in required},
    )


def _datasets(min_size: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        section(Dataset, required=("name",)),
        min_size=min_size,
        max_size=4,
        unique_by=lambda d: d["name"].strip(),
    )


SECTIONS = {
    name: section(info.annotation, required=("type",) if name == "workload" else ())
    for name, info in Requirements.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
}


def requirements(min_datasets: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Valid requirements drawn from the whole space: every field, 0..4 data sets."""
    top = {
        name: _field(name, info)
        for name, info in Requirements.model_fields.items()
        if name not in SECTIONS and name not in ("version", "datasets")
    }
    optional = {
        **{k: v for k, v in SECTIONS.items() if k != "workload"},
        **{k: v for k, v in top.items() if k != "name"},
    }
    return st.fixed_dictionaries(
        {
            "version": st.just(1),
            "name": names,
            "workload": SECTIONS["workload"],
            "datasets": _datasets(min_datasets),
        },
        optional=optional,
    )


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    if path.startswith("datasets[*]."):
        for dataset in data["datasets"]:
            dataset[path.split(".", 1)[1]] = value
        return
    head, _, field = path.partition(".")
    if not field:
        data[head] = value
    else:
        data.setdefault(head, {})[field] = value


@st.composite
def focused(draw: Any, check: Invariant) -> dict[str, Any]:
    """Valid requirements with the invariant's premise made true by one of its focus alternatives."""
    alternatives = check.focus or ({},)
    alternative = draw(st.sampled_from(alternatives))
    needs_data = any(path.startswith("datasets[") for path in alternative)
    data = draw(requirements(min_datasets=1 if needs_data else 0))
    for path, values in alternative.items():
        value = draw(st.sampled_from(values))
        _set(data, path, list(value) if isinstance(value, tuple) else value)
    return data


# ---- tests -----------------------------------------------------------------------------------


def test_the_strategies_cover_every_field_of_the_requirements():
    def walk(model: type[BaseModel], prefix: str) -> list[str]:
        out = []
        for name, info in model.model_fields.items():
            annotation = info.annotation
            if name == "datasets":
                out += walk(Dataset, "datasets[].")
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out += walk(annotation, f"{prefix}{name}.")
            else:
                _field(name, info)  # raises for a field no strategy can draw
                out.append(prefix + name)
        return out

    paths = walk(Requirements, "")
    assert len(paths) >= 48  # the whole of SPEC section 2
    assert {"workload.interruptible", "compliance.data_residency", "datasets[].retention_days"} <= set(paths)


def test_the_invariants_are_documented_and_named_once():
    names = [check.name for check in INVARIANTS]
    assert len(names) == len(set(names)) >= 20
    for check in INVARIANTS:
        assert len(check.doc) > 40, check.name
    assert invariants._countries("own") and invariants._countries("eea") and invariants._countries("abroad")


def _evaluate(advisor: Any, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str]:
    profile = advisor.profile(copy.deepcopy(data))  # a valid input: this must not raise
    result = advisor.evaluate_profile(profile)
    return profile.answers(), result.to_dict(), result.to_json()


@settings(max_examples=WHOLE_SPACE_EXAMPLES, **SETTINGS)
@given(data=requirements())
def test_any_valid_requirements_get_every_area_decided_and_every_invariant_holds(advisor, data):
    answers, result, text = _evaluate(advisor, data)
    broken = {check.name: found for check in INVARIANTS if (found := check(answers, result))}
    _, _, again = _evaluate(advisor, data)
    if invariants.same_input_same_output(text, again):
        broken["same_input_same_output"] = ["differs"]
    assert not broken, broken


@pytest.mark.parametrize("check", INVARIANTS, ids=[c.name for c in INVARIANTS])
def test_invariant_holds_where_its_premise_is_true(advisor, check):
    @settings(max_examples=PER_INVARIANT_EXAMPLES, **SETTINGS)
    @given(data=focused(check))
    def holds(data: dict[str, Any]) -> None:
        answers, result, _ = _evaluate(advisor, data)
        assert not check(answers, result), check(answers, result)

    holds()


# ---- every invariant can fail: a real result, broken on purpose, is caught ----------------------

BASE = {"version": 1, "name": "broken on purpose", "workload": {"type": "web_app"}}
DATA = {
    "datasets": [{"name": "d", "usage": "user_uploads", "retention_days": 10, "retrieval": "milliseconds"}]
}


def _with(**sections: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for name, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(name), dict):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    return data


def _decide(area: str, option: str) -> Any:
    return lambda result: result["decisions"][area].update(choice=option)


def _store(area: str, option: str) -> Any:
    return lambda result: result["datasets"][0]["decisions"][area].update(choice=option)


def _both(*changes: Any) -> Any:
    return lambda result: [change(result) for change in changes]


def _no_lock(result: dict[str, Any]) -> None:
    result["controls"] = [c for c in result["controls"] if c["id"] != "s3_object_lock"]


BREAKAGES: dict[str, tuple[dict[str, Any], Any]] = {
    "every_area_is_decided_with_a_known_option": (BASE, _decide("database", "mongodb")),
    "every_control_is_known_and_listed_once": (
        BASE,
        lambda r: r["controls"].append({"id": "moat", "rationale": ["x"], "rules": []}),
    ),
    "no_spot_for_work_that_cannot_be_interrupted": (BASE, _decide("purchase_option", "spot")),
    "no_commitment_longer_than_the_workload": (
        _with(workload={"type": "web_app", "lifetime_months": 6}),
        _decide("purchase_option", "savings_plan"),
    ),
    "a_design_without_compute_pays_for_its_data_store": (
        _with(workload={"type": "relational_database"}, cost={"commitment": "three_years"}),
        _decide("purchase_option", "not_applicable"),
    ),
    "no_lambda_beyond_its_time_limit": (
        _with(workload={"type": "batch", "task_duration_seconds": 3600}),
        _decide("compute_platform", "lambda"),
    ),
    "container_areas_apply_exactly_to_containers": (
        BASE,
        _both(_decide("compute_platform", "ec2"), _decide("container_orchestrator", "ecs")),
    ),
    "no_instance_family_without_instances": (
        BASE,
        _both(_decide("compute_platform", "lambda"), _decide("instance_family", "m")),
    ),
    "no_accelerator_on_lambda_or_fargate": (
        _with(compute={"accelerator": "gpu_inference"}),
        _decide("container_capacity", "fargate"),
    ),
    "no_alb_for_tcp_or_udp": (
        _with(workload={"type": "game_server", "protocol": "udp"}),
        _decide("load_balancer", "alb"),
    ),
    "no_single_az_for_four_nines_or_more": (
        _with(availability={"target": 99.99}),
        _decide("availability", "single_az"),
    ),
    "active_passive_runs_in_two_regions_behind_failover_dns": (
        _with(availability={"disaster_recovery": "active_passive"}),
        _decide("dns_routing", "simple"),
    ),
    "residency_in_germany_is_frankfurt": (
        _with(compliance={"data_residency": "DE"}),
        _decide("region", "eu-west-1"),
    ),
    "residency_in_the_eu_is_an_eu_region": (
        _with(compliance={"data_residency": "EU"}),
        _decide("region", "eu-west-2"),
    ),
    "residency_in_a_country_with_a_region_stays_in_it": (
        _with(compliance={"data_residency": "JP"}),
        _decide("region", "ap-northeast-2"),
    ),
    "residency_in_the_eea_stays_in_the_eu": (
        _with(compliance={"data_residency": "PL"}),
        _decide("region", "eu-west-2"),
    ),
    "residency_no_region_can_meet_is_warned": (
        _with(compliance={"data_residency": "AR"}),
        lambda r: r.update(warnings=[]),
    ),
    "storage_class_applies_exactly_to_s3": (_with(**DATA), _store("storage_service", "efs")),
    "no_archive_class_for_millisecond_retrieval": (
        _with(**DATA),
        _store("storage_class", "s3_glacier_deep_archive"),
    ),
    "no_class_whose_minimum_outlasts_the_retention": (
        _with(**DATA),
        _store("storage_class", "s3_standard_ia"),
    ),
    "no_single_zone_class_for_data_that_cannot_be_recreated": (
        _with(**DATA),
        _store("storage_class", "s3_one_zone_ia"),
    ),
    "no_ebs_for_shared_files": (
        _with(datasets=[{"name": "d", "usage": "shared_files"}]),
        _store("storage_service", "ebs"),
    ),
    "sec_17a_4_gets_object_lock": (_with(compliance={"frameworks": ["sec_17a_4"]}), _no_lock),
    "no_shield_advanced_for_a_workload_not_reachable_from_the_internet": (
        _with(compliance={"public_facing": False, "ddos_sensitive": True}),
        lambda r: r.update(warnings=[]),
    ),
    "arm64_on_a_family_without_graviton_is_warned": (
        _with(workload={"type": "ml_training"}, compute={"architecture": "arm64"}),
        lambda r: r.update(warnings=[]),
    ),
    "the_architecture_answer_is_followed": (
        _with(workload={"type": "web_app"}, compute={"architecture": "x86_64"}),
        _decide("cpu_architecture", "arm64"),
    ),
    "the_suggested_instance_has_the_decided_architecture": (
        _with(workload={"type": "web_app"}),
        lambda r: r["decisions"]["instance_family"]["details"].update(
            suggested_instance_type="m8i.large (2 vCPU, 8 GiB)"
        ),
    ),
    "fargate_spot_runs_x86_64": (
        _with(workload={"type": "batch", "containerized": True, "interruptible": "checkpointed"}),
        _decide("cpu_architecture", "arm64"),
    ),
    "ultra_low_latency_on_lambda_is_warned": (
        _with(workload={"type": "event_driven", "latency": "ultra_low"}),
        lambda r: r.update(warnings=[]),
    ),
    "an_in_memory_store_with_a_database_model_is_warned": (
        _with(workload={"type": "cache"}, database={"model": "relational"}),
        lambda r: r.update(warnings=[]),
    ),
    "clients_connecting_over_tcp_or_udp_get_an_nlb": (
        _with(
            workload={"type": "stream_processing", "protocol": "tcp", "containerized": True},
            compliance={"public_facing": True},
        ),
        _decide("load_balancer", "not_applicable"),
    ),
    "lightsail_runs_in_one_availability_zone": (
        _with(workload={"type": "small_website"}),
        _decide("availability", "multi_az"),
    ),
    "global_users_with_one_region_residency_are_warned": (
        _with(workload={"type": "api", "users": "global"}, compliance={"data_residency": "DE"}),
        lambda r: r.update(warnings=[]),
    ),
}


@pytest.mark.parametrize("check", INVARIANTS, ids=[c.name for c in INVARIANTS])
def test_each_invariant_catches_a_result_broken_on_purpose(advisor, check):
    assert check.name in BREAKAGES, (
        f"add a breakage for {check.name}: an invariant that cannot fail proves nothing"
    )
    data, breakage = BREAKAGES[check.name]
    answers, result, _ = _evaluate(advisor, data)
    assert check(answers, result) == [], "the unbroken result should pass"
    breakage(result)
    assert check(answers, result), f"{check.name} missed a result broken on purpose"
    assert invariants.same_input_same_output("a", "b") and not invariants.same_input_same_output("a", "a")
