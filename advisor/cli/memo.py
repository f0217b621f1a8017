"""The `advisor memo` command: the justified design memo as Markdown, HTML or a folder of MADR records."""

from __future__ import annotations

from pathlib import Path

import click

from advisor.cli.common import evaluate_document, read_document, rules_option, set_option
from advisor.memo import DEFAULT_ADR_FOLDER, FORMATS


@click.command()
@click.argument("file", metavar="FILE", type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="markdown",
    show_default=True,
    help="markdown and html print or write one file; adr writes one record per decision into a folder.",
)
@click.option(
    "-o",
    "--output",
    metavar="OUT",
    help=f"Write to OUT instead of standard output (adr: the folder, default {DEFAULT_ADR_FOLDER}).",
)
@click.option(
    "--date",
    "--today",
    "date",
    metavar="YYYY-MM-DD",
    help="The memo's date and the day the run is judged on: overrides whose `until` has passed stop "
    "applying, prices seen more than a year before it are flagged (default: SOURCE_DATE_EPOCH if set, "
    "else today).",
)
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@set_option
@rules_option
def memo(
    file: str, fmt: str, output: str | None, date: str | None, force: bool, settings: tuple, layers: tuple
) -> None:
    """Render the justified design memo for a requirements FILE (- for standard input)."""
    from advisor import memo as memos
    from advisor.api import advisor_for
    from advisor.output import write_folder, write_text

    day = memos.memo_date(date)  # a bad --date or -o fails before any work is done
    if fmt == "adr" and output == "-":
        raise memos.MemoError("--format adr writes a folder of records; give -o a folder, not -")
    if fmt == "adr":
        memos.check_adr_folder(Path(output or DEFAULT_ADR_FOLDER))
    from advisor.sensitivity import with_sensitivity

    document = read_document(file, settings)
    # The memo says under each decision what would change it: that takes one evaluation per change.
    result = with_sensitivity(advisor_for(layers), document, evaluate_document(document, layers, day), day)
    source = "standard input" if file == "-" else Path(file).name
    view = memos.build(result, advisor_for(layers).pack, day, source)
    if fmt == "adr":
        folder = Path(output or DEFAULT_ADR_FOLDER)
        written = write_folder(folder, memos.render_adr(view), force, memos.earlier_records(folder))
        click.echo(
            f"advisor: wrote {len(written) - 1} decision records and {memos.ADR_INDEX} to {folder}", err=True
        )
        return
    text = memos.render_markdown(view) if fmt == "markdown" else memos.render_html(view)
    write_text(output, text, force)
