"""An organization pack's own prices (SPEC section 9, issue 14), layered item by item on the snapshot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from advisor.errors import RulePackError
from advisor.prices import Dated, PriceOrigin, Snapshot

# ---- an organization pack's own prices (SPEC section 9, issue 14) ---------------------------------
#
# A pack's prices/ holds ec2.yaml and services.yaml in the format of rules/prices/, each group
# optional. Granularity: one priced item replaces the built-in one: an instance type, an S3 storage
# class, a load balancer, a file system, or one rate of Fargate or Lambda (both architectures).
# Everything the pack does not name stays built-in. pricing.yaml and usage.yaml are how the estimate
# is modelled, not prices: a pack cannot change them.

PACK_FILES = ("ec2.yaml", "services.yaml")  # the price files a pack may hold


def layerable(snapshot: Snapshot) -> dict[tuple[str, str], tuple[str, str]]:
    """(pack file, its group) -> (the snapshot group it layers on, the field holding its items).

    Read from the models, so a group added to the snapshot can be layered without a list to update
    (and no option id, such as a service that names its group, is spelled out in code)."""
    names = {id(group): name for name, group in snapshot.groups.items()}
    out = {}
    for file, part in zip(PACK_FILES, (snapshot.ec2, snapshot.services), strict=True):
        for key in type(part).model_fields:
            group = getattr(part, key)
            if id(group) in names:
                items = next(f for f in type(group).model_fields if f not in Dated.model_fields)
                out[(file, key)] = (names[id(group)], items)
    return out


def _pack_name(layer: Path) -> str:
    # The rule pack loader has already checked pack.yaml (rulepack.PackFile) before prices load.
    try:
        info = yaml.safe_load((layer / "pack.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RulePackError(f"{layer / 'pack.yaml'}: {error}") from None
    name = info.get("name") if isinstance(info, dict) else None
    if not isinstance(name, str):
        raise RulePackError(f"{layer / 'pack.yaml'}: name: a rule pack needs a name")
    return name


def _line(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """The line of the deepest node of `loc` found in a composed YAML document (1-based)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            found = node.value[part]
        else:
            found = None
        if found is None:
            break
        node, line = found, found.start_mark.line + 1
    return line


def _problem(path: Path, node: yaml.Node | None, loc: Sequence[Any], message: str) -> str:
    line = _line(node, loc)
    where = f"line {line}: " if line else ""
    field = ".".join(str(part) for part in loc)
    return f"{path}: {where}{field}: {message}" if field else f"{path}: {where}{message}"


def layer_prices(snapshot: Snapshot, layer: Path) -> Snapshot:
    """`snapshot` with the prices of the organization pack in `layer` replacing the items it names.

    A bad price file is a RulePackError naming the file, the line and the field, every problem at once.
    """
    folder = layer / "prices"
    if not folder.is_dir():
        return snapshot
    pack = _pack_name(layer)
    problems: list[str] = []
    groups: dict[str, Any] = {}  # snapshot group -> its items, pack prices over the built-in ones
    origins = {group: dict(items) for group, items in snapshot.origins.items()}
    table = layerable(snapshot)
    for path in sorted(folder.iterdir()):
        if path.name not in PACK_FILES:
            known = ", ".join(PACK_FILES)
            problems.append(f"{path}: an organization pack's prices/ holds {known} only")
            continue
        try:
            text = path.read_text(encoding="utf-8")
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            problems.append(f"{path}: {error}")
            continue
        if not isinstance(data, dict):
            problems.append(_problem(path, node, (), "expected groups of prices (instances:, s3:, ...)"))
            continue
        for key, raw in data.items():
            target = table.get((path.name, str(key)))
            if target is None:
                known = ", ".join(k for name, k in table if name == path.name)
                problems.append(_problem(path, node, (key,), f"unknown price group; known: {known}"))
                continue
            group, field = target
            merged = _merge(snapshot, group, field, raw)
            if merged is None:
                problems.append(_problem(path, node, (key, field), f"expected a mapping of {field}"))
                continue
            model = type(snapshot.groups[group])
            try:
                checked = model.model_validate(merged, context={"pack": pack})
            except ValidationError as error:
                problems += [
                    _problem(path, node, (key, *e["loc"]), e["msg"].removeprefix("Value error, "))
                    for e in error.errors(include_url=False)
                ]
                continue
            groups[group] = getattr(checked, field)
            origin = PriceOrigin(
                pack=pack, file=str(path), source=checked.source, via=checked.via, as_of=checked.as_of
            )
            for item in raw[field]:
                origins.setdefault(group, {})[str(item)] = origin
    if problems:
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems in the pack's prices:"
        raise RulePackError(
            head if len(problems) == 1 else head + "\n" + "\n".join(f"  {p}" for p in problems), problems
        )
    return _replaced(snapshot, table, groups, origins)


def _merge(snapshot: Snapshot, group: str, field: str, raw: Any) -> dict[str, Any] | None:
    """The pack's group as the model reads it: its own source and date, its items over the built-in."""
    if not isinstance(raw, dict):
        return raw  # the model says what is wrong with it
    items = raw.get(field)
    if not isinstance(items, dict):
        return None
    builtin_items = snapshot.groups[group].model_dump()[field]
    return {**raw, field: {**builtin_items, **items}}


def _replaced(
    snapshot: Snapshot,
    table: dict[tuple[str, str], tuple[str, str]],
    groups: dict[str, Any],
    origins: dict[str, dict[str, PriceOrigin]],
) -> Snapshot:
    ec2, services = snapshot.ec2, snapshot.services
    files = {group: (name, key, field) for (name, key), (group, field) in table.items()}
    for group, items in groups.items():
        name, key, field = files[group]
        if name == PACK_FILES[0]:
            ec2 = ec2.model_copy(update={key: getattr(ec2, key).model_copy(update={field: items})})
        else:
            services = services.model_copy(
                update={key: getattr(services, key).model_copy(update={field: items})}
            )
    priced = set(ec2.instances.prices)
    unpriced_sizes = {
        family: [size for size in sizes if f"{family}.{size}" not in priced]
        for family, sizes in ec2.unpriced.items()
    }
    ec2 = ec2.model_copy(update={"unpriced": {k: v for k, v in unpriced_sizes.items() if v}})
    named = {item for items in origins.values() for item in items}
    services = services.model_copy(
        update={"unpriced": {k: v for k, v in services.unpriced.items() if k not in named}}
    )
    return snapshot.model_copy(update=dict(ec2=ec2, services=services, origins=origins))
