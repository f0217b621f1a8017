"""Writing what the user asked for: atomically, and never over an existing file unless told to.

The one writer of every command: `write_text` (a memo, decisions: stdout or a file),
`write_atomic` (bytes to a file), `AtomicFile` (a file streamed a line at a time, for batch) and
`write_folder` (a folder of records). Each file is written under a hidden temporary name in its
own folder and renamed into place, so readers and a killed run never see half a file, and an
existing file (with force) survives until the new one is complete. A symbolic link at the target
counts as an existing file and is replaced, never written through.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from advisor.errors import AdvisorError


class OutputExists(AdvisorError):
    """The output file exists and --force was not given."""


class StreamError(AdvisorError):
    """Standard output (or input) is closed, full or failing: the environment's fault, not ours."""


def write_stdout(data: bytes) -> None:
    """UTF-8 bytes to standard output whatever the locale says (PYTHONIOENCODING=latin-1 could not
    encode the pack's own em dashes). A closed or full stream is a user error; a closed pipe is
    left to the error handler, which ends quietly."""
    stream = sys.stdout
    if stream is None:  # started with stdout closed (>&-)
        raise StreamError("standard output is closed")
    try:
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(data.decode("utf-8"))
        else:
            buffer.write(data)
            buffer.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as error:  # ValueError: "I/O operation on closed file"
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise StreamError(f"standard output cannot be written: {reason}") from None


def write_text(target: str | None, text: str, force: bool = False, *, filtered: bool = False) -> None:
    """Print to stdout when target is None or "-" (terminal-safe); otherwise write the file atomically.

    `filtered`: the caller already passed every piece of user text through `terminal.safe` and
    added escape sequences of its own (colour), which filtering again would spoil.
    """
    from advisor.terminal import safe

    if target in (None, "-"):
        write_stdout((text if filtered else safe(text)).encode("utf-8"))
        return
    # backslashreplace: a lone surrogate (from a JSON "\\ud800") becomes the escape JSON reads back.
    write_atomic(Path(target), text.encode("utf-8", "backslashreplace"), force)


def write_atomic(path: Path, data: bytes, force: bool = False) -> None:
    """Write `data` to `path` complete or not at all; an existing file needs `force`."""
    if path.is_dir():  # before the "pass --force" of an existing path: force cannot help here
        raise OutputExists(f"{path}: is a folder; name a file to write")
    if not force:
        _refuse_existing(path)  # before AtomicFile's "is a folder": the message these commands gave
    with AtomicFile(path, force) as out:
        out.write(data)


def _refuse_existing(path: Path) -> None:
    # lexists: a link, even one pointing nowhere, is something of the user's we would replace.
    if os.path.lexists(path):
        raise OutputExists(f"{path}: already exists; pass --force to overwrite it")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode(path: Path) -> int:
    """The permissions a plain open() would give, or those of the regular file being replaced."""
    try:
        old = os.lstat(path)
    except FileNotFoundError:
        old = None
    if old is not None and stat.S_ISREG(old.st_mode):
        return old.st_mode & 0o777
    return 0o666 & ~_umask()


