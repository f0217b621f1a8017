"""The rule pack under rules/: its file format as pydantic models, loading, and the checks a pack must pass."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import jinja2
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from advisor import templating
from advisor.errors import RulePackError
from advisor.requirements import Dataset, Requirements

Confidence = Literal["high", "medium", "low"]
CONFIDENCE_ORDER = ("low", "medium", "high")
NOT_APPLICABLE = "not_applicable"
DEFAULT_WEIGHTS = {"choose": 10, "favor": 3, "disfavor": -3}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- facts -----------------------------------------------------------------------------------


class Fact(Strict):
    """A number or limit a rationale quotes, kept once with its source and the date it was checked."""

    value: int | float | str | bool
    text: str = Field(min_length=1, description="How a rationale quotes it.")
    source: str = Field(pattern=r"^https://")
    as_of: datetime.date
    note: str = ""

    def __str__(self) -> str:
        return self.text


# ---- areas -----------------------------------------------------------------------------------


class Confirmation(Strict):
    """How a team checks, once it is built, that the decision holds."""

    check: str = Field(min_length=10, description='Completes "The decision holds when ...".')
    reference: str = Field(pattern=r"^https://")


class DiagramRole(Strict):
    """How the memo's diagram draws an option: which kind of box (if any) and what it says.

    The diagram knows roles, never option ids: a new option states its role here.
    """

    role: Literal[
        "none",  # nothing to draw (not applicable, or a control with no box)
        "annotation",  # shown as words on another box (orchestrator, capacity, instance family …)
        "layout",  # how many regions and zones the boxes are laid out in (availability)
        "dns",  # the DNS box in front of everything
        "region",  # names the region box
        "functions",  # one regional box of functions
        "single_server",  # one server in one zone
        "tasks",  # one box per zone, labelled with the orchestrator and capacity
        "instances",  # one box per zone
        "zonal_nodes",  # database nodes placed per zone, named by `nodes`
        "regional_table",  # one regional database box
        "load_balancer",  # a load balancer box in front of the compute
        "store",  # a data set's storage box
        "pipeline",  # a data-processing box between compute and stores
        "web_firewall",  # a WAF box in front of a load balancer that takes one
    ]
    label: str = Field("", description="The box's label; the option's title when empty.")
    detail: str = Field("", description="The box's second line.")
    nodes: list[str] = Field(default_factory=list, description="zonal_nodes: what each zone's node is.")
    zonal: bool = Field(False, description="Its boxes sit in Availability Zone bands.")
    regions: int = Field(1, ge=1, le=2, description="layout: regions drawn.")
    zones: int = Field(1, ge=1, le=3, description="layout: zones drawn per region.")
    behind_waf: bool = Field(False, description="load_balancer: a WAF web ACL can sit in front of it.")
    prefix: str = Field("", description="store: put before the data set's name.")
    flow: str = Field("", description="store: the label of the data flow from the compute.")
    shows_class: bool = Field(False, description="store: the box shows the data set's storage class.")


class OptionDescription(Strict):
    """What the memo says of an option beyond its texts: pillars served, confirmation, diagram role."""

    pillars: dict[str, str] = Field(
        description='Each Well-Architected pillar it serves, and how (completes "<pillar>: ..."); {} for none.'
    )
    confirmation: Confirmation | None = Field(
        None, description="Required for every applicable option of a choice area."
    )
    diagram: DiagramRole


class Option(OptionDescription):
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="What it is, in one sentence.")
    best_for: str = Field(min_length=1, description="When it is the right call.")
    reference: str = Field("", pattern=r"^(https://.*)?$")


class Area(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    question: str = Field(description="The question this area answers, for the memo.")
    record: int = Field(
        ge=1,
        le=99,
        description="Its ADR number (data sets: 100 × the data set's place + this): an identity, never reused.",
    )
    scope: Literal["workload", "dataset"] = "workload"
    kind: Literal["choice", "set"] = "choice"
    options: dict[str, Option]
    fallback: str | None = None
    fallback_reason: str = ""
    open_options: bool = Field(
        False, description="Options come from a table (region codes); rules choose by template."
    )
    options_table: str | None = Field(
        None, description="For open_options: the table under tables/ whose `options` mapping adds options."
    )
    option_defaults: OptionDescription | None = Field(
        None,
        description="For open_options: the pillars, confirmation and diagram role of the table's options.",
    )

    @model_validator(mode="after")
    def _fallback_known(self) -> Area:
        if self.fallback is not None and self.fallback not in self.options:
            raise ValueError(f"fallback {self.fallback!r} is not one of its options")
        if self.kind == "choice" and self.fallback is None:
            raise ValueError("a choice area needs a fallback option")
        if self.kind == "choice":
            for key, option in self.options.items():
                if key != NOT_APPLICABLE and option.confirmation is None:
                    raise ValueError(f"option {key} needs a confirmation (how to check the decision holds)")
        if self.options_table and self.option_defaults is None:
            raise ValueError("an area whose options come from a table needs option_defaults")
        return self


class AreasFile(Strict):
    version: str
    areas: list[Area]

    @model_validator(mode="after")
    def _records_unique(self) -> AreasFile:
        seen: dict[int, str] = {}
        for area in self.areas:
            if area.record in seen:
                raise ValueError(
                    f"areas {seen[area.record]} and {area.id} have the same record number {area.record}"
                )
            seen[area.record] = area.id
        return self


# ---- rules -----------------------------------------------------------------------------------

Scalar = str | bool | int | float
Operand = Scalar | list[Scalar]
OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "not_contains")


@dataclass(frozen=True)
class Clause:
    """One test of one field: `field op value`. Values naming a fact (fact:ID) are resolved at load."""

    field: str
    op: str
    value: Any


class Effect(Strict):
    choose: str | None = None
    favor: str | None = None
    disfavor: str | None = None
    exclude: str | None = None
    not_applicable: bool | None = None
    propose: str | None = None
    warn: bool | None = None
    weight: float | None = None
    details: dict[str, str] = Field(
        default_factory=dict, description="Templates shown with the decision when its option wins."
    )
    advice: list[str] = Field(
        default_factory=list, description="Templates of follow-up advice when its option wins."
    )

    @model_validator(mode="after")
    def _one_verb(self) -> Effect:
        verbs = [
            v
            for v in ("choose", "favor", "disfavor", "exclude", "not_applicable", "propose", "warn")
            if getattr(self, v) not in (None, False)
        ]
        if len(verbs) != 1:
            raise ValueError(
                "an effect has exactly one of choose, favor, disfavor, exclude, not_applicable, propose, warn"
            )
        if self.weight is not None and verbs[0] not in DEFAULT_WEIGHTS:
            raise ValueError("weight goes with choose, favor or disfavor")
        return self

    @cached_property
    def verb(self) -> str:
        return next(
            v
            for v in ("choose", "favor", "disfavor", "exclude", "not_applicable", "propose", "warn")
            if getattr(self, v) not in (None, False)
        )

    @cached_property
    def option(self) -> str | None:
        value = getattr(self, self.verb)
        return value if isinstance(value, str) else None

    @cached_property
    def score(self) -> float:
        if self.weight is not None:
            return self.weight if self.verb != "disfavor" else -abs(self.weight)
        return DEFAULT_WEIGHTS.get(self.verb, 0)


class RuleExamples(Strict):
    """Scenarios next to the rule: partial requirements that must fire it, and ones that must not.

    A scenario may carry `expect: {area: option}` (dataset areas: the first dataset's decision).
    """

    fires: list[dict[str, Any]] = Field(min_length=1)
    quiet: list[dict[str, Any]] = Field(min_length=1)


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(\.[a-z0-9_]+(-[a-z0-9_]+)*)+$")
    title: str = Field(min_length=8, max_length=140, description="The recommended end state.")
    when: dict[str, Any] = Field(default_factory=dict)
    effect: Effect
    confidence: Confidence = "high"
    rationale: str = Field(min_length=20)
    tradeoffs: list[str] = Field(default_factory=list)
    reference: str = Field(pattern=r"^https://")
    aliases: list[str] = Field(default_factory=list, description="Old ids that still name this rule.")
    examples: RuleExamples

    @field_validator("title")
    @classmethod
    def _no_ensure(cls, title: str) -> str:
        if title.lower().startswith("ensure"):
            raise ValueError('states the end state, not "Ensure ..."')
        return title


class RuleFile(Strict):
    area: str
    rules: list[Rule] = Field(min_length=1)


@dataclass
class CompiledRule:
    rule: Rule
    area: Area
    index: int
    path: str  # the file it came from, relative to the pack
    clauses: list[Clause]  # all must hold
    any_of: list[list[Clause]]  # each group: one of its clauses must hold

    @property
    def id(self) -> str:
        return self.rule.id

    def fields(self) -> list[str]:
        seen = [c.field for c in self.clauses] + [c.field for group in self.any_of for c in group]
        return list(dict.fromkeys(seen))


# ---- the fields rules may test ---------------------------------------------------------------

DERIVED_FIELDS = {
    # name: (kind, what it means) -- computed by advisor.facts from the answers, never AWS knowledge
    "derived.encryption_at_rest": ("bool", "encryption_at_rest, or true when any framework is listed"),
    "derived.has_datasets": ("bool", "at least one dataset is listed"),
    "derived.dataset_usages": ("list", "the usage of every dataset"),
    "derived.dataset_count": ("number", "how many datasets are listed"),
    "derived.total_size_gb": ("number", "the size of all datasets together"),
    "derived.unreproducible_datasets": (
        "number",
        "how many datasets cannot be regenerated if lost (reproducible: false)",
    ),
    "derived.memory_per_vcpu": ("number", "compute.memory_gib divided by compute.vcpus (GiB per vCPU)"),
}


def _field_kinds() -> dict[str, str]:
    kinds: dict[str, str] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            annotation = info.annotation
            path = prefix + name
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                walk(annotation, path + ".")
            elif name == "datasets":
                walk(Dataset, "dataset.")
            elif annotation in (int, float):
                kinds[path] = "number"
            elif getattr(annotation, "__origin__", None) is list:
                kinds[path] = "list"
            elif annotation is bool:
                kinds[path] = "bool"
            else:
                kinds[path] = "enum"

    walk(Requirements, "")
    for name, (kind, _) in DERIVED_FIELDS.items():
        kinds[name] = kind
    return kinds


FIELD_KINDS = _field_kinds()


# ---- the pack --------------------------------------------------------------------------------

RENDER_CACHE_SIZE = 20_000  # texts of a few hundred bytes: a few MB at most, then start over


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
    _compiled: dict[str, jinja2.Template] = field(default_factory=dict, repr=False)
    _env: jinja2.Environment = field(default_factory=lambda: _template_env(), repr=False)

    _inputs: dict[str, tuple[tuple[str, ...], ...] | None] = field(default_factory=dict, repr=False)
    _rendered: dict[tuple[Any, ...], str] = field(default_factory=dict, repr=False)

    def template(self, key: str) -> jinja2.Template:
        # Compiled on first use: a CLI run renders a few dozen of the pack's templates, not all.
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._env.from_string(self.sources[key])
            self._inputs[key] = templating.inputs_of(self._env.parse(self.sources[key]))
        return compiled

    def render(self, key: str, context: dict[str, Any]) -> str:
        """Render a rule template, reusing the text of an earlier render that read the same answers.

        Rendering is the largest share of an evaluation, and a rationale reads few answers: most
        renders repeat one already done for an earlier profile.
        """
        template = self.template(key)
        inputs = self._inputs[key]
        if inputs is None:  # reads something we cannot pin down: render every time
            return _tidy(template.render(context))
        cache_key = (key, *(templating.value_at(context, path) for path in inputs))
        text = self._rendered.get(cache_key)
        if text is None:
            if len(self._rendered) >= RENDER_CACHE_SIZE:
                self._rendered.clear()
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


def _parse_clause(name: str, spec: Any, where: str, facts: dict[str, Fact]) -> Clause:
    kind = FIELD_KINDS.get(name)
    if kind is None and not name.startswith("decision."):
        raise RulePackError(f"{where}: tests unknown field {name!r}")
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise RulePackError(f"{where}: {name}: one operator per field (use any: for alternatives)")
        op, value = next(iter(spec.items()))
    else:
        op, value = "eq", spec
    if op not in OPERATORS:
        raise RulePackError(f"{where}: {name}: unknown operator {op!r}; known: {', '.join(OPERATORS)}")
    value = _resolve_fact(value, where, facts)
    if op in ("in", "not_in") and not isinstance(value, list):
        raise RulePackError(f"{where}: {name}: {op} takes a list")
    if op in ("gt", "gte", "lt", "lte") and kind != "number":
        raise RulePackError(f"{where}: {name}: {op} needs a numeric field")
    if op in ("contains", "not_contains") and kind != "list":
        raise RulePackError(f"{where}: {name}: {op} needs a list field")
    if kind in ("number", "list"):
        # Numeric thresholds and list membership are decided before matching: the engine's
        # alpha network fails (error 303) once many threshold tests hold at once.
        return Clause(name, "flag:" + op, Clause(name, op, value))
    if value is None:
        value = "none"
    return Clause(name, op, value)


def _resolve_fact(value: Any, where: str, facts: dict[str, Fact]) -> Any:
    if isinstance(value, list):
        return [_resolve_fact(v, where, facts) for v in value]
    if isinstance(value, str) and value.startswith("fact:"):
        key = value[5:]
        if key not in facts:
            raise RulePackError(f"{where}: refers to unknown fact {key!r}")
        return facts[key].value
    return value


def _compile_when(
    when: dict[str, Any], where: str, facts: dict[str, Fact]
) -> tuple[list[Clause], list[list[Clause]]]:
    clauses: list[Clause] = []
    groups: list[list[Clause]] = []
    for name, spec in when.items():
        if name == "any":
            if not isinstance(spec, list) or not spec:
                raise RulePackError(f"{where}: any: takes a list of field tests")
            group = []
            for item in spec:
                if not isinstance(item, dict) or len(item) != 1:
                    raise RulePackError(f"{where}: each entry of any: is one field test")
                ((key, value),) = item.items()
                group.append(_parse_clause(key, value, where, facts))
            groups.append(group)
        elif name.startswith("any_"):  # any_2, any_3: further independent groups
            _, sub_groups = _compile_when({"any": spec}, where, facts)
            groups.extend(sub_groups)
        else:
            clauses.append(_parse_clause(name, spec, where, facts))
    return clauses, groups


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: start-up is user-visible


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{path}: {error}") from None


def _pydantic(model: type[BaseModel], data: Any, where: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise RulePackError(f"{where}: {loc}: {first['msg']}") from None


def default_root() -> Path:
    """rules/ inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "areas.yaml").is_file():
            return candidate
    raise RulePackError(f"cannot find the rule pack (looked in {here / 'rules'} and {here.parent / 'rules'})")


