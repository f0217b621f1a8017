"""The rule pack under rules/ and organization packs layered on it: the file format as pydantic models, loading, and the checks a pack must pass."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import jinja2
import jinja2.sandbox
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from advisor import operators, templating
from advisor.errors import RulePackError
from advisor.operators import FieldKind
from advisor.requirements import Dataset, Requirements, WorkloadType

Confidence = Literal["high", "medium", "low"]
CONFIDENCE_ORDER = ("low", "medium", "high")
NOT_APPLICABLE = "not_applicable"
BUILTIN = "builtin"  # the name of the pack under rules/, in reasons and listings
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
        "cdn",  # a content delivery network box between DNS and the regional entry point
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
    # Issue 13: a chosen option always names a downside, even when no backing rule lists one.
    tradeoff: str = Field(
        "", description="What choosing it costs, shown when no rule that backs it names a trade-off."
    )


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
    rule_prefix: str = Field(
        pattern=r"^[a-z0-9]+$", description="Every rule id of the area starts with it: `purchase.`."
    )
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


# ---- rules -----------------------------------------------------------------------------------

Scalar = str | bool | int | float
Operand = Scalar | list[Scalar]
FLAG = "flag:"  # the op of a precomputed test; its value is the test itself


@dataclass(frozen=True)
class Clause:
    """One test of one field: `field op value`. Values naming a fact (fact:ID) are resolved at load.

    A test that is computed before matching (see advisor.operators) is wrapped: op `flag:<op>`,
    value the test itself, and reaches the engine as a flag.
    """

    field: str
    op: str
    value: Any

    @property
    def precomputed(self) -> bool:
        return self.op.startswith(FLAG)


def field_kind(name: str) -> FieldKind | None:
    """The kind of a field rules may test, or None for a field they cannot."""
    if name.startswith("decision."):
        return "decision"
    kind = FIELD_KINDS.get(name)
    return cast("FieldKind", kind) if kind is not None else None


def _test_of(item: Any) -> Any:
    # `field: value` or `field: {op: value}`, as written in a rule file, to a test's fields.
    if not isinstance(item, dict) or (set(item) >= {"field", "op"}):
        return item  # a test already, or something the test models reject
    if len(item) != 1:
        raise ValueError("each test is one field: `field: value` or `field: {op: value}`")
    ((name, spec),) = item.items()
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise ValueError(f"{name}: one operator per field (use any: for alternatives)")
        ((op, value),) = spec.items()
    else:
        op, value = operators.DEFAULT, spec
    return {"field": name, "op": op, "value": value}


def _scalar(value: Any) -> Any:
    if value is not None and not isinstance(value, Scalar):
        raise ValueError("takes a single value (in: and not_in: take a list)")
    return value


def _values(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise ValueError("takes a list of values")
    for item in value:
        _scalar(item)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("takes a number or fact:ID")
    return value


def _item(value: Any) -> Any:
    if value is None or not isinstance(value, Scalar):
        raise ValueError("takes one item of the list")
    return value


class _Test(Strict):
    field: str
    op: str
    value: Any  # each value kind's model below checks it
    facts: tuple[str, ...] = Field((), description="The facts (fact:ID) its value quotes, resolved at load.")

    @model_validator(mode="before")
    @classmethod
    def _resolve_facts(cls, data: Any, info: ValidationInfo) -> Any:
        facts = (info.context or {}).get("facts")
        if not isinstance(data, dict) or facts is None or data.get("facts"):
            return data
        quoted: list[str] = []

        def resolve(value: Any) -> Any:
            if isinstance(value, list):
                return [resolve(v) for v in value]
            if isinstance(value, str) and value.startswith("fact:"):
                if value[5:] not in facts:
                    raise ValueError(f"refers to unknown fact {value[5:]!r}")
                quoted.append(value)
                return facts[value[5:]].value
            return value

        value = resolve(data.get("value"))
        return {**data, "value": value, "facts": tuple(quoted)} if quoted else data

    @field_validator("field")
    @classmethod
    def _known_field(cls, name: str) -> str:
        if field_kind(name) is None:
            raise ValueError(f"tests unknown field {name!r}")
        return name

    @model_validator(mode="after")
    def _fits_field(self) -> _Test:
        kind = field_kind(self.field)
        allowed = operators.OPERATORS[self.op].fields
        if kind not in allowed:
            raise ValueError(
                f"{self.op} needs a {' or '.join(sorted(allowed))} field; {self.field} is {kind}"
            )
        return self

    @property
    def kind(self) -> FieldKind:
        return cast("FieldKind", field_kind(self.field))


class ScalarTest(_Test):
    value: Annotated[Any, AfterValidator(_scalar)]


class ListTest(_Test):
    value: Annotated[Any, AfterValidator(_values)]


class NumberTest(_Test):
    value: Annotated[Any, AfterValidator(_number)]


class ItemTest(_Test):
    value: Annotated[Any, AfterValidator(_item)]


def _value_kind(data: Any) -> str | None:
    op = data.get("op") if isinstance(data, dict) else getattr(data, "op", None)
    entry = operators.OPERATORS.get(op) if isinstance(op, str) else None
    return entry.value if entry else None


# A test of one field: which model checks it follows from its operator's value kind in the table.
Test = Annotated[
    Annotated[ScalarTest, Tag("scalar")]
    | Annotated[ListTest, Tag("list")]
    | Annotated[NumberTest, Tag("number")]
    | Annotated[ItemTest, Tag("item")],
    Discriminator(
        _value_kind,
        custom_error_type="unknown_operator",
        custom_error_message="unknown operator; known: " + ", ".join(operators.OPERATORS),
    ),
    BeforeValidator(_test_of),
]
TEST_MODELS: dict[str, type[_Test]] = {
    "scalar": ScalarTest,
    "list": ListTest,
    "number": NumberTest,
    "item": ItemTest,
}
_OLD_GROUP = re.compile(r"^any_[0-9]+$")  # any_2, any_3: the old spelling of further groups


class When(Strict):
    """A rule's conditions: every test of `all` holds, and in each group of `any_of` one test holds.

    In a rule file `when:` is a mapping: `field: value` or `field: {op: value}` for each test of
    `all`; `any:` one group (a list of one-field tests); `any_of:` a list of such groups. `any_2:`,
    `any_3:` ... are the old spelling of further groups and still load.
    """

    all: dict[str, Test] = Field(default_factory=dict)
    any_of: list[Annotated[list[Test], Field(min_length=1)]] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_rule_file(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "all" in data:
            return data
        tests: dict[str, Any] = {}
        groups: list[Any] = []
        for name, spec in data.items():
            if name == "any" or _OLD_GROUP.match(str(name)):
                groups.append(spec)
            elif name == "any_of":
                groups.extend(spec if isinstance(spec, list) else [spec])
            else:
                tests[name] = {name: spec}
        return {"all": tests, "any_of": groups}

    def tests(self) -> list[_Test]:
        return [*self.all.values(), *(t for group in self.any_of for t in group)]


class Effect(Strict):
    choose: str | None = None
    favor: str | None = None
    disfavor: str | None = None
    exclude: str | None = None
    not_applicable: bool | None = None
    propose: str | None = None
    warn: bool | None = None
    weight: float | None = Field(
        None, gt=0, description="Overrides the verb's weight; disfavor makes it negative."
    )
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
            return self.weight if self.verb != "disfavor" else -self.weight
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
    when: When = Field(default_factory=lambda: When())
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
    """A file of rules: its area, and the rules, each validated on its own so every problem is told."""

    area: str
    rules: list[Any] = Field(min_length=1)


@dataclass
class CompiledRule:
    rule: Rule
    area: Area
    index: int
    path: str  # the file it came from: relative to the built-in pack, as given for a layer's
    clauses: list[Clause]  # all must hold
    any_of: list[list[Clause]]  # each group: one of its clauses must hold
    pack: str = "builtin"  # the pack it came from: builtin, or an organization pack's name
    root: Path | None = None  # that pack's folder

    @property
    def id(self) -> str:
        return self.rule.id

    def fields(self) -> list[str]:
        """The answers the rule tests, in order; worked out once (each evaluation asks several times
        for every rule that fired). The list is shared: read it, do not change it."""
        return self._fields

    @cached_property
    def _fields(self) -> list[str]:
        seen = [c.field for c in self.clauses] + [c.field for group in self.any_of for c in group]
        return list(dict.fromkeys(seen))


# ---- tables and defaults ---------------------------------------------------------------------

Https = Annotated[str, Field(pattern=r"^https://")]
Size = tuple[Annotated[int, Field(ge=1)], Annotated[float, Field(gt=0)]]  # [vCPUs, GiB of memory]


class InstanceFamily(Strict):
    names: dict[Literal["arm64", "x86_64"], str] = Field(min_length=1)
    sizes: dict[str, Size] = Field(min_length=1)
    sizes_by_name: dict[str, dict[str, Size]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names_known(self) -> InstanceFamily:
        unknown = set(self.sizes_by_name) - set(self.names.values())
        if unknown:
            raise ValueError(f"sizes_by_name names no family name of this family: {sorted(unknown)}")
        return self


class InstanceTypesTable(Strict):
    as_of: datetime.date
    families: dict[str, InstanceFamily] = Field(min_length=1)


class Region(Strict):
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    best_for: str = Field(min_length=1)
    reference: Https
    place: str = Field(min_length=1)
    country: str = Field(pattern=r"^[A-Z]{2}$")
    eu: bool
    opt_in: bool
    partition: Literal["aws", "aws-cn"]


class Country(Strict):
    name: str = Field(min_length=1)
    region: str
    gdpr_area: bool = False
    alias_of: str | None = None
    why: str = ""


class RegionsTable(Strict):
    source: Https
    as_of: datetime.date
    options: dict[str, Region] = Field(min_length=1)
    countries: dict[str, Country]

    @model_validator(mode="after")
    def _references_known(self) -> RegionsTable:
        for code, country in self.countries.items():
            if country.region not in self.options:
                raise ValueError(f"countries.{code}: {country.region!r} is not one of the options")
            if country.alias_of is not None and country.alias_of not in self.countries:
                raise ValueError(f"countries.{code}: alias_of {country.alias_of!r} is not a country")
        return self


class Pillar(Strict):
    title: str = Field(min_length=1)
    reference: Https


class PillarsTable(Strict):
    """The Well-Architected pillars; which an option serves is said on the option (areas.yaml)."""

    pillars: dict[str, Pillar] = Field(min_length=1)


# Every table under tables/ is checked at load by its model; a table without one is an error.
TABLE_MODELS: dict[str, type[Strict]] = {
    "instance_types": InstanceTypesTable,
    "regions": RegionsTable,
    "pillars": PillarsTable,
}


def _check_tables(tables: dict[str, Any], areas: dict[str, Area], problems: _Problems) -> None:
    for name, data in tables.items():
        where = f"tables/{name}.yaml"
        model = TABLE_MODELS.get(name)
        if model is None:
            problems.add(where, f"no model checks this table: add one to TABLE_MODELS in {__name__}")
            continue
        problems.validate(model, data, where)


# The answers defaults.yaml may assume: every answer of the requirements but the workload type,
# the file's own name and version, and the data sets (they have no type-wide defaults).
DEFAULTABLE = tuple(
    name
    for name in FIELD_KINDS
    if not name.startswith(("derived.", "dataset."))
    and name not in ("version", "name", "description", "workload.type")
)


class TypeDefaults(RootModel[dict[WorkloadType, dict[str, Any]]]):
    """defaults.yaml: workload type -> {dotted answer: value}; each value must be a valid answer."""

    @model_validator(mode="after")
    def _valid_answers(self) -> TypeDefaults:
        problems: list[str] = []
        for kind, defaults in self.root.items():
            document: dict[str, Any] = {"version": 1, "name": "defaults", "workload": {"type": kind}}
            for path, value in defaults.items():
                if path not in DEFAULTABLE:
                    problems.append(f"{kind}.{path}: is not an answer a workload type can assume")
                    continue
                section, _, name = path.partition(".")
                if name:
                    document.setdefault(section, {})[name] = value
                else:
                    document[section] = value
            try:
                Requirements.model_validate(document)
            except ValidationError as error:
                for problem in error.errors(include_url=False):
                    loc = ".".join(str(p) for p in problem["loc"] if not str(p).startswith("function-"))
                    problems.append(f"{kind}.{loc}: {problem['msg'].removeprefix('Value error, ')}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


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
            # Both built before either is stored, the inputs first: `render` reads the inputs of
            # any compiled template, so an interrupt (Ctrl-C, a SIGALRM timeout) between the two
            # stores must leave at most inputs without a template, never the other way round.
            built = self._env.from_string(self.sources[key])
            inputs = templating.inputs_of(self._env.parse(self.sources[key]))
            self._inputs[key] = inputs
            compiled = self._compiled[key] = built
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


def _clause(test: _Test) -> Clause:
    if operators.is_precomputed(test.op, test.kind):
        return Clause(test.field, FLAG + test.op, Clause(test.field, test.op, test.value))
    return Clause(test.field, test.op, "none" if test.value is None else test.value)


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: start-up is user-visible


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{path}: {error}") from None


class _Problems:
    """Every problem of the pack, each naming its file, the rule id (or key) and the field."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def validate(self, model: type[BaseModel], data: Any, where: str, context: Any = None) -> Any:
        """The model, or None after recording every problem pydantic found."""
        try:
            return model.model_validate(data, context=context)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                loc = _loc(problem["loc"])
                message = problem["msg"].removeprefix("Value error, ")
                self.add(f"{where}: {loc}" if loc else where, message)
            return None

    def raise_any(self) -> None:
        if len(self.items) == 1:
            raise RulePackError(self.items[0], self.items)
        if self.items:
            raise RulePackError(
                f"{len(self.items)} problems in the rule pack:\n" + "\n".join(f"  {p}" for p in self.items),
                self.items,
            )


