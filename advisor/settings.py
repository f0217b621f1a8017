"""Changing answers before evaluation (`--set PATH=VALUE`): parsing a setting and applying it to a document."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, get_origin

import yaml

from advisor import fields
from advisor.errors import AdvisorError, InvalidRequirements, Problem
from advisor.loading import Document

MAX_SETTING = 200  # a setting is one answer; anything longer is a mistake, not an answer
_INDEX = re.compile(r"^datasets\[(\d+)\]\.(\w+)$")


class BadSetting(AdvisorError):
    """A `--set` that is not PATH=VALUE, names no answer, or holds a value that is not a scalar."""


@dataclass(frozen=True)
class Setting:
    path: str  # "workload.traffic", "datasets[0].access"
    value: Any

    def __str__(self) -> str:
        return f"{self.path}={self.value!r}"


def _known_paths() -> list[str]:
    # What a user may set: every answer, a data set's as datasets[N].FIELD.
    out = []
    for found in fields.walk():
        if found.model is not None or found.path == "version":
            continue
        out.append(found.path.replace("dataset.", "datasets[0].", 1))
    return out


def _safe(text: str) -> str:
    # A setting comes from the command line and is echoed back: never let it drive the terminal.
    shown = text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def parse(text: str) -> Setting:
    """`workload.traffic=spiky` -> Setting("workload.traffic", "spiky"); VALUE is read as a YAML scalar."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise BadSetting(f"--set {_safe(text)}: expected PATH=VALUE, e.g. workload.traffic=spiky")
    if len(text) > MAX_SETTING:
        raise BadSetting(f"--set {_safe(path)}: longer than {MAX_SETTING} characters")
    found = fields.find(path)
    if found is None or found.model is not None or path == "version" or path.startswith("dataset."):
        close = difflib.get_close_matches(path, _known_paths(), n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise BadSetting(f"--set {_safe(path)}: not an answer of the requirements file{hint}")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        raise BadSetting(f"--set {_safe(path)}: {_safe(raw)} is not a YAML scalar") from None
    is_list = get_origin(found.annotation) is list
    if isinstance(value, dict) or (isinstance(value, list) and not is_list):
        raise BadSetting(f"--set {_safe(path)}: takes a single value, not {type(value).__name__}")
    return Setting(path, value)


def apply(document: Document, settings: Iterable[Setting]) -> Document:
    """A copy of the document with each setting applied (the original is left as it was)."""
    settings = list(settings)
    if not settings:
        return document
    # Only the containers on a setting's path are copied (in _set): the rest is shared with the
    # original, which nothing downstream writes to. Sensitivity applies a setting ~150 times a file.
    data = dict(document.data)
    changed = frozenset(_set(data, setting, document.source) for setting in settings)
    return SetDocument(data, document.source, document.lines, changed)


@dataclass
class SetDocument(Document):
    """A document some of whose answers came from --set: a problem with one of them has no file line."""

    changed: frozenset[tuple[Any, ...]] = frozenset()

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        if any(tuple(loc[: len(c)]) == c for c in self.changed):
            return None
        return super().line_of(loc)


def _set(data: dict[str, Any], setting: Setting, source: str) -> tuple[Any, ...]:
    indexed = _INDEX.match(setting.path)
    if indexed:
        index, name = int(indexed.group(1)), indexed.group(2)
        datasets = data.get("datasets")
        if not isinstance(datasets, list) or index >= len(datasets) or not isinstance(datasets[index], dict):
            count = len(datasets) if isinstance(datasets, list) else 0
            raise InvalidRequirements(
                source,
                [Problem(f"datasets[{index}]", f"--set names a data set the file does not have ({count})")],
            )
        datasets = data["datasets"] = list(datasets)
        datasets[index] = {**datasets[index], name: setting.value}
        return ("datasets", index, name)
    head, _, tail = setting.path.partition(".")
    if not tail:
        data[head] = setting.value
        return (head,)
    section = data.get(head, {})
    if not isinstance(section, dict):
        raise InvalidRequirements(source, [Problem(head, "must be a mapping of fields to --set one of them")])
    data[head] = {**section, tail: setting.value}
    return (head, tail)
