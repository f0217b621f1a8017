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

from advisor.about import About

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


def _downtime(target: float) -> str:
    # Plain arithmetic on the target, for a 30-day month: what each availability target allows.
    seconds = (100 - target) / 100 * 30 * 24 * 3600
    if seconds >= 3600:
        hours, minutes = divmod(round(seconds / 60), 60)
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    elif seconds >= 60:
        text = f"{round(seconds / 60)} min"
    else:
        text = f"{round(seconds)} s"
    return f"down at most about {text} a month"


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


# The answers, each with what it means to people (advisor.about.About): the schema's titles and
# descriptions, the questions of `advisor ask` and the memo's labels all come from here.


class Workload(Section):
    type: Annotated[
        WorkloadType,
        About(
            "Workload type",
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
            words={
                "web_app": "web application",
                "api": "API",
                "ml_training": "ML training",
                "ml_inference": "ML inference",
                "hpc": "HPC",
                "ci_build": "CI builds",
                "nosql_database": "NoSQL database",
                "in_memory_database": "in-memory database",
            },
        ),
    ]
    environment: Annotated[
        Literal["production", "staging", "development"],
        About(
            "Environment",
            "Which environment is this?",
            "Production serves real users and gets the safeguards; the others can trade them for cost.",
            {
                "production": "serves real users",
                "staging": "a copy for testing releases",
                "development": "for building and trying things out",
            },
        ),
    ] = "production"
    stateful: Annotated[
        bool,
        About(
            "Keeps state on the servers",
            "Is it stateful?",
            "Stateful: a server keeps sessions, local files or in-memory data that are lost if it stops. "
            "Stateless: any server can take any request and be replaced at any time.",
        ),
    ] = False
    interruptible: Annotated[
        Literal["no", "restartable", "checkpointed"],
        BeforeValidator(_yaml_no),
        About(
            "Can be interrupted",
            "Can the work be interrupted?",
            "Spot capacity is the cheapest but is reclaimed with {spot_notice}: "
            "only work that survives that can use it.",
            {
                "no": "must not be stopped once started",
                "restartable": "can be stopped and started again from the beginning",
                "checkpointed": "saves its progress and resumes where it stopped",
            },
            words={"restartable": "yes, restartable", "checkpointed": "yes, checkpointed"},
            detail='In YAML, write "no" in quotes or unquoted: both mean the answer no.',
        ),
    ] = "no"
    traffic: Annotated[
        Literal["steady", "periodic", "spiky", "intermittent", "scheduled"],
        About(
            "Traffic pattern",
            "How does the load vary?",
            "The shape of the load decides what scales and what can be bought in advance.",
            {
                "steady": "about the same load around the clock",
                "periodic": "always running, with predictable peaks (busy hours, weekdays, month ends)",
                "spiky": "sudden surges that are hard to predict",
                "intermittent": "idle most of the time, busy now and then",
                "scheduled": "runs on a schedule and is idle, or stopped, between runs",
            },
            detail="Before scheduled existed, periodic also covered scheduled runs: "
            "a file that says periodic for a nightly job should now say scheduled.",
        ),
    ] = "steady"
    lifetime_months: Annotated[
        int,
        About(
            "Expected lifetime",
            "How many months will it run?",
            "Long-lived, steady workloads can earn commitment discounts; short ones should not commit.",
            unit="months",
        ),
    ] = Field(36, ge=1, le=1200)
    latency: Annotated[
        Literal["relaxed", "interactive", "low", "ultra_low"],
        About(
            "Latency need",
            "How fast must it respond?",
            "The time a caller can wait for an answer.",
            {
                "relaxed": "minutes are fine: nobody is waiting",
                "interactive": "a person is waiting, about a second",
                "low": "tens of milliseconds",
                "ultra_low": "a few milliseconds or less (games, trading)",
            },
            words={"ultra_low": "ultra-low"},
        ),
    ] = "interactive"
    task_duration_seconds: Annotated[
        float,
        About(
            "One unit of work takes",
            "How long does one unit of work take, in seconds?",
            "One request, event or job, from start to finish.",
            unit="duration",
        ),
    ] = Field(2, ge=0, le=31_536_000)
    containerized: Annotated[
        bool,
        About(
            "Packaged as container images",
            "Is it already packaged as container images?",
            "Container images (Docker or OCI) can run on a container service without repackaging.",
        ),
    ] = False
    needs_os_control: Annotated[
        bool,
        About(
            "Needs OS-level control",
            "Does it need control of the operating system?",
            "A custom OS or kernel, agents on the host, or software licensed per host.",
        ),
    ] = False
    protocol: Annotated[
        Literal["http", "tcp", "udp"],
        About(
            "Protocol",
            "How do clients reach it?",
            "The protocol clients use to connect.",
            {
                "http": "web requests: HTTP, HTTPS, gRPC, WebSocket",
                "tcp": "other TCP connections",
                "udp": "UDP datagrams: games, voice, DNS",
            },
            words={"http": "HTTP", "tcp": "TCP", "udp": "UDP"},
        ),
    ] = "http"
    users: Annotated[
        Literal["regional", "global"],
        About(
            "Where the users are",
            "Where are its users?",
            "Users far from the region wait longer for every response.",
            {"regional": "mostly in one part of the world", "global": "on several continents"},
            words={"regional": "in one region", "global": "around the world"},
        ),
    ] = "regional"


