"""The collector is paused for the CLI's start-up only: running again (with start-up frozen) once an Advisor is built."""

from __future__ import annotations

import gc

from conftest import after_command

from advisor import gc_pause
from advisor.api import Advisor


def _state_after(argv: list[str]) -> str:
    done = after_command(argv, "gc.isenabled(), gc.get_freeze_count() > 0", 120)
    return done.stderr.strip().splitlines()[-1]


def test_recommend_runs_with_the_collector_back_on_and_start_up_frozen():
    assert _state_after(["recommend", "examples/web-shop.yaml", "--format", "json"]) == "True True"


def test_a_command_that_builds_no_advisor_ends_with_the_collector_paused():
    # Nothing long-running there: `schema` prints and exits.
    assert _state_after(["schema"]) == "False False"


def test_the_library_never_touches_the_collector():
    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    Advisor()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_resume_undoes_only_its_own_pause():
    try:
        gc.disable()  # someone else's: not ours to undo
        gc_pause.resume()
        assert not gc.isenabled()
        gc.enable()
        gc_pause.pause()
        assert not gc.isenabled()
        gc_pause.resume()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()
