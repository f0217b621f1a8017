"""The `advisor batch` command: many requirements in, one JSON line out for each, progress on stderr."""

from __future__ import annotations

import functools
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

import click

from advisor.errors import AdvisorError, ExitCode
from advisor.output import OutputExists


class AtomicOutput:
    """A file that appears at `path` complete or not at all.

    Lines go to an unnamed file in the target's folder (O_TMPFILE) that is linked into place only
    when the run ends well: a run that is killed, even with SIGKILL, leaves nothing behind, and an
    existing file (with --force) survives until the new one is complete. Where the system cannot
    link such a file into place, a hidden temporary file named with our process id is renamed into
    place instead: removed on failure and on SIGTERM, and after a SIGKILL by the next run.
    """

    def __init__(self, path: Path, force: bool):
        self.path = path
        self.force = force
        if path.is_dir():
            raise OutputExists(f"{path}: is a folder")
        if path.exists() and not force:
            raise OutputExists(f"{path}: already exists; pass --force to overwrite it")
        self.folder = path.parent if str(path.parent) else Path(".")
        if not self.folder.is_dir():
            raise AdvisorError(f"{path}: the folder {self.folder} does not exist")
        self.temp: str | None = None  # the named temporary file, when O_TMPFILE is not available
        self._remove_stale()
        fd = self._unnamed()
        if fd is None:
            fd, self.temp = tempfile.mkstemp(
                prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=self.folder
            )
        self.stream: IO[bytes] = os.fdopen(fd, "wb", buffering=1 << 20)

    def _unnamed(self) -> int | None:
        flag = getattr(os, "O_TMPFILE", None)
        if flag is None or not os.path.isdir("/proc/self/fd"):
            return None
        # Some systems create the file but refuse to link it into place later (EXDEV from the
        # /proc link): try with an empty file first. A file can be linked once, so the probe is another.
        try:
            probe = os.open(self.folder, flag | os.O_WRONLY, 0o666)
        except OSError:
            return None
        try:
            name = self._temp_name()
            os.link(f"/proc/self/fd/{probe}", name, follow_symlinks=True)
            os.unlink(name)
        except OSError:
            return None
        finally:
            os.close(probe)
        return os.open(self.folder, flag | os.O_WRONLY, 0o666)

    def _remove_stale(self) -> None:
        """Remove temporary files that killed runs (SIGKILL) left for this output."""
        prefix = f".{self.path.name}."
        try:
            names = [n for n in os.listdir(self.folder) if n.startswith(prefix) and n.endswith(".tmp")]
        except OSError:
            return
        for name in names:
            pid = name[len(prefix) :].split(".", 1)[0]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            try:
                os.unlink(self.folder / name)
            except OSError:
                pass

    def _temp_name(self) -> str:
        return str(self.folder / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def commit(self) -> None:
        self.stream.flush()
        os.fsync(self.stream.fileno())
        if self.temp is None:
            # Give the unnamed file a hidden name, then rename it over the target (link cannot replace).
            name = self._temp_name()
            os.link(f"/proc/self/fd/{self.stream.fileno()}", name, follow_symlinks=True)
            self.temp = name
        self.stream.close()
        if not self.force and self.path.exists():
            self.abort()
            raise OutputExists(f"{self.path}: already exists; pass --force to overwrite it")
        os.replace(self.temp, self.path)
        self.temp = None

    def abort(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        if self.temp is not None:
            try:
                os.unlink(self.temp)
            except FileNotFoundError:
                pass
            self.temp = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


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


def handle_errors(command: Any) -> Any:
    """advisor.cli's handler, looked up when the command runs: cli.py imports this module."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from advisor.cli import handle_errors as handler

        return handler(command)(*args, **kwargs)

    return wrapper


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
@handle_errors
def batch(paths: tuple[str, ...], output: str | None, force: bool, jobs: int) -> None:
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

    sink: AtomicOutput | None = None
    if output not in (None, "-"):
        sink = AtomicOutput(Path(output), force)
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    # A bar needs a length: inputs are counted first, which standard input cannot be.
    progress = _Progress(paths, sys.stderr.isatty() and "-" not in paths)
    counts = {batch_lib.OK: 0, batch_lib.INVALID: 0, batch_lib.INTERNAL: 0}
    started = time.monotonic()
    try:
        # JSON Lines are UTF-8 whatever the locale says.
        write = sink.write if sink is not None else _stdout_bytes()
        for outcome in batch_lib.results(paths, jobs=jobs):
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
