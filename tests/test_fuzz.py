"""Mutated examples through the API, the CLI and batch: every input ends in a result or exit 2.

Hypothesis takes a valid example and breaks one thing in it: a wrong type at any field, an extreme
number, a long or control-character string, a YAML tag, a YAML 1.1 boolean, a base-60 number. The
runs are derandomized (the same cases every run) and bounded to stay well within a minute; the
alarm is a hang guard, not a measurement.
"""

from __future__ import annotations

import json
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import EXAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.cli import cli
from advisor.errors import InvalidRequirements

pytestmark = pytest.mark.slow

BASES = [yaml.safe_load(path.read_text("utf-8")) for path in sorted(EXAMPLES.glob("*.yaml"))]
# What a terminal must never receive from the input (tab and newline are the text's own).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
MARK = "@@RAW@@"  # stands in a dumped document for a raw YAML fragment

CONTROL_TEXT = st.text(
    alphabet=st.sampled_from(list("ab \t\x1b\x07\x9b\u202e\u2066\u200b\x00\x7f]0;[2J") + ["é", "\ud800"]),
    max_size=40,
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**5000, -(10**400), 2**63, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-0.0, 1e308, 5e-324]),
    CONTROL_TEXT,
    st.sampled_from(["x" * 100_000, "NO", "no", "off", "EU", "ÄÖ", "web_app"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
RAW_YAML = st.sampled_from(
    [
        "!!bool maybe",
        "!!bool",
        "!!timestamp x",
        '!!int ""',
        "!!int -",
        '!!float ""',
        "!!python/object/apply:os.system ['true']",
        "!shell x",
        "yes",
        "no",
        "on",
        "off",
        "NO",
        "Off",
        "1:30",
        ":".join(["1"] * 180) + ".5",
        "9" * 5000,
        ".nan",
        "-.inf",
        "2024-13-45",
        "[" * 200 + "]" * 200,
        "&a [*a]",
        '"\\e]0;pwned\\a"',
    ]
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    if isinstance(data, dict):
        copy = dict(data)
        copy[path[0]] = _set(copy.get(path[0]), path[1:], value)
        return copy
    if isinstance(data, list) and isinstance(path[0], int):
        items = list(data)
        items[path[0]] = _set(items[path[0]], path[1:], value)
        return items
    return value  # a key beside a list item: the value takes the list's place


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Any, str]:
    """A broken example: as data (for the dict API and JSONL) and as YAML text."""
    base = draw(st.sampled_from(BASES))
    paths = [path for path in _paths(base) if path]
    path = draw(st.sampled_from(paths))
    if draw(st.booleans()):
        # An unknown key beside the field, or a value in its place.
        path = path[:-1] + (draw(st.sampled_from(["extra", "workload.type", path[-1]])),)
    if draw(st.integers(0, 2)) == 0:
        fragment = draw(RAW_YAML)
        data = _set(base, path, MARK)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace(repr(MARK), MARK)
        text = text.replace(MARK, fragment)
        return data, text
    value = draw(VALUES)
    data = _set(base, path, value)
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)
    except ValueError:  # an integer str() refuses: write its digits where it stands
        marked = yaml.safe_dump(_set(base, path, MARK), allow_unicode=True, sort_keys=False)
        text = marked.replace(MARK, "9" * 5000)
    return data, text


@contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise AssertionError(f"an input took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _ends_well(source: Any) -> None:
    from advisor import evaluate

    try:
        with hang_guard(20):
            result = evaluate(source)
    except InvalidRequirements as error:
        assert error.problems and len(str(error)) < 10_000
        return
    result.to_json()


FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@FUZZ
@given(mutated())
def test_every_mutated_input_through_the_api_ends_in_a_result_or_invalid_requirements(case):
    data, text = case
    _ends_well(data)
    _ends_well(text)


@settings(FUZZ, max_examples=60)
@given(mutated())
def test_every_mutated_file_through_the_cli_exits_0_or_2_and_prints_nothing_unsafe(case):
    _, text = case
    runner = CliRunner()
    with hang_guard(20):
        result = runner.invoke(cli, ["recommend", "-"], input=text.encode("utf-8", "surrogatepass"))
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:])
    assert "internal error" not in result.stderr
    assert not UNSAFE.search(result.stdout) and not UNSAFE.search(result.stderr)


@settings(FUZZ, max_examples=8)
@given(st.lists(mutated(), min_size=1, max_size=12))
def test_a_batch_of_mutated_inputs_answers_every_one(tmp_path_factory, cases):
    folder = tmp_path_factory.mktemp("fuzz")
    lines = []
    for number, (data, text) in enumerate(cases):
        (folder / f"{number:03}.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            lines.append(json.dumps(data))
        except (ValueError, TypeError):
            lines.append("{not json")
    jsonl = folder / "all.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    with hang_guard(60):
        result = CliRunner().invoke(cli, ["batch", "--jobs", "1", str(folder), str(jsonl)])
    assert result.exit_code in (0, 2), result.output[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 2 * len(cases)
    for line in out:
        assert ("error" in line) != ("decisions" in line), line
        assert "internal error" not in line.get("error", "")
    assert not UNSAFE.search(result.stdout)
