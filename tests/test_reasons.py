"""Structured decisions (SPEC §7): every decision carries its reasons, scores, exclusions and
assumptions as records that agree with each other and with the prose fields beside them."""

from __future__ import annotations

import json
import random

import pytest
from conftest import EXAMPLES
from profiles import random_requirements

from advisor.pack_models import NOT_APPLICABLE

EXAMPLE_PATHS = sorted(EXAMPLES.glob("*.yaml"))


def _decisions(result: dict) -> list[tuple[str, dict]]:
    out = list(result["decisions"].items())
    for dataset in result["datasets"]:
        out += [(f"dataset:{dataset['name']}:{area}", d) for area, d in dataset["decisions"].items()]
    return out


def _check(advisor, requirements) -> None:
    result_model = advisor.evaluate(requirements)
    result = result_model.to_dict()
    pack = advisor.pack
    for where, decision in _decisions(result):
        area = pack.area_by_id[where.rsplit(":", 1)[-1]]
        reasons = decision["reasons"]
        for key in ("reasons", "scores", "excluded", "assumed"):
            assert key in decision, (where, key)
        for reason in reasons:
            rule = pack.rule_by_id[reason["rule"]]
            assert rule.area.id == area.id, where
            assert reason["effect"] == rule.rule.effect.verb
            assert reason["pack"] == "builtin"
            assert reason["text"]
            # the answers it read are exactly the fields its conditions test
            tested = [f.split(".", 1)[1] if f.startswith("dataset.") else f for f in rule.fields()]
            read = [p.split("].", 1)[1] if p.startswith("datasets[") else p for p in reason["answers"]]
            assert read == tested, (where, reason["rule"])
            for fact in reason["facts"]:
                assert fact in pack.facts
        if decision["choice"] != NOT_APPLICABLE or decision["scores"]:
            # scores add up the weights of the reasons, for every option still in play
            for option, score in decision["scores"].items():
                weights = [r["weight"] for r in reasons if r["option"] == option and r["weight"] is not None]
                assert score == sum(weights), (where, option)
                assert option not in decision["excluded"]
        excluding = {}
        for reason in reasons:
            if reason["effect"] == "exclude":
                excluding.setdefault(reason["option"], []).append(reason["rule"])
        assert decision["excluded"] == excluding, where
        # the structured assumptions are the prose ones, one for one
        assert len(decision["assumed"]) == len(decision["assumptions"]), where
        for assumed, text in zip(decision["assumed"], decision["assumptions"], strict=True):
            assert text.startswith(f"{assumed['path']} defaulted to {json.dumps(assumed['value'])}"), where
            assert assumed["from"] == ("workload_type" if "(usual for" in text else "default")
        # the rules listed as deciding it are among the reasons
        assert set(decision["rules"]) <= {r["rule"] for r in reasons}, where
    for control in result["controls"]:
        assert [r["rule"] for r in control["reasons"]] == control["rules"]
        assert all(r["effect"] == "propose" and r["option"] == control["id"] for r in control["reasons"])


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=lambda p: p.stem)
def test_every_example_decision_carries_consistent_records(advisor, path):
    _check(advisor, path)


def test_generated_profiles_carry_consistent_records(advisor):
    rng = random.Random(7)
    for index in range(300):
        _check(advisor, random_requirements(rng, index))


def test_a_reason_names_the_answers_and_facts_behind_it(advisor):
    result = advisor.evaluate(
        {
            "version": 1,
            "name": "risk batch",
            "workload": {"type": "batch", "interruptible": "checkpointed", "lifetime_months": 24},
        }
    ).to_dict()
    purchase = result["decisions"]["purchase_option"]
    assert purchase["choice"] == "spot"
    spot = [r for r in purchase["reasons"] if r["option"] == "spot" and r["effect"] in ("favor", "choose")]
    assert spot, purchase["reasons"]
    assert any(r["answers"].get("workload.interruptible") == "checkpointed" for r in spot)
    assert any("spot_notice" in r["facts"] or "spot_max_discount" in r["facts"] for r in spot)
    assert purchase["scores"]["spot"] == max(purchase["scores"].values())


def test_defaulted_answers_say_where_the_default_came_from(advisor):
    result = advisor.evaluate({"version": 1, "name": "x", "workload": {"type": "batch"}}).to_dict()
    assumed = [a for _, d in _decisions(result) for a in d["assumed"]]
    assert {a["from"] for a in assumed} <= {"default", "workload_type"}
    assert any(a["from"] == "workload_type" for a in assumed)  # batch's usual interruptibility, at least
    assert all(set(a) == {"path", "value", "from"} for a in assumed)
