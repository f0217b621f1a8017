"""The justified design memo: a result as a view model, rendered by the templates under templates/.

One Jinja environment, built in `environment()`, renders every format: Markdown (`memo.md.jinja`),
self-contained HTML (`memo.html.jinja`, the only one autoescaped) and a folder of MADR 4.0 records
(`adr.md.jinja`, `adr-index.md.jinja`). Templates receive the `Memo` model (advisor.memo_view,
built by advisor.memo_build), never loose dicts; every string that can carry user text goes
through `plain()` when the model is built and through the format's escaping in the template
(`md` in Markdown, autoescape in HTML, `mermaid` in the diagram).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from advisor import diagram as diagrams
from advisor.errors import MemoError
from advisor.markup import after_because, html_code, md, mermaid, oneline, url
from advisor.memo_build import build
from advisor.memo_view import Memo
from advisor.result import Result
from advisor.rulepack import RulePack

FORMATS = ("markdown", "html", "adr")
DEFAULT_ADR_FOLDER = "docs/adr"
ADR_INDEX = "README.md"


# ---- templates and their environment ----------------------------------------------------------


def default_templates_root() -> Path:
    """templates/ inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "memo.md.jinja").is_file():
            return candidate
    raise MemoError(
        f"cannot find the memo templates (looked in {here / 'templates'} and {here.parent / 'templates'})"
    )


@lru_cache(maxsize=4)
def environment(root: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root or default_templates_root())),
        undefined=jinja2.StrictUndefined,
        # Only the HTML template escapes by itself; Markdown escapes with the `md` filter, because
        # HTML entities are not the whole story there (pipes, emphasis, links, headings).
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.jinja",), default_for_string=False, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    # The escape functions as globals too: shared macros take the format's one as an argument.
    env.globals.update(md=md, html=escape)
    env.filters.update(
        oneline=oneline,
        md=md,
        code=html_code,
        because=after_because,
        mermaid=mermaid,
        url=url,
        clip=diagrams.clip,
    )
    return env


# ---- dates ------------------------------------------------------------------------------------


def memo_date(option: str | None = None, environ: Mapping[str, str] | None = None) -> datetime.date:
    """--date if given, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    environ = os.environ if environ is None else environ
    if option:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", option):
            raise MemoError(f"--date {option!r}: expected YYYY-MM-DD")
        try:
            return datetime.date.fromisoformat(option)
        except ValueError as error:
            raise MemoError(f"--date {option!r}: {error}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise MemoError(f"SOURCE_DATE_EPOCH={epoch!r}: expected a number of seconds since 1970")
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise MemoError(f"SOURCE_DATE_EPOCH={epoch!r}: out of range") from None
    return datetime.date.today()


# ---- rendering --------------------------------------------------------------------------------


def render_markdown(memo: Memo, root: Path | None = None) -> str:
    return _tidy(environment(root).get_template("memo.md.jinja").render(memo=memo))


def render_html(memo: Memo, root: Path | None = None) -> str:
    return _tidy(environment(root).get_template("memo.html.jinja").render(memo=memo))


def render_adr(memo: Memo, root: Path | None = None) -> dict[str, str]:
    """One MADR record per decision that applies, plus an index: file name -> text."""
    env = environment(root)
    record = env.get_template("adr.md.jinja")
    files = {d.filename: _tidy(record.render(memo=memo, decision=d)) for d in memo.records}
    files[ADR_INDEX] = _tidy(env.get_template("adr-index.md.jinja").render(memo=memo))
    return files


_RECORD_LINK = re.compile(r"\]\((\d{4}-[a-z0-9-]+\.md)\)")


def _our_index(folder: Path) -> str | None:
    """The text of the ADR index an earlier run wrote into `folder`; None when there is none of ours."""
    try:
        text = (folder / ADR_INDEX).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("# Architecture decisions:") or "by advisor " not in text:
        return None
    return text


def check_adr_folder(folder: Path) -> None:
    """Refuse a folder whose README.md someone else wrote: --force must never replace a project's README."""
    if (folder / ADR_INDEX).exists() and _our_index(folder) is None:
        raise MemoError(
            f"{folder / ADR_INDEX}: exists and is not a record index advisor wrote; "
            "write the records into another folder (-o docs/adr, for example)"
        )


def earlier_records(folder: Path) -> list[str]:
    """The records an earlier `memo --format adr` wrote into `folder`, as its index lists them.

    Only files the advisor's own index links are ever candidates for removal: a team's hand-written
    records in the same folder are never touched.
    """
    text = _our_index(folder)
    return list(dict.fromkeys(_RECORD_LINK.findall(text))) if text else []


def _tidy(text: str) -> str:
    # Templates stay readable with generous blank lines; the output keeps at most one in a row.
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def render(result: Result, pack: RulePack, fmt: str, date: datetime.date, source: str = "") -> Any:
    memo = build(result, pack, date, source)
    if fmt == "markdown":
        return render_markdown(memo)
    if fmt == "html":
        return render_html(memo)
    if fmt == "adr":
        return render_adr(memo)
    raise MemoError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
