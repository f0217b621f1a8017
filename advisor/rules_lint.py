"""`advisor rules lint`: what is wrong with a rule pack that loading it does not refuse.

Loading (advisor.rulepack) refuses what cannot run. Lint also finds what runs but cannot be
right: ids the loader would refuse (told all at once, with their lines), options no rule reaches,
rules that can never fire given the requirements model, pairs of rules that tie on the same
answers, facts unused or old, tables that miss an option.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from advisor import fields
from advisor.errors import RulePackError
from advisor.lint_finding import Finding
from advisor.pack_models import NOT_APPLICABLE, Area
from advisor.rule_models import Rule
from advisor.rule_reach import never_fires, overlaps
from advisor.rule_sources import (
    RuleSource,
    UnreadablePack,
    is_layer,
    load_pack,
    read_yaml,
    rule_files,
    rule_sources,
)
from advisor.rulepack import RulePack, default_root, load

FACT_NAME = re.compile(r"facts\.([A-Za-z0-9_]+)|facts\[['\"]([A-Za-z0-9_]+)['\"]\]|fact:([A-Za-z0-9_]+)")


def lint(root: Path | None = None, today: datetime.date | None = None) -> list[Finding]:
    """Every finding of the pack at `root` (the built-in pack by default), in file order.

    Raises UnreadablePack when a file cannot be parsed, or the pack does not load for a reason
    lint does not report itself.
    """
    root = root or default_root()
    today = today or datetime.date.today()
    if is_layer(root):
        return _layer_findings(root, today)
    sources = rule_sources(root)
    findings = _id_findings(root, sources)
    try:
        pack = load(root)
    except RulePackError as error:
        if findings:
            return sorted(findings, key=_order)  # the ids are why it does not load: fix them first
        raise UnreadablePack(str(error)) from None
    lines = {s.id: f"{s.path}:{s.line}" for s in sources if isinstance(s.id, str)}
    findings += _unreachable_options(pack)
    findings += never_fires(pack, lines)
    findings += overlaps(pack, lines)
    findings += _fact_findings(root, pack, today)
    findings += _table_findings(pack)
    return sorted(findings, key=_order)


def _layer_findings(root: Path, today: datetime.date) -> list[Finding]:
    """An organization pack, layered on the built-in one: the findings about its own rules and facts.

    The loader already refuses its malformed, clashing or unprefixed ids (exit 2, naming them).
    """
    pack = load_pack(root)
    lines = {s.id: f"{root / s.path}:{s.line}" for s in rule_sources(root) if isinstance(s.id, str)}
    own = tuple(f"{root / s.path}:" for s in rule_sources(root))
    findings = [f for f in never_fires(pack, lines) + overlaps(pack, lines) if f.where.startswith(own)]
    corpus = "\n".join(path.read_text(encoding="utf-8") for path in rule_files(root))
    used = {name for match in FACT_NAME.finditer(corpus) for name in match.groups() if name}
    year_ago = _year_before(today)
    for key, where in _fact_files(root).items():
        fact = pack.facts[key]
        at = str(root / where)
        if key not in used:
            findings.append(Finding(at, "unused-fact", key, "no rule of the pack quotes it"))
        if fact.as_of < year_ago:
            findings.append(
                Finding(
                    at,
                    "stale-fact",
                    key,
                    f"checked {fact.as_of}, over a year before {today}: check it against {fact.source}",
                )
            )
    return sorted(findings, key=_order)


def _year_before(today: datetime.date) -> datetime.date:
    """The same day a year earlier (28 February for 29 February): a fact checked before it is stale."""
    return today.replace(year=today.year - 1, day=28 if (today.month, today.day) == (2, 29) else today.day)


def _order(finding: Finding) -> tuple[str, int, str, str]:
    path, _, line = finding.where.partition(":")
    return (path, int(line) if line.isdigit() else 0, finding.kind, finding.subject)


# ---- ids -------------------------------------------------------------------------------------


def _id_pattern() -> re.Pattern[str]:
    for item in Rule.model_fields["id"].metadata:
        pattern = getattr(item, "pattern", None)
        if pattern:
            return re.compile(pattern)
    raise AssertionError("Rule.id has no pattern")  # pragma: no cover - a defect of rulepack


def _id_findings(root: Path, sources: list[RuleSource]) -> list[Finding]:
    areas = read_yaml(root / "areas.yaml", root)
    prefixes: dict[str, str] = {}
    for area in (areas or {}).get("areas", []) if isinstance(areas, dict) else []:
        if isinstance(area, dict) and isinstance(area.get("id"), str):
            prefixes[area["id"]] = str(area.get("rule_prefix", ""))
    pattern = _id_pattern()
    seen: dict[str, str] = {}
    out: list[Finding] = []
    for source in sources:
        where = f"{source.path}:{source.line}"
        for rule_id in (source.id, *source.aliases):
            if not isinstance(rule_id, str) or not pattern.fullmatch(rule_id):
                out.append(
                    Finding(
                        where,
                        "malformed-id",
                        str(rule_id),
                        "an id is lowercase words joined by dots and dashes (area.option.what)",
                    )
                )
                continue
            if rule_id in seen:
                out.append(Finding(where, "duplicate-id", rule_id, f"is already used at {seen[rule_id]}"))
            else:
                seen[rule_id] = where
            prefix = prefixes.get(source.area)
            if prefix and not rule_id.startswith(prefix + "."):
                out.append(
                    Finding(
                        where, "id-prefix", rule_id, f"rules of {source.area} start with {prefix + '.'!r}"
                    )
                )
    return out


# ---- options ---------------------------------------------------------------------------------


def _unreachable_options(pack: RulePack) -> list[Finding]:
    out: list[Finding] = []
    for area in pack.areas:
        if area.open_options:
            continue  # its options are chosen by template
        verbs = ("propose",) if area.kind == "set" else ("choose", "favor")
        reached = {r.rule.effect.option for r in pack.rules_by_area[area.id] if r.rule.effect.verb in verbs}
        if any(r.rule.effect.verb == "not_applicable" for r in pack.rules_by_area[area.id]):
            reached.add(NOT_APPLICABLE)
        if area.fallback:
            reached.add(area.fallback)
        for option in area.options:
            if option not in reached:
                how = "proposes" if area.kind == "set" else "chooses or favours"
                out.append(
                    Finding("areas.yaml", "unreachable-option", f"{area.id}.{option}", f"no rule {how} it")
                )
    return out


# ---- facts and tables ------------------------------------------------------------------------


def _help_texts() -> list[str]:
    # Field help quotes facts by name ({spot_notice}, advisor.about): those facts are used too.
    return [found.about.help for found in fields.walk()]


def _fact_findings(root: Path, pack: RulePack, today: datetime.date) -> list[Finding]:
    corpus = [(root / "areas.yaml").read_text(encoding="utf-8")]
    corpus += [path.read_text(encoding="utf-8") for path in rule_files(root)]
    used = {name for text in corpus for match in FACT_NAME.finditer(text) for name in match.groups() if name}
    help_text = "\n".join(_help_texts())
    used |= {key for key in pack.facts if "{" + key + "}" in help_text}
    year_ago = _year_before(today)
    where = _fact_files(root)
    out: list[Finding] = []
    for key, fact in pack.facts.items():
        if key not in used:
            out.append(Finding(where[key], "unused-fact", key, "no rule, option or question quotes it"))
        if fact.as_of < year_ago:
            out.append(
                Finding(
                    where[key],
                    "stale-fact",
                    key,
                    f"checked {fact.as_of}, over a year before {today}: check it against {fact.source}",
                )
            )
    return out


def _fact_files(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((root / "facts").glob("*.yaml")):
        rel = str(path.relative_to(root))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.match(r"^([A-Za-z0-9_]+):", line)
            if match:
                out.setdefault(match.group(1), f"{rel}:{number}")
    return out


def _table_findings(pack: RulePack) -> list[Finding]:
    """A mapping in a table keyed by the options of an area must have every applicable option."""
    areas = [a for a in pack.areas if not a.open_options]
    out: list[Finding] = []
    for name, table in sorted(pack.tables.items()):
        for path, mapping in _mappings(table, name):
            keys = set(mapping)
            area = _keyed_by(keys, areas)
            if area is None:
                continue
            for option in area.options:
                if option != NOT_APPLICABLE and option not in keys:
                    out.append(
                        Finding(
                            f"tables/{name}.yaml",
                            "table-missing-option",
                            path,
                            f"has no entry for option {option!r} of {area.id}",
                        )
                    )
    return out


def _mappings(data: Any, path: str, depth: int = 0) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(data, dict) or depth > 2:
        return []
    out = [(path, data)] if depth else []
    for key, value in data.items():
        out += _mappings(value, f"{path}.{key}", depth + 1)
    return out


def _keyed_by(keys: set[Any], areas: list[Area]) -> Area | None:
    # Keyed by an area's options: at least two keys, all of them options, half the area or more.
    for area in areas:
        applicable = set(area.options) - {NOT_APPLICABLE}
        if len(keys) >= 2 and keys <= set(area.options) and 2 * len(keys) >= len(applicable):
            return area
    return None
