"""The golden memos in examples/: what they should hold now, and rewriting them.

Tooling, not part of the installed package: tests/test_memo.py compares examples/ with
`golden_files()`, and scripts/regen-memos rewrites them with `regenerate()`.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from advisor.memo import build, render_adr, render_html, render_markdown
from advisor.output import write_atomic
from advisor.sensitivity import evaluate_with_sensitivity

# The date of the golden memos: fixed, so they only change when the design does.
GOLDEN_DATE = datetime.date(2026, 11, 27)
# Every example gets a Markdown memo; these also get the HTML memo and a folder of MADR records.
FULL_EXAMPLES = ("web-shop",)


GOLDEN_DIGEST = "(digest of the pack)"


def golden_files(examples: Path, advisor: Any = None) -> dict[Path, str]:
    """The memos kept in examples/ as they should be now: path -> text."""
    if advisor is None:
        from advisor.api import default_advisor

        advisor = default_advisor()
    out: dict[Path, str] = {}
    for path in sorted(examples.glob("*.yaml")):
        result = evaluate_with_sensitivity(advisor, path)
        memo = build(result, advisor.pack, GOLDEN_DATE, path.name)
        # The pack's digest changes with any byte of any rule file; a golden memo that showed it
        # would change with every rule edit, hiding the lines that really changed in the diff.
        memo.rule_pack_digest = GOLDEN_DIGEST
        out[examples / f"{path.stem}.memo.md"] = render_markdown(memo)
        if path.stem in FULL_EXAMPLES:
            out[examples / f"{path.stem}.memo.html"] = render_html(memo)
            for name, text in render_adr(memo).items():
                out[examples / f"{path.stem}.adr" / name] = text
    return out


def golden_paths(examples: Path) -> list[Path]:
    """The memo files examples/ holds now, whatever produced them."""
    found = list(examples.glob("*.memo.md")) + list(examples.glob("*.memo.html"))
    found += [p for p in examples.glob("*.adr/*") if p.is_file()]
    return sorted(found)


def regenerate(examples: Path) -> list[Path]:
    """Rewrite the golden memos and remove stale ones; returns the paths written."""
    wanted = golden_files(examples)
    for stale in set(golden_paths(examples)) - set(wanted):
        stale.unlink()
    for folder in examples.glob("*.adr"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"), force=True)
    return sorted(wanted)
