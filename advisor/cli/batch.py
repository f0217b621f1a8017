"""The `advisor batch` command: many requirements in, one JSON line out for each, progress on stderr."""

from __future__ import annotations

import datetime
import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from advisor.cli.common import date_option, rules_option, set_option
from advisor.errors import ExitCode


class _Progress:
    """A bar on a terminal; elsewhere nothing until the final count.

    The time left is estimated from the pace since the first result, not from the start: the
    first result also pays for loading the rule pack and starting the workers, and click's own
    estimate multiplied that by every input (10 min shown for a 7 s run).
    """

    SETTLE = 3  # results after the first before an estimate is shown

    def __init__(self, paths: tuple[str, ...], enabled: bool, clock: Any = time.monotonic):
        self.bar: Any = None
        self.clock = clock
        self.done = 0
        self.first: float | None = None
        self.total = 0
        if enabled:
            from advisor import batch

            self.total = batch.count(paths)
            self.bar = click.progressbar(
                length=self.total,
                label="Evaluating",
                file=sys.stderr,
                show_pos=True,
                show_eta=False,
                item_show_func=lambda _: self.eta(),
            )
            self.bar.__enter__()

    def eta(self) -> str | None:
        """ "about 1 min 5 s left", once the pace after the first result is known."""
        if self.first is None or self.done <= self.SETTLE or self.done >= self.total:
            return None
        pace = (self.clock() - self.first) / (self.done - 1)
        left = round(pace * (self.total - self.done))
        minutes, seconds = divmod(left, 60)
        return f"about {minutes} min {seconds} s left" if minutes else f"about {seconds} s left"

    def step(self) -> None:
        self.done += 1
        if self.first is None:
            self.first = self.clock()
        if self.bar is not None:
            self.bar.update(1, self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _shown(source: str) -> str:
    # An input's name comes from the user's disk or a JSONL line: escape what could drive a terminal.
    return source if source.isprintable() else source.encode("unicode_escape").decode("ascii")


FAILED_NAMED = 10  # inputs named in the closing summary; the error lines hold every one


def _terminate(signum: int, frame: Any) -> None:
    # SIGTERM (CI cancelling a job) or SIGHUP (the terminal closed) unwinds like Ctrl-C: workers
    # stop, the output is discarded.
    raise SystemExit(128 + signum)


# Signals that end a run cleanly; SIGHUP is missing where the platform has none.
_ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...", type=click.Path(allow_dash=True))
@click.option(
    "-o", "--output", metavar="OUT.jsonl", help="Write the lines to OUT.jsonl instead of standard output."
)
@click.option("--force", is_flag=True, help="Overwrite OUT.jsonl if it exists.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes; 0 = one per CPU (at most 8) when there are enough inputs to pay for starting them.",
)
@set_option
@rules_option
@date_option
def batch(
    paths: tuple[str, ...],
    output: str | None,
    force: bool,
    jobs: int,
    settings: tuple,
    layers: tuple,
    today: datetime.date | None,
) -> None:
    """Evaluate many requirements at once and write one JSON line per input.

    PATH is a requirements YAML file, a folder (every *.yaml and *.yml below it, hidden ones and
    rule packs (folders holding pack.yaml) skipped, in sorted order), a .jsonl file of one requirements object per line, or - for JSONL
    on standard input. Each line is the result of `recommend --format json` with "source" first;
    an input that cannot be evaluated gives {"source": ..., "error": ..., "problems": [...]}
    instead, and the rest go on.

    Exit status: 0 when every input was evaluated; 2 when some input was invalid; 1 when the
    advisor itself failed on some input (this wins over 2).
    """
    from advisor import batch as batch_lib
    from advisor.output import AtomicFile

    sink: AtomicFile | None = None
    if output not in (None, "-"):
        sink = AtomicFile(Path(output), force)
    previous = {number: signal.signal(number, _terminate) for number in _ENDING} if _main_thread() else {}
    # A bar needs a length: inputs are counted first, which standard input cannot be.
    progress = _Progress(paths, sys.stderr.isatty() and "-" not in paths)
    counts = {batch_lib.OK: 0, batch_lib.INVALID: 0, batch_lib.INTERNAL: 0}
    failures: list[str] = []
    started = time.monotonic()
    try:
        # JSON Lines are UTF-8 whatever the locale says, and every line can be written: a lone
        # surrogate (a JSON "\ud800", a file name that is not UTF-8) goes out as the escape JSON
        # reads back; on standard output, control characters too (terminal.safe).
        if sink is not None:
            write = sink.write
            encode = _for_file
        else:
            write = _stdout_bytes()
            encode = _for_terminal
        for outcome in batch_lib.results(paths, jobs=jobs, settings=settings, layers=layers, today=today):
            write(encode(outcome.line))
            counts[outcome.status] += 1
            if outcome.status != batch_lib.OK and len(failures) <= FAILED_NAMED:
                kind = "invalid" if outcome.status == batch_lib.INVALID else "internal error"
                failures.append(f"{_shown(outcome.source)} ({kind})")
            progress.step()
        progress.close()
        if sink is not None:
            sink.commit()
        else:
            _flush_stdout()
    finally:
        progress.close()
        if sink is not None:
            sink.abort()
        for number, handler in previous.items():
            signal.signal(number, handler)
    failed = counts[batch_lib.INVALID] + counts[batch_lib.INTERNAL]
    total = failed + counts[batch_lib.OK]
    seconds = time.monotonic() - started
    summary = f"advisor: {total:,} input{'s' if total != 1 else ''}, {counts[batch_lib.OK]:,} evaluated"
    if failed:
        summary += f", {failed:,} failed"
    click.echo(f"{summary} ({seconds:.1f} s)", err=True)
    if failed:
        named = ", ".join(failures[:FAILED_NAMED])
        more = f", and {failed - FAILED_NAMED:,} more" if failed > FAILED_NAMED else ""
        click.echo(f"advisor: failed: {named}{more}; each has an error line in the output", err=True)
    if counts[batch_lib.INTERNAL]:
        sys.exit(ExitCode.INTERNAL)
    if counts[batch_lib.INVALID]:
        sys.exit(ExitCode.USAGE)


def _flush_stdout() -> None:
    from advisor.output import StreamError

    try:
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise StreamError(f"standard output cannot be written: {error.strerror or error}") from None


def _for_file(line: str) -> bytes:
    return line.encode("utf-8", "backslashreplace") + b"\n"


def _for_terminal(line: str) -> bytes:
    from advisor.terminal import safe

    return safe(line).encode("utf-8") + b"\n"


def _stdout_bytes() -> Any:
    from advisor.output import StreamError

    if sys.stdout is None:
        raise StreamError("standard output is closed")
    sys.stdout.flush()
    buffer_write = sys.stdout.buffer.write

    def write(data: bytes) -> None:
        try:
            buffer_write(data)
        except BrokenPipeError:
            raise
        except OSError as error:  # /dev/full, a closed descriptor
            raise StreamError(f"standard output cannot be written: {error.strerror or error}") from None

    return write


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
