"""A pack's rule files read: each rule validated, checked against its area and the areas decided before it, and compiled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.conditions import When
from advisor.pack_models import NOT_APPLICABLE, Area, Fact
from advisor.pack_problems import Problems
from advisor.pack_templates import reaches_internals
from advisor.rule_models import CompiledRule, Rule, RuleFile, clause_of


class RuleFiles:
    """The rules read so far, from the built-in pack and then each layer, and their templates."""

    def __init__(
        self, areas: dict[str, Area], order: dict[str, int], facts: dict[str, Fact], problems: Problems
    ):
        self.areas, self.order, self.facts, self.problems = areas, order, facts, problems
        self.rules: list[CompiledRule] = []
        self.templates: dict[str, str] = {}
        self.seen_ids: dict[str, str] = {}

    def read(self, root: Path, read_yaml: Any, digest: Any, pack: str, prefix: str | None) -> None:
        """Read root's `<area>/*.yaml`; a layer's ids start with `prefix` instead of the area's."""
        areas, problems = self.areas, self.problems
        context = {"facts": self.facts}
        for path in sorted(root.glob("*/*.yaml")):
            if path.parent.name in ("facts", "tables", "prices"):
                continue
            digest.update(path.read_bytes())
            # A layer's files are named as the user gave its folder: a clash names both packs.
            where = str(path.relative_to(root)) if prefix is None else str(path)
            rule_file = problems.validate(RuleFile, read_yaml(path), where)
            if rule_file is None:
                continue
            if rule_file.area not in areas:
                problems.add(f"{where}: area", f"unknown area {rule_file.area!r}")
                continue
            if path.parent.name != rule_file.area:
                problems.add(
                    f"{where}: area",
                    f"rules of area {rule_file.area!r} belong in {'' if prefix else 'rules/'}{rule_file.area}/",
                )
            area = areas[rule_file.area]
            for number, data in enumerate(rule_file.rules):
                name = data.get("id") if isinstance(data, dict) else None
                at = f"{where}: {name if isinstance(name, str) else f'rules[{number}]'}"
                wanted = prefix or area.rule_prefix + "."
                if isinstance(name, str) and not name.startswith(wanted):
                    whose = f"pack {pack}" if prefix else f"rules of {area.id}"
                    problems.add(f"{at}: id", f"{whose} have ids starting with {wanted!r}")
                rule = problems.validate(Rule, data, at, context)
                if rule is None:
                    continue
                for rule_id in [rule.id, *rule.aliases]:
                    if rule_id in self.seen_ids:
                        problems.add(f"{at}: id", f"{rule_id!r} is already used in {self.seen_ids[rule_id]}")
                    self.seen_ids[rule_id] = where
                if not rule.when.tests():
                    problems.add(f"{at}: when", "a rule needs at least one condition")
                _check_effect(rule, area, f"{at}: effect", problems)
                _check_tests(rule.when, area, areas, self.order, f"{at}: when", problems)
                clauses = [clause_of(test) for test in rule.when.all.values()]
                groups = [[clause_of(test) for test in group] for group in rule.when.any_of]
                compiled = CompiledRule(rule, area, len(self.rules), where, clauses, groups, pack, root)
                self.rules.append(compiled)
                for key, text in _rule_templates(rule):
                    if reaches_internals(text):
                        problems.add(
                            f"{at}: {key}", "a template may not reach for attributes starting with '_'"
                        )
                    self.templates[f"{rule.id}:{key}"] = text


def _check_tests(
    when: When, area: Area, areas: dict[str, Area], order: dict[str, int], at: str, problems: Problems
) -> None:
    for test in when.tests():
        where = f"{at}.{test.field}"
        if test.kind == "decision":
            other = test.field.split(".", 1)[1]
            if other not in areas:
                problems.add(where, f"tests the decision of unknown area {other!r}")
            elif order[other] >= order[area.id]:
                problems.add(where, f"tests decision.{other}, which is decided after {area.id}")
            elif areas[other].scope == "dataset" and area.scope != "dataset":
                problems.add(where, "a workload rule cannot test a dataset's decision")
            else:
                values = test.value if isinstance(test.value, list) else [test.value]
                for value in values:
                    if not areas[other].open_options and value not in areas[other].options:
                        problems.add(where, f"{value!r} is not an option of {other}")
        elif test.field.startswith("dataset.") and area.scope != "dataset":
            problems.add(where, "only dataset areas can test dataset fields")


def _rule_templates(rule: Rule) -> list[tuple[str, str]]:
    out = [("rationale", rule.rationale)]
    out += [(f"tradeoffs.{i}", t) for i, t in enumerate(rule.tradeoffs)]
    out += [(f"details.{k}", v) for k, v in rule.effect.details.items()]
    out += [(f"advice.{i}", t) for i, t in enumerate(rule.effect.advice)]
    if rule.effect.option and "{{" in rule.effect.option:
        out.append(("option", rule.effect.option))
    return out


def _check_effect(rule: Rule, area: Area, at: str, problems: Problems) -> None:
    effect = rule.effect
    verb = effect.verb
    if area.kind == "set":
        if verb not in ("propose", "warn"):
            problems.add(at, "rules of a set area propose options")
    elif verb == "propose":
        problems.add(at, "propose is for set areas (controls)")
    option = effect.option
    if option is None or "{{" in option:
        if option is not None and not area.open_options:
            problems.add(at, "only areas with open_options choose by template")
        return
    if option not in area.options:
        problems.add(at, f"{option!r} is not an option of {area.id}")
    elif option == NOT_APPLICABLE:
        problems.add(at, "use `not_applicable: true` for an area that does not apply")
