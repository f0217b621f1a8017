"""Writing what the user asked for: atomically, and never over an existing file unless told to."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, force: bool = False) -> None:
    # A temporary file in the same folder, then a rename: readers and a killed run never see
    # half a file, and the user's existing file survives until the new one is complete.
    if path.exists() and not force:
        raise OutputExists(f"{path}: already exists; pass --force to overwrite it")
    if path.is_dir():
        raise OutputExists(f"{path}: is a folder")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise AdvisorError(f"{path}: the folder {folder} does not exist")
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file 0600; give it the mode a plain open() would (or the old file's).
        os.fchmod(handle, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if not force and path.exists():
            raise OutputExists(f"{path}: already exists; pass --force to overwrite it")
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
