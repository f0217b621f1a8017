"""Shared fixtures: one Advisor for the whole run (building the engine is the slow part)."""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from advisor.api import Advisor, default_advisor

# The tests' rule-pack caches (advisor.pack_cache) go to a folder of their own, never the user's
# ~/.cache: many tests load packs from temporary folders. Set before any test or command runs;
# the commands tests start inherit it.
os.environ["XDG_CACHE_HOME"] = os.path.join(tempfile.gettempdir(), "advisor-tests-cache")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return default_advisor()


def scenario(partial: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A rule example as full requirements, and the decisions it expects."""
    data = copy.deepcopy(partial)
    expect = data.pop("expect", {}) or {}
    data.setdefault("version", 1)
    data.setdefault("name", "scenario")
    return data, expect


def decided(result: Any, area: str) -> str:
    """The choice for an area: workload areas, then the first dataset's areas."""
    result_dict = result.to_dict()
    if area in result_dict["decisions"]:
        return result_dict["decisions"][area]["choice"]
    if area == "controls":
        return ",".join(c["id"] for c in result_dict["controls"])
    return result_dict["datasets"][0]["decisions"][area]["choice"]


def after_command(argv: list[str], report: str, timeout: float = 60) -> Any:
    """Run `advisor ARGV` in a fresh interpreter, then print the Python expression `report` (which
    may use `sys` and `gc`) to its stderr. Returns the CompletedProcess."""
    import os
    import subprocess
    import sys

    probe = (
        "import gc, sys, advisor.cli\n"
        f"sys.argv = ['advisor', *{argv!r}]\n"
        "try:\n    advisor.cli.main()\nexcept SystemExit:\n    pass\n"
        f"print({report}, file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def modules_loaded_by(argv: list[str], watched: tuple[str, ...], timeout: float = 60) -> Any:
    """Run `advisor ARGV` in a fresh interpreter; its stderr is the sorted list of `watched`
    modules (or packages, by their top name) loaded by then. Returns the CompletedProcess."""
    loaded = f"sorted(m for m in sys.modules if m in {watched!r} or m.split('.')[0] in {watched!r})"
    return after_command(argv, loaded, timeout)