class AtomicFile:
    """A file that appears at `path` complete or not at all; write, then `commit()` (or `abort()`).

    Data goes to an unnamed file in the target's folder (O_TMPFILE) that is linked into place only
    at commit: a run that is killed, even with SIGKILL, leaves nothing behind. Where the system
    cannot link such a file into place, a hidden temporary file named with our process id is
    renamed into place instead: removed on failure, and after a SIGKILL by the next writer of the
    same target. As a context manager it commits when the block ends well and aborts otherwise.
    """

    def __init__(self, path: Path, force: bool = False):
        self.path = path
        self.force = force
        if path.is_dir():
            raise OutputExists(f"{path}: is a folder")
        if not force:
            _refuse_existing(path)
        self.folder = path.parent if str(path.parent) else Path(".")
        if not self.folder.is_dir():
            raise AdvisorError(f"{path}: the folder {self.folder} does not exist")
        self.temp: str | None = None  # the named temporary file, when O_TMPFILE is not available
        self._remove_stale()
        try:
            fd = self._unnamed()
            if fd is None:
                fd, self.temp = tempfile.mkstemp(
                    prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=self.folder
                )
        except OSError as error:  # a read-only folder, no permission, no space for the entry
            raise _cannot_write(path, error) from None
        try:
            # mkstemp makes the file 0600; give it the mode a plain open() would (or the old file's).
            os.fchmod(fd, _mode(path))
        except BaseException:
            os.close(fd)
            self._unlink_temp()
            raise
        self.stream: IO[bytes] = os.fdopen(fd, "wb", buffering=1 << 20)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            self.abort()

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
        try:
            self.stream.write(data)
        except OSError as error:  # a full disk, a quota
            raise _cannot_write(self.path, error) from None

    def commit(self) -> None:
        try:
            self._commit()
        except OSError as error:
            self.abort()
            raise _cannot_write(self.path, error) from None

    def _commit(self) -> None:
        self.stream.flush()
        os.fsync(self.stream.fileno())
        if self.temp is None:
            # Give the unnamed file a hidden name, then rename it over the target (link cannot replace).
            name = self._temp_name()
            os.link(f"/proc/self/fd/{self.stream.fileno()}", name, follow_symlinks=True)
            self.temp = name
        self.stream.close()
        if not self.force:
            try:
                _refuse_existing(self.path)  # made while we wrote
            except OutputExists:
                self.abort()
                raise
        os.replace(self.temp, self.path)
        self.temp = None

    def abort(self) -> None:
        # Unlink first: closing flushes the buffer, which fails again on a full disk, and the
        # temporary file must not outlive the failure that made us abort.
        self._unlink_temp()
        if not self.stream.closed:
            try:
                self.stream.close()
            except OSError:
                pass

    def _unlink_temp(self) -> None:
        if self.temp is not None:
            try:
                os.unlink(self.temp)
            except OSError:  # gone already, or the folder went read-only: nothing more to do
                pass
            self.temp = None


def _cannot_write(path: Path, error: OSError) -> AdvisorError:
    return AdvisorError(f"{path}: cannot be written: {error.strerror or error}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove_stale_staging(parent: Path, name: str) -> None:
    prefix = f".{name}."
    try:
        found = [n for n in os.listdir(parent) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for entry in found:
        pid = entry[len(prefix) :].split(".", 1)[0]
        path = parent / entry
        if pid.isdigit() and not _alive(int(pid)) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def write_folder(
    folder: Path, files: Mapping[str, str], force: bool = False, stale: Sequence[str] = ()
) -> list[Path]:
    """Write every file into `folder`, all or nothing where the file system allows it.

    A new folder is filled under a temporary name and renamed into place, so it appears complete
    or not at all. Into an existing folder each file is written atomically, after checking that
    none would overwrite a file without `force`; with `force`, the `stale` files (names in the
    folder that an earlier run wrote and this one does not) are removed afterwards.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputExists(f"{folder}: exists and is not a folder")
    targets = [folder / name for name in files]
    if folder.is_dir() and not force:
        clashes = [path.name for path in targets if os.path.lexists(path)]
        if clashes:
            shown = ", ".join(clashes[:3]) + (f" and {len(clashes) - 3} more" if len(clashes) > 3 else "")
            raise OutputExists(f"{folder}: {shown} already exist; pass --force to overwrite them")
    if not folder.exists():
        parent = folder.parent if str(folder.parent) else Path(".")
        if not parent.is_dir():  # as every other -o: a typo in a path must not create folders
            raise AdvisorError(f"{folder}: the folder {parent} does not exist")
        _remove_stale_staging(parent, folder.name)
        # Our process id in the name: a run killed mid-write (SIGKILL, or SIGTERM's default) leaves
        # its staging folder, and the next run for this folder removes it.
        staging = parent / f".{folder.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
        try:
            staging.mkdir()  # the usual permissions for a new folder (umask applies), unlike mkdtemp's
        except OSError as error:
            raise _cannot_write(folder, error) from None
        try:
            for name, text in files.items():
                write_atomic(staging / name, text.encode("utf-8"))
            os.rename(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return targets
    for path, text in zip(targets, files.values(), strict=True):
        write_atomic(path, text.encode("utf-8"), force)
    if force:
        for name in stale:
            old = folder / name
            if name not in files and Path(name).name == name and old.is_file() and not old.is_symlink():
                old.unlink()
    return targets
