"""Where each rule of a pack is written: its file, line and id, read straight from the YAML.

The loader (advisor.rulepack) refuses a pack with a bad id; `advisor rules lint` must still name
every bad id, and `advisor rules show` the line a rule starts on, so both read the files here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from advisor.rulepack import RulePack

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UnreadablePack(AdvisorError):
    """A rule pack whose files cannot be read or parsed, or that does not load."""


@dataclass(frozen=True)
class RuleSource:
    id: Any  # as written: may be missing or not a string
    area: Any  # the file's `area:`
    path: str  # relative to the pack
    line: int  # where the rule's entry starts (1-based)
    aliases: tuple[Any, ...] = ()


def _parse(path: Path, root: Path, how: Any) -> Any:
    where = path.relative_to(root)
    try:
        return how(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        line = f" line {error.problem_mark.line + 1}:" if error.problem_mark else ""
        raise UnreadablePack(f"{where}:{line} is not valid YAML: {error.problem}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UnreadablePack(f"{where}: cannot be read: {error}") from None


def read_yaml(path: Path, root: Path) -> Any:
    """A pack file's data; UnreadablePack naming the file (and line) when it is not YAML."""
    return _parse(path, root, yaml.load)


def rule_files(root: Path) -> list[Path]:
    return [p for p in sorted(root.glob("*/*.yaml")) if p.parent.name not in ("facts", "tables")]


def rule_sources(root: Path) -> list[RuleSource]:
    """Every rule entry of every rule file, in file order, with the line it starts on."""
    if not is_pack(root):
        raise UnreadablePack(f"{root}: not a rule pack (no areas.yaml, no pack.yaml)")
    out: list[RuleSource] = []
    for path in rule_files(root):
        where = str(path.relative_to(root))
        node = _parse(path, root, yaml.compose)  # the nodes carry their lines
        if not isinstance(node, yaml.MappingNode):
            continue
        top = {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}
        area_node = top.get("area")
        area = area_node.value if isinstance(area_node, yaml.ScalarNode) else None
        rules = top.get("rules")
        if not isinstance(rules, yaml.SequenceNode):
            continue
        for entry in rules.value:
            fields: dict[str, Any] = {}
            if isinstance(entry, yaml.MappingNode):
                fields = {k.value: v for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
            id_node = fields.get("id")
            rule_id = id_node.value if isinstance(id_node, yaml.ScalarNode) else None
            alias_node = fields.get("aliases")
            aliases: tuple[Any, ...] = ()
            if isinstance(alias_node, yaml.SequenceNode):
                aliases = tuple(a.value for a in alias_node.value if isinstance(a, yaml.ScalarNode))
            out.append(RuleSource(rule_id, area, where, entry.start_mark.line + 1, aliases))
    return out


def is_pack(root: Path) -> bool:
    """A whole pack (areas.yaml) or an organization pack layered on the built-in one (pack.yaml)."""
    return (root / "areas.yaml").is_file() or is_layer(root)


def is_layer(root: Path) -> bool:
    return (root / "pack.yaml").is_file() and not (root / "areas.yaml").is_file()


def load_pack(root: Path | None = None, layers: tuple[Path, ...] = ()) -> RulePack:
    """The pack at `root` (built-in by default), with `layers` on it; an organization pack's folder
    as `root` is layered on the built-in pack. UnreadablePack, a user's error, when it does not load."""
    from advisor.errors import RulePackError
    from advisor.rulepack import load

    if root is not None and not is_pack(root):
        raise UnreadablePack(f"{root}: not a rule pack (no areas.yaml, no pack.yaml)")
    if root is not None and is_layer(root):
        layers = (root, *layers)
        root = None
    try:
        return load(root, layers)
    except RulePackError as error:
        raise UnreadablePack(str(error)) from None