def _template_env() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(templating.FILTERS)
    env.globals.update(templating.GLOBALS)
    return env


def load(root: Path | None = None) -> RulePack:
    root = root or default_root()
    digest = hashlib.sha256()
    areas_file = _pydantic(AreasFile, _read_yaml(root / "areas.yaml"), str(root / "areas.yaml"))
    areas = {area.id: area for area in areas_file.areas}
    order = {area_id: index for index, area_id in enumerate(areas)}

    facts: dict[str, Fact] = {}
    for path in sorted((root / "facts").glob("*.yaml")):
        digest.update(path.read_bytes())
        data = _read_yaml(path) or {}
        for key, value in data.items():
            if key in facts:
                raise RulePackError(f"{path}: fact {key!r} is defined twice")
            facts[key] = _pydantic(Fact, value, f"{path}: {key}")

    tables: dict[str, Any] = {}
    for path in sorted((root / "tables").glob("*.yaml")):
        digest.update(path.read_bytes())
        tables[path.stem] = _read_yaml(path)

    # Option texts quote facts too ({{ facts.spot_max_discount }}): rendered once, here.
    text_env = _template_env()

    def with_facts(text: str, where: str) -> str:
        if "{{" not in text:
            return text
        try:
            return text_env.from_string(text).render(facts=facts)
        except jinja2.TemplateError as error:
            raise RulePackError(f"areas.yaml: {where}: {error}") from None

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
            if not isinstance(table, dict) or not isinstance(table.get("options"), dict):
                raise RulePackError(
                    f"tables/{area.options_table}.yaml: needs an `options` mapping for area {area_id}"
                )
            described = area.option_defaults.model_dump() if area.option_defaults else {}
            extra = {
                key: _pydantic(
                    Option,
                    {**described, **{k: v for k, v in value.items() if k in Option.model_fields}},
                    f"tables/{area.options_table}.yaml: {key}",
                )
                for key, value in table["options"].items()
            }
            areas[area_id] = area.model_copy(update={"options": {**area.options, **extra}})

    pillar_names = set((tables.get("pillars") or {}).get("pillars") or {})
    for area_id, area in areas.items():
        for key, option in area.options.items():
            unknown = sorted(set(option.pillars) - pillar_names)
            if unknown:
                raise RulePackError(
                    f"areas.yaml: {area_id}.{key}: pillars: unknown pillar {unknown[0]!r}; "
                    f"known: {', '.join(sorted(pillar_names))} (tables/pillars.yaml)"
                )

    defaults_path = root / "defaults.yaml"
    type_defaults = _read_yaml(defaults_path) if defaults_path.exists() else {}
    if defaults_path.exists():
        digest.update(defaults_path.read_bytes())

    templates: dict[str, str] = {}
    rules: list[CompiledRule] = []
    seen_ids: dict[str, str] = {}
    digest.update((root / "areas.yaml").read_bytes())
    for path in sorted(root.glob("*/*.yaml")):
        if path.parent.name in ("facts", "tables"):
            continue
        digest.update(path.read_bytes())
        where = str(path.relative_to(root))
        rule_file = _pydantic(RuleFile, _read_yaml(path), where)
        if rule_file.area not in areas:
            raise RulePackError(f"{where}: unknown area {rule_file.area!r}")
        if path.parent.name != rule_file.area:
            raise RulePackError(
                f"{where}: rules of area {rule_file.area!r} belong in rules/{rule_file.area}/"
            )
        area = areas[rule_file.area]
        for rule in rule_file.rules:
            at = f"{where}: {rule.id}"
            for name in [rule.id, *rule.aliases]:
                if name in seen_ids:
                    raise RulePackError(f"{at}: id {name!r} is already used in {seen_ids[name]}")
                seen_ids[name] = where
            clauses, groups = _compile_when(rule.when, at, facts)
            if not clauses and not groups:
                raise RulePackError(f"{at}: a rule needs at least one condition")
            _check_effect(rule, area, at)
            for clause in clauses + [c for g in groups for c in g]:
                if clause.field.startswith("decision."):
                    other = clause.field.split(".", 1)[1]
                    if other not in areas:
                        raise RulePackError(f"{at}: tests the decision of unknown area {other!r}")
                    if order[other] >= order[area.id]:
                        raise RulePackError(f"{at}: tests decision.{other}, which is decided after {area.id}")
                    if areas[other].scope == "dataset" and area.scope != "dataset":
                        raise RulePackError(f"{at}: a workload rule cannot test a dataset's decision")
                    values = clause.value if isinstance(clause.value, list) else [clause.value]
                    for value in values:
                        if not areas[other].open_options and value not in areas[other].options:
                            raise RulePackError(f"{at}: {value!r} is not an option of {other}")
                elif clause.field.startswith("dataset.") and area.scope != "dataset":
                    raise RulePackError(f"{at}: only dataset areas can test dataset fields")
            compiled = CompiledRule(rule, area, len(rules), where, clauses, groups)
            rules.append(compiled)
            for key, text in _rule_templates(rule):
                templates[f"{rule.id}:{key}"] = text
    return RulePack(
        root,
        areas_file.version,
        list(areas.values()),
        facts,
        rules,
        type_defaults,
        tables,
        digest.hexdigest()[:12],
        sources=templates,
    )


