"""What must hold across areas for any valid input: the cross-area invariants, all in this one place.

Each invariant is a predicate over `answers` (the validated requirements with every default filled
in: `Profile.answers()`) and `result` (the JSON object of SPEC section 5: `Result.to_dict()`). It
returns the violations it finds, each a sentence, so a failure says what broke; an empty list means
it holds. `focus` lists answers that make the invariant's premise true (alternatives, each mapping a
dotted path to the values to draw from), so generated inputs can test it where it bites.

Numbers come from the rule pack's facts, not from here: an invariant tracks the fact it rests on.
tests/test_invariants.py checks every invariant over generated requirements.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.rulepack import RulePack

Check = Callable[[dict[str, Any], dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Invariant:
    name: str
    check: Check
    focus: tuple[dict[str, tuple[Any, ...]], ...]

    @property
    def doc(self) -> str:
        return " ".join((self.check.__doc__ or "").split())

    def __call__(self, answers: dict[str, Any], result: dict[str, Any]) -> list[str]:
        return self.check(answers, result)


INVARIANTS: list[Invariant] = []


def invariant(*focus: dict[str, tuple[Any, ...]]) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        INVARIANTS.append(Invariant(check.__name__, check, focus))
        return check

    return register


@functools.cache
def pack() -> RulePack:
    from advisor.api import default_advisor

    return default_advisor().pack


def fact(name: str) -> Any:
    return pack().facts[name].value


def choice(result: dict[str, Any], area: str) -> str:
    return result["decisions"][area]["choice"]


def datasets(answers: dict[str, Any], result: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Each data set's answers with its choices, matched by position and checked by name."""
    pairs = []
    for given, decided in zip(answers["datasets"], result["datasets"], strict=True):
        assert given["name"] == decided["name"]
        pairs.append((given, {area: d["choice"] for area, d in decided["decisions"].items()}))
    return pairs


def regions() -> dict[str, Any]:
    return pack().tables.get("regions", {})


# ---- every area ------------------------------------------------------------------------------


@invariant()
def every_area_is_decided_with_a_known_option(answers, result):
    """Every workload area of rules/areas.yaml has a decision whose choice is one of its options
    (regions from tables/regions.yaml included), every data set has every dataset area, and no
    decision names an area the pack does not have."""
    problems = []
    workload = {a.id: a for a in pack().areas if a.scope == "workload" and a.kind == "choice"}
    per_dataset = {a.id: a for a in pack().areas if a.scope == "dataset"}
    if set(result["decisions"]) != set(workload):
        problems.append(f"decided areas {sorted(result['decisions'])} are not the pack's {sorted(workload)}")
    for area_id, decision in result["decisions"].items():
        if area_id in workload and decision["choice"] not in workload[area_id].options:
            problems.append(f"{area_id}: {decision['choice']!r} is not one of its options")
    if len(result["datasets"]) != len(answers["datasets"]):
        problems.append(f"{len(answers['datasets'])} data sets given, {len(result['datasets'])} decided")
    for dataset in result["datasets"]:
        if set(dataset["decisions"]) != set(per_dataset):
            problems.append(f"data set {dataset['name']!r}: areas {sorted(dataset['decisions'])}")
        for area_id, decision in dataset["decisions"].items():
            if area_id in per_dataset and decision["choice"] not in per_dataset[area_id].options:
                problems.append(
                    f"data set {dataset['name']!r}: {area_id}: {decision['choice']!r} is not an option"
                )
    for decision in [
        *result["decisions"].values(),
        *(d for s in result["datasets"] for d in s["decisions"].values()),
    ]:
        if decision["confidence"] not in ("high", "medium", "low"):
            problems.append(f"confidence {decision['confidence']!r}")
        if not decision["rationale"]:
            problems.append(f"{decision['choice']}: no rationale")
    return problems


@invariant()
def every_control_is_known_and_listed_once(answers, result):
    """Every proposed control is an option of the controls area, proposed once, with a reason."""
    known = next(a for a in pack().areas if a.kind == "set").options
    ids = [control["id"] for control in result["controls"]]
    problems = [f"unknown control {i!r}" for i in ids if i not in known]
    problems += [f"control {i!r} proposed twice" for i in sorted(set(ids)) if ids.count(i) > 1]
    problems += [f"control {c['id']!r} has no rationale" for c in result["controls"] if not c["rationale"]]
    return problems


# ---- compute and purchase --------------------------------------------------------------------


