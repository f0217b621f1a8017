"""Each wording constant of requirements_words sits on the field it is named for, and none is left unused."""

from __future__ import annotations

from advisor import fields, requirements_words
from advisor.about import About
from advisor.requirements import Override

CONSTANTS = {name: value for name, value in vars(requirements_words).items() if isinstance(value, About)}


def _about(info: object) -> About:
    return next(item for item in info.metadata if isinstance(item, About))  # type: ignore[attr-defined]


def test_every_field_carries_the_wording_named_for_it():
    used: set[str] = set()
    for found in fields.walk():
        if found.path == "availability.target":  # its meanings are computed from the allowed targets
            assert found.about not in CONSTANTS.values()
            continue
        name = found.path.replace(".", "_").upper()  # dataset.usage -> DATASET_USAGE
        assert CONSTANTS.get(name) is found.about, f"{found.path} does not carry requirements_words.{name}"
        used.add(name)
    for field_name, info in Override.model_fields.items():  # overrides are a mapping: the walk stops there
        name = f"OVERRIDE_{field_name.upper()}"
        assert CONSTANTS.get(name) is _about(info), f"overrides.*.{field_name} does not carry {name}"
        used.add(name)
    assert sorted(set(CONSTANTS) - used) == []


def test_the_availability_target_means_the_downtime_it_allows():
    about = fields.about("availability.target")
    assert about.meaning(99.9) == "down at most about 43 min a month"
    assert about.meaning(99.0) == "down at most about 7 h 12 min a month"
