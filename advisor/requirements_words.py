"""What each requirements field means to people, by section: the label, question, help and value meanings the models in requirements.py carry.

Each constant is named for the field it describes (WORKLOAD_TYPE is workload.type, DATASET_USAGE a
data set's usage, NAME the top-level name); tests/test_requirements_words.py keeps names and fields in step.
"""

from __future__ import annotations

from advisor.about import About


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


# ---- Workload ----------------------------------------------------------------------------------

WORKLOAD_TYPE = About(
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
)

WORKLOAD_ENVIRONMENT = About(
    "Environment",
    "Which environment is this?",
    "Production serves real users and gets the safeguards; the others can trade them for cost.",
    {
        "production": "serves real users",
        "staging": "a copy for testing releases",
        "development": "for building and trying things out",
    },
)

WORKLOAD_STATEFUL = About(
    "Keeps state on the servers",
    "Is it stateful?",
    "Stateful: a server keeps sessions, local files or in-memory data that are lost if it stops. "
    "Stateless: any server can take any request and be replaced at any time.",
)

WORKLOAD_INTERRUPTIBLE = About(
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
)

WORKLOAD_TRAFFIC = About(
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
)

WORKLOAD_LIFETIME_MONTHS = About(
    "Expected lifetime",
    "How many months will it run?",
    "Long-lived, steady workloads can earn commitment discounts; short ones should not commit.",
    unit="months",
)

WORKLOAD_LATENCY = About(
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
)

WORKLOAD_TASK_DURATION_SECONDS = About(
    "One unit of work takes",
    "How long does one unit of work take, in seconds?",
    "One request, event or job, from start to finish.",
    unit="duration",
)

WORKLOAD_CONTAINERIZED = About(
    "Packaged as container images",
    "Is it already packaged as container images?",
    "Container images (Docker or OCI) can run on a container service without repackaging.",
)

WORKLOAD_NEEDS_OS_CONTROL = About(
    "Needs OS-level control",
    "Does it need control of the operating system?",
    "A custom OS or kernel, agents on the host, or software licensed per host.",
)

WORKLOAD_PROTOCOL = About(
    "Protocol",
    "How do clients reach it?",
    "The protocol clients use to connect.",
    {
        "http": "web requests: HTTP, HTTPS, gRPC, WebSocket",
        "tcp": "other TCP connections",
        "udp": "UDP datagrams: games, voice, DNS",
    },
    words={"http": "HTTP", "tcp": "TCP", "udp": "UDP"},
)

WORKLOAD_USERS = About(
    "Where the users are",
    "Where are its users?",
    "Users far from the region wait longer for every response.",
    {"regional": "mostly in one part of the world", "global": "on several continents"},
    words={"regional": "in one region", "global": "around the world"},
)

# ---- Compute -----------------------------------------------------------------------------------

COMPUTE_VCPUS = About(
    "vCPUs per server or task",
    "How many vCPUs does one server or task need?",
    "Virtual CPUs for one copy of it; scaling out adds copies.",
)

COMPUTE_MEMORY_GIB = About(
    "Memory per server or task",
    "How much memory does one server or task need, in GiB?",
    "Memory for one copy of it.",
    unit="GiB",
)

COMPUTE_BOTTLENECK = About(
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
)

COMPUTE_CPU_USAGE = About(
    "CPU usage",
    "How busy is the CPU over time?",
    "Bursty work can run on cheaper instances that save up CPU credits between peaks.",
    {"steady": "busy most of the time", "bursty": "low average use with short peaks"},
)

COMPUTE_ACCELERATOR = About(
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
)

COMPUTE_ARCHITECTURE = About(
    "CPU architecture",
    "Which processors does the software run on?",
    "Arm (AWS Graviton) instances usually cost less for the same work.",
    {"any": "both x86 and Arm", "x86_64": "Intel or AMD only", "arm64": "Arm only"},
    words={"x86_64": "x86-64", "arm64": "Arm64"},
)

# ---- Team --------------------------------------------------------------------------------------

TEAM_OPERATIONS = About(
    "Operations preference",
    "How much running of servers does the team want to do?",
    "Managed services cost more per unit but leave patching, scaling and failover to AWS.",
    {
        "managed": "let AWS run servers, patching and scaling",
        "balanced": "some of both",
        "full_control": "the team runs and tunes its own servers",
    },
)

TEAM_KUBERNETES_EXPERIENCE = About(
    "Kubernetes experience",
    "How much Kubernetes experience does the team have?",
    "Kubernetes is powerful for containers but takes skill to run well.",
    {"none": "none", "some": "has run it", "expert": "runs production clusters"},
)

