"""The durable-rules wrapper: isolation between evaluations, flat memory over long runs, recovery from C errors."""

from __future__ import annotations

import random
import threading

import pytest
from conftest import EXAMPLES
from profiles import random_requirements

from advisor.api import Advisor
from advisor.errors import EngineError


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.fixture(scope="module")
def profiles():
    rng = random.Random(20261127)
    return [random_requirements(rng, i) for i in range(400)]


def test_results_never_depend_on_earlier_evaluations(advisor, profiles):
    first = {i: advisor.evaluate(p).to_json() for i, p in enumerate(profiles[:40])}
    for p in reversed(profiles[40:200]):
        advisor.evaluate(p)
    for i, p in enumerate(profiles[:40]):
        assert advisor.evaluate(p).to_json() == first[i]


def test_a_fresh_engine_agrees_with_a_long_lived_one(advisor, profiles):
    fresh = Advisor()
    try:
        for p in profiles[::7]:
            assert fresh.evaluate(p).to_json() == advisor.evaluate(p).to_json()
    finally:
        fresh.engine.close()


@pytest.mark.slow
def test_thousands_of_evaluations_stay_correct_and_flat(profiles):
    # Far past durable-rules' 1,024 live sessions per ruleset: one session id, deleted each time.
    advisor = Advisor()
    expected = [advisor.evaluate(p).to_json() for p in profiles[:50]]
    for p in profiles:
        advisor.evaluate(p)
    baseline = _rss_mib()
    for _ in range(6):
        for p in profiles:
            advisor.evaluate(p)
    grown = _rss_mib() - baseline
    assert advisor.engine.evaluations == 50 + 400 + 6 * 400
    assert advisor.engine.rebuilds == 0
    assert [advisor.evaluate(p).to_json() for p in profiles[:50]] == expected
    # 2,400 evaluations after warm-up; a per-evaluation leak of even 4 KiB would show as ~10 MiB.
    assert grown < 8, f"RSS grew by {grown:.1f} MiB over 2,400 evaluations"
    advisor.engine.close()


def test_a_c_level_failure_becomes_an_error_for_that_profile_only(profiles, monkeypatch):
    from advisor import engine as engine_module

    advisor = Advisor()
    good = Advisor().evaluate(profiles[0]).to_json()  # another engine: this one must reach the C core
    host = advisor.engine._host
    real = engine_module._c

    class FailingCore:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def assert_fact(handle, text):
            if '"resolve' not in text and '"kind": "ask"' in text and '"q": 3' in text:
                raise Exception("Could not assert facts, error code: 303")
            return real.assert_fact(handle, text)

    # The fourth question of the chain fails inside the C core, mid-evaluation.
    monkeypatch.setattr(engine_module, "_c", FailingCore())
    with pytest.raises(EngineError, match="303"):
        advisor.evaluate(profiles[0])
    monkeypatch.setattr(engine_module, "_c", real)
    # The engine threw that ruleset away and built a fresh one.
    assert advisor.engine.rebuilds == 1
    assert advisor.engine._host is not host
    assert advisor.evaluate(profiles[0]).to_json() == good
    assert advisor.evaluate(profiles[1]).to_json() == Advisor().evaluate(profiles[1]).to_json()


def test_an_error_inside_an_action_is_raised_not_swallowed(profiles, monkeypatch):
    advisor = Advisor()
    expected = advisor.evaluate(profiles[2]).to_json()
    from advisor import decide

    def broken(self, rule, fact):
        raise ZeroDivisionError("inside an action")

    monkeypatch.setattr(decide.Run, "fired", broken)
    with pytest.raises(ZeroDivisionError):
        advisor.evaluate(profiles[2])
    monkeypatch.undo()
    assert advisor.evaluate(profiles[2]).to_json() == expected


def test_concurrent_callers_get_the_same_results_as_sequential_ones(advisor, profiles):
    sample = profiles[:60]
    expected = [advisor.evaluate(p).to_json() for p in sample]
    got: dict[int, str] = {}

    def work(offset: int) -> None:
        for i in range(offset, len(sample), 4):
            got[i] = advisor.evaluate(sample[i]).to_json()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [got[i] for i in range(len(sample))] == expected