def _loc(loc: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in loc if not str(part).startswith("function-") and part != "[key]"]
    if parts[:1] == ["when"]:
        # The tests of `all` are keyed by the field they test; the union's tags are no fields.
        parts = [
            p for i, p in enumerate(parts) if not (i == 1 and p == "all") and p not in (*TEST_MODELS, "field")
        ]
    return ".".join(parts)


def default_root() -> Path:
    """rules/ inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "areas.yaml").is_file():
            return candidate
    raise RulePackError(f"cannot find the rule pack (looked in {here / 'rules'} and {here.parent / 'rules'})")


# An attribute a template may not reach for: Python internals (`__globals__`, `_private`). The
# sandbox refuses them when rendering; the loader refuses the plain spellings at once, naming the
# rule, rather than failing an evaluation later.
_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_INTERNAL = re.compile(r"""\.\s*_|\[\s*['"]_|attr\s*\(\s*['"]_""")  # .x_, ['_x'], attr('_x')


def _reaches_internals(text: str) -> bool:
    return any(_INTERNAL.search(code) for code in _CODE.findall(text))


def _template_env() -> jinja2.Environment:
    # A pack is data, and an organization pack comes from outside: its templates run sandboxed
    # (no attributes starting with "_", no unsafe methods), so a template cannot run code.
    env = jinja2.sandbox.SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    env.filters.update(templating.FILTERS)
    env.globals.update(templating.GLOBALS)
    return env


def load(root: Path | None = None, layers: Sequence[Path] = ()) -> RulePack:
    """Load and check the pack and the organization packs layered on it (§9).

    Every problem found is reported at once, in one RulePackError.
    """
    root = root or default_root()
    from advisor.pack_cache import Reader  # the cold-start cache of the parsed YAML

    read_yaml = Reader(root, _read_yaml)
    problems = _Problems()
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
    text_env = _template_env()

    def with_facts(text: str, where: str) -> str:
        if "{{" not in text:
            return text
        try:
            return text_env.from_string(text).render(facts=facts)
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

    _check_tables(tables, areas, problems)
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

    state = _RuleFiles(areas, order, facts, problems)
    digest.update((root / "areas.yaml").read_bytes())
    state.read(root, read_yaml, digest, BUILTIN, None)
    version = areas_file.version
    for layer in layers:
        info = _read_layer(layer, facts, fact_files, problems, digest)
        if info is None:
            continue
        state.read(layer, _read_yaml, digest, info.name, info.name + ".")
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
    )


