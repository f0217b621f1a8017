"""The `advisor recommend` command: the decisions for one requirements file, as text or JSON."""

from __future__ import annotations

import click

from advisor.cli.common import evaluate_path


@click.command()
@click.argument("file", metavar="FILE", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", metavar="OUT", help="Write to OUT instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
def recommend(file: str, fmt: str, output: str | None, force: bool) -> None:
    """Evaluate a requirements FILE (- for standard input) and print the decisions."""
    from advisor.output import write_text

    result = evaluate_path(file)
    if fmt == "json":
        text = result.to_json() + "\n"
    else:
        from advisor.summary import render

        text = render(result)
    write_text(output, text, force)