@invariant({"workload.interruptible": ("no",)}, {"workload.stateful": (True,)})
def no_spot_for_work_that_cannot_be_interrupted(answers, result):
    """Spot capacity is reclaimed at short notice: never Spot when workload.interruptible is "no"
    or the workload keeps state on its servers (workload.stateful)."""
    workload = answers["workload"]
    if (workload["interruptible"] == "no" or workload["stateful"]) and choice(
        result, "purchase_option"
    ) == "spot":
        return [f"spot with interruptible={workload['interruptible']}, stateful={workload['stateful']}"]
    return []


@invariant({"workload.lifetime_months": (1, 3, 6, 11)})
def no_commitment_longer_than_the_workload(answers, result):
    """Savings Plans and Reserved Instances are sold for a year or more (fact commitment_min_months):
    never for a workload that will run for less."""
    months = answers["workload"]["lifetime_months"]
    if months >= fact("commitment_min_months"):
        return []
    return [
        f"{area} {choice(result, area)} for a workload of {months} months"
        for area in ("purchase_option", "database_purchase_option")
        if choice(result, area) in ("savings_plan", "reserved_instances")
    ]


@invariant({"workload.type": ("relational_database", "nosql_database", "data_warehouse", "cache")})
def a_design_without_compute_pays_for_its_data_store(answers, result):
    """With no compute of its own, the design's capacity is its managed data store: purchase_option
    takes the data store's purchase (SPEC §12), never not_applicable beside a decided one."""
    if choice(result, "compute_platform") != "not_applicable":
        return []
    own, store = choice(result, "purchase_option"), choice(result, "database_purchase_option")
    if own != store:
        return [f"purchase_option {own} but database_purchase_option {store} with no compute"]
    return []


@invariant({"workload.task_duration_seconds": (901, 1200, 3600, 86400)})
def no_lambda_beyond_its_time_limit(answers, result):
    """A unit of work longer than Lambda's limit (fact lambda_max_duration_seconds) never runs on Lambda."""
    seconds = answers["workload"]["task_duration_seconds"]
    if seconds > fact("lambda_max_duration_seconds") and choice(result, "compute_platform") == "lambda":
        return [f"lambda for work of {seconds} s"]
    return []


@invariant({"workload.containerized": (True,)}, {"workload.type": ("microservices",)}, {})
def container_areas_apply_exactly_to_containers(answers, result):
    """container_orchestrator and container_capacity are not_applicable exactly when the compute
    platform is not containers."""
    platform = choice(result, "compute_platform")
    problems = []
    for area in ("container_orchestrator", "container_capacity"):
        not_applicable = choice(result, area) == "not_applicable"
        if not_applicable != (platform != "containers"):
            problems.append(f"{area}={choice(result, area)} with compute_platform={platform}")
    return problems


@invariant({"workload.type": ("event_driven", "api")}, {"workload.containerized": (True,)})
def no_instance_family_without_instances(answers, result):
    """instance_family is not_applicable when nothing runs on instances the user picks: the platform
    is Lambda, or the containers run on Fargate."""
    platform, capacity = choice(result, "compute_platform"), choice(result, "container_capacity")
    family = choice(result, "instance_family")
    if (platform == "lambda" or capacity == "fargate") and family != "not_applicable":
        return [f"instance_family={family} with compute_platform={platform}, container_capacity={capacity}"]
    return []


@invariant({"compute.accelerator": ("gpu_training", "gpu_inference", "graphics")})
def no_accelerator_on_lambda_or_fargate(answers, result):
    """Lambda and Fargate offer no GPUs or other accelerators: a workload that needs one
    (compute.accelerator other than none) runs on neither."""
    accelerator = answers["compute"]["accelerator"]
    if accelerator == "none":
        return []
    problems = []
    if choice(result, "compute_platform") == "lambda":
        problems.append(f"lambda for accelerator {accelerator}")
    if choice(result, "container_capacity") == "fargate":
        problems.append(f"fargate for accelerator {accelerator}")
    return problems


# ---- network and availability ----------------------------------------------------------------


@invariant({"workload.protocol": ("tcp", "udp")})
def no_alb_for_tcp_or_udp(answers, result):
    """An Application Load Balancer speaks HTTP only: TCP or UDP traffic never gets an ALB."""
    protocol = answers["workload"]["protocol"]
    if protocol in ("tcp", "udp") and choice(result, "load_balancer") == "alb":
        return [f"alb for {protocol}"]
    return []


