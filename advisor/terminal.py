"""How text output meets a terminal: the one filter for text bound for it, its width, and colour.

A workload name such as "evil\x1b]0;pwned\x07" must not retitle the window or clear the screen,
and a right-to-left override must not make a line read other than it is. Every stream a person may
watch goes through `safe`: standard output (`output.write_text`, batch's lines), the error handler
and the prompts of `advisor ask`. `detect` tells how wide the terminal is and whether it takes
colour (never with NO_COLOR).
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from dataclasses import dataclass
from typing import IO

# C0 controls except tab and newline, DEL and the C1 controls, the bidi embeddings, overrides,
# isolates and marks, and lone surrogates (which no UTF-8 stream can carry).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe(text: str) -> str:
    """`text` with every unsafe character written as \\uXXXX.

    That is also how JSON writes the character inside a string (the only place JSON output can hold
    one), so JSON filtered here still decodes to the same values."""
    return _UNSAFE.sub(_escape, text)


DEFAULT_WIDTH = 80  # when the output is not a terminal: a file, a pipe, a CI log
MIN_WIDTH = 40  # narrower than this, wrapping makes things worse, not better

_STYLES = {"bold": "1", "dim": "2", "green": "32", "yellow": "33", "red": "31", "cyan": "36"}


@dataclass(frozen=True)
class Terminal:
    width: int = DEFAULT_WIDTH
    colour: bool = False

    def style(self, text: str, name: str) -> str:
        return f"\x1b[{_STYLES[name]}m{text}\x1b[0m" if self.colour else text

    def wrap(self, text: str, indent: str = "", subsequent: str | None = None) -> list[str]:
        return textwrap.wrap(
            safe(text),
            self.width,
            initial_indent=indent,
            subsequent_indent=indent if subsequent is None else subsequent,
            break_on_hyphens=False,
        ) or [indent.rstrip()]


def detect(stream: IO[str] | None) -> Terminal:
    """The terminal `stream` is, if any: its width and whether it takes colour (never with NO_COLOR)."""
    tty = stream is not None and hasattr(stream, "isatty") and stream.isatty()
    if not tty:
        return Terminal()
    width = max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    return Terminal(width, not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")
