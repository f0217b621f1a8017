"""advisor: an AWS architecture decision advisor. Describe a workload, get justified decisions."""

__version__ = "0.1.0"

from advisor.api import Advisor, evaluate  # noqa: E402
from advisor.errors import AdvisorError, EngineError, InvalidRequirements, Problem  # noqa: E402

__all__ = [
    "Advisor",
    "AdvisorError",
    "EngineError",
    "InvalidRequirements",
    "Problem",
    "evaluate",
    "__version__",
]
