"""The rule pack under rules/ and organization packs layered on it: loading them, and the loaded pack that renders its rules' texts.

The file format's models live in pack_models (areas, facts), conditions (`when:`), rule_models
(rules, compiled rules) and pack_tables (tables, defaults); rule files are checked in rule_files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import jinja2
import yaml

from advisor import templating
from advisor.bounded import make_room
from advisor.errors import RulePackError
from advisor.pack_models import BUILTIN, NOT_APPLICABLE, Area, AreasFile, Fact, Option, PackFile
from advisor.pack_problems import Problems
from advisor.pack_tables import TypeDefaults, check_tables
from advisor.pack_templates import template_env
from advisor.rule_files import RuleFiles
from advisor.rule_models import Clause, CompiledRule
from advisor.template_walk import PackTemplate, walkable

# The loaded pack, its loader and the few model names the resolver and the engine import from here.
__all__ = ["NOT_APPLICABLE", "Area", "Clause", "CompiledRule", "RulePack", "default_root", "load"]

RENDER_CACHE_SIZE = 20_000  # texts of a few hundred bytes: a few MB at most (advisor.bounded)


def _tidy(text: str) -> str:
    return " ".join(text.split())


@dataclass
class RulePack:
    root: Path
    version: str
    areas: list[Area]
    facts: dict[str, Fact]
    rules: list[CompiledRule]
    type_defaults: dict[str, dict[str, Any]]
    tables: dict[str, Any]
    digest: str
    sources: dict[str, str] = field(default_factory=dict, repr=False)  # "rule-id:part" -> template text
    # "rule-id:part" -> [its inputs, its walk form] of the built-in pack's texts, from the pack cache
    template_data: dict[str, list[Any]] = field(default_factory=dict, repr=False)
    _compiled: dict[str, PackTemplate] = field(default_factory=dict, repr=False)
    _env: jinja2.Environment = field(default_factory=lambda: template_env(), repr=False)

    _inputs: dict[str, tuple[tuple[str, ...], ...] | None] = field(default_factory=dict, repr=False)
    _rendered: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)
    _plain: dict[str, str | None] = field(default_factory=dict, repr=False)  # key -> text with no markup

    def template(self, key: str) -> PackTemplate:
        # Parsed on first use: a CLI run renders a few dozen of the pack's templates, not all.
        compiled = self._compiled.get(key)
        if compiled is None:
            # Both built before either is stored, the inputs first: `render` reads the inputs of
            # any compiled template, so an interrupt (Ctrl-C, a SIGALRM timeout) between the two
            # stores must leave at most inputs without a template, never the other way round.
            source = self.sources[key]
            cached = self.template_data.get(key)
            inputs: tuple[tuple[str, ...], ...] | None
            if cached is not None:  # worked out when the pack cache was written: nothing to parse
                paths, data = cached
                inputs = None if paths is None else tuple(tuple(path) for path in paths)
                built = PackTemplate(self._env, source, data)
            else:  # parsed once: inputs_of reads the tree, and the template walks or compiles it
                tree = self._env.parse(source)
                inputs = templating.inputs_of(tree)
                built = PackTemplate(self._env, source, walkable(tree), tree)
            self._inputs[key] = inputs
            compiled = self._compiled[key] = built
        return compiled

    def render(self, key: str, context: dict[str, Any]) -> str:
        """Render a rule template, reusing the text of an earlier render that read the same answers.

        Rendering is the largest share of an evaluation, and a rationale reads few answers: most
        renders repeat one already done for an earlier profile.
        """
        if key not in self._plain:
            # Plain text: Jinja would give it back as it is, and compiling it costs a cold run
            # about a third of its template compilation (a third of the texts it renders).
            source = self.sources[key]
            self._plain[key] = _tidy(source) if "{" not in source else None
        plain = self._plain[key]
        if plain is not None:
            return plain
        template = self.template(key)
        inputs = self._inputs[key]
        if inputs is None:  # reads something we cannot pin down: render every time
            return _tidy(template.render(context))
        cache_key = (key, *(templating.value_at(context, path) for path in inputs))
        text = self._rendered.get(cache_key)
        if text is None:
            make_room(self._rendered, RENDER_CACHE_SIZE)
            text = self._rendered[cache_key] = _tidy(template.render(context))
        return text

    @cached_property
    def area_by_id(self) -> dict[str, Area]:
        return {area.id: area for area in self.areas}

    @cached_property
    def option_tables(self) -> dict[str, dict[str, Option]]:
        return {area.id: area.options for area in self.areas}

    @cached_property
    def rules_by_area(self) -> dict[str, list[CompiledRule]]:
        out: dict[str, list[CompiledRule]] = {area.id: [] for area in self.areas}
        for rule in self.rules:
            out[rule.area.id].append(rule)
        return out

    @cached_property
    def rule_by_id(self) -> dict[str, CompiledRule]:
        out = {rule.id: rule for rule in self.rules}
        for rule in self.rules:
            for alias in rule.rule.aliases:
                out.setdefault(alias, rule)
        return out

    @cached_property
    def referenced_fields(self) -> list[str]:
        return list(dict.fromkeys(f for rule in self.rules for f in rule.fields()))

    @cached_property
    def computed_tests(self) -> list[Clause]:
        """Numeric and list tests, evaluated before matching so the engine only tests equality."""
        tests: list[Clause] = []
        for rule in self.rules:
            for clause in rule.clauses + [c for group in rule.any_of for c in group]:
                if clause.op.startswith("flag:") and clause.value not in tests:
                    tests.append(clause.value)
        return tests


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: start-up is user-visible


def read_pack_yaml(path: Path) -> Any:
    """A YAML file of a rule pack (trusted text, parsed with libyaml when present)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{path}: {error}") from None