def test_every_rule_that_fires_is_recorded_once_per_question(advisor, profiles):
    for p in profiles[:100]:
        fired = advisor.evaluate(p).fired_rules
        # A rule fires at most once per question: once per workload, or once per data set.
        limit = max(1, len(p.get("datasets", [])))
        for rule in set(fired):
            assert fired.count(rule) <= limit, rule


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(143)])
def test_an_interrupt_mid_evaluation_stays_an_interrupt_and_poisons_nothing(interrupt, monkeypatch):
    """SIGTERM (SystemExit from batch's handler) or Ctrl-C inside the C loop is not one profile's failure."""
    from advisor.api import Advisor

    advisor = Advisor()
    expected = Advisor().evaluate(EXAMPLES / "web-shop.yaml").to_json()  # this engine remembers nothing yet
    real_chain = advisor.engine._chain
    calls = {"n": 0}

    def interrupted(first):
        calls["n"] += 1
        if calls["n"] == 1:
            raise interrupt
        return real_chain(first)

    monkeypatch.setattr(advisor.engine, "_chain", interrupted)
    with pytest.raises(type(interrupt)):
        advisor.evaluate(EXAMPLES / "web-shop.yaml")
    assert advisor.evaluate(EXAMPLES / "web-shop.yaml").to_json() == expected
    advisor.engine.close()


def test_every_rule_has_one_fact_pattern_and_the_sentinel_comes_last(advisor):
    """The engine's shortcuts rely on these: the fact of every action is the question just asserted."""
    from advisor.engine import RULE_PRIORITY, SENTINEL, SENTINEL_PRIORITY, compile_ruleset

    definition = compile_ruleset(advisor.pack)
    assert len(definition) == len(advisor.pack.rules) + 2  # the rules, the warm-up, the sentinel
    for name, rule in definition.items():
        assert list(rule) in (["all", "run"], ["all", "pri", "run"]), name
        assert len(rule["all"]) == 1, f"{name} joins facts: its action's fact is not the question"
        assert list(rule["all"][0]) == ["m"], name
    rules = [r for n, r in definition.items() if n not in (SENTINEL, "warmup")]
    assert {r["pri"] for r in rules} == {RULE_PRIORITY} and RULE_PRIORITY < SENTINEL_PRIORITY
    assert definition[SENTINEL]["pri"] == SENTINEL_PRIORITY


def test_each_action_message_starts_with_its_name_and_carries_the_question(profiles, monkeypatch):
    """What the engine reads without json.loads, checked against json.loads on real evaluations."""
    import json

    from advisor import engine as engine_module
    from advisor.engine import SENTINEL

    advisor = Advisor()
    real = engine_module._c
    asserted: list[dict] = []
    actions: list[str] = []

    def check(message: str) -> None:
        parsed = json.loads(message)
        assert len(parsed) == 1
        name = next(iter(parsed))
        assert message[2 : message.index('"', 2)] == name
        fact = parsed[name]["m"]
        assert {k: v for k, v in fact.items() if k in asserted[-1]} == asserted[-1]
        actions.append(name)

    class Watching:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def assert_fact(handle, text):
            asserted.append(json.loads(text))
            return real.assert_fact(handle, text)

        @staticmethod
        def start_action_for_state(handle, state):
            started = real.start_action_for_state(handle, state)
            if started:
                check(started[1])
            return started

        @staticmethod
        def complete_and_start_action(handle, state):
            following = real.complete_and_start_action(handle, state)
            if following:
                check(following)
            return following

        @staticmethod
        def update_state(handle, state):  # pragma: no cover - the point is that it is never needed
            raise AssertionError("update_state was called")

    monkeypatch.setattr(engine_module, "_c", Watching())
    expected = [Advisor().evaluate(p).to_json() for p in profiles[:20]]
    assert [advisor.evaluate(p).to_json() for p in profiles[:20]] == expected
    assert actions.count(SENTINEL) == sum(1 for fact in asserted if fact.get("kind") == "ask")
    assert len(actions) > actions.count(SENTINEL)  # rules fired, not only the sentinel
    advisor.engine.close()


