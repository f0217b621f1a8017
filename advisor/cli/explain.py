"""The `advisor explain` command: everything behind one decision, or all of them."""

from __future__ import annotations

import datetime
import sys

import click

from advisor.cli.common import date_option, read_document, rules_option, set_option


@click.command()
@click.argument("file", metavar="FILE")
@click.argument("target", metavar="[TARGET]", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", metavar="OUT", help="Write to OUT instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@set_option
@rules_option
@date_option
def explain(
    file: str,
    target: str | None,
    fmt: str,
    output: str | None,
    force: bool,
    settings: tuple,
    layers: tuple,
    today: datetime.date | None,
) -> None:
    """Explain a decision of a requirements FILE: scores, rules, answers, facts and what would change it.

    TARGET is an area (purchase_option), dataset:NAME:AREA or control:ID; without it, every
    decision is explained.
    """
    from advisor import explain as explaining
    from advisor.api import advisor_for
    from advisor.output import write_text
    from advisor.terminal import detect

    explanation = explaining.explain(advisor_for(layers), read_document(file, settings), target, today)
    if fmt == "json":
        text = explanation.model_dump_json(indent=2) + "\n"
    else:
        text = explaining.render_text(explanation, detect(sys.stdout if output in (None, "-") else None))
    write_text(output, text, force)