@invariant({"availability.target": (99.99, 99.999)})
def no_single_az_for_four_nines_or_more(answers, result):
    """One Availability Zone cannot meet 99.99% or more: such targets never get single_az."""
    target = answers["availability"]["target"]
    if target >= 99.99 and choice(result, "availability") == "single_az":
        return [f"single_az for a target of {target}%"]
    return []


@invariant({"availability.disaster_recovery": ("active_passive",)})
def active_passive_runs_in_two_regions_behind_failover_dns(answers, result):
    """Active/passive disaster recovery means a standby region: availability multi_region, and DNS
    that fails over to it (dns_routing failover)."""
    if answers["availability"]["disaster_recovery"] != "active_passive":
        return []
    problems = []
    if choice(result, "availability") != "multi_region":
        problems.append(f"availability={choice(result, 'availability')} for active_passive")
    if choice(result, "dns_routing") != "failover":
        problems.append(f"dns_routing={choice(result, 'dns_routing')} for active_passive")
    return problems


# Workload types whose clients connect to them (rather than the work pulling its input).
SERVES_CLIENTS = ("web_app", "api", "microservices", "stream_processing", "game_server", "ml_inference")


@invariant(
    {
        "workload.type": ("stream_processing", "game_server", "api"),
        "workload.protocol": ("tcp", "udp"),
        "compliance.public_facing": (True,),
        "workload.containerized": (True,),
    }
)
def clients_connecting_over_tcp_or_udp_get_an_nlb(answers, result):
    """The load balancer follows how clients reach the workload, not its type alone: servers that
    clients reach over TCP or UDP from the internet (public_facing) sit behind a Network Load
    Balancer, whatever the workload type, stream processing included."""
    workload = answers["workload"]
    if (
        answers["compliance"]["public_facing"]
        and workload["protocol"] in ("tcp", "udp")
        and workload["type"] in SERVES_CLIENTS
        and choice(result, "compute_platform") in ("ec2", "containers", "elastic_beanstalk")
        and choice(result, "load_balancer") != "nlb"
    ):
        return [f"load_balancer={choice(result, 'load_balancer')} for public {workload['protocol']} clients"]
    return []


# ---- region and residency --------------------------------------------------------------------


@invariant({"compliance.data_residency": ("DE", "de")})
def residency_in_germany_is_frankfurt(answers, result):
    """Data that must stay in Germany runs in eu-central-1 (Frankfurt), Germany's first region."""
    if answers["compliance"]["data_residency"] == "DE" and choice(result, "region") != "eu-central-1":
        return [f"region {choice(result, 'region')} for residency DE"]
    return []


@invariant({"compliance.data_residency": ("EU", "eu")})
def residency_in_the_eu_is_an_eu_region(answers, result):
    """Data that must stay in the EU runs in a region whose entry in tables/regions.yaml is in the EU."""
    if answers["compliance"]["data_residency"] != "EU":
        return []
    region = choice(result, "region")
    entry = regions().get("options", {}).get(region, {})
    return [] if entry.get("eu") is True else [f"region {region} (eu={entry.get('eu')}) for residency EU"]


def _countries(kind: str) -> tuple[str, ...]:
    """Residency codes of tables/regions.yaml by kind: own (a region in the country), eea (an EU/EEA
    member without one), abroad (no region in the country, outside the EEA)."""
    table = regions()
    options, out = table.get("options", {}), []
    for code, entry in table.get("countries", {}).items():
        if code == "EU":
            continue
        country = entry.get("alias_of", code)
        own = options.get(entry["region"], {}).get("country") == country
        if {
            "own": own,
            "eea": not own and entry.get("gdpr_area"),
            "abroad": not own and not entry.get("gdpr_area"),
        }[kind]:
            out.append(code)
    return tuple(sorted(out))


@invariant({"compliance.data_residency": _countries("own")})
def residency_in_a_country_with_a_region_stays_in_it(answers, result):
    """Data that must stay in a country with an AWS region runs in a region in that country."""
    code = answers["compliance"]["data_residency"]
    if code not in _countries("own"):
        return []
    country = regions()["countries"][code].get("alias_of", code)
    region = choice(result, "region")
    where = regions()["options"].get(region, {}).get("country")
    return [] if where == country else [f"region {region} (in {where}) for residency {code}"]