class Compute(Section):
    vcpus: Annotated[
        int,
        About(
            "vCPUs per server or task",
            "How many vCPUs does one server or task need?",
            "Virtual CPUs for one copy of it; scaling out adds copies.",
        ),
    ] = Field(4, ge=1, le=1024)
    memory_gib: Annotated[
        float,
        About(
            "Memory per server or task",
            "How much memory does one server or task need, in GiB?",
            "Memory for one copy of it.",
            unit="GiB",
        ),
    ] = Field(16, gt=0, le=32768)
    bottleneck: Annotated[
        Literal["balanced", "cpu", "memory", "storage_io", "storage_density", "gpu"],
        About(
            "Bottleneck",
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
            words={"storage_io": "storage I/O", "gpu": "GPU"},
        ),
    ] = "balanced"
    cpu_usage: Annotated[
        Literal["steady", "bursty"],
        About(
            "CPU usage",
            "How busy is the CPU over time?",
            "Bursty work can run on cheaper instances that save up CPU credits between peaks.",
            {"steady": "busy most of the time", "bursty": "low average use with short peaks"},
        ),
    ] = "steady"
    accelerator: Annotated[
        Literal["none", "gpu_training", "gpu_inference", "graphics"],
        About(
            "Accelerator",
            "Does it need GPUs or other accelerators?",
            "Accelerators are only worth their price for work written for them.",
            {
                "none": "CPUs only",
                "gpu_training": "GPUs to train models",
                "gpu_inference": "GPUs or inference chips to serve models",
                "graphics": "GPUs for rendering, video or remote desktops",
            },
            words={"gpu_training": "GPU training", "gpu_inference": "GPU inference"},
        ),
    ] = "none"
    architecture: Annotated[
        Literal["any", "x86_64", "arm64"],
        About(
            "CPU architecture",
            "Which processors does the software run on?",
            "Arm (AWS Graviton) instances usually cost less for the same work.",
            {"any": "both x86 and Arm", "x86_64": "Intel or AMD only", "arm64": "Arm only"},
            words={"x86_64": "x86-64", "arm64": "Arm64"},
        ),
    ] = "any"


class Team(Section):
    operations: Annotated[
        Literal["managed", "balanced", "full_control"],
        About(
            "Operations preference",
            "How much running of servers does the team want to do?",
            "Managed services cost more per unit but leave patching, scaling and failover to AWS.",
            {
                "managed": "let AWS run servers, patching and scaling",
                "balanced": "some of both",
                "full_control": "the team runs and tunes its own servers",
            },
        ),
    ] = "balanced"
    kubernetes_experience: Annotated[
        Literal["none", "some", "expert"],
        About(
            "Kubernetes experience",
            "How much Kubernetes experience does the team have?",
            "Kubernetes is powerful for containers but takes skill to run well.",
            {"none": "none", "some": "has run it", "expert": "runs production clusters"},
        ),
    ] = "none"
    portability: Annotated[
        Literal["none", "hybrid", "multi_cloud"],
        About(
            "Portability need",
            "Must it also run outside AWS?",
            "Portability favours open tooling over AWS-only services.",
            {
                "none": "AWS only",
                "hybrid": "also in our own data centres",
                "multi_cloud": "also on other clouds",
            },
            words={"multi_cloud": "multi-cloud"},
        ),
    ] = "none"
    cloud_experience: Annotated[
        Literal["beginner", "intermediate", "expert"],
        About(
            "Cloud experience",
            "How experienced with AWS is the team?",
            "Simpler services suit a team new to AWS.",
            {
                "beginner": "new to AWS",
                "intermediate": "has run workloads on AWS",
                "expert": "knows AWS well",
            },
        ),
    ] = "intermediate"


