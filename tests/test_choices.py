"""`Advisor.choices` (the text-free evaluation sensitivity uses) chooses exactly what a full evaluation chooses."""

from __future__ import annotations

import random
from datetime import date

import pytest
from conftest import EXAMPLES
from profiles import random_requirements

from advisor.api import Advisor, default_advisor
from advisor.loading import load_source
from advisor.sensitivity import _chosen, decisions

ORG_PACK = EXAMPLES / "org-pack"


def _same(advisor: Advisor, source, like=None) -> None:
    profile = advisor.profile(source)
    full = dict(decisions(advisor.evaluate_profile(profile, date(2026, 11, 30))))
    chosen = dict(_chosen(advisor.choices(profile, date(2026, 11, 30))))
    assert chosen == full
    if like is not None:  # starting after the questions asked alike changes nothing
        assert dict(_chosen(advisor.choices(profile, date(2026, 11, 30), like=like))) == full


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_gets_the_same_choices(path):
    _same(default_advisor(), load_source(path).data)


def test_generated_profiles_get_the_same_choices():
    rng = random.Random(2611)
    advisor = default_advisor()
    for index in range(400):
        _same(advisor, random_requirements(rng, index))


def test_an_organization_packs_rules_are_followed():
    advisor = Advisor(rules=[ORG_PACK])
    rng = random.Random(30)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        _same(advisor, load_source(path).data)
    for index in range(100):
        _same(advisor, random_requirements(rng, index))


def test_overrides_are_followed_while_they_last():
    from test_overrides import AFTER, BEFORE, REQUIREMENTS

    advisor = default_advisor()
    profile = advisor.profile(REQUIREMENTS)
    for today in (BEFORE, AFTER):
        full = dict(decisions(advisor.evaluate_profile(profile, today)))
        assert dict(_chosen(advisor.choices(profile, today))) == full
    assert advisor.choices(profile, BEFORE).decisions["container_orchestrator"] == "eks"
    assert advisor.choices(profile, AFTER).decisions["container_orchestrator"] != "eks"


def test_a_variant_of_an_example_resumes_where_its_answers_differ():
    advisor = default_advisor()
    rng = random.Random(7)
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = load_source(path).data
        like = advisor.choices(advisor.profile(data), date(2026, 11, 30))
        _same(advisor, data, like)  # nothing differs: every question taken from `like`
        for _ in range(15):  # one answer changed, drawn from a generated profile
            other = random_requirements(rng, 0)
            section = rng.choice([k for k, v in other.items() if isinstance(v, dict) and v])
            key = rng.choice(sorted(other[section]))
            changed = {**data, section: {**data.get(section, {}), key: other[section][key]}}
            try:
                advisor.profile(changed)
            except ValueError:
                continue  # a combination the model refuses
            _same(advisor, changed, like)


def test_a_resumed_evaluation_asks_only_from_the_first_question_that_differs():
    advisor = default_advisor()
    data = load_source(EXAMPLES / "overnight-batch.yaml").data
    like = advisor.choices(advisor.profile(data))
    asked = []
    real = advisor.engine._chain
    try:
        advisor.engine._chain = lambda fact: (asked.append(fact["area"]), real(fact))[1]
        advisor.choices(advisor.profile(data), like=like)
        assert asked == []  # the same answers: nothing to ask
        data["workload"]["interruptible"] = "no"
        advisor.choices(advisor.profile(data), like=like)
    finally:
        advisor.engine._chain = real
    areas = [a.id for a in advisor.pack.areas]
    assert asked and asked[0] != areas[0]
    assert "purchase_option" in asked


def test_choices_differ_when_an_answer_changes_the_decision():
    # Guards against a comparison that passes because both sides are empty or constant.
    advisor = default_advisor()
    data = load_source(EXAMPLES / "overnight-batch.yaml").data
    before = advisor.choices(advisor.profile(data))
    data["workload"]["interruptible"] = "no"
    after = advisor.choices(advisor.profile(data))
    assert before.decisions["purchase_option"] == "spot"
    assert after.decisions["purchase_option"] != "spot"
    assert before.controls and len(before.decisions) >= 10
