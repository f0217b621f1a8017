"""The requirements file (SPEC section 2) as pydantic models: the single source of its schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)

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


def _residency(value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValueError('must be an ISO 3166 alpha-2 country code such as "DE", or "EU"')
    return code


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True, str_strip_whitespace=True)


class Workload(Section):
    type: WorkloadType = Field(description="What kind of workload this is.")
    environment: Literal["production", "staging", "development"] = "production"
    stateful: bool = Field(False, description="Keeps state on the server that is lost if it stops.")
    interruptible: Annotated[Literal["no", "restartable", "checkpointed"], BeforeValidator(_yaml_no)] = Field(
        "no", description="Whether the work survives being stopped at short notice."
    )
    traffic: Literal["steady", "periodic", "spiky", "intermittent"] = "steady"
    lifetime_months: int = Field(36, ge=1, le=1200, description="How long it will run.")
    latency: Literal["relaxed", "interactive", "low", "ultra_low"] = "interactive"
    task_duration_seconds: float = Field(
        2, ge=0, le=31_536_000, description="One unit of work: a request, event or job."
    )
    containerized: bool = Field(False, description="Already packaged as container images.")
    needs_os_control: bool = Field(False, description="Custom OS, kernel, agents or host-licensed software.")
    protocol: Literal["http", "tcp", "udp"] = "http"
    users: Literal["regional", "global"] = "regional"


class Compute(Section):
    vcpus: int = Field(4, ge=1, le=1024, description="Per server or task.")
    memory_gib: float = Field(16, gt=0, le=32768)
    bottleneck: Literal["balanced", "cpu", "memory", "storage_io", "storage_density", "gpu"] = "balanced"
    cpu_usage: Literal["steady", "bursty"] = Field("steady", description="bursty: low average, short peaks.")
    accelerator: Literal["none", "gpu_training", "gpu_inference", "graphics"] = "none"
    architecture: Literal["any", "x86_64", "arm64"] = "any"


class Team(Section):
    operations: Literal["managed", "balanced", "full_control"] = "balanced"
    kubernetes_experience: Literal["none", "some", "expert"] = "none"
    portability: Literal["none", "hybrid", "multi_cloud"] = "none"
    cloud_experience: Literal["beginner", "intermediate", "expert"] = "intermediate"


class Availability(Section):
    target: Annotated[float, AfterValidator(_target)] = Field(
        99.9, json_schema_extra={"enum": list(AVAILABILITY_TARGETS)}
    )
    disaster_recovery: Literal["none", "backup_restore", "active_passive", "active_active"] = "none"


class Database(Section):
    model: Literal["none", "relational", "key_value", "document", "analytics"] = "none"
    access: Literal["read_heavy", "write_heavy", "balanced"] = "balanced"
    scale: Literal["small", "large", "massive"] = "small"
    global_writes: bool = Field(False, description="Writes accepted in several regions at once.")
    performance: Literal["standard", "high"] = "standard"


class Dataset(Section):
    name: str = Field(min_length=1, max_length=200, description="Unique in the file.")
    usage: Literal[
        "static_assets",
        "user_uploads",
        "backups",
        "archives",
        "logs",
        "data_lake",
        "shared_files",
        "block_volume",
        "ml_training_data",
    ] = "static_assets"
    access: Literal["frequent", "infrequent", "rare", "unknown"] = "frequent"
    retrieval: Literal["milliseconds", "minutes", "hours"] = "milliseconds"
    retention_days: int = Field(365, ge=1, le=36_500)
    size_gb: float = Field(100, ge=0, le=100_000_000)
    reproducible: bool = Field(False, description="Can be regenerated if lost.")
    shared_by_instances: bool = Field(False, description="Mounted and changed by many servers at once.")


class Compliance(Section):
    frameworks: list[Framework] = Field(default_factory=list, max_length=7)
    # YAML 1.1 reads an unquoted NO (Norway) as false, as it does the answer "no" above.
    data_residency: Annotated[str | None, BeforeValidator(_yaml_no), AfterValidator(_residency)] = Field(
        None, description='ISO 3166 alpha-2 country ("DE") or "EU"; null = anywhere.'
    )
    encryption_at_rest: bool | None = Field(None, description="null = true when any framework is listed.")
    public_facing: bool = Field(True, description="Reachable from the internet.")
    ddos_sensitive: bool = Field(False, description="A likely DDoS target.")

    @field_validator("frameworks")
    @classmethod
    def _unique_frameworks(cls, frameworks: list[str]) -> list[str]:
        if len(set(frameworks)) != len(frameworks):
            raise ValueError("each framework may be listed once")
        return frameworks


class Cost(Section):
    priority: Literal["lowest_cost", "balanced", "performance"] = "balanced"
    commitment: Literal["none", "one_year", "three_years"] = Field(
        "none", description="Willing to commit spend."
    )


class Requirements(Section):
    """A workload described by its answers; see SPEC section 2."""

    model_config = ConfigDict(
        extra="forbid",
        validate_default=True,
        str_strip_whitespace=True,
        title="advisor requirements (version 1)",
    )

    version: Literal[1]
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    workload: Workload
    compute: Compute = Field(default_factory=Compute)
    team: Team = Field(default_factory=Team)
    availability: Availability = Field(default_factory=Availability)
    database: Database = Field(default_factory=Database)
    datasets: list[Dataset] = Field(default_factory=list, max_length=100)
    processing: Literal["none", "batch_etl", "real_time_stream", "stream_to_storage", "workflow"] = "none"
    compliance: Compliance = Field(default_factory=Compliance)
    cost: Cost = Field(default_factory=Cost)

    @field_validator("datasets")
    @classmethod
    def _unique_dataset_names(cls, datasets: list[Dataset]) -> list[Dataset]:
        seen: set[str] = set()
        for dataset in datasets:
            if dataset.name in seen:
                raise ValueError(f'the dataset name "{dataset.name}" is used twice')
            seen.add(dataset.name)
        return datasets


def json_schema() -> dict[str, Any]:
    return Requirements.model_json_schema()
