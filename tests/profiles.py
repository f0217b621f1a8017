"""Random valid requirement dicts drawn from the models themselves, for long deterministic runs."""

from __future__ import annotations

import random
import typing
from typing import Any

from pydantic import BaseModel

from advisor.requirements import AVAILABILITY_TARGETS, Dataset, Requirements

RESIDENCIES = [None, None, None, "EU", "DE", "FR", "US", "JP", "BR", "AT", "PL", "NO", "KE", "AR"]
NUMBERS = {
    "lifetime_months": [1, 3, 6, 11, 12, 13, 24, 36, 60],
    "task_duration_seconds": [0.05, 1, 30, 300, 899, 900, 901, 1800, 7200, 86400],
    "vcpus": [1, 2, 4, 8, 16, 17, 32, 64, 96, 192],
    "memory_gib": [0.5, 2, 4, 16, 64, 120, 121, 512, 2048, 12288],
    "retention_days": [1, 7, 29, 30, 31, 89, 90, 179, 180, 365, 2555],
    "size_gb": [0, 1, 100, 5000, 200000],
}


def _choices(annotation: Any) -> list[Any] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return list(typing.get_args(annotation))
    if origin is typing.Annotated:
        return _choices(typing.get_args(annotation)[0])
    return None


def _section(rng: random.Random, model: type[BaseModel]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if rng.random() < 0.3:
            continue  # leave it to the default
        choices = _choices(info.annotation)
        if choices is not None:
            out[name] = rng.choice(choices)
        elif info.annotation is bool:
            out[name] = rng.random() < 0.5
        elif name in NUMBERS:
            out[name] = rng.choice(NUMBERS[name])
        elif name == "target":
            out[name] = rng.choice(AVAILABILITY_TARGETS)
    return out


def random_requirements(rng: random.Random, index: int = 0) -> dict[str, Any]:
    fields = Requirements.model_fields
    data: dict[str, Any] = {
        "version": 1,
        "name": f"profile {index}",
        "workload": _section(rng, fields["workload"].annotation),
    }
    data["workload"]["type"] = rng.choice(
        _choices(fields["workload"].annotation.model_fields["type"].annotation)
    )
    for name in ("compute", "team", "availability", "database", "cost"):
        if rng.random() < 0.8:
            data[name] = _section(rng, fields[name].annotation)
    compliance = _section(rng, fields["compliance"].annotation)
    compliance.pop("frameworks", None)
    compliance.pop("data_residency", None)
    frameworks = _choices(
        typing.get_args(fields["compliance"].annotation.model_fields["frameworks"].annotation)[0]
    )
    compliance["frameworks"] = rng.sample(frameworks, rng.randint(0, 3))
    compliance["data_residency"] = rng.choice(RESIDENCIES)
    data["compliance"] = compliance
    data["processing"] = rng.choice(_choices(fields["processing"].annotation))
    data["datasets"] = []
    for number in range(rng.choice([0, 0, 1, 2, 3])):
        dataset = _section(rng, Dataset)
        dataset["name"] = f"data set {number}"
        data["datasets"].append(dataset)
    return data
