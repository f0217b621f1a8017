"""advisor: an AWS architecture decision advisor. Describe a workload, get justified decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from advisor.errors import AdvisorError, EngineError, InvalidRequirements, Problem

__version__ = "0.1.0"

if TYPE_CHECKING:
    from advisor.api import Advisor, evaluate

__all__ = [
    "Advisor",
    "AdvisorError",
    "EngineError",
    "InvalidRequirements",
    "Problem",
    "evaluate",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # `Advisor` and `evaluate` bring the rule pack, pydantic and the engine with them: imported on
    # first use, so `import advisor` (and `advisor --help`, `--version`) stays cheap.
    if name in ("Advisor", "evaluate"):
        from advisor import api

        return getattr(api, name)
    raise AttributeError(f"module 'advisor' has no attribute {name!r}")