def _rule_templates(rule: Rule) -> list[tuple[str, str]]:
    out = [("rationale", rule.rationale)]
    out += [(f"tradeoffs.{i}", t) for i, t in enumerate(rule.tradeoffs)]
    out += [(f"details.{k}", v) for k, v in rule.effect.details.items()]
    out += [(f"advice.{i}", t) for i, t in enumerate(rule.effect.advice)]
    if rule.effect.option and "{{" in rule.effect.option:
        out.append(("option", rule.effect.option))
    return out


def _check_effect(rule: Rule, area: Area, at: str) -> None:
    effect = rule.effect
    verb = effect.verb
    if area.kind == "set":
        if verb not in ("propose", "warn"):
            raise RulePackError(f"{at}: rules of a set area propose options")
    elif verb == "propose":
        raise RulePackError(f"{at}: propose is for set areas (controls)")
    option = effect.option
    if option is None or "{{" in option:
        if option is not None and not area.open_options:
            raise RulePackError(f"{at}: only areas with open_options choose by template")
        return
    if option not in area.options:
        raise RulePackError(f"{at}: {option!r} is not an option of {area.id}")
    if option == NOT_APPLICABLE:
        raise RulePackError(f"{at}: use `not_applicable: true` for an area that does not apply")


def check_templates(pack: RulePack) -> None:
    """Compile every template of the pack (the loader compiles lazily); raise on the first error."""
    for key in pack.sources:
        try:
            pack.template(key)
        except jinja2.TemplateSyntaxError as error:
            raise RulePackError(f"{key}: {error.message} (line {error.lineno} of the template)") from None