@invariant({"compliance.data_residency": _countries("eea")})
def residency_in_the_eea_stays_in_the_eu(answers, result):
    """Data that must stay in an EU/EEA member without a region of its own runs in an EU region (the
    GDPR lets personal data move inside the EEA)."""
    code = answers["compliance"]["data_residency"]
    if code not in _countries("eea"):
        return []
    region = choice(result, "region")
    return (
        []
        if regions()["options"].get(region, {}).get("eu") is True
        else [f"region {region} for residency {code}"]
    )


@invariant({"compliance.data_residency": _countries("abroad")})
def residency_no_region_can_meet_is_warned(answers, result):
    """When the residency country has no region and is outside the EEA, the data must leave it: the
    result warns, naming the country, instead of presenting the nearest region as compliant."""
    code = answers["compliance"]["data_residency"]
    if code not in _countries("abroad"):
        return []
    name = regions()["countries"][code]["name"]
    return (
        []
        if any(name in warning for warning in result["warnings"])
        else [f"no warning naming {name} for residency {code}"]
    )


# ---- storage ---------------------------------------------------------------------------------

# The minimum storage duration of each S3 class that has one, as the fact that states it.
MINIMUM_DAYS_FACT = {
    "s3_standard_ia": "ia_min_days",
    "s3_one_zone_ia": "ia_min_days",
    "s3_glacier_instant_retrieval": "glacier_ir_min_days",
    "s3_glacier_flexible_retrieval": "glacier_flexible_min_days",
    "s3_glacier_deep_archive": "deep_archive_min_days",
}


@invariant(
    {"datasets[*].usage": ("block_volume", "shared_files")}, {"datasets[*].shared_by_instances": (True,)}, {}
)
def storage_class_applies_exactly_to_s3(answers, result):
    """A data set's storage_class is not_applicable exactly when its storage_service is not S3."""
    problems = []
    for given, decided in datasets(answers, result):
        if (decided["storage_class"] == "not_applicable") != (decided["storage_service"] != "s3"):
            problems.append(
                f"{given['name']!r}: storage_class={decided['storage_class']} on {decided['storage_service']}"
            )
    return problems


@invariant({"datasets[*].retrieval": ("milliseconds",), "datasets[*].access": ("rare", "infrequent")})
def no_archive_class_for_millisecond_retrieval(answers, result):
    """Glacier Flexible Retrieval and Deep Archive restore in minutes to hours: data that must come
    back in milliseconds is never stored in them."""
    return [
        f"{given['name']!r}: {decided['storage_class']} for millisecond retrieval"
        for given, decided in datasets(answers, result)
        if given["retrieval"] == "milliseconds"
        and decided["storage_class"] in ("s3_glacier_flexible_retrieval", "s3_glacier_deep_archive")
    ]


@invariant(
    {
        "datasets[*].retention_days": (1, 7, 29, 30, 60, 89, 90, 120, 179),
        "datasets[*].access": ("rare", "infrequent"),
    }
)
def no_class_whose_minimum_outlasts_the_retention(answers, result):
    """Data kept for less than a class's minimum storage duration is billed for the whole minimum:
    it never goes to that class (minimums: MINIMUM_DAYS_FACT)."""
    problems = []
    for given, decided in datasets(answers, result):
        fact_id = MINIMUM_DAYS_FACT.get(decided["storage_class"])
        if fact_id and given["retention_days"] < fact(fact_id):
            problems.append(
                f"{given['name']!r}: {decided['storage_class']} for {given['retention_days']} days"
            )
    return problems


@invariant({"datasets[*].reproducible": (False,), "datasets[*].access": ("infrequent", "frequent")})
def no_single_zone_class_for_data_that_cannot_be_recreated(answers, result):
    """One Zone-IA and Express One Zone keep data in one Availability Zone and lose it with the zone:
    never for data that cannot be re-created (reproducible false)."""
    return [
        f"{given['name']!r}: {decided['storage_class']} for data that is not reproducible"
        for given, decided in datasets(answers, result)
        if not given["reproducible"] and decided["storage_class"] in ("s3_one_zone_ia", "s3_express_one_zone")
    ]


@invariant({"datasets[*].usage": ("shared_files",)}, {"datasets[*].shared_by_instances": (True,)})
def no_ebs_for_shared_files(answers, result):
    """An EBS volume belongs to one instance in one zone: files shared by many servers (usage
    shared_files, or shared_by_instances) never go on EBS."""
    return [
        f"{given['name']!r}: ebs for shared files"
        for given, decided in datasets(answers, result)
        if (given["usage"] == "shared_files" or given["shared_by_instances"])
        and decided["storage_service"] == "ebs"
    ]


