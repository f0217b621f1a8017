"""The `advisor prices` command: what the price snapshot holds, with dates and sources."""

from __future__ import annotations

import datetime
import json

import click

from advisor.cli.common import today_option


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@today_option
def prices(fmt: str, today: datetime.date | None) -> None:
    """List the prices the cost estimate uses, with their sources and dates."""
    from advisor.prices import builtin, listing, render_listing_text

    snapshot = builtin()
    if fmt == "json":
        click.echo(json.dumps(listing(snapshot, today), indent=2, ensure_ascii=False))
    else:
        click.echo(render_listing_text(snapshot, today), nl=False)
