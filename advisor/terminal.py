"""How text output meets a terminal: its width, whether to colour, wrapping, and text safe to print."""

from __future__ import annotations

import os
import shutil
import textwrap
from dataclasses import dataclass
from typing import IO

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


def safe(text: str) -> str:
    """User text with control characters shown as escapes, so it cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text
    )
