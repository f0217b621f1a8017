"""What a rule pack holds, for people: `advisor rules list`, `rules show ID` and the Markdown catalogue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import AdvisorError
from advisor.markup import md, plain
from advisor.rule_models import CompiledRule
from advisor.rule_sources import rule_sources
from advisor.rulepack import RulePack


class UnknownRule(AdvisorError):
    """`advisor rules show` was given an id no rule (or alias) of the pack has."""


def _lines(pack: RulePack) -> dict[str, int]:
    roots = dict.fromkeys([pack.root, *(rule.root for rule in pack.rules if rule.root is not None)])
    return {s.id: s.line for root in roots for s in rule_sources(root) if isinstance(s.id, str)}


def _effect(rule: CompiledRule) -> str:
    effect = rule.rule.effect
    if effect.verb == "not_applicable":
        return "not_applicable"
    if effect.verb == "warn":
        return "warn"
    weight = f" ({effect.score:g})" if effect.verb in ("choose", "favor", "disfavor") else ""
    return f"{effect.verb} {effect.option}{weight}"


def _weight(rule: CompiledRule) -> int | float | None:
    effect = rule.rule.effect
    if effect.verb not in ("choose", "favor", "disfavor"):
        return None
    return int(effect.score) if effect.score == int(effect.score) else effect.score


def _listed(pack: RulePack, area: str | None, pack_name: str | None) -> list[CompiledRule]:
    if area is not None and area not in pack.area_by_id:
        raise UnknownRule(f"--area: unknown area {area!r}; known: {', '.join(pack.area_by_id)}")
    names = list(dict.fromkeys(rule.pack for rule in pack.rules))
    if pack_name is not None and pack_name not in names:
        raise UnknownRule(f"--pack: unknown pack {pack_name!r}; loaded: {', '.join(names)}")
    return [
        rule
        for rule in pack.rules
        if (area is None or rule.area.id == area) and (pack_name is None or rule.pack == pack_name)
    ]


def entries(pack: RulePack, area: str | None = None, pack_name: str | None = None) -> list[dict[str, Any]]:
    """Every rule (of one area, of one pack), in the pack's order, as data: `rules list --format json`."""
    lines = _lines(pack)
    return [
        {
            "id": rule.id,
            "pack": rule.pack,
            "area": rule.area.id,
            "effect": rule.rule.effect.verb,
            "option": rule.rule.effect.option,
            "weight": _weight(rule),
            "confidence": rule.rule.confidence,
            "title": rule.rule.title,
            "file": rule.path,
            "line": lines.get(rule.id),
        }
        for rule in _listed(pack, area, pack_name)
    ]


def list_text(
    pack: RulePack, area: str | None = None, fmt: str = "text", pack_name: str | None = None
) -> str:
    rows = entries(pack, area, pack_name)
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    width = max((len(row["id"]) for row in rows), default=0)
    out = []
    for rule, row in zip(_listed(pack, area, pack_name), rows, strict=True):
        out.append(f"{plain(row['id']):<{width}}  {plain(_effect(rule)):<28}  {plain(row['title'])}")
    return "\n".join(out) + ("\n" if out else "")


def _conditions(rule: CompiledRule) -> list[str]:
    def shown(test: Any) -> str:
        value = " ".join(test.facts) if test.facts else json.dumps(test.value, default=str)
        op = "=" if test.op == "eq" else f" {test.op} "
        return f"{test.field}{op}{value}"

    out = [shown(test) for test in rule.rule.when.all.values()]
    out += ["one of: " + "; ".join(shown(test) for test in group) for group in rule.rule.when.any_of]
    return out


def show(pack: RulePack, rule_id: str) -> str:
    """One rule in full: what it tests and does, its texts, reference, examples, file and line."""
    rule = pack.rule_by_id.get(rule_id)
    if rule is None:
        raise UnknownRule(f"no rule {rule_id!r} in the pack (advisor rules list shows them)")
    data = rule.rule
    out = [
        f"{plain(rule.id)}: {plain(data.title)}",
        f"  file: {plain(rule.path)}:{_lines(pack).get(rule.id, 1)}",
        f"  area: {rule.area.id}",
        f"  effect: {plain(_effect(rule))}",
        f"  confidence: {data.confidence}",
        "  when:",
        *(f"    {plain(c)}" for c in _conditions(rule)),
        f"  rationale: {plain(data.rationale)}",
    ]
    out += [f"  tradeoff: {plain(t)}" for t in data.tradeoffs]
    out += [f"  details.{plain(k)}: {plain(v)}" for k, v in data.effect.details.items()]
    out += [f"  advice: {plain(a)}" for a in data.effect.advice]
    out.append(f"  reference: {plain(data.reference)}")
    if data.aliases:
        out.append(f"  aliases: {plain(', '.join(data.aliases))}")
    for kind in ("fires", "quiet"):
        for number, example in enumerate(getattr(data.examples, kind), 1):
            text = yaml.safe_dump(example, default_flow_style=True, sort_keys=False, width=10_000)
            out.append(f"  example {kind} {number}: {plain(text)}")
    return "\n".join(out) + "\n"


def catalogue(pack: RulePack) -> str:
    """Markdown: every rule of the pack, area by area, with what it tests and does."""
    out = [
        "# Rule catalogue",
        "",
        "<!-- generated by `advisor rules catalogue > rules/CATALOGUE.md`; tests/test_rules_cli.py checks it -->",
        "",
        f"{len(pack.rules)} rules in {len(pack.areas)} decision areas (rule pack {md(pack.version)}).",
        "",
    ]
    for area in pack.areas:
        rules = pack.rules_by_area[area.id]
        out += [f"## {md(area.title)} (`{area.id}`)", "", md(area.question), ""]
        if not rules:
            out += ["No rules.", ""]
            continue
        out += ["| rule | effect | when | title |", "| --- | --- | --- | --- |"]
        for rule in rules:
            when = "<br>".join(md(f"`{c}`") for c in _conditions(rule))
            out.append(
                f"| [`{rule.id}`]({Path(rule.path).as_posix()}) | {md(_effect(rule))} | {when} | {md(rule.rule.title)} |"
            )
        out.append("")
    return "\n".join(out)