class Availability(Section):
    target: Annotated[
        float,
        AfterValidator(_target),
        About(
            "Availability target",
            "What availability must it have, in percent?",
            "The share of time it must be up: each extra nine cuts the allowed downtime tenfold "
            "and costs more.",
            {f"{target:g}": _downtime(target) for target in AVAILABILITY_TARGETS},
            unit="percent",
        ),
    ] = 99.9
    disaster_recovery: Annotated[
        Literal["none", "backup_restore", "active_passive", "active_active"],
        About(
            "Disaster recovery",
            "What if a whole AWS region fails?",
            "Recovering in another region costs from a little (backups) to double (running in two).",
            {
                "none": "wait for the region to recover",
                "backup_restore": "restore backups in another region, in hours",
                "active_passive": "a standby copy in another region takes over, in minutes",
                "active_active": "several regions serve at once",
            },
            words={
                "backup_restore": "backup and restore",
                "active_passive": "active-passive",
                "active_active": "active-active",
            },
        ),
    ] = "none"


class Database(Section):
    model: Annotated[
        Literal["none", "relational", "key_value", "document", "analytics", "graph", "time_series", "search"],
        About(
            "Data model",
            "What kind of database does it use?",
            "The main database, if there is one.",
            {
                "none": "no database",
                "relational": "SQL tables, joins and transactions",
                "key_value": "look-ups by key, at any scale",
                "document": "JSON documents",
                "analytics": "large analytical queries over many rows",
                "graph": "entities and the relationships between them, queried by traversal",
                "time_series": "measurements stamped with their time, queried by time window",
                "search": "full-text search, log analytics and relevance-ranked queries",
            },
            words={"key_value": "key-value", "time_series": "time-series"},
        ),
    ] = "none"
    access: Annotated[
        Literal["read_heavy", "write_heavy", "balanced"],
        About(
            "Access pattern",
            "Is the database mostly read or written?",
            "Read-heavy databases scale with read replicas and caches.",
            {"read_heavy": "mostly reads", "write_heavy": "mostly writes", "balanced": "both"},
            words={"read_heavy": "read-heavy", "write_heavy": "write-heavy"},
        ),
    ] = "balanced"
    scale: Annotated[
        Literal["small", "large", "massive"],
        About(
            "Scale",
            "How large is the database?",
            "Size and request rate, now and in the planned lifetime.",
            {
                "small": "fits one database server",
                "large": "needs a large server or read replicas",
                "massive": "more than one server can hold; partitioned",
            },
        ),
    ] = "small"
    global_writes: Annotated[
        bool,
        About(
            "Writes in several regions",
            "Must it accept writes in several regions at once?",
            "Writing in several regions at once needs a database built for it.",
        ),
    ] = False
    performance: Annotated[
        Literal["standard", "high"],
        About(
            "Performance need",
            "Does the database need top performance?",
            "High performance costs more for faster storage and failover.",
            {"standard": "ordinary performance is fine", "high": "the fastest storage and failover"},
        ),
    ] = "standard"


class Dataset(Section):
    name: Annotated[str, About("Name", "Name of the data set", "A short name, unique in the file.")] = Field(
        min_length=1, max_length=200
    )
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
        About(
            "Usage",
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
            words={"ml_training_data": "ML training data"},
        ),
    ] = "static_assets"
    access: Annotated[
        Literal["frequent", "infrequent", "rare", "unknown"],
        About(
            "Read",
            "How often is it read?",
            "Rarely read data can live in cheaper storage classes.",
            {
                "frequent": "every day",
                "infrequent": "about once a month",
                "rare": "a few times a year or less",
                "unknown": "changes over time, or not known",
            },
        ),
    ] = "frequent"
    retrieval: Annotated[
        Literal["milliseconds", "minutes", "hours"],
        About(
            "Must come back within",
            "How fast must it come back when it is read?",
            "The cheapest archive storage takes hours to return data.",
            {"milliseconds": "at once", "minutes": "within minutes", "hours": "within hours"},
        ),
    ] = "milliseconds"
    retention_days: Annotated[
        int,
        About(
            "Kept for",
            "How many days is it kept?",
            "Data kept for years suits archive storage.",
            unit="days",
        ),
    ] = Field(365, ge=1, le=36_500)
    size_gb: Annotated[
        float,
        About(
            "Size",
            "How large is it, in GB?",
            "Its size now, or the size it will grow to.",
            unit="GB",
        ),
    ] = Field(100, ge=0, le=100_000_000)
    reproducible: Annotated[
        bool,
        About(
            "Can be regenerated",
            "Could it be regenerated if lost?",
            "Derived data, thumbnails and caches can live in cheaper, less redundant storage.",
        ),
    ] = False
    shared_by_instances: Annotated[
        bool,
        About(
            "Shared by many servers",
            "Do several servers mount and change it at the same time?",
            "A file system shared by many servers needs a network file system.",
        ),
    ] = False


