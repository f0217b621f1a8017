"""The cold-start cache of a rule pack's parsed YAML, kept as JSON in the user's cache directory.

Parsing the pack's YAML is most of what loading it costs (tens of ms on every command). A loaded
pack's documents are written once as JSON, a data format (a pickle in a cache directory would be
trusted code), and read back on the next start when the key still matches: a hash of every pack
file's name and bytes and of the code that reads them (this module, rulepack.py, the template
modules, PyYAML's and Jinja's versions). Whatever is read back is checked by rulepack.load exactly
as the YAML would be. Beside the documents, `derived` keeps what the loader works out from them
as plain data (each rule text's inputs and walk form: rulepack.template_data_of), never code: a
text is compiled by Jinja from its source only. A cache that cannot be read, written or decoded
is skipped silently: it only ever saves time.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 2  # 2: "derived", what the loader works out from the documents (template_data_of)
# Cache files kept: one per pack folder (the built-in pack, each organization pack), the least
# recently used removed past this many, so folders that come and go (checkouts, temporary packs)
# never fill the user's disk.
KEEP = 32
_MISSING = object()
# JSON cannot say "a date" or "a mapping whose keys are not strings"; these tags can, and no pack
# document has a key starting with NUL.
_DATE, _DATETIME, _PAIRS = "\0date", "\0datetime", "\0pairs"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "advisor"


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("\0") for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {_PAIRS: [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, datetime.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, datetime.date):
        return {_DATE: value.isoformat()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"no JSON form for {type(value).__name__}")  # the pack is then not cached


def _decode(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1:
        ((key, value),) = mapping.items()
        if key == _DATE:
            return datetime.date.fromisoformat(value)
        if key == _DATETIME:
            return datetime.datetime.fromisoformat(value)
        if key == _PAIRS:
            return {_hashable(k): v for k, v in value}
    return mapping


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _code_hash() -> str:
    import jinja2
    import yaml

    from advisor import pack_templates, rulepack, template_walk, templating

    # The derived data come from Jinja's parser, the environment, inputs_of and the walk form.
    versions = f"{FORMAT} {sys.version} {yaml.__version__} {jinja2.__version__}"
    digest = hashlib.sha256(versions.encode())
    for module in (rulepack, pack_templates, template_walk, templating):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


class Reader:
    """Reads a pack's YAML files through the cache; `save` stores them once the pack has loaded."""

    def __init__(self, root: Path, parse: Callable[[Path], Any]):
        self.root = root
        self._parse = parse
        self._read: dict[str, Any] | None = {}
        self._documents: dict[str, Any] = {}
        self._derived: dict[str, Any] = {}  # name -> data worked out from the documents
        self._stored_derived: dict[str, Any] = {}
        self._path: Path | None = None
        self._key = ""
        try:
            self._key = self._hash()
            name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
            self._path = cache_dir() / f"pack-{name}.json"
            stored = json.loads(self._path.read_text(encoding="utf-8"), object_hook=_decode)
            if isinstance(stored, dict) and stored.get("key") == self._key:
                documents, derived = stored["documents"], stored["derived"]
                if isinstance(documents, dict) and isinstance(derived, dict):
                    self._documents, self._stored_derived = documents, derived
                    os.utime(self._path)  # used now: pruning removes the least recently used
        except (OSError, ValueError, TypeError, KeyError):
            self._documents, self._stored_derived = {}, {}

    def _hash(self) -> str:
        digest = hashlib.sha256(_code_hash().encode())
        for path in sorted(self.root.rglob("*.yaml")):
            digest.update(str(path.relative_to(self.root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()

    def __call__(self, path: Path) -> Any:
        relative = str(path.relative_to(self.root))
        value = self._documents.get(relative, _MISSING)
        if value is _MISSING:
            value = self._parse(path)
            if self._read is not None:
                try:  # encoded now: the loader may change what it was given
                    self._read[relative] = _encode(value)
                except TypeError:
                    self._read = None  # something JSON cannot hold: this pack is not cached
        return value

    def derived(self, name: str, compute: Callable[[], Any]) -> Any:
        """Data the loader works out from the documents (pure data, no code): stored with them."""
        if self.hit and name in self._stored_derived:
            return self._stored_derived[name]
        value = compute()
        if self._read is not None:
            try:
                self._derived[name] = _encode(value)
            except TypeError:
                self._read = None  # something JSON cannot hold: this pack is not cached
        return value

    @property
    def hit(self) -> bool:
        return bool(self._documents)

    def save(self) -> None:
        """Store what was read, unless it came from the cache; any failure leaves no trace."""
        if self._path is None or self.hit or self._read is None:
            return
        try:
            stored = {"key": self._key, "documents": self._read, "derived": self._derived}
            text = json.dumps(stored, ensure_ascii=False)
            self._path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".pack-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, self._path)  # readers see the old file or the new, never half
            except BaseException:
                os.unlink(temporary)
                raise
            prune(self._path.parent)
        except (OSError, TypeError, ValueError):
            pass


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the `keep` most recently used cache files (a file another run removes first is fine)."""
    found = []
    for path in folder.glob("pack-*.json"):
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(found, reverse=True)[keep:]:
        try:
            path.unlink()
        except OSError:
            pass
