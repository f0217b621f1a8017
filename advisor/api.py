"""The public Python API: `evaluate` a requirements input, get a `Result`."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import __version__, gc_pause, overrides, prices
from advisor.cost import estimate
from advisor.decide import Plan, Run, assemble
from advisor.errors import OrganizationPackError, RulePackError
from advisor.loading import load_source
from advisor.prices import Snapshot
from advisor.result import Result
from advisor.rulepack import RulePack, load
from advisor.validation import Profile, validate

if TYPE_CHECKING:
    from advisor.choices import Choices


class Advisor:
    """A loaded rule pack and its compiled engine; build once, evaluate many times.

    `rules_dir` replaces the built-in pack; `rules` lists organization packs layered on it (§9).
    """

    def __init__(self, rules_dir: Path | None = None, *, rules: Sequence[Path | str] = ()):
        self.layers = tuple(Path(layer) for layer in rules)
        self.pack: RulePack = load(rules_dir, self.layers)
        self.plan = Plan.of(self.pack)
        # Imported here, not at the top: `import advisor` and `advisor --help` work even where
        # durable-rules cannot be loaded, and the CLI can say how to repair it (advisor.install).
        from advisor.engine import Engine

        self.engine = Engine(self.pack)
        self.prices: Snapshot = prices.load(rules_dir, self.layers)  # a pack's prices replace built-in ones
        gc_pause.resume()  # the CLI's start-up is over (see advisor.gc_pause)

    def profile(self, source: Any) -> Profile:
        """Validate a requirements input without evaluating it (raises InvalidRequirements)."""
        return validate(load_source(source), self.pack.type_defaults)

    def evaluate(self, source: Any, today: datetime.date | None = None) -> Result:
        return self.evaluate_profile(self.profile(source), today)

    def evaluate_profile(self, profile: Profile, today: datetime.date | None = None) -> Result:
        """`today` decides which overrides have ended (§9; today's date only when not given) and,
        where given, is the date the price snapshot's age is judged against."""
        active = overrides.resolve(profile, self.pack, today)
        run = Run(self.pack, self.plan, profile, overrides=active.by_key)
        run.warnings.extend(active.warnings)
        self.engine.run(run, run.first())
        result = assemble(run, __version__)
        result.cost = estimate(result, profile.requirements, self.pack.tables, self.prices, today)
        return result

    def choices(
        self, profile: Profile, today: datetime.date | None = None, *, like: Choices | None = None
    ) -> Choices:
        """What `evaluate_profile` would choose, without the reasons, texts or cost: several times cheaper.

        For callers that evaluate many variants of one file and compare only the choices. `like`:
        the choices of a profile this one differs from a little; the questions both ask alike are
        not asked again. (Choices made with `like` cannot serve as `like`: they keep no inputs.)
        """
        active = overrides.resolve(profile, self.pack, today)
        from advisor.choices import ChoiceRun  # sensitivity's and explain's, not a recommendation's

        run = ChoiceRun(self.pack, self.plan, profile, overrides=active.by_key)
        first = run.start(like)
        if first is not None:
            self.engine.run(run, first)
        return run.outcome(inputs=like is None)


_default: Advisor | None = None
_default_lock = threading.Lock()


def default_advisor() -> Advisor:
    global _default
    with _default_lock:
        if _default is None:
            _default = Advisor()
        return _default


_layered: dict[tuple[Path, ...], Advisor] = {}


def advisor_for(layers: Sequence[Path | str] = ()) -> Advisor:
    """The built-in advisor, or one with these organization packs layered on it (built once each)."""
    if not layers:
        return default_advisor()
    key = tuple(Path(layer) for layer in layers)
    with _default_lock:
        if key not in _layered:
            try:
                _layered[key] = Advisor(rules=key)
            except RulePackError as error:
                raise OrganizationPackError(str(error), error.problems) from None
        return _layered[key]


def evaluate(source: Any) -> Result:
    """Evaluate requirements given as a dict, a path (str ending in .yaml/.yml, or Path), or YAML text.

    Raises `advisor.InvalidRequirements` (a ValueError) listing every problem found, each with its
    field path and, for YAML, its line.
    """
    return default_advisor().evaluate(source)