class Compliance(Section):
    frameworks: Annotated[
        list[Framework],
        About(
            "Compliance frameworks",
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
            words={
                "hipaa": "HIPAA",
                "pci_dss": "PCI DSS",
                "gdpr": "GDPR",
                "soc2": "SOC 2",
                "fedramp": "FedRAMP",
                "iso27001": "ISO 27001",
                "sec_17a_4": "SEC 17a-4",
            },
        ),
    ] = Field(default_factory=list, max_length=7)
    # Only the word NO is Norway: the loader keeps YAML 1.1's unquoted NO a word, and a boolean
    # (false, or off in YAML 1.1) is refused rather than read as a country.
    data_residency: Annotated[
        str | None,
        BeforeValidator(_not_a_bool),
        AfterValidator(_residency),
        About(
            "Data residency",
            "Where must the data stay?",
            'A country code such as DE, or EU; "anywhere" for no restriction.',
            null="anywhere",
            detail='In the file: an ISO 3166 alpha-2 country code ("DE") or "EU"; null for anywhere.',
        ),
    ] = None
    encryption_at_rest: Annotated[
        bool | None,
        About(
            "Encryption at rest",
            "Must stored data be encrypted?",
            "Encryption with your own keys is cheap, but a requirement adds key management.",
            {
                "auto": "yes when a compliance framework is listed",
                "yes": "always encrypt",
                "no": "not required",
            },
            null="when a framework requires it",
            detail="true: always; false: not required; null: true when any framework is listed.",
        ),
    ] = None
    public_facing: Annotated[
        bool,
        About(
            "Reachable from the internet",
            "Is it reachable from the internet?",
            "Public endpoints need a firewall and protection from attacks.",
        ),
    ] = True
    ddos_sensitive: Annotated[
        bool,
        About(
            "Likely DDoS target",
            "Is it a likely target of denial-of-service attacks?",
            "High-profile, political, gaming or gambling sites draw attacks; "
            "most sites need only the free protection.",
        ),
    ] = False

    @field_validator("frameworks")
    @classmethod
    def _unique_frameworks(cls, frameworks: list[str]) -> list[str]:
        if len(set(frameworks)) != len(frameworks):
            raise ValueError("each framework may be listed once")
        return frameworks


class Cost(Section):
    priority: Annotated[
        Literal["lowest_cost", "balanced", "performance"],
        About(
            "Cost priority",
            "What matters most when cost and speed pull apart?",
            "The tie-breaker between cheaper and faster options.",
            {
                "lowest_cost": "the cheapest option that works",
                "balanced": "good value",
                "performance": "the fastest, even at a higher cost",
            },
        ),
    ] = "balanced"
    commitment: Annotated[
        Literal["none", "one_year", "three_years"],
        About(
            "Spend commitment",
            "Would you commit to a steady spend for a discount?",
            "Savings Plans and Reserved Instances cut the price in return for a term.",
            {
                "none": "pay as you go",
                "one_year": "commit for one year",
                "three_years": "commit for three years",
            },
        ),
    ] = "none"


class Usage(Section):
    """How much of the design runs, for the cost estimate (SPEC section 10)."""

    instances: Annotated[
        int,
        About(
            "Servers or tasks at the expected load",
            "How many servers or tasks run at the expected load?",
            "Copies of it running on a normal day; Auto Scaling keeps at least this many.",
        ),
    ] = Field(2, ge=1, le=100_000)
    peak_instances: Annotated[
        int | None,
        About(
            "Servers or tasks at the peak",
            "How many servers or tasks run at the peak?",
            "Copies of it at the busiest time; the high end of the estimate (never below the expected load).",
            null="the same as at the expected load",
        ),
    ] = Field(None, ge=1, le=100_000)
    hours_per_month: Annotated[
        float,
        About(
            "Hours a month it runs",
            "How many hours a month does it run?",
            "730 is always on; a nightly two-hour batch job runs about 60.",
        ),
    ] = Field(730, gt=0, le=744)
    requests_per_month: Annotated[
        int,
        About(
            "Invocations a month",
            "For functions: how many invocations a month?",
            "How often a function platform such as Lambda runs it; 0 when it is not a function.",
        ),
    ] = Field(0, ge=0, le=10**13)
    duration_ms: Annotated[
        float,
        About(
            "Duration of one invocation",
            "For functions: how long does one invocation take, in milliseconds?",
            "The average time a function runs for one invocation; it is billed by the millisecond.",
        ),
    ] = Field(200, gt=0, le=900_000)


