"""The one dotted-path lookup (advisor.fields.value_at) and the kinds rules test answers as."""

from __future__ import annotations

import pytest

from advisor import fields
from advisor.conditions import FIELD_KINDS
from advisor.requirements import Requirements

ANSWERS = Requirements.model_validate(
    {
        "version": 1,
        "name": "shop",
        "workload": {"type": "web_app"},
        "processing": "batch_etl",
        "datasets": [{"name": "images", "usage": "static_assets"}, {"name": "logs", "usage": "logs"}],
    }
).model_dump(mode="json")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("workload.type", "web_app"),
        ("processing", "batch_etl"),
        ("compute.vcpus", 4),
        ("datasets[1].usage", "logs"),
        ("datasets[0].name", "images"),
    ],
)
def test_value_at_reads_sections_top_level_answers_and_one_data_sets(path, value):
    assert fields.value_at(ANSWERS, path) == value


def test_value_at_reads_any_nesting_and_refuses_a_missing_key():
    assert fields.value_at({"derived": {"has_datasets": True}}, "derived.has_datasets") is True
    with pytest.raises(KeyError):
        fields.value_at(ANSWERS, "workload.colour")
    with pytest.raises(IndexError):
        fields.value_at(ANSWERS, "datasets[2].usage")


def test_dataset_path_splits_only_a_data_sets_answer():
    assert fields.dataset_path("datasets[12].size_gb") == (12, "size_gb")
    assert fields.dataset_path("dataset.size_gb") is None
    assert fields.dataset_path("workload.type") is None


def test_rules_test_each_answer_as_the_kind_its_type_says():
    assert FIELD_KINDS["compute.vcpus"] == "number"
    assert FIELD_KINDS["compliance.frameworks"] == "list"
    assert FIELD_KINDS["workload.stateful"] == "bool"
    assert FIELD_KINDS["workload.type"] == "enum"
    assert FIELD_KINDS["dataset.size_gb"] == "number"
    assert FIELD_KINDS["derived.memory_per_vcpu"] == "number"
    assert "workload" not in FIELD_KINDS and "datasets" not in FIELD_KINDS  # sections hold no answer


def test_set_at_builds_sections_and_top_level_answers():
    document: dict[str, object] = {"workload": {"type": "batch"}}
    fields.set_at(document, "workload.traffic", "spiky")
    fields.set_at(document, "compute.vcpus", 8)
    fields.set_at(document, "processing", "workflow")
    assert document == {
        "workload": {"type": "batch", "traffic": "spiky"},
        "compute": {"vcpus": 8},
        "processing": "workflow",
    }
