"""The `advisor ask` questionnaire: what to ask, when, how to explain it, and the file the answers become."""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from advisor.requirements import AVAILABILITY_TARGETS, Dataset, Requirements

# ---- the fields, read from the requirements model ---------------------------------------------

Kind = Literal["choice", "many", "confirm", "number", "text"]
NO_DEFAULT: Any = object()  # the name has none: Enter does not answer it
ANYWHERE = ("anywhere", "none", "null", "-")  # typed for "no data residency"
TRISTATE = {"auto": None, "yes": True, "no": False}


@dataclass(frozen=True)
class Spec:
    """What the model says about one answer: its kind, its options, its default and its limits."""

    path: str  # dotted, "dataset.usage" for a field of a data set
    kind: Kind
    options: tuple[str, ...]  # for choice and many: the keys a user picks (the YAML text of each value)
    default: Any
    info: FieldInfo

    @property
    def integer(self) -> bool:
        return self.info.annotation is int

    def value_of(self, key: str) -> Any:
        """The answer a picked option key stands for."""
        if self.info.annotation == (bool | None):
            return TRISTATE[key]
        if self.info.annotation is float:
            return _number(float(key))
        return key

    def key_of(self, value: Any) -> str:
        if self.info.annotation == (bool | None):
            return next(key for key, known in TRISTATE.items() if known is value)
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    def bounds(self) -> tuple[float | None, float | None, bool, bool]:
        """(low, high, low is exclusive, high is exclusive) from the field's constraints."""
        low: float | None = None
        high: float | None = None
        low_open = high_open = False
        for item in self.info.metadata:
            if isinstance(item, annotated_types.Ge):
                low = float(item.ge)  # type: ignore[arg-type]
            elif isinstance(item, annotated_types.Gt):
                low, low_open = float(item.gt), True  # type: ignore[arg-type]
            elif isinstance(item, annotated_types.Le):
                high = float(item.le)  # type: ignore[arg-type]
            elif isinstance(item, annotated_types.Lt):
                high, high_open = float(item.lt), True  # type: ignore[arg-type]
        return low, high, low_open, high_open


def field_info(path: str) -> FieldInfo:
    section, _, name = path.rpartition(".")
    model: type[BaseModel]
    if section == "dataset":
        model = Dataset
    elif section:
        annotation = Requirements.model_fields[section].annotation
        assert isinstance(annotation, type) and issubclass(annotation, BaseModel), path
        model = annotation
    else:
        model = Requirements
    return model.model_fields[name]


@functools.cache
def spec(path: str) -> Spec:
    info = field_info(path)
    annotation = info.annotation
    default = info.get_default(call_default_factory=True)
    if default is PydanticUndefined:
        default = NO_DEFAULT
    kind: Kind
    options: tuple[str, ...] = ()
    enum = AVAILABILITY_TARGETS if path == "availability.target" else None
    if get_origin(annotation) is Literal:
        kind, options = "choice", tuple(str(a) for a in get_args(annotation))
    elif enum:
        kind, options = "choice", tuple(f"{v:g}" for v in enum)  # type: ignore[union-attr]
    elif annotation == (bool | None):
        kind, options = "choice", tuple(TRISTATE)
    elif get_origin(annotation) is list:
        (item,) = get_args(annotation)
        kind, options = "many", tuple(str(a) for a in get_args(item))
    elif annotation is bool:
        kind = "confirm"
    elif annotation in (int, float):
        kind = "number"
    else:
        kind = "text"
    return Spec(path, kind, options, default, info)


def _number(value: float) -> int | float:
    # 16.0 is written as 16: the file reads as the user typed it, and validates the same.
    return int(value) if isinstance(value, float) and value.is_integer() else value


class Invalid(ValueError):
    """A typed answer that cannot be used; the message is the reason, shown before asking again."""


def parse(field_spec: Spec, text: str) -> Any:
    """A typed answer as the value it stands for, or Invalid with the reason."""
    text = text.strip()
    if field_spec.kind == "number":
        return _parse_number(field_spec, text)
    if field_spec.info.annotation == (str | None):
        if text.lower() in ANYWHERE or not text:
            return None
    adapter: TypeAdapter[Any] = TypeAdapter(_annotated(field_spec.info))
    try:
        return adapter.validate_python(text)
    except ValidationError as error:
        raise Invalid(_reason(error)) from None


