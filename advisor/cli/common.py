"""What the command modules share: reading a requirements FILE argument and evaluating it.

Command modules import from here, never from `advisor.cli` itself (which imports them).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.limits import MAX_BYTES

if TYPE_CHECKING:
    from advisor.result import Result


def read_stdin() -> bytes:
    """At most MAX_BYTES + 1 bytes of standard input; a closed or failing stream is the user's error."""
    from advisor.errors import InvalidRequirements, Problem

    if sys.stdin is None:  # started with stdin closed (<&-)
        raise InvalidRequirements("<stdin>", [Problem("", "standard input is closed")])
    try:
        return bytes(sys.stdin.buffer.read(MAX_BYTES + 1))
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise InvalidRequirements("<stdin>", [Problem("", f"cannot be read: {reason}")]) from None


def read_source(path: str) -> Any:
    """A requirements source for the library: a parsed document for stdin, else the path."""
    from advisor.loading import decode, parse_yaml

    if path == "-":
        return parse_yaml(decode(read_stdin(), "<stdin>"), "<stdin>")
    return Path(path)


def evaluate_path(path: str) -> Result:
    from advisor.api import default_advisor
    from advisor.loading import load_source
    from advisor.validation import check, with_defaults

    source = read_source(path)
    # Read, parse and check before loading the rule pack: a bad file is refused at once. (The
    # workload type's defaults only fill answers left out, so they cannot make bad answers good.)
    document = source if hasattr(source, "data") else load_source(source)
    requirements = check(document)
    advisor = default_advisor()
    return advisor.evaluate_profile(with_defaults(document, requirements, advisor.pack.type_defaults))
