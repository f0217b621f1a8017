"""Which answers reach each rule: rules that can never fire, and pairs of rules that tie (for `rules lint`).

A model of the answers the requirements allow (their values, number ranges, and the values the
rules' own examples name) is matched against each rule's conditions; a tie is confirmed by
evaluating the answers that show it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

from advisor import fields
from advisor.about import About
from advisor.conditions import DERIVED_FIELDS, FieldTest
from advisor.lint_finding import Finding
from advisor.pack_models import Area
from advisor.rule_models import CompiledRule
from advisor.rulepack import RulePack

# More combinations of `any` groups than this and a rule is taken as satisfiable: lint stays fast
# and says nothing it has not shown.
MAX_COMBINATIONS = 4096
MAX_TRIES = 16  # answer sets evaluated per pair of rules


def _literal_values(annotation: Any) -> tuple[Any, ...] | None:
    """The values a field may take, or None when they are open (free text, numbers)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)
    if annotation is bool:
        return (True, False)
    if annotation is type(None):
        return ("none",)  # a null answer is tested as "none"
    if origin is Union or str(origin) == "<class 'types.UnionType'>":
        values: list[Any] = []
        for arm in get_args(annotation):
            arm_values = _literal_values(arm)
            if arm_values is None:
                return None
            values += arm_values
        return tuple(values)
    return None


@dataclass(frozen=True)
class _Spec:
    """What the requirements model says a field can hold."""

    values: tuple[Any, ...] | None = None  # a closed set of values (enums, booleans)
    items: tuple[Any, ...] | None = None  # list fields: a closed set of items
    low: tuple[float, bool] | None = None  # numbers: (bound, inclusive)
    high: tuple[float, bool] | None = None
    integer: bool = False
    nullable: bool = False  # None is an answer (tested as "none")


def _number_spec(annotation: Any, metadata: list[Any]) -> _Spec:
    low = high = None
    values: tuple[Any, ...] | None = None
    for item in metadata:
        for name, inclusive, is_low in (
            ("ge", True, True),
            ("gt", False, True),
            ("le", True, False),
            ("lt", False, False),
        ):
            bound = getattr(item, name, None)
            if isinstance(bound, int | float):
                if is_low:
                    low = (float(bound), inclusive)
                else:
                    high = (float(bound), inclusive)
        if isinstance(item, About) and item.values:
            try:  # a number chosen from a list (availability.target): those are its values
                values = tuple(float(key) for key in item.values)
            except ValueError:
                pass
    return _Spec(values=values, low=low, high=high, integer=annotation is int)


def _model_specs() -> dict[str, _Spec]:
    """field -> what it can hold, from the requirements model (and the derived fields)."""
    specs: dict[str, _Spec] = {}
    for found in fields.walk():
        annotation, path = found.annotation, found.path
        if found.model is not None:
            continue  # a section, or the data sets: their fields follow
        if get_origin(annotation) is list:
            (item,) = get_args(annotation)
            specs[path] = _Spec(items=_literal_values(item))
        elif annotation in (int, float):
            specs[path] = _number_spec(annotation, found.info.metadata)
        else:
            nullable = type(None) in get_args(annotation)
            specs[path] = _Spec(values=_literal_values(annotation), nullable=nullable)
    for name, (kind, _) in DERIVED_FIELDS.items():
        if kind == "bool":
            specs[name] = _Spec(values=(True, False))
        elif kind == "number":
            specs[name] = _Spec(low=(0.0, True), integer=name.endswith("_count") or "datasets" in name)
    specs["derived.dataset_usages"] = _Spec(items=specs["dataset.usage"].values)
    return specs


