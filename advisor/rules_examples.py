"""`advisor rules test`: run every rule's examples against its pack, and say what each failure got."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InvalidRequirements
from advisor.markup import plain


@dataclass(frozen=True)
class Failure:
    rule: str
    scenario: str  # "fires 2": the second scenario that must fire it
    data: dict[str, Any]  # the scenario as written
    got: str  # what came out instead

    def __str__(self) -> str:
        shown = yaml.safe_dump(self.data, default_flow_style=True, sort_keys=False, width=10_000)
        return f"{plain(self.rule)}: {self.scenario}: {plain(shown)}\n  {plain(self.got)}"


@dataclass(frozen=True)
class Report:
    scenarios: int
    failures: list[Failure]

    def text(self) -> str:
        out = [str(f) for f in self.failures]
        passed = self.scenarios - len(self.failures)
        out.append(f"{passed} of {self.scenarios} rule examples pass, {len(self.failures)} fail")
        return "\n".join(out) + "\n"


def _decided(result: Any, area: str) -> str | None:
    if area in result.decisions:
        return str(result.decisions[area].choice)
    if result.datasets and area in result.datasets[0].decisions:
        return str(result.datasets[0].decisions[area].choice)
    return None


def _check(result: Any, rule_id: str, kind: str, expect: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    fired = rule_id in result.fired_rules
    if kind == "fires" and not fired:
        problems.append("the rule did not fire")
    if kind == "quiet" and fired:
        problems.append("the rule fired")
    controls = [c.id for c in result.controls]
    for area, want in expect.items():
        wanted = [want] if isinstance(want, str) else list(want or [])
        if area == "controls_include":
            problems += [
                f"control {c} was not proposed (proposed: {', '.join(controls)})"
                for c in wanted
                if c not in controls
            ]
        elif area == "controls_exclude":
            problems += [f"control {c} was proposed" for c in wanted if c in controls]
        else:
            got = _decided(result, area)
            if got != want:
                problems.append(f"{area} was {got}, expected {want}")
    return problems


def run(root: Path | None = None) -> Report:
    """Evaluate every `fires` and `quiet` scenario of every rule of the pack at `root`.

    An organization pack (pack.yaml) runs layered on the built-in pack, and only its own rules'
    examples run.
    """
    from advisor.api import Advisor
    from advisor.rule_sources import is_layer, load_pack

    load_pack(root)  # a pack that does not load is the user's error (exit 2), told as such
    layered = root is not None and is_layer(root)
    advisor = Advisor(rules=[root]) if layered and root is not None else Advisor(root)
    failures: list[Failure] = []
    count = 0
    for rule in advisor.pack.rules:
        if layered and rule.root != root:
            continue
        for kind in ("fires", "quiet"):
            for number, example in enumerate(getattr(rule.rule.examples, kind), 1):
                count += 1
                data = copy.deepcopy(example)
                expect = data.pop("expect", None) or {}
                data.setdefault("version", 1)
                data.setdefault("name", "scenario")
                try:
                    problems = _check(advisor.evaluate(data), rule.id, kind, expect)
                except InvalidRequirements as error:
                    problems = [f"the scenario is not valid requirements: {error}"]
                if problems:
                    failures.append(Failure(rule.id, f"{kind} {number}", example, "; ".join(problems)))
    return Report(count, failures)
