"""The `advisor diff` command: two requirements files compared, exit 1 when a decision differs."""

from __future__ import annotations

import datetime
import sys

import click

from advisor.cli.common import date_option, evaluate_document, read_document, rules_option, set_option


@click.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", metavar="OUT", help="Write to OUT instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@set_option
@rules_option
@date_option
def diff(
    a: str,
    b: str,
    fmt: str,
    output: str | None,
    force: bool,
    settings: tuple,
    layers: tuple,
    today: datetime.date | None,
) -> None:
    """Compare two requirements files: the answers and decisions that differ, controls and warnings.

    --set applies to B only, so `advisor diff FILE FILE --set PATH=VALUE` asks "what if".
    Exit status: 0 when every decision (and the set of controls) is the same, 1 when some differ,
    2 for bad input.
    """
    from advisor import diff as diffing
    from advisor.output import write_text
    from advisor.terminal import detect

    left = evaluate_document(read_document(a), layers, today)
    right = evaluate_document(read_document(b, settings), layers, today)
    compared = diffing.compare(
        left, right, "standard input" if a == "-" else a, "standard input" if b == "-" else b, today
    )
    if fmt == "json":
        text = compared.model_dump_json(indent=2) + "\n"
    else:
        text = diffing.render_text(compared, detect(sys.stdout if output in (None, "-") else None))
    write_text(output, text, force)
    sys.exit(diffing.SAME if compared.same else diffing.DIFFERENT)
