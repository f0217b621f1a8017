"""Evaluating many requirements at once: YAML files, folders of them and JSONL files, streamed in input order.

`items(paths)` lists the inputs lazily; `results(paths, jobs)` evaluates them and yields one `Outcome`
per input, in input order, whatever the number of worker processes. Nothing holds more than a
bounded window of inputs and results, so a JSONL file of millions of profiles runs in flat memory.

The rule engine's C core never releases the GIL, so threads would give nothing: parallel runs use
forked worker processes, each with its own `Advisor`.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError, InvalidRequirements, Problem
from advisor.limits import MAX_BYTES, MAX_SHOWN_KEY
from advisor.loading import Document, decode, parse_yaml, read_bytes, shape_problem
from advisor.settings import Setting, apply
from advisor.validation import validate

YAML_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIX = ".jsonl"
STDIN = "-"

# Below this many inputs a run stays in this process. Two workers already won at 25 inputs on an
# idle 2-CPU machine (each builds its Advisor while the other does), and lost by less than a second
# on a busy one; 50 keeps small runs to one process and its memory. See benchmarks/README.md.
PARALLEL_THRESHOLD = 50
AUTO_JOBS_MAX = 8  # automatic workers: each holds its own rule pack and engine (about 100 MB)
CHUNK = 32  # inputs per task sent to a worker
WINDOW = 4  # chunks in flight per worker: enough to keep workers busy, few enough to stay small

OK = "ok"
INVALID = "invalid"  # the input's fault: unreadable, not requirements, or invalid ones
INTERNAL = "internal"  # ours: the engine or the code failed on a valid input


@dataclass(frozen=True)
class Item:
    """One input: a YAML file to read, a JSONL line already read, or an input that could not be listed."""

    source: str
    path: str | None = None
    line: bytes | None = None
    error: str | None = None
    settings: tuple[Setting, ...] = ()  # --set: answers changed in every input before evaluating
    today: datetime.date | None = None  # --date: the day overrides and price ages are judged on


@dataclass(frozen=True)
class Outcome:
    source: str
    status: str  # OK, INVALID or INTERNAL
    line: str  # the JSON line to write, without its newline


# ---- listing the inputs ----------------------------------------------------------------------


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _folder_items(folder: Path) -> list[Item]:
    """Every *.yaml and *.yml below folder, skipping hidden files and folders and rule packs (a
    folder holding pack.yaml: rules, not requirements), sorted by path; a folder that cannot be
    listed is an error item in its place."""
    found: list[tuple[tuple[str, ...], Item]] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else folder
        message = f"cannot be listed: {error.strerror or error}"
        found.append(
            ((where.relative_to(folder).parts if where != folder else ()), Item(str(where), error=message))
        )

    for here, folders, files in os.walk(folder, onerror=unreadable):
        base = Path(here)
        folders[:] = [
            name for name in folders if not _hidden(name) and not (base / name / "pack.yaml").is_file()
        ]
        for name in files:
            if not _hidden(name) and name.lower().endswith(YAML_SUFFIXES):
                path = base / name
                found.append((path.relative_to(folder).parts, Item(str(path), path=str(path))))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _jsonl_items(handle: Any, name: str) -> Iterator[Item]:
    """One item per non-blank line, read with a bounded buffer: an endless line cannot fill memory."""
    number = 0
    while True:
        raw = handle.readline(MAX_BYTES + 1)
        if not raw:
            return
        number += 1
        source = f"{name}:{number}"
        if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = handle.readline(MAX_BYTES)
            yield Item(
                source,
                error=f"is longer than {MAX_BYTES // 1024} KiB; one requirements object is far smaller",
            )
            continue
        if raw.strip():
            yield Item(source, line=raw)


def _jsonl_file(path: str) -> Iterator[Item]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a generator cannot use `with` across yields cleanly
    except FileNotFoundError:
        yield Item(path, error="no such file")
        return
    except OSError as error:
        yield Item(path, error=error.strerror or str(error))
        return
    with handle:
        try:
            yield from _jsonl_items(handle, path)
        except OSError as error:
            yield Item(path, error=f"cannot be read further: {error.strerror or error}")


def items(paths: Iterable[str]) -> Iterator[Item]:
    """The inputs named by paths, in order: folders recursively in sorted order, JSONL line by line."""
    for given in paths:
        if given == STDIN:
            yield from _jsonl_items(sys.stdin.buffer, "<stdin>")
            continue
        path = Path(given)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as error:
            yield Item(given, error=error.strerror or str(error))
            continue
        if not exists:
            yield Item(given, error="no such file or folder")
        elif is_dir:
            found = _folder_items(path)
            if not found:
                yield Item(given, error="holds no .yaml or .yml files")
            yield from found
        elif given.lower().endswith(JSONL_SUFFIX):
            yield from _jsonl_file(given)
        else:
            yield Item(given, path=given)


def count(paths: Iterable[str]) -> int:
    """How many items `items(paths)` will yield, without parsing anything (for a progress bar)."""
    total = 0
    for given in paths:
        path = Path(given)
        if given != STDIN and given.lower().endswith(JSONL_SUFFIX) and path.is_file():
            try:
                with open(path, "rb") as handle:
                    total += sum(1 for _ in _jsonl_items(handle, given))
            except OSError:
                total += 1
        elif given != STDIN:
            total += sum(1 for _ in items([given]))
    return total


# ---- evaluating one input --------------------------------------------------------------------


class _Duplicate(Exception):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(key)
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def json_document(raw: bytes, source: str) -> Document:
    """One JSON object of requirements, refused with a clear problem if it is anything else."""
    if len(raw) > MAX_BYTES:
        raise InvalidRequirements(source, [Problem("", f"is larger than {MAX_BYTES // 1024} KiB")])
    if b"\x00" in raw:
        raise InvalidRequirements(source, [Problem("", "is binary, not JSON text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidRequirements(
            source, [Problem("", f"is not UTF-8 text (byte {error.start} cannot be decoded)")]
        ) from None
    try:
        data = json.loads(text, object_pairs_hook=_object, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise InvalidRequirements(
            source, [Problem("", f"is not valid JSON: {error.msg} (column {error.colno})")]
        ) from None
    except _Duplicate as error:
        key = error.args[0]
        if len(key) > MAX_SHOWN_KEY:
            key = key[: MAX_SHOWN_KEY - 3] + "..."
        raise InvalidRequirements(source, [Problem("", f'gives the key "{key}" twice')]) from None
    except RecursionError:
        raise InvalidRequirements(source, [Problem("", "is nested too deeply")]) from None
    except ValueError as error:  # NaN, Infinity, an integer of thousands of digits
        raise InvalidRequirements(
            source, [Problem("", f"holds a value that cannot be read ({str(error).split(';')[0]})")]
        ) from None
    if not isinstance(data, dict):
        kind = "null" if data is None else type(data).__name__
        raise InvalidRequirements(
            source,
            [Problem("", f"must be a JSON object of answers (version, name, workload, ...), not a {kind}")],
        )
    shape = shape_problem(data)
    if shape:
        raise InvalidRequirements(source, [Problem("", shape)])
    return Document(data, source)


def _document(item: Item) -> Document:
    if item.line is not None:
        return json_document(item.line, item.source)
    assert item.path is not None
    return parse_yaml(decode(read_bytes(Path(item.path), item.source), item.source), item.source)


def _error_line(source: str, message: str, problems: list[dict[str, Any]] | None = None) -> str:
    out: dict[str, Any] = {"source": source, "error": message}
    if problems:
        out["problems"] = problems
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def _problems_text(error: InvalidRequirements) -> str:
    text = "; ".join(str(problem) for problem in error.problems)
    return text + (f"; … and {error.more:,} more" if error.more else "")


def evaluate_item(advisor: Any, item: Item) -> Outcome:
    """Evaluate one input; every failure becomes an error line, never an exception."""
    if item.error is not None:
        return Outcome(item.source, INVALID, _error_line(item.source, item.error))
    try:
        profile = validate(apply(_document(item), item.settings), advisor.pack.type_defaults)
        result = advisor.evaluate_profile(profile, item.today)
        body = result.to_json_line()
    except InvalidRequirements as error:
        return Outcome(item.source, INVALID, _error_line(item.source, _problems_text(error), error.to_list()))
    except AdvisorError as error:
        return Outcome(item.source, INVALID, _error_line(item.source, str(error)))
    except Exception as error:  # noqa: BLE001 - a defect of ours on this input; the run goes on
        return Outcome(
            item.source,
            INTERNAL,
            _error_line(item.source, f"internal error: {type(error).__name__}: {error}"),
        )
    # "source" first: a reader can tell which input a line is about before parsing the rest.
    return Outcome(
        item.source, OK, '{"source":' + json.dumps(item.source, ensure_ascii=False) + "," + body[1:]
    )


# ---- running many ----------------------------------------------------------------------------


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_worker_advisor: Any = None


def _die_with_parent() -> None:
    # A worker whose parent is killed would otherwise wait on its queue forever.
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's shutdown still ends workers
        pass


def _init_worker(rules_dir: str | None, layers: tuple[str, ...] = ()) -> None:
    global _worker_advisor
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _die_with_parent()
    from advisor.api import Advisor

    _worker_advisor = Advisor(Path(rules_dir) if rules_dir else None, rules=layers)


def _work(chunk: list[Item]) -> list[Outcome]:
    return [evaluate_item(_worker_advisor, item) for item in chunk]


def _chunks(stream: Iterator[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in stream:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Pool:
    """Forked workers evaluating chunks; a worker that dies (the C core can crash) is replaced."""

    def __init__(self, jobs: int, rules_dir: Path | None, layers: Sequence[Path] = ()):
        import multiprocessing

        self.jobs = jobs
        self.rules_dir = str(rules_dir) if rules_dir else None
        self.layers = tuple(str(layer) for layer in layers)
        self.context = multiprocessing.get_context("fork")
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=self.context,
            initializer=_init_worker,
            initargs=(self.rules_dir, self.layers),
        )

    def submit(self, chunk: list[Item]) -> Future[list[Outcome]]:
        return self.executor.submit(_work, chunk)

    def restart(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = self._start()

    def alone(self, item: Item) -> Outcome:
        """Evaluate one item in a worker of its own making; a crash is that item's internal error."""
        try:
            return self.submit([item]).result()[0]
        except BrokenProcessPool:
            self.restart()
            return Outcome(
                item.source,
                INTERNAL,
                _error_line(item.source, "internal error: the rule engine crashed on this input"),
            )

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def _submit(pool: _Pool, chunk: list[Item]) -> Future[list[Outcome]]:
    """Submit a chunk; a pool that broke since the last result (a worker died) refuses the submit
    itself, so the refusal becomes the chunk's result and is handled where results are read."""
    try:
        return pool.submit(chunk)
    except BrokenProcessPool as error:
        refused: Future[list[Outcome]] = Future()
        refused.set_exception(error)
        return refused


