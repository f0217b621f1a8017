"""The requirements file (SPEC section 2) as pydantic models: the single source of its schema."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from advisor import requirements_words as words

WorkloadType = Literal[
    "web_app",
    "api",
    "microservices",
    "static_site",
    "small_website",
    "batch",
    "stream_processing",
    "event_driven",
    "scheduled_job",
    "data_warehouse",
    "analytics",
    "relational_database",
    "nosql_database",
    "in_memory_database",
    "cache",
    "ml_training",
    "ml_inference",
    "hpc",
    "media_transcoding",
    "rendering",
    "game_server",
    "ci_build",
]
Framework = Literal["hipaa", "pci_dss", "gdpr", "soc2", "fedramp", "iso27001", "sec_17a_4"]
AVAILABILITY_TARGETS = (99.0, 99.5, 99.9, 99.95, 99.99, 99.999)


def _yaml_no(value: Any) -> Any:
    # YAML 1.1 reads an unquoted `no` as false; the user meant the answer "no".
    return "no" if value is False else value


def _target(value: float) -> float:
    if value not in AVAILABILITY_TARGETS:
        allowed = ", ".join(f"{t:g}" for t in AVAILABILITY_TARGETS)
        raise ValueError(f"must be one of {allowed}")
    return value


def _quoted(name: str) -> str:
    # Controls and invisible characters escaped, so the name shows as it is and cannot drive a terminal.
    shown = name if len(name) <= 60 else name[:57] + "..."
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in shown) + '"'


def _not_a_bool(value: Any) -> Any:
    # A boolean is no country: `data_residency: false` meant Norway ("NO") once.
    if isinstance(value, bool):
        raise ValueError(f'must be a country code such as "DE", or "EU", not {str(value).lower()}')
    return value


def _residency(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if not re.fullmatch("[A-Z]{2}", code):  # ASCII only: str.isalpha() also takes "ÄÖ"
        raise ValueError('must be an ISO 3166 alpha-2 country code such as "DE", or "EU"')
    return code


def _swap_bools(section: Any, numbers: frozenset[str]) -> Any:
    """`section` with each boolean in a number field swapped for a NotANumber (a copy), or itself."""
    if type(section) is not dict:
        return section
    for name in numbers:  # a plain loop: this runs for every section of every validation
        if type(section.get(name)) is bool:
            return {
                key: NotANumber(value) if key in numbers and type(value) is bool else value
                for key, value in section.items()
            }
    return section


@functools.cache
def _section_numbers(model: type[BaseModel]) -> tuple[tuple[str, frozenset[str]], ...]:
    """(section, its number fields) for each section of `model` (a list of sections counts) that has any."""
    out = []
    for name, info in model.model_fields.items():
        kind = info.annotation
        if get_origin(kind) is list:
            kind = get_args(kind)[0]
        if isinstance(kind, type) and issubclass(kind, BaseModel) and _number_fields(kind):
            out.append((name, _number_fields(kind)))
    return tuple(out)


def refuse_bool_numbers(model: type[BaseModel], data: Any) -> Any:
    """pydantic reads true as 1 in a number field, and an answer of true for vCPUs is a mistake:
    each such boolean is swapped for a stand-in the field's own validation refuses, at its path.
    One pass over the document (a validator a field, or a section, cost more than half again the
    whole validation)."""
    if not isinstance(data, dict):
        return data
    out = _swap_bools(data, _number_fields(model))
    for name, numbers in _section_numbers(model):
        value = out.get(name)
        swapped: Any = value
        if type(value) is list:
            for index, item in enumerate(value):
                new = _swap_bools(item, numbers)
                if new is not item:
                    swapped = swapped if swapped is not value else list(value)
                    swapped[index] = new
        else:
            swapped = _swap_bools(value, numbers)
        if swapped is not value:
            out = {**out, name: swapped}
    return out


class NotANumber:
    """A boolean given for a number: no number type accepts it, and it shows as the word given."""

    def __init__(self, value: bool):
        self.value = value

    def __str__(self) -> str:
        return str(self.value).lower()


@functools.cache
def _number_fields(model: type[BaseModel]) -> frozenset[str]:
    """Fields that hold an int or float (alone or with None), or one of some numbers (`version`)."""
    names = set()
    for name, info in model.model_fields.items():
        kind, args = info.annotation, get_args(info.annotation)
        numbers = (
            kind in (int, float)
            or (get_origin(kind) in (Union, UnionType) and any(arg in (int, float) for arg in args))
            or (get_origin(kind) is Literal and all(isinstance(arg, (int, float)) for arg in args))
        )
        if numbers:
            names.add(name)
    return frozenset(names)


def _dataset_key(name: str) -> str:
    """A name as a reader sees it: NFKC-normalized, zero-width characters removed."""
    return unicodedata.normalize("NFKC", name).translate(_ZERO_WIDTH)


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True, str_strip_whitespace=True)


# The answers, each carrying what it means to people (an advisor.about.About kept in
# requirements_words): the schema's titles and descriptions, the questions of `advisor ask` and
# the memo's labels all come from there.


class Workload(Section):
    type: Annotated[WorkloadType, words.WORKLOAD_TYPE]
    environment: Annotated[Literal["production", "staging", "development"], words.WORKLOAD_ENVIRONMENT] = (
        "production"
    )
    stateful: Annotated[bool, words.WORKLOAD_STATEFUL] = False
    interruptible: Annotated[
        Literal["no", "restartable", "checkpointed"], BeforeValidator(_yaml_no), words.WORKLOAD_INTERRUPTIBLE
    ] = "no"
    traffic: Annotated[
        Literal["steady", "periodic", "spiky", "intermittent", "scheduled"], words.WORKLOAD_TRAFFIC
    ] = "steady"
    lifetime_months: Annotated[int, words.WORKLOAD_LIFETIME_MONTHS] = Field(36, ge=1, le=1200)
    latency: Annotated[Literal["relaxed", "interactive", "low", "ultra_low"], words.WORKLOAD_LATENCY] = (
        "interactive"
    )
    task_duration_seconds: Annotated[float, words.WORKLOAD_TASK_DURATION_SECONDS] = Field(
        2, ge=0, le=31_536_000
    )
    containerized: Annotated[bool, words.WORKLOAD_CONTAINERIZED] = False
    needs_os_control: Annotated[bool, words.WORKLOAD_NEEDS_OS_CONTROL] = False
    protocol: Annotated[Literal["http", "tcp", "udp"], words.WORKLOAD_PROTOCOL] = "http"
    users: Annotated[Literal["regional", "global"], words.WORKLOAD_USERS] = "regional"


class Compute(Section):
    vcpus: Annotated[int, words.COMPUTE_VCPUS] = Field(4, ge=1, le=1024)
    memory_gib: Annotated[float, words.COMPUTE_MEMORY_GIB] = Field(16, gt=0, le=32768)
    bottleneck: Annotated[
        Literal["balanced", "cpu", "memory", "storage_io", "storage_density", "gpu"], words.COMPUTE_BOTTLENECK
    ] = "balanced"
    cpu_usage: Annotated[Literal["steady", "bursty"], words.COMPUTE_CPU_USAGE] = "steady"
    accelerator: Annotated[
        Literal["none", "gpu_training", "gpu_inference", "graphics"], words.COMPUTE_ACCELERATOR
    ] = "none"
    architecture: Annotated[Literal["any", "x86_64", "arm64"], words.COMPUTE_ARCHITECTURE] = "any"


class Team(Section):
    operations: Annotated[Literal["managed", "balanced", "full_control"], words.TEAM_OPERATIONS] = "balanced"
    kubernetes_experience: Annotated[Literal["none", "some", "expert"], words.TEAM_KUBERNETES_EXPERIENCE] = (
        "none"
    )
    portability: Annotated[Literal["none", "hybrid", "multi_cloud"], words.TEAM_PORTABILITY] = "none"
    cloud_experience: Annotated[
        Literal["beginner", "intermediate", "expert"], words.TEAM_CLOUD_EXPERIENCE
    ] = "intermediate"


class Availability(Section):
    target: Annotated[float, AfterValidator(_target), words.availability_target(AVAILABILITY_TARGETS)] = 99.9
    disaster_recovery: Annotated[
        Literal["none", "backup_restore", "active_passive", "active_active"],
        words.AVAILABILITY_DISASTER_RECOVERY,
    ] = "none"


class Database(Section):
    model: Annotated[
        Literal["none", "relational", "key_value", "document", "analytics", "graph", "time_series", "search"],
        words.DATABASE_MODEL,
    ] = "none"
    access: Annotated[Literal["read_heavy", "write_heavy", "balanced"], words.DATABASE_ACCESS] = "balanced"
    scale: Annotated[Literal["small", "large", "massive"], words.DATABASE_SCALE] = "small"
    global_writes: Annotated[bool, words.DATABASE_GLOBAL_WRITES] = False
    performance: Annotated[Literal["standard", "high"], words.DATABASE_PERFORMANCE] = "standard"


class Dataset(Section):
    name: Annotated[str, words.DATASET_NAME] = Field(min_length=1, max_length=200)
    usage: Annotated[
        Literal[
            "static_assets",
            "user_uploads",
            "backups",
            "archives",
            "logs",
            "data_lake",
            "shared_files",
            "block_volume",
            "ml_training_data",
        ],
        words.DATASET_USAGE,
    ] = "static_assets"
    access: Annotated[Literal["frequent", "infrequent", "rare", "unknown"], words.DATASET_ACCESS] = "frequent"
    retrieval: Annotated[Literal["milliseconds", "minutes", "hours"], words.DATASET_RETRIEVAL] = (
        "milliseconds"
    )
    retention_days: Annotated[int, words.DATASET_RETENTION_DAYS] = Field(365, ge=1, le=36_500)
    size_gb: Annotated[float, words.DATASET_SIZE_GB] = Field(100, ge=0, le=100_000_000)
    reproducible: Annotated[bool, words.DATASET_REPRODUCIBLE] = False
    shared_by_instances: Annotated[bool, words.DATASET_SHARED_BY_INSTANCES] = False


class Compliance(Section):
    frameworks: Annotated[list[Framework], words.COMPLIANCE_FRAMEWORKS] = Field(
        default_factory=list, max_length=7
    )
    # Only the word NO is Norway: the loader keeps YAML 1.1's unquoted NO a word, and a boolean
    # (false, or off in YAML 1.1) is refused rather than read as a country.
    data_residency: Annotated[
        str | None, BeforeValidator(_not_a_bool), AfterValidator(_residency), words.COMPLIANCE_DATA_RESIDENCY
    ] = None
    encryption_at_rest: Annotated[bool | None, words.COMPLIANCE_ENCRYPTION_AT_REST] = None
    public_facing: Annotated[bool, words.COMPLIANCE_PUBLIC_FACING] = True
    ddos_sensitive: Annotated[bool, words.COMPLIANCE_DDOS_SENSITIVE] = False

    @field_validator("frameworks")
    @classmethod
    def _unique_frameworks(cls, frameworks: list[str]) -> list[str]:
        if len(set(frameworks)) != len(frameworks):
            raise ValueError("each framework may be listed once")
        return frameworks


class Cost(Section):
    priority: Annotated[Literal["lowest_cost", "balanced", "performance"], words.COST_PRIORITY] = "balanced"
    commitment: Annotated[Literal["none", "one_year", "three_years"], words.COST_COMMITMENT] = "none"


class Usage(Section):
    """How much of the design runs, for the cost estimate (SPEC section 10)."""

    instances: Annotated[int, words.USAGE_INSTANCES] = Field(2, ge=1, le=100_000)
    peak_instances: Annotated[int | None, words.USAGE_PEAK_INSTANCES] = Field(None, ge=1, le=100_000)
    hours_per_month: Annotated[float, words.USAGE_HOURS_PER_MONTH] = Field(730, gt=0, le=744)
    requests_per_month: Annotated[int, words.USAGE_REQUESTS_PER_MONTH] = Field(0, ge=0, le=10**13)
    duration_ms: Annotated[float, words.USAGE_DURATION_MS] = Field(200, gt=0, le=900_000)


class Override(Section):
    """A team's own choice for one decision, with its reason (SPEC §9); the advice stays visible."""

    choice: Annotated[str, words.OVERRIDE_CHOICE] = Field(min_length=1, max_length=100)
    reason: Annotated[str, words.OVERRIDE_REASON] = Field(min_length=1, max_length=2_000)
    until: Annotated[datetime.date | None, words.OVERRIDE_UNTIL] = None


