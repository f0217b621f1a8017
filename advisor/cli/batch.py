"""The `advisor batch` command: many requirements in, one JSON line out for each, progress on stderr."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from advisor.cli.common import set_option
from advisor.errors import ExitCode


class _Progress:
    """A bar on a terminal; elsewhere nothing until the final count."""

    def __init__(self, paths: tuple[str, ...], enabled: bool):
        self.bar: Any = None
        if enabled:
            from advisor import batch

            total = batch.count(paths)
            self.bar = click.progressbar(
                length=total, label="Evaluating", file=sys.stderr, show_pos=True, show_eta=True
            )
            self.bar.__enter__()

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _terminate(signum: int, frame: Any) -> None:
    # SIGTERM (CI cancelling a job) unwinds like Ctrl-C: workers stop, the output is discarded.
    raise SystemExit(128 + signum)


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
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
def batch(paths: tuple[str, ...], output: str | None, force: bool, jobs: int, settings: tuple) -> None:
    """Evaluate many requirements at once and write one JSON line per input.

    PATH is a requirements YAML file, a folder (every *.yaml and *.yml below it, hidden ones
    skipped, in sorted order), a .jsonl file of one requirements object per line, or - for JSONL
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
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    # A bar needs a length: inputs are counted first, which standard input cannot be.
    progress = _Progress(paths, sys.stderr.isatty() and "-" not in paths)
    counts = {batch_lib.OK: 0, batch_lib.INVALID: 0, batch_lib.INTERNAL: 0}
    started = time.monotonic()
    try:
        # JSON Lines are UTF-8 whatever the locale says.
        write = sink.write if sink is not None else _stdout_bytes()
        for outcome in batch_lib.results(paths, jobs=jobs, settings=settings):
            write(outcome.line.encode("utf-8") + b"\n")
            counts[outcome.status] += 1
            progress.step()
        progress.close()
        if sink is not None:
            sink.commit()
        else:
            sys.stdout.buffer.flush()
    finally:
        progress.close()
        if sink is not None:
            sink.abort()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    failed = counts[batch_lib.INVALID] + counts[batch_lib.INTERNAL]
    total = failed + counts[batch_lib.OK]
    seconds = time.monotonic() - started
    summary = f"advisor: {total:,} input{'s' if total != 1 else ''}, {counts[batch_lib.OK]:,} evaluated"
    if failed:
        summary += f", {failed:,} failed"
    click.echo(f"{summary} ({seconds:.1f} s)", err=True)
    if counts[batch_lib.INTERNAL]:
        sys.exit(ExitCode.INTERNAL)
    if counts[batch_lib.INVALID]:
        sys.exit(ExitCode.USAGE)


def _stdout_bytes() -> Any:
    sys.stdout.flush()
    return sys.stdout.buffer.write


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
