"""The requirements model walked field by field: dotted paths, what each field means, answers in words."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from advisor.about import About, key_of
from advisor.requirements import AVAILABILITY_TARGETS, Dataset, Requirements
from advisor.templating import duration, join_and, months, number

TRISTATE = ("auto", "yes", "no")  # the answers of a yes-no field that may be left to the advisor
# Paths name a data set's fields "dataset.usage", as rules do; "datasets[2].usage" names one data set's.
_INDEXED = re.compile(r"^datasets\[\d+\]\.")


@dataclass(frozen=True)
class Field:
    """One field of the requirements model where the walk met it."""

    path: str  # "workload.type", "datasets", "dataset.usage", "processing"
    name: str  # the key in the file: "type"
    info: FieldInfo
    owner: type[BaseModel]  # the model the field belongs to
    about: About

    @property
    def annotation(self) -> Any:
        return self.info.annotation

    @property
    def model(self) -> type[BaseModel] | None:
        """The model of a section (workload, …) or of each item of a list of them (datasets)."""
        annotation = self.annotation
        if get_origin(annotation) is list:
            (annotation,) = get_args(annotation)
        return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None

    @property
    def kind(self) -> Literal["number", "list", "bool", "enum"]:
        """What kind of answer rules test it as; "enum" for any other single value (text, a choice)."""
        annotation = self.annotation
        if annotation in (int, float):
            return "number"
        if get_origin(annotation) is list:
            return "list"
        if annotation is bool:
            return "bool"
        return "enum"

    def values(self) -> tuple[str, ...]:
        """The keys of the values it takes (YAML text of each; auto/yes/no for an optional yes-no)."""
        annotation = self.annotation
        if get_origin(annotation) is list:
            (annotation,) = get_args(annotation)
        if get_origin(annotation) is Literal:
            return tuple(key_of(value) for value in get_args(annotation))
        if annotation == (bool | None):
            return TRISTATE
        if self.path == "availability.target":
            return tuple(key_of(value) for value in AVAILABILITY_TARGETS)
        return ()


def walk(model: type[BaseModel] = Requirements, prefix: str = "") -> Iterator[Field]:
    """Every field, depth first in the model's order: a section, then its fields; datasets, then dataset.*."""
    for name, info in model.model_fields.items():
        path = prefix + name
        about = next((item for item in info.metadata if isinstance(item, About)), None)
        if about is None:
            raise TypeError(f"requirements field {path} has no About: say what it means to people")
        found = Field(path, name, info, model, about)
        yield found
        if found.model is not None:
            yield from walk(found.model, "dataset." if name == "datasets" else path + ".")


@functools.cache
def _by_path() -> dict[str, Field]:
    return {found.path: found for found in walk()}


def find(path: str) -> Field | None:
    """The field a dotted path names: "compute.vcpus", "dataset.access" or "datasets[0].access"."""
    return _by_path().get(_INDEXED.sub("dataset.", path))


def field(path: str) -> Field:
    found = find(path)
    if found is None:
        raise KeyError(f"no requirements field {path}")
    return found


def about(path: str) -> About:
    return field(path).about


def model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model a validation error's location points into, or None past a leaf or an unknown key."""
    model: type[BaseModel] | None = Requirements
    prefix = ""
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None:
            return None
        if model is Dataset:
            prefix = "dataset."
        found = _by_path().get(prefix + str(part))
        if found is None or found.owner is not model:
            return None
        model = found.model
        prefix = found.path + "."
    return model


def dataset_path(path: str) -> tuple[int, str] | None:
    """One data set's answer, "datasets[2].usage", as (2, "usage"); None for any other path."""
    if not path.startswith("datasets["):
        return None
    index, _, key = path[len("datasets[") :].partition("].")
    return int(index), key


def value_at(answers: Mapping[str, Any], path: str) -> Any:
    """The value a path names in nested answers: "compute.vcpus", "processing", "datasets[2].usage".

    The one dotted-path lookup: it reads dumped Requirements, and any mapping of mappings (the
    resolver's roots: "answers.…", "derived.…"). A missing key raises KeyError.
    """
    indexed = dataset_path(path)
    if indexed is not None:
        return answers["datasets"][indexed[0]][indexed[1]]
    value: Any = answers
    for part in path.split("."):
        value = value[part]
    return value