class Requirements(Section):
    """A workload described by its answers; see SPEC section 2."""

    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        str_strip_whitespace=True,
        title="advisor requirements (version 1)",
    )

    version: Annotated[Literal[1], words.VERSION]
    name: Annotated[str, words.NAME] = Field(min_length=1, max_length=200)
    description: Annotated[str, words.DESCRIPTION] = Field("", max_length=10_000)
    workload: Annotated[Workload, words.WORKLOAD]
    compute: Annotated[Compute, words.COMPUTE] = Field(default_factory=Compute)
    team: Annotated[Team, words.TEAM] = Field(default_factory=Team)
    availability: Annotated[Availability, words.AVAILABILITY] = Field(default_factory=Availability)
    database: Annotated[Database, words.DATABASE] = Field(default_factory=Database)
    datasets: Annotated[list[Dataset], words.DATASETS] = Field(default_factory=list, max_length=100)
    processing: Annotated[
        Literal["none", "batch_etl", "real_time_stream", "stream_to_storage", "workflow"], words.PROCESSING
    ] = "none"
    compliance: Annotated[Compliance, words.COMPLIANCE] = Field(default_factory=Compliance)
    cost: Annotated[Cost, words.COST] = Field(default_factory=Cost)
    usage: Annotated[Usage, words.USAGE] = Field(default_factory=Usage)

    overrides: Annotated[dict[str, Override], words.OVERRIDES] = Field(default_factory=dict, max_length=50)

    @model_validator(mode="before")
    @classmethod
    def _no_bool_numbers(cls, data: Any) -> Any:
        return refuse_bool_numbers(cls, data)

    @field_validator("datasets")
    @classmethod
    def _unique_dataset_names(cls, datasets: list[Dataset]) -> list[Dataset]:
        # Names that look the same are the same: "café" composed or decomposed, or with a zero-width
        # space, would otherwise be two datasets no reader can tell apart.
        seen: set[str] = set()
        for dataset in datasets:
            key = _dataset_key(dataset.name)
            if key in seen:
                raise ValueError(f"the dataset name {_quoted(dataset.name)} is used twice")
            seen.add(key)
        return datasets


def json_schema() -> dict[str, Any]:
    return Requirements.model_json_schema()