# ---- controls --------------------------------------------------------------------------------


@invariant({"compliance.frameworks": (("sec_17a_4",), ("sec_17a_4", "hipaa"), ("pci_dss", "sec_17a_4"))})
def sec_17a_4_gets_object_lock(answers, result):
    """SEC rule 17a-4 requires records kept unalterable (WORM): the sec_17a_4 framework always gets
    the s3_object_lock control."""
    if "sec_17a_4" in answers["compliance"]["frameworks"] and "s3_object_lock" not in [
        c["id"] for c in result["controls"]
    ]:
        return ["sec_17a_4 without s3_object_lock"]
    return []


# ---- answers that contradict each other (SPEC section 12) -------------------------------------


def warned(result: dict[str, Any], *fields: str) -> bool:
    """Some warning names every one of the fields (by its dotted path)."""
    return any(all(f in warning for f in fields) for warning in result["warnings"])


@invariant({"compliance.public_facing": (False,), "compliance.ddos_sensitive": (True,)})
def no_shield_advanced_for_a_workload_not_reachable_from_the_internet(answers, result):
    """Shield Advanced protects internet-facing resources: a workload that is not public_facing never
    gets it, and when it is also marked ddos_sensitive a warning names both fields."""
    compliance = answers["compliance"]
    if compliance["public_facing"]:
        return []
    problems = []
    if "shield_advanced" in [c["id"] for c in result["controls"]]:
        problems.append("shield_advanced for a workload that is not public_facing")
    if compliance["ddos_sensitive"] and not warned(
        result, "compliance.ddos_sensitive", "compliance.public_facing"
    ):
        problems.append("ddos_sensitive and not public_facing without a warning naming both")
    return problems


# Instance families with no Graviton (arm64) types: fact graviton_accelerated_families.
NO_GRAVITON_FAMILIES = ("p", "inf", "trn", "d")


@invariant(
    {"compute.architecture": ("arm64",), "compute.accelerator": ("gpu_training", "gpu_inference")},
    {"compute.architecture": ("arm64",), "compute.bottleneck": ("storage_density",)},
)
def arm64_on_a_family_without_graviton_is_warned(answers, result):
    """P, Inf, Trn and D instances have no arm64 types: when compute.architecture is arm64 and the
    design still needs one of them, a warning names compute.architecture."""
    family = choice(result, "instance_family")
    if answers["compute"]["architecture"] == "arm64" and family in NO_GRAVITON_FAMILIES:
        if not warned(result, "compute.architecture"):
            return [f"instance_family={family} for arm64 without a warning"]
    return []


# Platforms that run no processor of the design's choosing (rule cpu.not-applicable.no-processor-to-choose).
NO_PROCESSOR_TO_CHOOSE = ("lightsail", "not_applicable")


@invariant(
    {"compute.architecture": ("arm64", "x86_64")},
    {"compute.architecture": ("arm64",), "compute.accelerator": ("gpu_training",)},
    {"compute.architecture": ("arm64",), "compute.bottleneck": ("storage_density",)},
)
def the_architecture_answer_is_followed(answers, result):
    """cpu_architecture applies exactly where the design runs servers, tasks or functions; there it
    never contradicts compute.architecture: x86_64 is always kept, and arm64 gives way only with a
    warning naming compute.architecture."""
    platform, decided = choice(result, "compute_platform"), choice(result, "cpu_architecture")
    if (platform in NO_PROCESSOR_TO_CHOOSE) != (decided == "not_applicable"):
        return [f"cpu_architecture={decided} on compute_platform={platform}"]
    asked = answers["compute"]["architecture"]
    if decided == "not_applicable" or asked in ("any", decided):
        return []
    if asked == "arm64" and warned(result, "compute.architecture"):
        return []
    return [f"cpu_architecture={decided} for compute.architecture={asked} without a warning"]


