"""The `advisor recommend` command: the decisions for one requirements file, as text or JSON."""

from __future__ import annotations

import datetime
import sys

import click

from advisor.cli.common import date_option, evaluate_document, read_document, rules_option, set_option


@click.command()
@click.argument("file", metavar="FILE", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", metavar="OUT", help="Write to OUT instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@set_option
@rules_option
@date_option
@click.option(
    "--sensitivity",
    is_flag=True,
    help="Add what would change each decision (would_change): one evaluation per change.",
)
@click.option(
    "--detail", is_flag=True, help="Text: every reason, alternative and assumption, not one line each."
)
def recommend(
    file: str,
    fmt: str,
    output: str | None,
    force: bool,
    settings: tuple,
    layers: tuple,
    today: datetime.date | None,
    sensitivity: bool,
    detail: bool,
) -> None:
    """Evaluate a requirements FILE (- for standard input) and print the decisions."""
    from advisor.output import write_text

    document = read_document(file, settings)
    result = evaluate_document(document, layers, today)
    if sensitivity:
        from advisor.api import advisor_for
        from advisor.sensitivity import with_sensitivity

        result = with_sensitivity(advisor_for(layers), document, result, today)
    if fmt == "json":
        text = result.to_json() + "\n"
    else:
        from advisor.summary import render
        from advisor.terminal import detect

        term = detect(sys.stdout if output in (None, "-") else None)
        text = render(result, term, detail)
        # With colour, the summary filtered every piece of text itself (Terminal.wrap) before styling.
        write_text(output, text, force, filtered=term.colour)
        return
    write_text(output, text, force)
