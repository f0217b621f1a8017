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


def write_text(target: str | None, text: str, force: bool = False) -> None:
    """Print to stdout when target is None or "-"; otherwise write the file atomically."""
    if target in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(Path(target), text.encode("utf-8"), force)


def write_atomic(path: Path, data: bytes, force: bool = False) -> None:
    """Write `data` to `path` complete or not at all; an existing file needs `force`."""
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
        fd = self._unnamed()
        if fd is None:
            fd, self.temp = tempfile.mkstemp(
                prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=self.folder
            )
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
        if not self.force:
            try:
                _refuse_existing(self.path)  # made while we wrote
            except OutputExists:
                self.abort()
                raise
        os.replace(self.temp, self.path)
        self.temp = None

    def abort(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        self._unlink_temp()

    def _unlink_temp(self) -> None:
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
        parent.mkdir(parents=True, exist_ok=True)
        staging = parent / f".{folder.name}.{secrets.token_hex(6)}.tmp"
        staging.mkdir()  # the usual permissions for a new folder (umask applies), unlike mkdtemp's
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
