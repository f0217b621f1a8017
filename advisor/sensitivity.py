"""What would change each decision: every single-answer change that gives another choice, found by evaluating.

The changes tried are every other value of each enum and boolean answer (a list of options gains
or loses one item), and for each number the nearest value on the other side of every threshold a
rule tests (thresholds come from the compiled pack, facts already resolved). Evaluations are the
slow part, so each change is evaluated for its choices alone (`Advisor.choices`), and only from
the first question whose inputs it changes: the questions before it choose as the file did.
"""

from __future__ import annotations

import collections
import datetime
import json
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from types import UnionType
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin

from advisor import fields, operators
from advisor.choices import Choices
from advisor.errors import InvalidRequirements
from advisor.loading import Document
from advisor.requirements import AVAILABILITY_TARGETS
from advisor.result import Change, Result
from advisor.rule_models import FLAG, Clause
from advisor.rulepack import RulePack
from advisor.settings import Setting, apply
from advisor.validation import Profile, check, with_defaults

if TYPE_CHECKING:
    from advisor.api import Advisor

_SKIPPED = frozenset({"version", "name", "description", "dataset.name"})


CONTROL = "control:"  # a control is a yes-no decision: proposed, or not
PROPOSED, NOT_PROPOSED = "proposed", "not_proposed"


@dataclass(frozen=True)
class Key:
    """A decision in a result: a workload area, a data set's area (dataset is its name), or control:ID."""

    area: str
    dataset: str | None = None

    def __str__(self) -> str:
        return self.area if self.dataset is None else f"dataset:{self.dataset}:{self.area}"


def decisions(result: Result) -> Iterator[tuple[Key, str]]:
    for area, decision in result.decisions.items():
        yield Key(area), decision.choice
    for dataset in result.datasets:
        for area, decision in dataset.decisions.items():
            yield Key(area, dataset.name), decision.choice
    for control in result.controls:
        yield Key(CONTROL + control.id), PROPOSED


def _chosen(choices: Choices) -> Iterator[tuple[Key, str]]:
    """`decisions` of the result these choices would give."""
    for area, choice in choices.decisions.items():
        yield Key(area), choice
    for name, chosen in choices.datasets:
        for area, choice in chosen.items():
            yield Key(area, name), choice
    for control in choices.controls:
        yield Key(CONTROL + control), PROPOSED


def _clauses(pack: RulePack) -> dict[str, list[Clause]]:
    """Every test of every rule, unwrapped, by the field it tests."""
    out: dict[str, list[Clause]] = {}
    for rule in pack.rules:
        for clause in rule.clauses + [c for group in rule.any_of for c in group]:
            test = clause.value if clause.op.startswith(FLAG) else clause
            if test not in out.setdefault(test.field, []):
                out[test.field].append(test)
    return out


def _holds(test: Clause, value: Any) -> bool:
    # The engine sees a missing value as "none" (advisor.decide._nest).
    value = "none" if value is None else value
    try:
        return operators.holds(test.op, value, test.value)
    except TypeError:
        return False


def _enum_values(found: fields.Field, tests: list[Clause]) -> list[Any]:
    annotation = found.annotation
    if annotation is bool:
        return [False, True]
    if annotation == (bool | None):
        return [None, False, True]
    if found.path == "availability.target":
        return list(AVAILABILITY_TARGETS)
    parts = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
    literal = [value for part in parts if get_origin(part) is Literal for value in get_args(part)]
    if literal:
        return literal + ([None] if type(None) in parts else [])
    # An open answer (data residency: any country): none, and one value the rules name for each
    # way their tests can come out (the first named). Trying every country named would cost an
    # evaluation each, for changes a reader finds by asking about that country (--set, explain).
    named: list[Any] = [None]
    seen = {tuple(_holds(test, None) for test in tests)}
    for test in tests:
        for value in test.value if isinstance(test.value, list) else [test.value]:
            outcome = tuple(_holds(t, value) for t in tests)
            if value != "none" and outcome not in seen:
                seen.add(outcome)
                named.append(value)
    return named


def _list_values(found: fields.Field, current: list[Any]) -> list[list[Any]]:
    (item,) = get_args(found.annotation)
    options = list(get_args(item))
    out = []
    for option in options:
        changed = [v for v in current if v != option] if option in current else current + [option]
        out.append(sorted(changed, key=options.index))
    return out


def _number_values(path: str, tests: list[Clause], current: Any, integer: bool) -> list[Any]:
    """For each threshold, the nearest value on its other side from the current one."""
    # A whole unit past the threshold: "901 seconds" reads better than "900.5", and every
    # threshold a rule tests on an answer is a whole number (ratios are handled apart).
    step = 1
    out: list[Any] = []
    for test in tests:
        if test.op not in ("gt", "gte", "lt", "lte") or isinstance(test.value, bool):
            continue
        limit = test.value
        below, above = (limit, limit + step) if test.op in ("gt", "lte") else (limit - step, limit)
        if integer or float(below).is_integer():
            below, above = math.floor(below), math.ceil(above)
        candidate = below if _holds(test, below) != _holds(test, current) else above
        if candidate not in out and candidate != current and _holds(test, candidate) != _holds(test, current):
            out.append(candidate)
    return sorted(out)