@dataclass
class _Allowed:
    """What one field may be for a set of tests to hold together."""

    spec: _Spec
    only: set[Any] | None = None  # one of these (None: anything)
    never: set[Any] = field(default_factory=set)
    low: tuple[float, bool] | None = None  # (bound, inclusive)
    high: tuple[float, bool] | None = None
    has: set[Any] = field(default_factory=set)  # list fields: items it must hold
    lacks: set[Any] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.spec.values is not None:
            self.only = set(self.spec.values)
        self.low, self.high = self.spec.low, self.spec.high

    def add(self, test: FieldTest) -> None:
        op, value = test.op, ("none" if test.value is None else test.value)
        if op == "eq":
            self.only = {value} if self.only is None else self.only & {value}
        elif op == "in":
            self.only = set(value) if self.only is None else self.only & set(value)
        elif op == "ne":
            self.never.add(value)
        elif op == "not_in":
            self.never |= set(value)
        elif op in ("gt", "gte"):
            bound = (float(value), op == "gte")
            if self.low is None or bound[0] > self.low[0] or (bound[0] == self.low[0] and not bound[1]):
                self.low = bound
        elif op in ("lt", "lte"):
            bound = (float(value), op == "lte")
            if self.high is None or bound[0] < self.high[0] or (bound[0] == self.high[0] and not bound[1]):
                self.high = bound
        elif op == "contains":
            self.has.add(value)
        elif op == "not_contains":
            self.lacks.add(value)

    def values(self) -> list[Any]:
        left = [v for v in (self.spec.values or sorted(self.only or (), key=str)) if v not in self.never]
        return [v for v in left if self.only is None or v in self.only]

    def example(self) -> Any:
        """A value that passes every test, or None when none does."""
        if self.has & self.lacks:
            return None
        if self.has or self.lacks:
            return sorted(self.has, key=str)
        if self.low is not None or self.high is not None or self.spec.integer:
            return self._number()
        if self.only is None:
            return f"anything but {', '.join(map(str, sorted(self.never, key=str)))}" if self.never else "any"
        values = self.values()
        return values[0] if values else None

    def _number(self) -> float | None:
        low, high = self.low, self.high
        candidates = [0.0, 1.0, *sorted(self.only or ())]
        for bound in (low, high):
            if bound is not None:
                candidates += [bound[0], bound[0] + 1, bound[0] - 1, bound[0] + 0.5, bound[0] - 0.5]
                candidates += [float(math.floor(bound[0])), float(math.ceil(bound[0]))]
        if low is not None and high is not None:
            candidates.append((low[0] + high[0]) / 2)
        if self.spec.integer:
            candidates = [c for c in candidates if c == int(c)]
        for number in sorted(set(candidates)):
            above = low is None or number > low[0] or (number == low[0] and low[1])
            below = high is None or number < high[0] or (number == high[0] and high[1])
            if above and below and number not in self.never and (self.only is None or number in self.only):
                return number
        return None


class _Model:
    """What every field rules may test can hold: the requirements model and the pack's areas."""

    def __init__(self, pack: RulePack):
        self.specs = _model_specs()
        for area in pack.areas:
            if not area.open_options:
                self.specs[f"decision.{area.id}"] = _Spec(values=tuple(area.options))

    def allowed(self, name: str) -> _Allowed:
        return _Allowed(self.specs.get(name, _Spec()))


def _examples(
    model: _Model, tests: list[FieldTest], groups: list[list[FieldTest]]
) -> Iterator[dict[str, Any] | None]:
    """Per combination of one test of each group: an example of answers on which all hold, or None."""
    for combination in itertools.islice(itertools.product(*groups), MAX_COMBINATIONS):
        state: dict[str, _Allowed] = {}
        for test in [*tests, *combination]:
            state.setdefault(test.field, model.allowed(test.field)).add(test)
        example = {name: allowed.example() for name, allowed in state.items()}
        yield None if any(value is None for value in example.values()) else example


def _conflicts(model: _Model, tests: list[FieldTest], groups: list[list[FieldTest]]) -> list[str] | None:
    """None when the tests can hold together; else the fields whose tests cannot (first combination)."""
    if math.prod(len(group) for group in groups) > MAX_COMBINATIONS:
        return None  # too many to try: say nothing unproven
    first: list[str] | None = None
    for combination in itertools.product(*groups):
        state: dict[str, _Allowed] = {}
        for test in [*tests, *combination]:
            state.setdefault(test.field, model.allowed(test.field)).add(test)
        bad = [name for name, allowed in state.items() if allowed.example() is None]
        if not bad:
            return None
        first = first or bad
    return first


def _tests(rule: CompiledRule) -> tuple[list[FieldTest], list[list[FieldTest]]]:
    return list(rule.rule.when.all.values()), [list(group) for group in rule.rule.when.any_of]


def _known(model: _Model, test: FieldTest) -> tuple[Any, ...] | None:
    spec = model.specs.get(test.field, _Spec())
    return spec.items if test.op in ("contains", "not_contains") else spec.values


def _outside_values(model: _Model, test: FieldTest) -> list[Any]:
    domain = _known(model, test)
    if test.op in ("contains", "not_contains"):
        return [] if domain is None or test.value in domain else [test.value]
    if domain is None or test.op not in ("eq", "ne", "in", "not_in"):
        return []
    values = test.value if isinstance(test.value, list) else ["none" if test.value is None else test.value]
    return [v for v in values if v not in domain]