TEAM_PORTABILITY = About(
    "Portability need",
    "Must it also run outside AWS?",
    "Portability favours open tooling over AWS-only services.",
    {
        "none": "AWS only",
        "hybrid": "also in our own data centres",
        "multi_cloud": "also on other clouds",
    },
    words={"multi_cloud": "multi-cloud"},
)

TEAM_CLOUD_EXPERIENCE = About(
    "Cloud experience",
    "How experienced with AWS is the team?",
    "Simpler services suit a team new to AWS.",
    {
        "beginner": "new to AWS",
        "intermediate": "has run workloads on AWS",
        "expert": "knows AWS well",
    },
)

# ---- Availability ------------------------------------------------------------------------------


def availability_target(targets: tuple[float, ...]) -> About:
    """The availability target's meanings: the downtime each target allows."""
    return About(
        "Availability target",
        "What availability must it have, in percent?",
        "The share of time it must be up: each extra nine cuts the allowed downtime tenfold and costs more.",
        {f"{target:g}": _downtime(target) for target in targets},
        unit="percent",
    )


AVAILABILITY_DISASTER_RECOVERY = About(
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
)

# ---- Database ----------------------------------------------------------------------------------

DATABASE_MODEL = About(
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
)

DATABASE_ACCESS = About(
    "Access pattern",
    "Is the database mostly read or written?",
    "Read-heavy databases scale with read replicas and caches.",
    {"read_heavy": "mostly reads", "write_heavy": "mostly writes", "balanced": "both"},
    words={"read_heavy": "read-heavy", "write_heavy": "write-heavy"},
)

DATABASE_SCALE = About(
    "Scale",
    "How large is the database?",
    "Size and request rate, now and in the planned lifetime.",
    {
        "small": "fits one database server",
        "large": "needs a large server or read replicas",
        "massive": "more than one server can hold; partitioned",
    },
)

DATABASE_GLOBAL_WRITES = About(
    "Writes in several regions",
    "Must it accept writes in several regions at once?",
    "Writing in several regions at once needs a database built for it.",
)

DATABASE_PERFORMANCE = About(
    "Performance need",
    "Does the database need top performance?",
    "High performance costs more for faster storage and failover.",
    {"standard": "ordinary performance is fine", "high": "the fastest storage and failover"},
)

# ---- Dataset -----------------------------------------------------------------------------------

DATASET_NAME = About("Name", "Name of the data set", "A short name, unique in the file.")

DATASET_USAGE = About(
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
)

DATASET_ACCESS = About(
    "Read",
    "How often is it read?",
    "Rarely read data can live in cheaper storage classes.",
    {
        "frequent": "every day",
        "infrequent": "about once a month",
        "rare": "a few times a year or less",
        "unknown": "changes over time, or not known",
    },
)

DATASET_RETRIEVAL = About(
    "Must come back within",
    "How fast must it come back when it is read?",
    "The cheapest archive storage takes hours to return data.",
    {"milliseconds": "at once", "minutes": "within minutes", "hours": "within hours"},
)

DATASET_RETENTION_DAYS = About(
    "Kept for",
    "How many days is it kept?",
    "Data kept for years suits archive storage.",
    unit="days",
)

DATASET_SIZE_GB = About(
    "Size",
    "How large is it, in GB?",
    "Its size now, or the size it will grow to.",
    unit="GB",
)

DATASET_REPRODUCIBLE = About(
    "Can be regenerated",
    "Could it be regenerated if lost?",
    "Derived data, thumbnails and caches can live in cheaper, less redundant storage.",
)

DATASET_SHARED_BY_INSTANCES = About(
    "Shared by many servers",
    "Do several servers mount and change it at the same time?",
    "A file system shared by many servers needs a network file system.",
)

# ---- Compliance --------------------------------------------------------------------------------

COMPLIANCE_FRAMEWORKS = About(
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
)

COMPLIANCE_DATA_RESIDENCY = About(
    "Data residency",
    "Where must the data stay?",
    'A country code such as DE, or EU; "anywhere" for no restriction.',
    null="anywhere",
    detail='In the file: an ISO 3166 alpha-2 country code ("DE") or "EU"; null for anywhere.',
)

COMPLIANCE_ENCRYPTION_AT_REST = About(
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
)

COMPLIANCE_PUBLIC_FACING = About(
    "Reachable from the internet",
    "Is it reachable from the internet?",
    "Public endpoints need a firewall and protection from attacks.",
)