class _RuleFiles:
    """The rules read so far, from the built-in pack and then each layer, and their templates."""

    def __init__(
        self, areas: dict[str, Area], order: dict[str, int], facts: dict[str, Fact], problems: _Problems
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
                clauses = [_clause(test) for test in rule.when.all.values()]
                groups = [[_clause(test) for test in group] for group in rule.when.any_of]
                compiled = CompiledRule(rule, area, len(self.rules), where, clauses, groups, pack, root)
                self.rules.append(compiled)
                for key, text in _rule_templates(rule):
                    if _reaches_internals(text):
                        problems.add(
                            f"{at}: {key}", "a template may not reach for attributes starting with '_'"
                        )
                    self.templates[f"{rule.id}:{key}"] = text


def _read_facts(
    root: Path,
    read_yaml: Any,
    facts: dict[str, Fact],
    origin: dict[str, str],
    problems: _Problems,
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


class PackFile(Strict):
    """pack.yaml: what an organization pack is called; its rule ids start with `<name>.`."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)
    description: str = Field(min_length=1, max_length=500)
    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.+-]*$", max_length=40)

    @field_validator("name")
    @classmethod
    def _not_builtin(cls, name: str) -> str:
        if name == BUILTIN:
            raise ValueError(f"{BUILTIN!r} is the name of the built-in pack")
        return name


def _read_layer(
    root: Path, facts: dict[str, Fact], fact_files: dict[str, str], problems: _Problems, digest: Any
) -> PackFile | None:
    """Read a layer's pack.yaml and add its facts; None (with a problem recorded) when unreadable."""
    manifest = root / "pack.yaml"
    if not manifest.is_file():
        problems.add(str(manifest), "a rule pack folder needs pack.yaml (name, description, version)")
        return None
    digest.update(manifest.read_bytes())
    info = problems.validate(PackFile, _read_yaml(manifest), str(manifest))
    if info is None:
        return None
    _read_facts(root, _read_yaml, facts, fact_files, problems, digest, lambda rel: str(root / rel))
    return cast(PackFile, info)


def _check_tests(
    when: When, area: Area, areas: dict[str, Area], order: dict[str, int], at: str, problems: _Problems
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


def _check_effect(rule: Rule, area: Area, at: str, problems: _Problems) -> None:
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


def check_templates(pack: RulePack) -> None:
    """Compile every template of the pack (the loader compiles lazily); raise on the first error."""
    for key in pack.sources:
        try:
            pack.template(key)
        except jinja2.TemplateSyntaxError as error:
            raise RulePackError(f"{key}: {error.message} (line {error.lineno} of the template)") from None
