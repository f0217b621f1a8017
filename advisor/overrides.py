"""A team's overrides of decisions (SPEC §9): checked against the rule pack, dated, and applied."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from advisor.errors import InvalidRequirements, Problem
from advisor.requirements import Override
from advisor.resolve import WORKLOAD
from advisor.rulepack import RulePack
from advisor.validation import Profile


@dataclass(frozen=True)
class Active:
    """The overrides that apply on the given day, by (subject, area), and a warning per expired one."""

    by_key: dict[tuple[int, str], Override]
    warnings: list[str]


NONE = Active({}, [])


def resolve(profile: Profile, pack: RulePack, today: datetime.date | None = None) -> Active:
    """Check every override's key and choice (InvalidRequirements naming the key and its line);
    keep those whose `until` is not before `today` (today's date only when none is given)."""
    overrides = profile.requirements.overrides
    if not overrides:
        return NONE
    document = profile.document
    source = document.source if document is not None else "requirements"
    names = {dataset.name: index for index, dataset in enumerate(profile.requirements.datasets)}
    problems: list[Problem] = []
    keys: dict[str, tuple[int, str]] = {}

    def line(*loc: str) -> int | None:
        return document.line_of(("overrides", *loc)) if document is not None else None

    for key, override in overrides.items():
        where = f"overrides.{key}"
        subject, area_id, scope = WORKLOAD, key, "workload"
        if key.startswith("dataset:"):
            name, _, area_id = key.removeprefix("dataset:").rpartition(":")
            scope = "dataset"
            if name not in names:
                listed = ", ".join(repr(n) for n in names) or "none"
                problems.append(Problem(where, f"no dataset named {name!r} (datasets: {listed})", line(key)))
                continue
            subject = names[name]
        area = pack.area_by_id.get(area_id)
        if area is None or area.kind != "choice" or area.scope != scope:
            known = [a.id for a in pack.areas if a.kind == "choice" and a.scope == scope]
            problems.append(
                Problem(where, f"unknown {scope} area {area_id!r}; known: {', '.join(known)}", line(key))
            )
            continue
        if override.choice not in area.options:
            shown = list(area.options)
            listing = ", ".join(shown[:20]) + (", …" if len(shown) > 20 else "")
            problems.append(
                Problem(
                    f"{where}.choice",
                    f"{override.choice!r} is not an option of {area_id}; options: {listing}",
                    line(key, "choice"),
                )
            )
            continue
        keys[key] = (subject, area_id)
    if problems:
        raise InvalidRequirements(source, problems)
    day = today or datetime.date.today()
    active: dict[tuple[int, str], Override] = {}
    warnings: list[str] = []
    for key, override in overrides.items():
        if override.until is not None and override.until < day:
            warnings.append(
                f"The override of {key} ({override.choice}) ended on {override.until.isoformat()}: "
                "the advice applies again; renew it or remove it from the requirements file."
            )
        else:
            active[keys[key]] = override
    return Active(active, warnings)
