"""Issue 16's reproducers: every input gets an answer, output is safe to print, interrupts poison nothing."""

from __future__ import annotations

import pytest

from advisor import templating
from advisor.api import Advisor


def _lambda_job(seconds: float) -> dict:
    return {
        "version": 1,
        "name": "job",
        "workload": {"type": "event_driven", "task_duration_seconds": seconds},
    }


def _texts(result) -> str:
    return result.to_json()


def test_minus_zero_and_zero_render_alike_whatever_came_first():
    """-0.0 == 0 shared a render-cache key: the first call decided "0 seconds" or "-0 seconds"."""
    fresh = Advisor()
    minus_first = _texts(fresh.evaluate(_lambda_job(-0.0)))
    assert "second" in minus_first  # the rationale quoting the duration fired
    warmed = Advisor()
    warmed.evaluate(_lambda_job(0))
    assert _texts(warmed.evaluate(_lambda_job(-0.0))) == minus_first
    assert templating.value_at({"a": -0.0}, ("a",)) != templating.value_at({"a": 0.0}, ("a",))


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(143)])
def test_an_interrupt_while_compiling_a_template_poisons_no_later_render(interrupt, monkeypatch):
    """RulePack.template stored the template before its inputs: later renders raised KeyError."""
    advisor = Advisor()
    pack = advisor.pack
    key = next(iter(pack.sources))
    real = templating.inputs_of
    calls = {"n": 0}

    def interrupted(tree):
        calls["n"] += 1
        if calls["n"] == 1:
            raise interrupt
        return real(tree)

    monkeypatch.setattr(templating, "inputs_of", interrupted)
    with pytest.raises(type(interrupt)):
        pack.template(key)
    pack.template(key)
    assert key in pack._inputs