def never_fires(pack: RulePack, lines: dict[str, str]) -> list[Finding]:
    model = _Model(pack)
    out: list[Finding] = []
    for rule in pack.rules:
        where = lines.get(rule.id, rule.path)
        outside = False
        for test in rule.rule.when.tests():
            for value in _outside_values(model, test):
                outside = True
                known = _known(model, test) or ()
                holds = "never holds" if test.op in ("eq", "in", "contains") else "always holds"
                out.append(
                    Finding(
                        where,
                        "never-fires",
                        rule.id,
                        f"{test.field}: {value!r} is not one of its values ({', '.join(map(str, known))}): "
                        f"the test {holds}",
                    )
                )
        if outside:
            continue
        conflicts = _conflicts(model, *_tests(rule))
        if conflicts is not None:
            out.append(
                Finding(
                    where,
                    "never-fires",
                    rule.id,
                    f"its tests of {', '.join(conflicts)} cannot hold together",
                )
            )
    return out


def overlaps(pack: RulePack, lines: dict[str, str]) -> list[Finding]:
    """Pairs of rules backing different options with equal weight that decide an area by a tie.

    Two such rules firing together is ordinary (weights add up with the other rules'); a finding
    is a pair shown to fire on the same answers *and* leave their two options tied at the top, so
    the order of options in areas.yaml decides. Each candidate answer set comes from the rules'
    conditions and is confirmed by evaluating it.
    """
    from advisor.api import Advisor
    from advisor.errors import AdvisorError

    model = _Model(pack)
    advisor: Advisor | None = None
    out: list[Finding] = []
    for area in pack.areas:
        if area.kind != "choice":
            continue
        backers = [
            r
            for r in pack.rules_by_area[area.id]
            if r.rule.effect.verb in ("choose", "favor") and "{{" not in (r.rule.effect.option or "")
        ]
        for first, second in itertools.combinations(backers, 2):
            one, two = first.rule.effect, second.rule.effect
            if one.option == two.option or one.score != two.score:
                continue
            tests_one, groups_one = _tests(first)
            tests_two, groups_two = _tests(second)
            tried = 0
            for example in _examples(model, tests_one + tests_two, groups_one + groups_two):
                if example is None:
                    continue
                document = _requirements(example, model)
                if document is None:
                    continue
                tried += 1
                if tried > MAX_TRIES:
                    break
                advisor = advisor or Advisor(pack.root)
                try:
                    result = advisor.evaluate(document)
                except AdvisorError:
                    continue
                if _tied(result, area, first.id, second.id, one.option, two.option):
                    answers = ", ".join(
                        f"{k}={_shown(v)}" for k, v in _flat(document) if k not in ("version", "name")
                    )
                    out.append(
                        Finding(
                            lines.get(first.id, first.path),
                            "overlap",
                            f"{first.id} / {second.id}",
                            f"{one.verb} {one.option} and {two.verb} {two.option} with equal weight "
                            f"{_shown(one.score)} fire together and tie, so the order of options decides; "
                            f"e.g. on {answers}",
                        )
                    )
                    break
    return out


def _requirements(example: dict[str, Any], model: _Model) -> dict[str, Any] | None:
    """A requirements document giving these answers (decisions and derived values are left to come)."""
    document: dict[str, Any] = {"version": 1, "name": "lint example", "workload": {"type": "web_app"}}
    dataset: dict[str, Any] = {}
    for name, value in example.items():
        if isinstance(value, str) and (value == "any" or value.startswith("anything but")):
            continue
        if name.startswith(("decision.", "derived.")):
            if name in ("derived.has_datasets", "derived.dataset_count") and value:
                dataset.setdefault("name", "data")
            continue
        spec = model.specs.get(name, _Spec())
        if spec.integer and isinstance(value, float):
            value = int(value)
        if value == "none" and spec.nullable:
            value = None
        if name.startswith("dataset."):
            dataset[name.split(".", 1)[1]] = value
            continue
        fields.set_at(document, name, value)
    if dataset:
        dataset.setdefault("name", "data")
        dataset.setdefault("usage", "static_assets")
        document["datasets"] = [dataset]
    return document


def _flat(document: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in document.items():
        if isinstance(value, dict):
            out += _flat(value, f"{prefix}{key}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            out += _flat(value[0], f"{prefix}{key}[0].")
        else:
            out.append((prefix + key, value))
    return out


def _tied(result: Any, area: Area, first: str, second: str, one: Any, two: Any) -> bool:
    if area.scope == "dataset":
        if not result.datasets:
            return False
        decision = result.datasets[0].decisions.get(area.id)
    else:
        decision = result.decisions.get(area.id)
    if decision is None or not decision.scores:
        return False
    fired = {reason.rule for reason in decision.reasons}
    top = max(decision.scores.values())
    return (
        {first, second} <= fired
        and decision.scores.get(one) == top
        and decision.scores.get(two) == top
        and decision.choice in (one, two)
    )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return str(value)