def set_at(document: dict[str, Any], path: str, value: Any) -> None:
    """Set the answer a path names ("workload.type", "processing") in a document being built."""
    section, _, name = path.partition(".")
    if name:
        document.setdefault(section, {})[name] = value
    else:
        document[section] = value


def leaf_paths(answers: Mapping[str, Any]) -> set[str]:
    """The dotted path of every answer in a dumped Requirements ("datasets[0].usage" for a data set's)."""
    paths: set[str] = set()
    for name, value in answers.items():
        if name == "datasets":
            for index, item in enumerate(value):
                paths |= {f"datasets[{index}].{key}" for key in item}
        elif isinstance(value, Mapping):
            paths |= {f"{name}.{key}" for key in value}
        else:
            paths.add(name)
    return paths


# ---- the memo's words --------------------------------------------------------------------------


def label(path: str) -> str:
    return field(path).about.label


def labels() -> dict[str, str]:
    """The label of every answer (not of the sections that hold them), by dotted path."""
    return {found.path: found.about.label for found in walk() if found.model is None}


def sections() -> list[tuple[str, str]]:
    """The memo's groups of answers: (title, top-level field), in the model's order.

    The workload's identity (version, name, description) heads the memo and its data sets have
    their own part, so they form no group.
    """
    return [
        (found.about.label, found.path)
        for found in walk()
        if found.owner is Requirements
        and found.path not in ("version", "name", "description", "datasets", "overrides")
    ]


@functools.cache
def value_words() -> dict[str, str]:
    """How the memo says each value that is not just the value with spaces, whatever field it is of."""
    out: dict[str, str] = {}
    for found in walk():
        for value, word in found.about.words.items():
            if out.setdefault(value, word) != word:
                raise ValueError(f"{found.path}: {value!r} is said {word!r} here, {out[value]!r} elsewhere")
    return out


def _by_leaf(path: str) -> Field | None:
    # The memo passes a data set's fields and derived values by their last part ("size_gb").
    found = find(path)
    if found is not None:
        return found
    leaf = path.rsplit(".", 1)[-1]
    named = [item for item in walk() if item.name == leaf]
    return named[0] if len(named) == 1 else None


def _days(days: int) -> str:
    years = days // 365
    return f"{years} year{'s' if years != 1 else ''}" if days % 365 == 0 else f"{number(days)} days"


UNITS = {
    "percent": lambda value: f"{float(value):g}%",
    "months": lambda value: months(int(value)),
    "duration": duration,
    "GiB": lambda value: f"{number(value)} GiB",
    "GB": lambda value: f"{number(value)} GB",
    "days": lambda value: _days(int(value)),
}


def words(path: str, value: Any) -> str:
    """An answer as a reader would say it: "3 years", "99.95%", "PCI DSS", "yes"."""
    found = _by_leaf(path)
    if value is None:
        return (found.about.null if found else "") or "not given"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return join_and([words(path, item) for item in value]) if value else "none"
    if found is not None and found.about.unit is not None:
        return str(UNITS[found.about.unit](value))
    if isinstance(value, (int, float)):
        return number(value)
    text = str(value)
    if found is not None and text in found.about.words:
        return found.about.words[text]
    return value_words().get(text, text.replace("_", " "))


def _check() -> None:
    """Every field says what each of its values means, and nothing about values it does not take."""
    for found in walk():
        wanted, meant = set(found.values()), set(found.about.values)
        if wanted != meant:
            missing, extra = sorted(wanted - meant), sorted(meant - wanted)
            raise TypeError(f"requirements field {found.path}: meanings missing for {missing}, extra {extra}")
        if found.about.unit is not None and found.annotation not in (int, float):
            raise TypeError(f"requirements field {found.path}: a unit on a field that is not a number")
    value_words()


_check()
