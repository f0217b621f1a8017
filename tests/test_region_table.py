"""The region table and the residency rules agree, and residency always lands where the law allows."""

from __future__ import annotations

from collections import Counter

import pytest

from advisor.rulepack import load

PACK = load()
TABLE = PACK.tables["regions"]
OPTIONS = TABLE["options"]
COUNTRIES = TABLE["countries"]


def _codes(rule_id: str, op: str) -> set[str]:
    test = PACK.rule_by_id[rule_id].rule.when.all["compliance.data_residency"]
    assert test.op == op, rule_id
    return set(test.value)


def _home(code: str) -> str:
    """The country a code stands for (UK -> GB)."""
    return COUNTRIES[code].get("alias_of", code)


IN_COUNTRY = {c for c in COUNTRIES if c != "EU" and OPTIONS[COUNTRIES[c]["region"]]["country"] == _home(c)}
EEA = {c for c, v in COUNTRIES.items() if v.get("gdpr_area")}
ELSEWHERE = set(COUNTRIES) - IN_COUNTRY - EEA - {"EU"}
REGIONS_PER_COUNTRY = Counter(o["country"] for o in OPTIONS.values())


def test_every_table_option_is_an_option_of_the_region_area():
    area = PACK.area_by_id["region"]
    assert area.options_table == "regions"
    assert set(OPTIONS) <= set(area.options)
    assert area.fallback in OPTIONS


@pytest.mark.parametrize("code", sorted(OPTIONS))
def test_region_entries_are_complete(code):
    entry = OPTIONS[code]
    assert {"title", "summary", "best_for", "place", "country", "eu", "opt_in", "partition"} <= set(entry)
    assert entry["title"].endswith(f"({entry['place']})")
    assert len(entry["country"]) == 2 and entry["country"].isupper()
    assert isinstance(entry["eu"], bool) and isinstance(entry["opt_in"], bool)


def test_country_codes_are_strings_and_map_to_known_regions():
    for code, entry in COUNTRIES.items():
        assert isinstance(code, str) and len(code) == 2 and code.isupper(), code  # "NO" unquoted is False
        assert entry["region"] in OPTIONS, code
        assert entry["name"], code


def test_every_country_with_a_region_is_mapped_into_itself():
    assert {o["country"] for o in OPTIONS.values()} <= IN_COUNTRY


def test_eea_members_only_land_in_eu_regions():
    for code in EEA:
        assert OPTIONS[COUNTRIES[code]["region"]]["eu"], code
    assert OPTIONS[COUNTRIES["EU"]["region"]]["eu"]


def test_the_residency_rules_list_exactly_the_codes_of_the_table():
    assert _codes("region.residency.in-country", "in") == IN_COUNTRY
    assert _codes("region.residency.eea-without-region", "in") == EEA
    every_placed = IN_COUNTRY | EEA | {"EU", "none"}
    assert _codes("region.residency.no-region", "not_in") == every_placed
    assert _codes("region.residency.no-region-warning", "not_in") == every_placed
    assert _codes("region.residency.default-abroad", "in") == (IN_COUNTRY - {"US"}) | EEA | {"EU"}
    single = {c for c in IN_COUNTRY if REGIONS_PER_COUNTRY[_home(c)] == 1}
    assert _codes("region.residency.single-region-country-dr", "in") == single


def _evaluate(advisor, code: str, **extra):
    data = {
        "version": 1,
        "name": "residency",
        "workload": {"type": "web_app"},
        "compliance": {"data_residency": code},
        **extra,
    }
    return advisor.evaluate(data)


def test_german_residency_lands_in_frankfurt(advisor):
    result = _evaluate(
        advisor,
        "DE",
        workload={"type": "web_app", "users": "global"},
        compliance={"data_residency": "DE", "frameworks": ["fedramp", "gdpr"]},
    )
    assert result.decisions["region"].choice == "eu-central-1"


@pytest.mark.parametrize("code", sorted(IN_COUNTRY))
def test_residency_in_a_country_with_a_region_stays_in_it(advisor, code):
    result = _evaluate(advisor, code)
    assert OPTIONS[result.decisions["region"].choice]["country"] == _home(code)
    assert not [w for w in result.warnings if "cannot be met" in w]


@pytest.mark.parametrize("code", sorted(EEA | {"EU"}))
def test_eea_residency_stays_in_the_eu_without_a_warning(advisor, code):
    result = _evaluate(advisor, code)
    assert OPTIONS[result.decisions["region"].choice]["eu"]
    assert not [w for w in result.warnings if "cannot be met" in w]


def test_every_other_country_gets_its_table_region_and_a_warning(advisor):
    for code in sorted(ELSEWHERE):
        result = _evaluate(advisor, code)
        assert result.decisions["region"].choice == COUNTRIES[code]["region"], code
        assert any("cannot be met" in w and COUNTRIES[code]["name"] in w for w in result.warnings), code


def test_an_unknown_code_falls_back_with_a_warning(advisor):
    result = _evaluate(advisor, "QZ")
    assert result.decisions["region"].choice == PACK.area_by_id["region"].fallback
    assert any("QZ" in w and "cannot place" in w for w in result.warnings)
