"""Reading requirements from YAML safely: bounded size, no tags, no alias bombs, and a line for every field."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from advisor.errors import InvalidRequirements, Problem
from advisor.limits import MAX_BYTES, MAX_DEPTH, MAX_NODES, MAX_SHOWN_KEY

# Plain data only: no Python objects, no binary, no sets; timestamps stay (a date is a plain value).
PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


@dataclass
class Document:
    """Parsed requirements text, with the line on which each field path starts."""

    data: Any
    source: str
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        # Walk up until a located ancestor: a missing key is reported at its parent.
        for cut in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:cut]))
            if line is not None:
                return line
        return None


def read_bytes(path: Path, source: str) -> bytes:
    try:
        if path.is_dir():
            raise InvalidRequirements(source, [Problem("", "is a folder, not a requirements file")])
        # O_NONBLOCK: opening a FIFO named *.yaml waits for a writer that may never come; the
        # opened file is then checked, so only a regular file is ever read.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise InvalidRequirements(source, [Problem("", "is not a regular file")])
            os.set_blocking(fd, True)
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InvalidRequirements(source, [Problem("", "no such file")]) from None
    except PermissionError:
        raise InvalidRequirements(source, [Problem("", "permission denied")]) from None
    except OSError as error:
        raise InvalidRequirements(source, [Problem("", error.strerror or str(error))]) from None
    return raw


def decode(raw: bytes, source: str) -> str:
    if len(raw) > MAX_BYTES:
        raise InvalidRequirements(
            source,
            [Problem("", f"is larger than {MAX_BYTES // 1024} KiB; a requirements file is far smaller")],
        )
    if b"\x00" in raw:
        raise InvalidRequirements(source, [Problem("", "is a binary file, not YAML text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidRequirements(
            source, [Problem("", f"is not UTF-8 text (byte {error.start} cannot be decoded)")]
        ) from None


# libyaml when PyYAML was built with it: the pure-Python parser needs ~50 µs a node, so a hostile
# 1 MiB file of tiny nodes took half a minute and hundreds of MB before the checks below ran.
_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _prescan(text: str, source: str) -> set[tuple[int, int]]:
    """Refuse oversized expansions, deep nesting and extra documents from the event stream, stopping
    at the first sign: nothing is built for an input that is refused, so time and memory stay small.

    Returns where explicitly tagged nodes start (line, column): a composed node no longer tells an
    explicit `!!bool` from a plain `true`, and `_check` refuses every explicit tag."""
    loader = _Loader(text)
    tagged: set[tuple[int, int]] = set()
    limit = 2 * MAX_NODES  # events count keys too; _check applies the exact limit to values
    try:
        count = depth = documents = 0
        anchors: dict[str, int] = {}
        open_: list[tuple[Any, int]] = []
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1 if event.start_mark else None
            if getattr(event, "tag", None) is not None and event.start_mark:
                tagged.add((event.start_mark.line, event.start_mark.column))
            if isinstance(event, yaml.ScalarEvent):
                count += 1
                if event.anchor:
                    anchors[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                count += anchors.get(event.anchor or "", 1)
            elif isinstance(event, _STARTS):
                count += 1
                depth += 1
                if depth > MAX_DEPTH + 1:
                    raise InvalidRequirements(source, [Problem("", "is nested too deeply", line)])
                open_.append((event.anchor, count))
            elif isinstance(event, _ENDS):
                depth -= 1
                anchor, start = open_.pop()
                if anchor:
                    anchors[anchor] = count - start + 1
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InvalidRequirements(
                        source, [Problem("", "holds several YAML documents; put one workload per file", line)]
                    )
            if count > limit:
                raise InvalidRequirements(
                    source, [Problem("", f"expands to more than {MAX_NODES:,} values (YAML aliases?)", line)]
                )
    finally:
        loader.dispose()
    return tagged


def parse_yaml(text: str, source: str) -> Document:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InvalidRequirements(source, [Problem("", f"is larger than {MAX_BYTES // 1024} KiB")])
    try:
        tagged = _prescan(text, source)
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        what = error.problem or "is not valid YAML"
        if "maximum nesting depth" in what:  # libyaml's own limit, met before ours on flow collections
            raise InvalidRequirements(source, [Problem("", "is nested too deeply", line)]) from None
        raise InvalidRequirements(source, [Problem("", f"is not valid YAML: {what}", line)]) from None
    except yaml.YAMLError as error:
        raise InvalidRequirements(source, [Problem("", f"is not valid YAML: {error}")]) from None
    except RecursionError:
        raise InvalidRequirements(source, [Problem("", "is nested too deeply")]) from None
    if len(nodes) > 1:
        line = nodes[1].start_mark.line + 1
        raise InvalidRequirements(
            source, [Problem("", "holds several YAML documents; put one workload per file", line)]
        )
    if not nodes or nodes[0] is None:
        raise InvalidRequirements(
            source, [Problem("", "is empty; it needs at least version, name and workload.type")]
        )
    root = nodes[0]
    lines: dict[tuple[Any, ...], int] = {}
    _check(root, (), lines, source, {}, 0, tagged)
    loader = yaml.SafeLoader("")
    try:
        data = loader.construct_document(root)
    except yaml.constructor.ConstructorError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise InvalidRequirements(source, [Problem("", error.problem or str(error), line)]) from None
    # PyYAML's constructors raise more than ConstructorError on odd scalars (KeyError, IndexError,
    # OverflowError, ...); whatever they raise, the value is the input's fault.
    except Exception as error:  # noqa: BLE001 - an integer of thousands of digits, 2024-13-45
        raise InvalidRequirements(
            source, [Problem("", f"holds a value that cannot be read ({str(error).split(';')[0]})")]
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        raise InvalidRequirements(
            source,
            [Problem("", f"must be a mapping of answers (version, name, workload, ...), not a {kind}", 1)],
        )
    return Document(data, source, lines)


def _check(
    node: yaml.Node,
    loc: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    source: str,
    sizes: dict[int, int],
    depth: int,
    tagged: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> int:
    """Refuse tags, duplicate keys and oversized expansions; record lines. Returns the expanded size."""
    if depth > MAX_DEPTH:
        raise InvalidRequirements(
            source, [Problem(dotted(loc), "is nested too deeply", node.start_mark.line + 1)]
        )
    if id(node) in sizes:  # an alias: already checked, but it counts again where it expands
        return sizes[id(node)]
    lines.setdefault(loc, node.start_mark.line + 1)
    explicit = (node.start_mark.line, node.start_mark.column) in tagged
    if explicit or node.tag not in PLAIN_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise InvalidRequirements(
            source,
            [
                Problem(
                    dotted(loc),
                    f"uses the YAML tag {tag}, which is not allowed here",
                    node.start_mark.line + 1,
                )
            ],
        )
    if (
        isinstance(node, yaml.ScalarNode)
        and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        and ":" in node.value
    ):
        # YAML 1.1 base 60 (1:30 is 90): no answer is written so, and 180 digits of it made an
        # integer too large to print.
        raise InvalidRequirements(
            source,
            [
                Problem(
                    dotted(loc),
                    "is a base-60 number (a YAML 1.1 form with colons); write it in decimal, or quote it",
                    node.start_mark.line + 1,
                )
            ],
        )
    if node.tag == _BOOL and node.value.lower() not in ("true", "false"):
        # YAML 1.1 reads yes/no/on/off as booleans: `data_residency: NO` (Norway) became false and
        # `vcpus: on` became 1. Only true and false are booleans (as in YAML 1.2); the other words
        # stay the words written, which a yes/no answer still reads as one.
        node.tag = _STR
    size = 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InvalidRequirements(
                    source,
                    [
                        Problem(
                            dotted(loc), "has a key that is not a plain name", key_node.start_mark.line + 1
                        )
                    ],
                )
            key = key_node.value
            if key_node.tag == "tag:yaml.org,2002:merge" or key == "<<":
                raise InvalidRequirements(
                    source,
                    [
                        Problem(
                            dotted(loc),
                            "uses a YAML merge key (<<), which is not allowed here",
                            key_node.start_mark.line + 1,
                        )
                    ],
                )
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InvalidRequirements(
                    source,
                    [Problem(dotted(loc + (key,)), f"is given twice (first on line {seen[key]})", line)],
                )
            seen[key] = line
            lines[loc + (key,)] = line
            size += _check(value_node, loc + (key,), lines, source, sizes, depth + 1, tagged)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            size += _check(item, loc + (index,), lines, source, sizes, depth + 1, tagged)
    if size > MAX_NODES:
        raise InvalidRequirements(
            source,
            [
                Problem(
                    dotted(loc),
                    f"expands to more than {MAX_NODES:,} values (YAML aliases?)",
                    node.start_mark.line + 1,
                )
            ],
        )
    sizes[id(node)] = size
    return size


def dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int) and part.bit_length() > 64:  # a dict-API key str() may refuse
            out += ("." if out else "") + "<a huge integer>"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            name = str(part)
            if not name.isprintable():  # "\e[2J" in a quoted key must not drive the user's terminal
                name = name.encode("unicode_escape").decode("ascii")
            # A key written with a dot ("workload.type: web_app" at the top) is one key, not a
            # path: quoted, it cannot be read as the nested field it resembles.
            quote = any(mark in name for mark in ".[]")
            if len(name) > MAX_SHOWN_KEY:
                name = name[: MAX_SHOWN_KEY - 3] + "..."
            if quote:
                name = '"' + name.replace('"', '\\"') + '"'
            out += ("." if out else "") + name
    return out


def shape_problem(value: Any) -> str | None:
    """What makes value too deep or too large (MAX_DEPTH, MAX_NODES as for YAML), or None.

    Iterative, so no recursion to exhaust; keys count as values, as YAML's prescan counts them."""
    stack = [(value, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            return "is nested too deeply"
        if isinstance(node, Mapping):
            count += len(node)
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend((child, depth + 1) for child in node)
        if count > 2 * MAX_NODES:
            return f"holds more than {MAX_NODES:,} values; one requirements object is far smaller"
    return None


def _set_order(value: Any) -> tuple[str, str]:
    return (type(value).__name__, value if isinstance(value, str) else "")


def plain(value: Any) -> Any:
    """Containers from the dict API as YAML would give them: any Mapping a dict, a tuple a list, a
    set a sorted list (so nothing depends on PYTHONHASHSEED). Call after `shape_problem`, which
    bounds the depth of this recursion."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return [plain(item) for item in sorted(value, key=_set_order)]
    return value


def load_source(source: Any) -> Document:
    """A dict, a path, or YAML text, as `evaluate` accepts."""
    if isinstance(source, Mapping):
        shape = shape_problem(source)
        if shape:
            raise InvalidRequirements("<dict>", [Problem("", shape)])
        return Document(plain(source), "<dict>")
    if isinstance(source, Path):
        name = str(source)
        return parse_yaml(decode(read_bytes(source, name), name), name)
    if isinstance(source, bytes):
        return parse_yaml(decode(source, "<bytes>"), "<bytes>")
    if isinstance(source, str):
        if "\n" not in source and source.endswith((".yaml", ".yml")):
            return parse_yaml(decode(read_bytes(Path(source), source), source), source)
        return parse_yaml(source, "<text>")
    raise TypeError(f"evaluate() takes a dict, a path or YAML text, not {type(source).__name__}")