def _parallel(
    stream: Iterator[Item], jobs: int, rules_dir: Path | None, layers: Sequence[Path] = ()
) -> Iterator[Outcome]:
    pool = _Pool(jobs, rules_dir, layers)
    pending: collections.deque[tuple[list[Item], Future[list[Outcome]]]] = collections.deque()
    try:
        chunks = _chunks(stream, CHUNK)
        exhausted = False
        while True:
            while not exhausted and len(pending) < jobs * WINDOW:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    pending.append((chunk, _submit(pool, chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                done = future.result()
            except BrokenProcessPool:
                # Some worker died: every chunk in flight is lost. Redo this one input by input to
                # find the culprit, then resubmit the rest to the new workers.
                pool.restart()
                done = [pool.alone(item) for item in chunk]
                pending = collections.deque((c, _submit(pool, c)) for c, _ in pending)
            yield from done
    finally:
        for _, future in pending:
            future.cancel()
        pool.close()


def results(
    paths: Iterable[str],
    jobs: int = 0,
    rules_dir: Path | None = None,
    advisor: Any = None,
    settings: tuple[Setting, ...] = (),
    layers: Sequence[Path] = (),
    today: datetime.date | None = None,
) -> Iterator[Outcome]:
    """Evaluate every input named by paths, in input order.

    jobs: worker processes; 0 picks one per available CPU (at most AUTO_JOBS_MAX) when there are
    enough inputs to pay for starting them (PARALLEL_THRESHOLD), else evaluates here. 1 always
    evaluates in this process. settings: changed in every input before it is evaluated.
    layers: organization packs layered on the rule pack (§9). today: the day every input is judged
    on (which overrides have ended, how old the prices are); today's date when not given.
    """
    if layers and advisor is None and rules_dir is None:
        from advisor.api import advisor_for

        advisor = advisor_for(layers)  # here, before any worker starts: a bad pack is one error
    stream = items(paths)
    if settings or today is not None:
        stream = (dataclasses.replace(item, settings=settings, today=today) for item in stream)
    if jobs == 0:
        head = []
        for item in stream:
            head.append(item)
            if len(head) > PARALLEL_THRESHOLD:
                break
        jobs = min(available_cpus(), AUTO_JOBS_MAX) if len(head) > PARALLEL_THRESHOLD else 1
        stream = _chain(head, stream)
    if jobs > 1:
        yield from _parallel(stream, jobs, rules_dir, layers)
        return
    if advisor is None:
        from advisor.api import Advisor, default_advisor

        advisor = Advisor(rules_dir) if rules_dir else default_advisor()
    for item in stream:
        yield evaluate_item(advisor, item)


def _chain(head: list[Item], rest: Iterator[Item]) -> Iterator[Item]:
    yield from head
    yield from rest
