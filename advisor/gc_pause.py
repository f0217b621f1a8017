"""The cyclic garbage collector paused while a CLI command starts up, resumed once its Advisor is built.

Start-up allocates a few hundred thousand objects that live as long as the process (modules,
pydantic schemas, the rule pack, the engine) and leaves almost no garbage cycles. The collector's
passes over them were about a sixth of a cold `advisor recommend` (120 ms of 700 ms CPU, one
full collection of everything among them). The CLI pauses it; `Advisor.__init__` resumes it and
freezes what start-up built (`gc.freeze`), so the collections of a long run (batch, sensitivity,
ask) never walk the pack again. The library never pauses it: only `advisor.cli.main` does.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Resume the collector if `pause` stopped it, with everything allocated so far frozen."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