@invariant(
    {"compute.architecture": ("arm64",), "compute.accelerator": ("gpu_inference", "graphics")},
    {"compute.architecture": ("any",), "workload.type": ("web_app", "batch", "cache", "nosql_database")},
)
def the_suggested_instance_has_the_decided_architecture(answers, result):
    """An arm64 design never gets a family without Graviton types, and the suggested instance type
    is the table's name for the decided architecture wherever the family has one (not whichever
    name the table lists first)."""
    decided, family = choice(result, "cpu_architecture"), choice(result, "instance_family")
    if family == "not_applicable":
        return []
    if decided == "arm64" and family in NO_GRAVITON_FAMILIES:
        return [f"instance_family={family} on arm64"]
    names = pack().tables["instance_types"]["families"][family]["names"]
    suggested = result["decisions"]["instance_family"].get("details", {}).get("suggested_instance_type", "")
    if decided in names and suggested and not suggested.startswith(names[decided] + "."):
        return [f"suggested {suggested} for {decided}, whose {family} name is {names[decided]}"]
    return []


@invariant(
    {
        "workload.interruptible": ("restartable", "checkpointed"),
        "workload.containerized": (True,),
        "workload.stateful": (False,),
    },
)
def fargate_spot_runs_x86_64(answers, result):
    """Fargate Spot runs Linux X86_64 tasks only (fact fargate_spot_platforms): Spot on Fargate
    capacity always comes with cpu_architecture x86_64."""
    if choice(result, "container_capacity") == "fargate" and choice(result, "purchase_option") == "spot":
        if choice(result, "cpu_architecture") != "x86_64":
            return [f"Fargate Spot with cpu_architecture={choice(result, 'cpu_architecture')}"]
    return []


@invariant({"workload.latency": ("ultra_low",), "workload.type": ("event_driven", "scheduled_job", "api")})
def ultra_low_latency_on_lambda_is_warned(answers, result):
    """Lambda starts new execution environments cold: ultra_low latency on Lambda always comes with
    a warning naming workload.latency."""
    if answers["workload"]["latency"] == "ultra_low" and choice(result, "compute_platform") == "lambda":
        if not warned(result, "workload.latency"):
            return ["lambda for ultra_low latency without a warning"]
    return []


@invariant(
    {
        "workload.type": ("in_memory_database", "cache"),
        "database.model": ("relational", "key_value", "document", "analytics"),
    }
)
def an_in_memory_store_with_a_database_model_is_warned(answers, result):
    """A cache or in-memory database is itself the data store: when database.model also names a
    database, a warning names workload.type and database.model."""
    if (
        answers["workload"]["type"] in ("in_memory_database", "cache")
        and answers["database"]["model"] != "none"
    ):
        if not warned(result, "workload.type", "database.model"):
            return [
                f"{answers['workload']['type']} with database.model={answers['database']['model']} unwarned"
            ]
    return []


@invariant({"workload.type": ("small_website",)}, {"team.cloud_experience": ("beginner",)})
def lightsail_runs_in_one_availability_zone(answers, result):
    """A Lightsail instance lives in one Availability Zone: a Lightsail design is never laid out
    across several zones or regions."""
    if choice(result, "compute_platform") == "lightsail" and choice(result, "availability") != "single_az":
        return [f"availability={choice(result, 'availability')} for a Lightsail design"]
    return []


def one_region_countries() -> tuple[str, ...]:
    """Residency codes of countries with exactly one region of their own (tables/regions.yaml)."""
    table = regions()
    options = table.get("options", {})
    out = []
    for code, entry in table.get("countries", {}).items():
        country = entry.get("alias_of", code)
        if code != "EU" and sum(1 for o in options.values() if o.get("country") == country) == 1:
            out.append(code)
    return tuple(sorted(out))


@invariant({"workload.users": ("global",), "compliance.data_residency": one_region_countries()})
def global_users_with_one_region_residency_are_warned(answers, result):
    """Users around the world and data that must stay in a country with one region conflict: either
    the design stays in that region and a warning names workload.users and
    compliance.data_residency, or it spans regions and a warning names the country."""
    code = answers["compliance"]["data_residency"]
    if answers["workload"]["users"] != "global" or code not in one_region_countries():
        return []
    if choice(result, "availability") == "multi_region":
        name = regions()["countries"][code]["name"]
        return [] if any(name in w for w in result["warnings"]) else [f"multi_region for {code} unwarned"]
    return [] if warned(result, "workload.users", "compliance.data_residency") else [f"global users, {code}"]


# ---- repeatability (needs two evaluations, so not a predicate over one result) ------------------


def same_input_same_output(first_json: str, second_json: str) -> list[str]:
    """The same input twice gives byte-identical JSON, whatever was evaluated in between."""
    return [] if first_json == second_json else ["two evaluations of one input differ"]