def test_a_question_carries_only_what_its_rules_test_and_fires_the_same_rules(profiles, monkeypatch):
    """Questions leave out the flags that fail and the decisions no rule of the area reads.

    Checked against questions that carry them all, as they did before: the same rules fire and
    every output is the same. It holds because a rule tests a flag only for being true and tests
    only the decisions Plan.decided lists for its area.
    """
    from advisor import decide
    from advisor.decide import WORKLOAD, holds
    from advisor.engine import compile_ruleset
    from advisor.fields import value_at

    advisor = Advisor()
    flag_tests = []
    for rule in compile_ruleset(advisor.pack).values():
        for test in rule["all"][0]["m"].get("$and", []):
            for part in test.get("$or", [test]):
                flag_tests += [value for key, value in part.items() if key.startswith("flag.")]
    assert flag_tests and all(value is True for value in flag_tests)

    slim = decide.Run._question
    asked: list[dict] = []

    def full(self, position):
        fact = slim(self, position)
        if fact is not None:
            area, subject = self.questions[position]
            roots = self._roots[subject]
            decided = dict(self.choices.get(WORKLOAD, {}))
            if subject != WORKLOAD:
                decided.update(self.choices.get(subject, {}))
            assert set(fact["decision"]) <= set(decided)
            fact["decision"] = decided
            fact["flag"] = {
                f"t{i}": holds(test, value_at(roots, test.field)) for i, test in self.plan.tests[area.id]
            }
            asked.append(fact)
        return fact

    expected = [advisor.evaluate(p).to_json() for p in profiles[:150]]
    monkeypatch.setattr(decide.Run, "_question", full)
    assert [advisor.evaluate(p).to_json() for p in profiles[:150]] == expected
    assert any(False in fact["flag"].values() for fact in asked)  # the full questions did differ
    assert any(len(fact["decision"]) > 3 for fact in asked)


def test_a_remembered_question_fires_what_the_c_core_fired_and_the_memory_stays_bounded(
    profiles, monkeypatch
):
    """The engine answers a question it was asked before from memory: same outputs, bounded size."""
    from advisor import engine as engine_module
    from advisor.engine import Engine
    from advisor.loading import load_source
    from advisor.sensitivity import trials
    from advisor.settings import apply

    remembering = Advisor()
    asking = Advisor()
    asking.engine.close()
    asking.engine = Engine(asking.pack, memo=False)
    # Profiles, then each again, then one-answer variants of a few: the memory is hit, and its
    # answers must be the C core's.
    sample = profiles[:120] + profiles[:40]
    for data in profiles[:3]:
        profile = remembering.profile(data)
        for setting in trials(remembering.pack, profile.answers())[:25]:
            sample.append(apply(load_source(data), [setting]).data)
    calls = {"n": 0}
    real = remembering.engine._chain

    def counted(fact):
        calls["n"] += 1
        return real(fact)

    monkeypatch.setattr(remembering.engine, "_chain", counted)
    areas = remembering.pack.areas
    per_workload = sum(1 for area in areas if area.scope == "workload")
    per_dataset = sum(1 for area in areas if area.scope == "dataset")
    asked = 0
    for data in sample:
        result = remembering.evaluate(data)
        assert result.to_json() == asking.evaluate(data).to_json()
        asked += per_workload + per_dataset * len(result.datasets)
    assert 0 < calls["n"] < asked * 0.8  # a fifth or more answered from memory

    monkeypatch.setattr(engine_module, "MATCH_MEMO_SIZE", 50)
    for data in profiles[120:220]:
        remembering.evaluate(data)
        assert len(remembering.engine._matches) <= 50
    remembering.engine.close()
    asking.engine.close()