def default_root() -> Path:
    """rules/ inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "areas.yaml").is_file():
            return candidate
    raise RulePackError(f"cannot find the rule pack (looked in {here / 'rules'} and {here.parent / 'rules'})")


def load(root: Path | None = None, layers: Sequence[Path] = ()) -> RulePack:
    """Load and check the pack and the organization packs layered on it (§9).

    Every problem found is reported at once, in one RulePackError.
    """
    root = root or default_root()
    from advisor.pack_cache import Reader  # the cold-start cache of the parsed YAML

    read_yaml = Reader(root, read_pack_yaml)
    problems = Problems()
    digest = hashlib.sha256()
    areas_file = problems.validate(AreasFile, read_yaml(root / "areas.yaml"), "areas.yaml")
    problems.raise_any()  # everything below is checked against the areas
    areas = {area.id: area for area in areas_file.areas}
    order = {area_id: index for index, area_id in enumerate(areas)}

    facts: dict[str, Fact] = {}
    fact_files: dict[str, str] = {}  # fact id -> the file that defines it, for a layer's clash
    _read_facts(root, read_yaml, facts, fact_files, problems, digest, str)

    tables: dict[str, Any] = {}
    for path in sorted((root / "tables").glob("*.yaml")):
        digest.update(path.read_bytes())
        tables[path.stem] = read_yaml(path)

    # Option texts quote facts too ({{ facts.spot_max_discount }}): rendered once, here.
    text_env = template_env()

    def with_facts(text: str, where: str) -> str:
        if "{{" not in text:
            return text
        try:
            return PackTemplate.parse(text_env, text).render(facts=facts)
        except jinja2.TemplateError as error:
            problems.add(f"areas.yaml: {where}", str(error))
            return text

    for area_id, area in list(areas.items()):
        options = {
            key: option.model_copy(
                update={
                    "summary": with_facts(option.summary, f"{area_id}.{key}.summary"),
                    "best_for": with_facts(option.best_for, f"{area_id}.{key}.best_for"),
                }
            )
            for key, option in area.options.items()
        }
        areas[area_id] = area.model_copy(
            update={
                "options": options,
                "fallback_reason": with_facts(area.fallback_reason, f"{area_id}.fallback_reason"),
            }
        )

    for area_id, area in list(areas.items()):
        if area.options_table:
            table = tables.get(area.options_table)
            where = f"tables/{area.options_table}.yaml"
            if not isinstance(table, dict) or not isinstance(table.get("options"), dict):
                problems.add(where, f"needs an `options` mapping for area {area_id}")
                continue
            extra = {}
            for key, value in table["options"].items():
                data = (
                    {k: v for k, v in value.items() if k in Option.model_fields}
                    if isinstance(value, dict)
                    else value
                )
                if isinstance(data, dict) and area.option_defaults is not None:
                    data = {**area.option_defaults.model_dump(), **data}
                option = problems.validate(Option, data, f"{where}: options.{key}")
                if option is not None:
                    extra[key] = option
            areas[area_id] = area.model_copy(update={"options": {**area.options, **extra}})

    check_tables(tables, problems)
    pillar_names = set((tables.get("pillars") or {}).get("pillars") or {})
    for area_id, area in areas.items():
        for key, option in area.options.items():
            for unknown in sorted(set(option.pillars) - pillar_names):
                problems.add(
                    f"areas.yaml: {area_id}.options.{key}.pillars",
                    f"unknown pillar {unknown!r}; known: {', '.join(sorted(pillar_names))} (tables/pillars.yaml)",
                )

    defaults_path = root / "defaults.yaml"
    type_defaults: dict[str, dict[str, Any]] = {}
    if defaults_path.exists():
        digest.update(defaults_path.read_bytes())
        type_defaults = read_yaml(defaults_path) or {}
        problems.validate(TypeDefaults, type_defaults, "defaults.yaml")

    state = RuleFiles(areas, order, facts, problems)
    digest.update((root / "areas.yaml").read_bytes())
    state.read(root, read_yaml, digest, BUILTIN, None)
    template_data = read_yaml.derived("templates", lambda: template_data_of(state.templates))
    version = areas_file.version
    for layer in layers:
        info = _read_layer(layer, facts, fact_files, problems, digest)
        if info is None:
            continue
        state.read(layer, read_pack_yaml, digest, info.name, info.name + ".")
        version += f" + {info.name} {info.version}"
    problems.raise_any()
    read_yaml.save()
    return RulePack(
        root,
        version,
        list(areas.values()),
        facts,
        state.rules,
        type_defaults,
        tables,
        digest.hexdigest()[:12],
        sources=state.templates,
        template_data=_well_formed(template_data),
    )


def _well_formed(template_data: Any) -> dict[str, list[Any]]:
    """The entries of a cached template_data shaped as template_data_of makes them (a cache file
    edited by hand loses the rest; the walk itself hands anything it cannot read to Jinja)."""
    if not isinstance(template_data, dict):
        return {}
    out = {}
    for key, entry in template_data.items():
        if not (isinstance(entry, list) and len(entry) == 2):
            continue
        paths, data = entry
        if paths is not None and not (
            isinstance(paths, list)
            and all(isinstance(path, list) and all(isinstance(p, str) for p in path) for path in paths)
        ):
            continue
        if data is None or isinstance(data, list):
            out[key] = entry
    return out


def template_data_of(sources: dict[str, str]) -> dict[str, list[Any]]:
    """What RulePack.template derives from each text with markup (its inputs and its walk form),
    for the pack cache: a cold run then parses none of the texts it renders. A text Jinja cannot
    parse is left out: its error comes when it is rendered or checked, as before."""
    env = template_env()
    out: dict[str, list[Any]] = {}
    for key, source in sources.items():
        if "{" not in source:
            continue  # plain text: rendered as it is, never parsed
        try:
            tree = env.parse(source)
        except jinja2.TemplateSyntaxError:
            continue
        inputs = templating.inputs_of(tree)
        out[key] = [None if inputs is None else [list(path) for path in inputs], walkable(tree)]
    return out


def _read_facts(
    root: Path,
    read_yaml: Any,
    facts: dict[str, Fact],
    origin: dict[str, str],
    problems: Problems,
    digest: Any,
    name: Any,
) -> None:
    """Add the facts of root/facts/*.yaml; a fact id already defined is a problem naming both files."""
    for path in sorted((root / "facts").glob("*.yaml")):
        digest.update(path.read_bytes())
        where = name(path.relative_to(root))
        data = read_yaml(path) or {}
        if not isinstance(data, dict):
            problems.add(where, "a mapping of fact ids to facts")
            continue
        for key, value in data.items():
            if key in facts:
                first = origin.get(key)
                problems.add(
                    f"{where}: {key}",
                    f"fact is already defined in {first}" if first else "fact is defined twice",
                )
            fact = problems.validate(Fact, value, f"{where}: {key}")
            if fact is not None:
                facts[key] = fact
                origin.setdefault(key, where)


def _read_layer(
    root: Path, facts: dict[str, Fact], fact_files: dict[str, str], problems: Problems, digest: Any
) -> PackFile | None:
    """Read a layer's pack.yaml and add its facts; None (with a problem recorded) when unreadable."""
    manifest = root / "pack.yaml"
    if not manifest.is_file():
        problems.add(str(manifest), "a rule pack folder needs pack.yaml (name, description, version)")
        return None
    digest.update(manifest.read_bytes())
    info = problems.validate(PackFile, read_pack_yaml(manifest), str(manifest))
    if info is None:
        return None
    _read_facts(root, read_pack_yaml, facts, fact_files, problems, digest, lambda rel: str(root / rel))
    return cast(PackFile, info)