def _memory_per_vcpu(answers: dict[str, Any], tests: list[Clause]) -> list[Setting]:
    """Crossing a memory-per-vCPU threshold by changing memory (vCPUs fixed) or vCPUs (memory fixed)."""
    compute = answers["compute"]
    memory, vcpus = compute["memory_gib"], compute["vcpus"]
    out: list[Setting] = []
    current = memory / vcpus
    for test in tests:
        if test.op not in ("gt", "gte", "lt", "lte"):
            continue
        for candidate in (test.value * vcpus - 1, test.value * vcpus, test.value * vcpus + 1):
            if candidate > 0 and _holds(test, candidate / vcpus) != _holds(test, current):
                out.append(Setting("compute.memory_gib", candidate))
                break
        ratio = memory / test.value
        for count in (math.floor(ratio) - 1, math.floor(ratio), math.ceil(ratio), math.ceil(ratio) + 1):
            if count >= 1 and _holds(test, memory / count) != _holds(test, current):
                out.append(Setting("compute.vcpus", count))
                break
    return out


def trials(pack: RulePack, answers: dict[str, Any]) -> list[Setting]:
    """Every single-answer change to try, in the requirements model's order."""
    by_field = _clauses(pack)
    out: list[Setting] = []
    seen: set[tuple[str, str]] = set()

    def add(setting: Setting) -> None:
        key = (setting.path, repr(setting.value))
        if key not in seen:
            seen.add(key)
            out.append(setting)

    subjects: list[tuple[str, str, dict[str, Any]]] = []  # (model path prefix, setting prefix, values)
    for found in fields.walk():
        if found.model is not None or found.path in _SKIPPED:
            continue
        if found.path.startswith("dataset."):
            for index, dataset in enumerate(answers["datasets"]):
                subjects.append((found.path, f"datasets[{index}].{found.name}", dataset))
        else:
            section = answers.get(found.path.split(".")[0]) if "." in found.path else answers
            subjects.append((found.path, found.path, section if isinstance(section, dict) else {}))
    for model_path, path, holder in subjects:
        found = fields.field(model_path)
        current = holder.get(found.name)
        tests = by_field.get(model_path, [])
        kind = fields.field(model_path).annotation
        if get_origin(kind) is list:
            for value in _list_values(found, current or []):
                add(Setting(path, value))
        elif kind in (int, float) and model_path != "availability.target":
            for value in _number_values(model_path, tests, current, kind is int):
                add(Setting(path, value))
        else:
            for value in _enum_values(found, tests):
                if value != current or type(value) is not type(current):
                    add(Setting(path, value))
    for setting in _memory_per_vcpu(answers, by_field.get("derived.memory_per_vcpu", [])):
        add(setting)
    return out


def _profile(advisor: Advisor, document: Document, setting: Setting) -> Profile | None:
    try:
        changed = apply(document, [setting])
        return with_defaults(changed, check(changed), advisor.pack.type_defaults)
    except InvalidRequirements:
        return None  # a value the other answers do not allow (e.g. more memory than the limit)


def would_change(
    advisor: Advisor, document: Document, result: Result, today: datetime.date | None = None
) -> dict[Key, list[Change]]:
    """For each decision of `result` (the evaluation of `document` on `today`), the single changes that change it."""
    baseline = dict(decisions(result))
    out: dict[Key, list[Change]] = {key: [] for key in baseline}
    like = advisor.choices(result.profile, today)  # each change re-asks only the questions it reaches
    for setting in trials(advisor.pack, result.profile.answers()):
        profile = _profile(advisor, document, setting)
        if profile is None:
            continue
        choices = dict(_chosen(advisor.choices(profile, today, like=like)))
        for key, choice in baseline.items():
            other = choices.get(key, NOT_PROPOSED if key.area.startswith(CONTROL) else None)
            if other is not None and other != choice:
                out[key].append(Change(set={setting.path: setting.value}, choice=other))
    return {key: _grouped(changes) for key, changes in out.items()}


def _grouped(changes: list[Change]) -> list[Change]:
    """Changes that lead to the same choice next to each other, choices in order of first appearance."""
    order: dict[str, int] = {}
    for change in changes:
        order.setdefault(change.choice, len(order))
    return sorted(changes, key=lambda change: order[change.choice])


def attach(result: Result, changes: dict[Key, list[Change]]) -> Result:
    """`result` with `would_change` set on every decision."""
    for area, decision in result.decisions.items():
        decision.would_change = list(changes.get(Key(area), []))
    for dataset in result.datasets:
        for area, decision in dataset.decisions.items():
            decision.would_change = list(changes.get(Key(area, dataset.name), []))
    return result


_CACHE_SIZE = 8  # a memo in three formats, or explain then memo: the same file again, soon
_cache: collections.OrderedDict[tuple[Any, ...], dict[Key, list[Change]]] = collections.OrderedDict()
_cache_lock = threading.Lock()


def with_sensitivity(
    advisor: Advisor, document: Document, result: Result, today: datetime.date | None = None
) -> Result:
    """`result` (the evaluation of `document` on `today`) with `would_change` on every decision.

    The answer is remembered for the last few documents: it costs an evaluation per change.
    """
    key = (id(advisor), advisor.pack.digest, today, json.dumps(document.data, sort_keys=True, default=str))
    with _cache_lock:
        changes = _cache.get(key)
        if changes is not None:
            _cache.move_to_end(key)
    if changes is None:
        changes = would_change(advisor, document, result, today)
        with _cache_lock:
            _cache[key] = changes
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return attach(result, changes)


def evaluate_with_sensitivity(advisor: Advisor, source: Any) -> Result:
    """Evaluate a requirements source (as `Advisor.evaluate` takes) with `would_change` on every decision."""
    from advisor.loading import load_source

    document = load_source(source)
    result = advisor.evaluate_profile(with_defaults(document, check(document), advisor.pack.type_defaults))
    return with_sensitivity(advisor, document, result)