COMPLIANCE_DDOS_SENSITIVE = About(
    "Likely DDoS target",
    "Is it a likely target of denial-of-service attacks?",
    "High-profile, political, gaming or gambling sites draw attacks; "
    "most sites need only the free protection.",
)

# ---- Cost --------------------------------------------------------------------------------------

COST_PRIORITY = About(
    "Cost priority",
    "What matters most when cost and speed pull apart?",
    "The tie-breaker between cheaper and faster options.",
    {
        "lowest_cost": "the cheapest option that works",
        "balanced": "good value",
        "performance": "the fastest, even at a higher cost",
    },
)

COST_COMMITMENT = About(
    "Spend commitment",
    "Would you commit to a steady spend for a discount?",
    "Savings Plans and Reserved Instances cut the price in return for a term.",
    {
        "none": "pay as you go",
        "one_year": "commit for one year",
        "three_years": "commit for three years",
    },
)

# ---- Usage -------------------------------------------------------------------------------------

USAGE_INSTANCES = About(
    "Servers or tasks at the expected load",
    "How many servers or tasks run at the expected load?",
    "Copies of it running on a normal day; Auto Scaling keeps at least this many.",
)

USAGE_PEAK_INSTANCES = About(
    "Servers or tasks at the peak",
    "How many servers or tasks run at the peak?",
    "Copies of it at the busiest time; the high end of the estimate (never below the expected load).",
    null="the same as at the expected load",
)

USAGE_HOURS_PER_MONTH = About(
    "Hours a month it runs",
    "How many hours a month does it run?",
    "730 is always on; a nightly two-hour batch job runs about 60.",
)

USAGE_REQUESTS_PER_MONTH = About(
    "Invocations a month",
    "For functions: how many invocations a month?",
    "How often a function platform such as Lambda runs it; 0 when it is not a function.",
)

USAGE_DURATION_MS = About(
    "Duration of one invocation",
    "For functions: how long does one invocation take, in milliseconds?",
    "The average time a function runs for one invocation; it is billed by the millisecond.",
)

# ---- Override ----------------------------------------------------------------------------------

OVERRIDE_CHOICE = About("Choice", "Which option does the team take?", "An option id of the overridden area.")

OVERRIDE_REASON = About(
    "Reason", "Why?", "Why the team takes another choice than the advice: shown beside the advice."
)

OVERRIDE_UNTIL = About(
    "Until",
    "Until when does it hold?",
    "After this date the override no longer applies, and a warning says so (optional).",
)

# ---- Requirements ------------------------------------------------------------------------------

VERSION = About(
    "Format version",
    "Which version of the requirements format is this?",
    "The version of this file's format, so that a later advisor can read it or say what changed.",
    {"1": "the first version, described in SPEC section 2"},
)

NAME = About("Name", "Name of the workload", "A short name; it titles the decisions and the memo.")

DESCRIPTION = About("Description", "Description", "One sentence on what it does (optional).")

WORKLOAD = About(
    "Workload",
    "What is the workload, and how does it run?",
    "Its kind, its environment and how it is used: what most decisions start from.",
)

COMPUTE = About(
    "Compute",
    "What does one server or task need?",
    "The size and shape of one copy of it; scaling out adds copies.",
)

TEAM = About(
    "Team",
    "Who runs it, and what do they know?",
    "The team's skills and wishes weigh managed services against control.",
)

AVAILABILITY = About(
    "Availability",
    "How much downtime can it take?",
    "The availability target and what happens when a whole region fails.",
)

DATABASE = About(
    "Database",
    "What database does it use?",
    "The main database, if there is one: its model, its load and its reach.",
)

DATASETS = About(
    "Data sets",
    "Does it store data sets (files, objects or volumes)?",
    "Images, uploads, backups, logs, archives, disks: each data set gets its own storage decision.",
)

PROCESSING = About(
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
)

COMPLIANCE = About(
    "Compliance and security",
    "What rules and exposure does it live under?",
    "Compliance frameworks, where the data must stay, encryption and exposure to the internet.",
)

COST = About(
    "Cost",
    "How should cost weigh against speed?",
    "What to favour when cost and performance pull apart, and whether to commit spend for a discount.",
)

USAGE = About(
    "Usage",
    "How much of it runs, and for how long?",
    "Servers or tasks at the expected load and at the peak, hours a month, and for functions "
    "invocations and their duration: what the cost estimate multiplies.",
)

OVERRIDES = About(
    "Overrides",
    "Does the team override any decision?",
    'The team\'s own choice for a decision, keyed by area or "dataset:NAME:AREA", with a '
    "required reason and an optional end date; the advice stays visible beside it.",
)