class Override(Section):
    """A team's own choice for one decision, with its reason (SPEC §9); the advice stays visible."""

    choice: Annotated[
        str,
        About("Choice", "Which option does the team take?", "An option id of the overridden area."),
    ] = Field(min_length=1, max_length=100)
    reason: Annotated[
        str,
        About(
            "Reason", "Why?", "Why the team takes another choice than the advice: shown beside the advice."
        ),
    ] = Field(min_length=1, max_length=2_000)
    until: Annotated[
        datetime.date | None,
        About(
            "Until",
            "Until when does it hold?",
            "After this date the override no longer applies, and a warning says so (optional).",
        ),
    ] = None


class Requirements(Section):
    """A workload described by its answers; see SPEC section 2."""

    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        str_strip_whitespace=True,
        title="advisor requirements (version 1)",
    )

    version: Annotated[
        Literal[1],
        About(
            "Format version",
            "Which version of the requirements format is this?",
            "The version of this file's format, so that a later advisor can read it or say what changed.",
            {"1": "the first version, described in SPEC section 2"},
        ),
    ]
    name: Annotated[
        str, About("Name", "Name of the workload", "A short name; it titles the decisions and the memo.")
    ] = Field(min_length=1, max_length=200)
    description: Annotated[
        str, About("Description", "Description", "One sentence on what it does (optional).")
    ] = Field("", max_length=10_000)
    workload: Annotated[
        Workload,
        About(
            "Workload",
            "What is the workload, and how does it run?",
            "Its kind, its environment and how it is used: what most decisions start from.",
        ),
    ]
    compute: Annotated[
        Compute,
        About(
            "Compute",
            "What does one server or task need?",
            "The size and shape of one copy of it; scaling out adds copies.",
        ),
    ] = Field(default_factory=Compute)
    team: Annotated[
        Team,
        About(
            "Team",
            "Who runs it, and what do they know?",
            "The team's skills and wishes weigh managed services against control.",
        ),
    ] = Field(default_factory=Team)
    availability: Annotated[
        Availability,
        About(
            "Availability",
            "How much downtime can it take?",
            "The availability target and what happens when a whole region fails.",
        ),
    ] = Field(default_factory=Availability)
    database: Annotated[
        Database,
        About(
            "Database",
            "What database does it use?",
            "The main database, if there is one: its model, its load and its reach.",
        ),
    ] = Field(default_factory=Database)
    datasets: Annotated[
        list[Dataset],
        About(
            "Data sets",
            "Does it store data sets (files, objects or volumes)?",
            "Images, uploads, backups, logs, archives, disks: each data set gets its own storage decision.",
        ),
    ] = Field(default_factory=list, max_length=100)
    processing: Annotated[
        Literal["none", "batch_etl", "real_time_stream", "stream_to_storage", "workflow"],
        About(
            "Data processing",
            "How does data move through it?",
            "Pipelines that move or transform data, if any.",
            {
                "none": "no data pipeline",
                "batch_etl": "extract, transform and load on a schedule",
                "real_time_stream": "process records within seconds of their arrival",
                "stream_to_storage": "collect records and deliver them to storage",
                "workflow": "coordinate steps with retries and branches",
            },
            words={"batch_etl": "batch ETL", "real_time_stream": "real-time stream"},
        ),
    ] = "none"
    compliance: Annotated[
        Compliance,
        About(
            "Compliance and security",
            "What rules and exposure does it live under?",
            "Compliance frameworks, where the data must stay, encryption and exposure to the internet.",
        ),
    ] = Field(default_factory=Compliance)
    cost: Annotated[
        Cost,
        About(
            "Cost",
            "How should cost weigh against speed?",
            "What to favour when cost and performance pull apart, and whether to commit spend for a discount.",
        ),
    ] = Field(default_factory=Cost)
    usage: Annotated[
        Usage,
        About(
            "Usage",
            "How much of it runs, and for how long?",
            "Servers or tasks at the expected load and at the peak, hours a month, and for functions "
            "invocations and their duration: what the cost estimate multiplies.",
        ),
    ] = Field(default_factory=Usage)

    overrides: Annotated[
        dict[str, Override],
        About(
            "Overrides",
            "Does the team override any decision?",
            'The team\'s own choice for a decision, keyed by area or "dataset:NAME:AREA", with a '
            "required reason and an optional end date; the advice stays visible beside it.",
        ),
    ] = Field(default_factory=dict, max_length=50)

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