def _annotated(info: FieldInfo) -> Any:
    from typing import Annotated

    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def _reason(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    kind = first["type"]
    if kind == "string_too_short":
        return "an answer is needed"
    if kind == "string_too_long":
        return f"at most {first['ctx']['max_length']} characters, please"
    message = str(first["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def _parse_number(field_spec: Spec, text: str) -> int | float:
    low, high, low_open, high_open = field_spec.bounds()
    whole = field_spec.integer
    span = _span(low, high, low_open, high_open)
    wanted = f"a whole number{span}" if whole else f"a number{span}"
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise Invalid(f"{wanted}, please") from None
    if not math.isfinite(value) or (whole and not value.is_integer()):
        raise Invalid(f"{wanted}, please")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise Invalid(f"{wanted}, please")
    return int(value) if whole else _number(value)


def _span(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    def show(number: float) -> str:
        return f"{_number(float(number)):,}"

    if low is not None and high is not None and not low_open and not high_open:
        return f" from {show(low)} to {show(high)}"
    parts = []
    if low is not None:
        parts.append(f"above {show(low)}" if low_open else f"at least {show(low)}")
    if high is not None:
        parts.append(f"below {show(high)}" if high_open else f"at most {show(high)}")
    return " " + " and ".join(parts) if parts else ""


# ---- the questions, in the order they are asked -------------------------------------------------


class View(Protocol):
    """The answers so far, defaults filled in: what a skip test reads."""

    def get(self, path: str) -> Any: ...

    def fact(self, name: str, attribute: str = "text") -> Any: ...


Skip = Callable[[View], str | None]  # the reason the question does not apply, or None


@dataclass(frozen=True)
class Question:
    path: str
    prompt: str  # the question itself, short
    help: str  # one line in the user's terms; {fact_id} quotes a fact of the rule pack
    hints: Mapping[str, str] = field(default_factory=dict)  # option key -> what picking it means
    skip: Skip | None = None


@dataclass(frozen=True)
class Group:
    title: str
    questions: tuple[Question | str, ...]  # DATASETS stands for the data-set loop


DATASETS = "datasets"

# Work that runs to completion and takes no client connections: no protocol, no user geography.
JOB_TYPES = frozenset(
    {"batch", "scheduled_job", "ml_training", "hpc", "media_transcoding", "rendering", "ci_build"}
)


def _no_servers(view: View) -> str | None:
    if view.get("workload.type") == "static_site":
        return "a static site runs no servers of its own"
    return None


def _no_clients(view: View) -> str | None:
    kind = view.get("workload.type")
    if kind in JOB_TYPES:
        return f"{kind} work takes no client connections"
    return _no_servers(view)


def _no_containers(view: View) -> str | None:
    return None if view.get("workload.containerized") else "nothing is containerized"


def _no_database(view: View) -> str | None:
    return None if view.get("database.model") != "none" else "there is no database"


def _not_public(view: View) -> str | None:
    return None if view.get("compliance.public_facing") else "it is not reachable from the internet"


def _too_short_to_commit(view: View) -> str | None:
    shortest = view.fact("commitment_min_months", "value")
    if shortest is not None and view.get("workload.lifetime_months") < shortest:
        return f"it runs for less than the shortest commitment ({view.fact('commitment_min_months')})"
    return None


def _read_daily(view: View) -> str | None:
    if view.get("dataset.access") == "frequent":
        return "data read every day comes back in milliseconds"
    return None


NAME = Question("name", "Name of the workload", "A short name; it titles the decisions and the memo.")
DESCRIPTION = Question("description", "Description", "One sentence on what it does (optional).")

WORKLOAD = Group(
    "Workload",
    (
        Question(
            "workload.type",
            "What kind of workload is it?",
            "It sets the usual answers to the questions that follow.",
            {
                "web_app": "a website or web application with server-side code",
                "api": "an HTTP or RPC API that other programs call",
                "microservices": "many small services, deployed independently",
                "static_site": "pages and files served as they are, no server-side code",
                "small_website": "a small site or blog with little traffic",
                "batch": "jobs that work through a backlog and then stop",
                "stream_processing": "continuous processing of a stream of records",
                "event_driven": "code that runs when something happens (an upload, a message)",
                "scheduled_job": "a task that runs on a timetable, like cron",
                "data_warehouse": "SQL analytics over large historical data",
                "analytics": "reports and queries over collected data",
                "relational_database": "a SQL database you run",
                "nosql_database": "a key-value or document database you run",
                "in_memory_database": "a database held in memory",
                "cache": "a cache in front of a slower store",
                "ml_training": "training machine-learning models",
                "ml_inference": "serving predictions from trained models",
                "hpc": "tightly coupled scientific or engineering computing",
                "media_transcoding": "converting audio and video files",
                "rendering": "rendering images or video frames",
                "game_server": "multiplayer game sessions",
                "ci_build": "builds and tests for continuous integration",
            },
        ),
        Question(
            "workload.environment",
            "Which environment is this?",
            "Production serves real users and gets the safeguards; the others can trade them for cost.",
            {
                "production": "serves real users",
                "staging": "a copy for testing releases",
                "development": "for building and trying things out",
            },
        ),
        Question(
            "workload.containerized",
            "Is it already packaged as container images?",
            "Container images (Docker or OCI) can run on a container service without repackaging.",
        ),
        Question(
            "workload.stateful",
            "Is it stateful?",
            "Stateful: a server keeps sessions, local files or in-memory data that are lost if it stops. "
            "Stateless: any server can take any request and be replaced at any time.",
            skip=_no_servers,
        ),
        Question(
            "workload.interruptible",
            "Can the work be interrupted?",
            "Spot capacity is the cheapest but is reclaimed with {spot_notice}: "
            "only work that survives that can use it.",
            {
                "no": "must not be stopped once started",
                "restartable": "can be stopped and started again from the beginning",
                "checkpointed": "saves its progress and resumes where it stopped",
            },
            skip=_no_servers,
        ),
        Question(
            "workload.traffic",
            "How does the load vary?",
            "The shape of the load decides what scales and what can be bought in advance.",
            {
                "steady": "about the same load around the clock",
                "periodic": "predictable peaks, or runs on a schedule",
                "spiky": "sudden surges that are hard to predict",
                "intermittent": "idle most of the time, busy now and then",
            },
        ),
        Question(
            "workload.lifetime_months",
            "How many months will it run?",
            "Long-lived, steady workloads can earn commitment discounts; short ones should not commit.",
        ),
        Question(
            "workload.latency",
            "How fast must it respond?",
            "The time a caller can wait for an answer.",
            {
                "relaxed": "minutes are fine: nobody is waiting",
                "interactive": "a person is waiting, about a second",
                "low": "tens of milliseconds",
                "ultra_low": "a few milliseconds or less (games, trading)",
            },
        ),
        Question(
            "workload.task_duration_seconds",
            "How long does one unit of work take, in seconds?",
            "One request, event or job, from start to finish.",
            skip=_no_servers,
        ),
        Question(
            "workload.needs_os_control",
            "Does it need control of the operating system?",
            "A custom OS or kernel, agents on the host, or software licensed per host.",
            skip=_no_servers,
        ),
        Question(
            "workload.protocol",
            "How do clients reach it?",
            "The protocol clients use to connect.",
            {
                "http": "web requests: HTTP, HTTPS, gRPC, WebSocket",
                "tcp": "other TCP connections",
                "udp": "UDP datagrams: games, voice, DNS",
            },
            skip=_no_clients,
        ),
        Question(
            "workload.users",
            "Where are its users?",
            "Users far from the region wait longer for every response.",
            {"regional": "mostly in one part of the world", "global": "on several continents"},
            skip=_no_clients,
        ),
    ),
)

COMPUTE = Group(
    "Compute: one server or task",
    (
        Question(
            "compute.vcpus",
            "How many vCPUs does one server or task need?",
            "Virtual CPUs for one copy of it; scaling out adds copies.",
            skip=_no_servers,
        ),
        Question(
            "compute.memory_gib",
            "How much memory does one server or task need, in GiB?",
            "Memory for one copy of it.",
            skip=_no_servers,
        ),
        Question(
            "compute.bottleneck",
            "What runs out first under load?",
            "The resource that limits it picks the instance family.",
            {
                "balanced": "no single resource",
                "cpu": "computation",
                "memory": "memory size",
                "storage_io": "disk reads and writes per second",
                "storage_density": "lots of local disk space",
                "gpu": "GPU work",
            },
            skip=_no_servers,
        ),
        Question(
            "compute.cpu_usage",
            "How busy is the CPU over time?",
            "Bursty work can run on cheaper instances that save up CPU credits between peaks.",
            {"steady": "busy most of the time", "bursty": "low average use with short peaks"},
            skip=_no_servers,
        ),
        Question(
            "compute.accelerator",
            "Does it need GPUs or other accelerators?",
            "Accelerators are only worth their price for work written for them.",
            {
                "none": "CPUs only",
                "gpu_training": "GPUs to train models",
                "gpu_inference": "GPUs or inference chips to serve models",
                "graphics": "GPUs for rendering, video or remote desktops",
            },
            skip=_no_servers,
        ),
        Question(
            "compute.architecture",
            "Which processors does the software run on?",
            "Arm (AWS Graviton) instances usually cost less for the same work.",
            {
                "any": "both x86 and Arm",
                "x86_64": "Intel or AMD only",
                "arm64": "Arm only",
            },
            skip=_no_servers,
        ),
    ),
)

TEAM = Group(
    "Team",
    (
        Question(
            "team.operations",
            "How much running of servers does the team want to do?",
            "Managed services cost more per unit but leave patching, scaling and failover to AWS.",
            {
                "managed": "let AWS run servers, patching and scaling",
                "balanced": "some of both",
                "full_control": "the team runs and tunes its own servers",
            },
        ),
        Question(
            "team.kubernetes_experience",
            "How much Kubernetes experience does the team have?",
            "Kubernetes is powerful for containers but takes skill to run well.",
            {"none": "none", "some": "has run it", "expert": "runs production clusters"},
            skip=_no_containers,
        ),
        Question(
            "team.portability",
            "Must it also run outside AWS?",
            "Portability favours open tooling over AWS-only services.",
            {
                "none": "AWS only",
                "hybrid": "also in our own data centres",
                "multi_cloud": "also on other clouds",
            },
        ),
        Question(
            "team.cloud_experience",
            "How experienced with AWS is the team?",
            "Simpler services suit a team new to AWS.",
            {
                "beginner": "new to AWS",
                "intermediate": "has run workloads on AWS",
                "expert": "knows AWS well",
            },
        ),
    ),
)


def _downtime(target: str) -> str:
    # Plain arithmetic on the target, for a 30-day month: what each availability target allows.
    seconds = (100 - float(target)) / 100 * 30 * 24 * 3600
    if seconds >= 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    elif seconds >= 60:
        text = f"{round(seconds / 60)} min"
    else:
        text = f"{round(seconds)} s"
    return f"down at most about {text} a month"


AVAILABILITY = Group(
    "Availability",
    (
        Question(
            "availability.target",
            "What availability must it have, in percent?",
            "The share of time it must be up: each extra nine cuts the allowed downtime tenfold "
            "and costs more.",
            {key: _downtime(key) for key in spec("availability.target").options},
        ),
        Question(
            "availability.disaster_recovery",
            "What if a whole AWS region fails?",
            "Recovering in another region costs from a little (backups) to double (running in two).",
            {
                "none": "wait for the region to recover",
                "backup_restore": "restore backups in another region, in hours",
                "active_passive": "a standby copy in another region takes over, in minutes",
                "active_active": "several regions serve at once",
            },
        ),
    ),
)

DATA = Group(
    "Data",
    (
        Question(
            "database.model",
            "What kind of database does it use?",
            "The main database, if there is one.",
            {
                "none": "no database",
                "relational": "SQL tables, joins and transactions",
                "key_value": "look-ups by key, at any scale",
                "document": "JSON documents",
                "analytics": "large analytical queries over many rows",
            },
        ),
        Question(
            "database.access",
            "Is the database mostly read or written?",
            "Read-heavy databases scale with read replicas and caches.",
            {"read_heavy": "mostly reads", "write_heavy": "mostly writes", "balanced": "both"},
            skip=_no_database,
        ),
        Question(
            "database.scale",
            "How large is the database?",
            "Size and request rate, now and in the planned lifetime.",
            {
                "small": "fits one database server",
                "large": "needs a large server or read replicas",
                "massive": "more than one server can hold; partitioned",
            },
            skip=_no_database,
        ),
        Question(
            "database.global_writes",
            "Must it accept writes in several regions at once?",
            "Writing in several regions at once needs a database built for it.",
            skip=_no_database,
        ),
        Question(
            "database.performance",
            "Does the database need top performance?",
            "High performance costs more for faster storage and failover.",
            {"standard": "ordinary performance is fine", "high": "the fastest storage and failover"},
            skip=_no_database,
        ),
        DATASETS,
        Question(
            "processing",
            "How does data move through it?",
            "Pipelines that move or transform data, if any.",
            {
                "none": "no data pipeline",
                "batch_etl": "extract, transform and load on a schedule",
                "real_time_stream": "process records within seconds of their arrival",
                "stream_to_storage": "collect records and deliver them to storage",
                "workflow": "coordinate steps with retries and branches",
            },
        ),
    ),
)

ADD_DATASET = Question(
    "datasets",
    "Does it store data sets (files, objects or volumes)?",
    "Images, uploads, backups, logs, archives, disks: each data set gets its own storage decision.",
)
ADD_ANOTHER = Question("datasets", "Add another data set?", "Each data set gets its own storage decision.")

DATASET = (
    Question(
        "dataset.usage",
        "What is the data for?",
        "What it holds decides where it is stored.",
        {
            "static_assets": "files served to users: images, scripts, downloads",
            "user_uploads": "files users upload",
            "backups": "copies kept to restore from",
            "archives": "records kept for years, rarely read",
            "logs": "application or access logs",
            "data_lake": "raw data for analytics",
            "shared_files": "a file system several servers use",
            "block_volume": "a disk for one server: database files, boot volume",
            "ml_training_data": "data to train models on",
        },
    ),
    Question("dataset.name", "Name of the data set", "A short name, unique in the file."),
    Question(
        "dataset.access",
        "How often is it read?",
        "Rarely read data can live in cheaper storage classes.",
        {
            "frequent": "every day",
            "infrequent": "about once a month",
            "rare": "a few times a year or less",
            "unknown": "changes over time, or not known",
        },
    ),
    Question(
        "dataset.retrieval",
        "How fast must it come back when it is read?",
        "The cheapest archive storage takes hours to return data.",
        {"milliseconds": "at once", "minutes": "within minutes", "hours": "within hours"},
        skip=_read_daily,
    ),
    Question(
        "dataset.retention_days", "How many days is it kept?", "Data kept for years suits archive storage."
    ),
    Question("dataset.size_gb", "How large is it, in GB?", "Its size now, or the size it will grow to."),
    Question(
        "dataset.reproducible",
        "Could it be regenerated if lost?",
        "Derived data, thumbnails and caches can live in cheaper, less redundant storage.",
    ),
    Question(
        "dataset.shared_by_instances",
        "Do several servers mount and change it at the same time?",
        "A file system shared by many servers needs a network file system.",
    ),
)

COMPLIANCE = Group(
    "Compliance and exposure",
    (
        Question(
            "compliance.frameworks",
            "Which compliance frameworks apply?",
            "Each listed framework adds the controls and encryption it requires.",
            {
                "hipaa": "US health information",
                "pci_dss": "card payments",
                "gdpr": "personal data of people in the EU",
                "soc2": "SOC 2 audit of service controls",
                "fedramp": "US federal government",
                "iso27001": "ISO 27001 information security",
                "sec_17a_4": "US broker-dealer records, write once",
            },
        ),
        Question(
            "compliance.data_residency",
            "Where must the data stay?",
            'A country code such as DE, or EU; "anywhere" for no restriction.',
        ),
        Question(
            "compliance.encryption_at_rest",
            "Must stored data be encrypted?",
            "Encryption with your own keys is cheap, but a requirement adds key management.",
            {
                "auto": "yes when a compliance framework is listed",
                "yes": "always encrypt",
                "no": "not required",
            },
        ),
        Question(
            "compliance.public_facing",
            "Is it reachable from the internet?",
            "Public endpoints need a firewall and protection from attacks.",
        ),
        Question(
            "compliance.ddos_sensitive",
            "Is it a likely target of denial-of-service attacks?",
            "High-profile, political, gaming or gambling sites draw attacks; "
            "most sites need only the free protection.",
            skip=_not_public,
        ),
    ),
)

COST = Group(
    "Cost",
    (
        Question(
            "cost.priority",
            "What matters most when cost and speed pull apart?",
            "The tie-breaker between cheaper and faster options.",
            {
                "lowest_cost": "the cheapest option that works",
                "balanced": "good value",
                "performance": "the fastest, even at a higher cost",
            },
        ),
        Question(
            "cost.commitment",
            "Would you commit to a steady spend for a discount?",
            "Savings Plans and Reserved Instances cut the price in return for a term.",
            {
                "none": "pay as you go",
                "one_year": "commit for one year",
                "three_years": "commit for three years",
            },
            skip=_too_short_to_commit,
        ),
    ),
)

GROUPS: tuple[Group, ...] = (
    Group("About it", (NAME, DESCRIPTION)),
    WORKLOAD,
    COMPUTE,
    TEAM,
    AVAILABILITY,
    DATA,
    COMPLIANCE,
    COST,
)


def all_questions() -> list[Question]:
    """Every question, data-set questions included, in the order they can be asked."""
    out: list[Question] = []
    for group in GROUPS:
        for item in group.questions:
            if item == DATASETS:
                out += [ADD_DATASET, *DATASET, ADD_ANOTHER]
            else:
                assert isinstance(item, Question)
                out.append(item)
    return out


# ---- asking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    key: str
    hint: str = ""


class Asker(Protocol):
    """How a question reaches the user: arrow keys in a terminal, numbered lines otherwise.

    Each method returns the answer, or raises KeyboardInterrupt (Ctrl-C) or EOFError (input ended).
    A typed answer goes through `parse`, which raises Invalid with the reason to ask again.
    """

    def section(self, title: str) -> None: ...

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str: ...

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]: ...

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool: ...

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any: ...


@dataclass
class Answers:
    """What the questionnaire gathered: the answers given or confirmed, and what was not asked and why."""

    values: dict[str, Any] = field(default_factory=dict)  # dotted path -> answer
    datasets: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # dotted path -> why it was not asked
    assumed: dict[str, Any] = field(default_factory=dict)  # dotted path -> the default that applies
    kept: dict[str, str] = field(default_factory=dict)  # not asked, but kept from --from: path -> why
    dataset_skipped: list[dict[str, tuple[str, Any]]] = field(default_factory=list)  # name -> (why, default)


@dataclass
class Start:
    """Answers to start from (`--from FILE`): the ones the file gave, used as defaults."""

    values: dict[str, Any] = field(default_factory=dict)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""

    @classmethod
    def of(cls, profile: Any, source: str) -> Start:
        """From a validated Profile: only the answers its file gave, not its defaults."""
        dumped = profile.requirements.model_dump(mode="json")
        values: dict[str, Any] = {}
        for name, value in dumped.items():
            if isinstance(value, dict):
                for key, inner in value.items():
                    if f"{name}.{key}" not in profile.defaulted:
                        values[f"{name}.{key}"] = inner
            elif name not in ("version", "datasets") and name not in profile.defaulted and value != "":
                values[name] = value
        datasets = [
            {key: value for key, value in item.items() if f"datasets[{index}].{key}" not in profile.defaulted}
            for index, item in enumerate(dumped.get("datasets", []))
        ]
        return cls(values, datasets, source)


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:  # a fact the pack lacks: say it plainly
        return "short notice"


def explain(question: Question, facts: Mapping[str, Any]) -> str:
    """The question's one-line help, quoting the rule pack's facts where it names them."""
    return question.help.format_map(_Facts({name: str(fact) for name, fact in facts.items()}))


UNSET: Any = object()


class Questionnaire:
    """Asks the questions of GROUPS through an Asker, skipping what does not apply."""

    def __init__(
        self,
        asker: Asker,
        type_defaults: Mapping[str, Mapping[str, Any]],
        facts: Mapping[str, Any],
        start: Start | None = None,
    ):
        self.asker = asker
        self.type_defaults = type_defaults
        self.facts = facts
        self.start = start or Start()
        self.answers = Answers()
        self._dataset: dict[str, Any] = {}  # the data set being asked about
        self._dataset_start: dict[str, Any] = {}

    # -- View: what skip tests read
    def get(self, path: str) -> Any:
        if path.startswith("dataset."):
            name = path.split(".", 1)[1]
            if name in self._dataset:
                return self._dataset[name]
            return self._dataset_start.get(name, spec(path).default)
        if path in self.answers.values:
            return self.answers.values[path]
        return self.default(path)[0]

    def fact(self, name: str, attribute: str = "text") -> Any:
        known = self.facts.get(name)
        return getattr(known, attribute, None) if known is not None else None

    def default(self, path: str) -> tuple[Any, str]:
        """The default shown for a question, and where it comes from ("" for the model's own)."""
        if path.startswith("dataset."):
            name = path.split(".", 1)[1]
            if name in self._dataset_start:
                return self._dataset_start[name], f"from {self.start.source}"
            return spec(path).default, ""
        if path in self.start.values:
            return self.start.values[path], f"from {self.start.source}"
        kind = self.answers.values.get("workload.type")
        usual = self.type_defaults.get(kind, {}) if kind else {}
        if path in usual:
            return usual[path], f"usual for {kind}"
        field_spec = spec(path)
        if path == "workload.type":
            return field_spec.options[0], ""
        return field_spec.default, ""

    def run(self) -> Answers:
        for group in GROUPS:
            shown = False
            for item in group.questions:
                if item == DATASETS:
                    if not shown:
                        self.asker.section(group.title)
                        shown = True
                    self._datasets()
                    continue
                assert isinstance(item, Question)
                reason = item.skip(self) if item.skip else None
                if reason:
                    self.answers.skipped[item.path] = reason
                    if item.path in self.start.values:
                        self.answers.kept[item.path] = reason
                        self.answers.values[item.path] = self.start.values[item.path]
                    else:
                        self.answers.assumed[item.path] = self.default(item.path)[0]
                    continue
                if not shown:
                    self.asker.section(group.title)
                    shown = True
                self.answers.values[item.path] = self.ask(item)
        return self.answers

    def ask(
        self,
        question: Question,
        default: Any = UNSET,
        note: str = "",
        check: Callable[[Any], None] | None = None,
    ) -> Any:
        field_spec = spec(question.path)
        if default is UNSET:
            default, note = self.default(question.path)
        help = explain(question, self.facts)
        if field_spec.kind == "choice":
            options = [Option(key, question.hints.get(key, "")) for key in field_spec.options]
            key = self.asker.choose(question.prompt, help, options, field_spec.key_of(default), note)
            return field_spec.value_of(key)
        if field_spec.kind == "many":
            options = [Option(key, question.hints.get(key, "")) for key in field_spec.options]
            return self.asker.choose_many(question.prompt, help, options, list(default or []), note)
        if field_spec.kind == "confirm":
            return self.asker.confirm(question.prompt, help, bool(default), note)

        def parse_checked(text: str) -> Any:
            value = parse(field_spec, text)
            if check is not None:
                check(value)
            return value

        if default is NO_DEFAULT:
            shown: str | None = None
        elif default is None:
            shown = "anywhere"
        else:
            shown = str(_number(default)) if isinstance(default, (int, float)) else str(default)
        return self.asker.text(question.prompt, help, shown, parse_checked, note)

    def _datasets(self) -> None:
        starts = self.start.datasets
        limit = Requirements.model_fields["datasets"].metadata[0].max_length
        while len(self.answers.datasets) < limit:
            index = len(self.answers.datasets)
            question = ADD_DATASET if index == 0 else ADD_ANOTHER
            more = index < len(starts)
            note = f"from {self.start.source}" if more else ""
            if not self.asker.confirm(question.prompt, question.help, more, note):
                break
            self._dataset_start = dict(starts[index]) if more else {}
            self._dataset = {}
            skipped: dict[str, tuple[str, Any]] = {}
            for item in DATASET:
                name = item.path.split(".", 1)[1]
                reason = item.skip(self) if item.skip else None
                if reason:
                    skipped[name] = (reason, self.get(item.path))
                    if name in self._dataset_start:
                        self._dataset[name] = self._dataset_start[name]
                    continue
                if name == "name":
                    self._dataset[name] = self._ask_dataset_name(item)
                else:
                    self._dataset[name] = self.ask(item)
            self.answers.datasets.append(self._dataset)
            self.answers.dataset_skipped.append(skipped)
            self._dataset, self._dataset_start = {}, {}

    def _ask_dataset_name(self, question: Question) -> str:
        taken = [d["name"] for d in self.answers.datasets]
        default, note = self.default(question.path)
        if default is NO_DEFAULT or default in taken:
            base = str(self._dataset.get("usage", "data")).replace("_", " ")
            default, number = base, 2
            while default in taken:
                default, number = f"{base} {number}", number + 1
            note = ""

        def unique(name: Any) -> None:
            if name in taken:
                raise Invalid(f'"{name}" already names data set {taken.index(name) + 1}; pick another name')

        return str(self.ask(question, default, note, unique))


# ---- the requirements file ----------------------------------------------------------------------

WIDTH = 100


def scalar(value: Any) -> str:
    """One value as YAML text that loads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(_number(value))
        text = repr(value)
        # YAML 1.1 reads 1e-07 as a string: its floats need a dot in the mantissa.
        mantissa, e, exponent = text.partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if not str(value).isprintable():  # line breaks (\n, NEL, U+2028), tabs: escaped, on one line
        return yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_style='"').rstrip("\n")
    text = yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_flow_style=True)
    return text.removesuffix("\n").removesuffix("\n...")


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=f"{indent}# ",
        subsequent_indent=f"{indent}# ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _one_line(text: Any) -> str:
    # A comment ends at any line break, NEL and U+2028 included: keep user text inside it.
    return "".join(c if c.isprintable() else " " for c in str(text))


def _asked(prompt: str) -> str:
    return prompt if prompt.endswith("?") else prompt + ":"


class Writer:
    """The answers as a requirements file, each answer under a comment that says what it means."""

    def __init__(self, answers: Answers, facts: Mapping[str, Any], source: str = ""):
        self.answers = answers
        self.questions = {q.path: q for q in all_questions()}
        self.facts = facts
        self.source = source

    def _entry(self, path: str, key: str, value: Any, indent: str, first: str = "") -> list[str]:
        """Comment lines, then `key: value  # meaning`. `first` replaces the indent of the key line."""
        question = self.questions[path]
        field_spec = spec(path)
        lines = _comment(f"{_asked(question.prompt)} {explain(question, self.facts)}", indent)
        if field_spec.kind in ("choice", "many") and len(field_spec.options) <= 9:
            written = (scalar(field_spec.value_of(key)) for key in field_spec.options)
            lines += _comment(
                ("one of: " if field_spec.kind == "choice" else "any of: ") + " | ".join(written), indent
            )
        elif field_spec.kind == "number":
            low, high, low_open, high_open = field_spec.bounds()
            wanted = "a whole number" if field_spec.integer else "a number"
            lines += _comment(wanted + _span(low, high, low_open, high_open), indent)
        line = f"{first or indent}{key}: {scalar(value)}"
        meaning = self._meaning(question, field_spec, value)
        if meaning:
            line += f"  # {meaning}"
        return lines + [line]

    @staticmethod
    def _meaning(question: Question, field_spec: Spec, value: Any) -> str:
        if field_spec.kind == "choice":
            return question.hints.get(field_spec.key_of(value), "")
        if field_spec.kind == "many":
            return ", ".join(question.hints.get(key, key) for key in value) if value else "none"
        if question.path == "compliance.data_residency" and value is None:
            return "anywhere"
        return ""

    def text(self) -> str:
        answers = self.answers
        name = answers.values.get("name", "")
        out = [
            f"# Requirements of {_one_line(name)}, written by `advisor ask`.",
            "# Edit any answer and run `advisor recommend` on this file to see the decisions again;",
            "# an answer left out takes its default and is listed as an assumption of the decisions.",
        ]
        if self.source:
            out.append(f"# Started from the answers in {_one_line(self.source)}.")
        out.append("version: 1")
        for top, info in Requirements.model_fields.items():
            if top == "version":
                continue
            annotation = info.annotation
            if top == "datasets":
                out += [""] + self._datasets()
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out += [""] + self._section(top, annotation)
            elif top == "description" and not answers.values.get(top):
                out.append("# description: one sentence on what it does")
            elif top in answers.values:
                out += ([""] if top == "processing" else []) + self._entry(top, top, answers.values[top], "")
        return "\n".join(out) + "\n"

    def _section(self, name: str, model: type[BaseModel]) -> list[str]:
        answered = [f for f in model.model_fields if f"{name}.{f}" in self.answers.values]
        if not answered:
            reasons = sorted({self.answers.skipped.get(f"{name}.{f}", "") for f in model.model_fields} - {""})
            why = f" ({'; '.join(reasons)})" if reasons else ""
            return [f"# {name}: not asked{why}; the defaults apply."]
        lines = [f"{name}:"]
        for key in model.model_fields:
            path = f"{name}.{key}"
            if path in self.answers.values:
                entry = self._entry(path, key, self.answers.values[path], "  ")
                if path in self.answers.kept:
                    entry.insert(
                        -1, f"  # (not asked, as {self.answers.kept[path]}; kept from the file started from)"
                    )
                lines += entry
            elif path in self.answers.skipped:
                assumed = scalar(self.answers.assumed.get(path))
                lines.append(f"  # {key}: {assumed}  (not asked, as {self.answers.skipped[path]})")
        return lines

    def _datasets(self) -> list[str]:
        if not self.answers.datasets:
            return [
                "# Data sets the workload stores: none (the storage decisions are made per data set).",
                "datasets: []",
            ]
        lines = ["# Data sets the workload stores; each gets its own storage decisions.", "datasets:"]
        for item, skipped in zip(self.answers.datasets, self.answers.dataset_skipped, strict=True):
            first = True
            for key in Dataset.model_fields:
                path = f"dataset.{key}"
                if key in item:
                    lines += self._entry(path, key, item[key], "    ", "  - " if first else "")
                    first = False
                elif key in skipped:
                    reason, assumed = skipped[key]
                    lines.append(f"    # {key}: {scalar(assumed)}  (not asked, as {reason})")
        return lines


def requirements_text(answers: Answers, facts: Mapping[str, Any], source: str = "") -> str:
    return Writer(answers, facts, source).text()
