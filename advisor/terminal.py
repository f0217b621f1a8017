"""The one filter for text bound for a terminal: control characters from user input become visible escapes.

A workload name such as "evil\x1b]0;pwned\x07" must not retitle the window or clear the screen,
and a right-to-left override must not make a line read other than it is. Every stream a person may
watch goes through `safe`: standard output (`output.write_text`, batch's lines), the error handler
and the prompts of `advisor ask`.
"""

from __future__ import annotations

import re

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
