"""Text that reaches a memo: stripped of what must never be shown, escaped for each format.

Every string that can carry user text goes through `plain()`, then through the format's own
escaping: `md` in Markdown, autoescape in HTML (`html_code` for code spans), `mermaid` in the
diagram's source; `url` and `slug` make links and file names.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from advisor.errors import MemoError

# ---- escaping ---------------------------------------------------------------------------------

# Control characters, and the bidirectional overrides that can make text read differently from
# what it is ("Trojan Source"): never wanted in a memo.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def plain(text: Any) -> str:
    """One line of clean text: whitespace runs become one space, control characters go."""
    return " ".join(_INVISIBLE.sub("", str(text)).split())


_MD_ESCAPE = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_BACKSLASH = set("\\`*_[]|~$#")
_MD_LEADING = re.compile(r"^([+=\-])")
_MD_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")
# A code span from a rule's text (`runtimePlatform`): kept as code only when it holds no
# character that any Markdown or HTML renderer could read as markup.
_CODE_SPAN = re.compile(r"`([^`<>&]+)`")


def _md_text(text: str) -> str:
    return "".join(_MD_ESCAPE.get(ch) or ("\\" + ch if ch in _MD_BACKSLASH else ch) for ch in text)


def md(text: Any) -> str:
    """Text that Markdown shows as it is: no HTML, emphasis, links, table breaks or headings.

    A `code span` stays one (its content is inert in Markdown, only a pipe would split a table
    cell); every other backtick is escaped, so user text cannot open a span that swallows ours.
    """
    text = plain(text)
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_md_text(text[last : match.start()]))
        out.append("`" + match[1].replace("|", "\\|") + "`")
        last = match.end()
    out.append(_md_text(text[last:]))
    escaped = "".join(out)
    escaped = _MD_LEADING.sub(r"\\\1", escaped)
    return _MD_ORDERED.sub(r"\1\\\2", escaped)


@jinja2.pass_context
def after_because(context: Any, text: Any) -> str:
    """A reason that reads on after "because": "Objects are ..." -> "objects are ...".

    The first word keeps its capital when it is a name: a word of some option's title (Amazon,
    Deep, Reserved, Spot) or a word with more capitals or digits (DynamoDB, S3, EBS).
    """
    text = plain(text)
    first = text.split(" ", 1)[0].rstrip(",:;")
    if first in ("A", "An", "The"):
        return text[:1].lower() + text[1:]
    if not first[:1].isupper() or first in context["memo"].names or not first[1:].islower():
        return text
    return text[:1].lower() + text[1:]


def html_code(text: Any) -> Markup:
    """Escaped HTML in which `code spans` written by rule authors become <code> elements."""
    escaped = str(escape(plain(text)))
    return Markup(_CODE_SPAN.sub(lambda m: f"<code>{m[1]}</code>", escaped))


_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ,.:()/_+\-·…]")


def mermaid(text: Any) -> str:
    """A Mermaid label: anything but plain letters and digits becomes an entity code (#60;)."""
    return "".join(ch if (_MERMAID_SAFE.match(ch) or ch.isalnum()) else f"#{ord(ch)};" for ch in plain(text))


def url(value: str) -> str:
    """A link target from the rule pack (https only), safe inside Markdown parentheses."""
    value = plain(value)
    if not value.startswith("https://"):
        raise MemoError(f"refusing to link to {value!r}: only https links are written")
    return quote(value, safe=":/?#@!$&'*+,;=%-._~")


def oneline(text: Any) -> Any:
    """Whitespace runs as one space; escaped (Markup) text stays escaped."""
    joined = " ".join(str(text).split())
    return Markup(joined) if isinstance(text, Markup) else joined


def slug(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = "-".join(words)[:limit].strip("-")
    return out
