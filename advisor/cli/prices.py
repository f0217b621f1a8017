"""The `advisor prices` command: what the price snapshot holds, with dates and sources."""

from __future__ import annotations

import datetime
import json

import click

from advisor.cli.common import rules_option, today_option


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@today_option
@rules_option
def prices(fmt: str, today: datetime.date | None, layers: tuple) -> None:
    """List the prices the cost estimate uses, with their sources and dates.

    With --rules, an organization pack's own prices replace the built-in ones they name."""
    from advisor.prices import builtin, listing, render_listing_text

    if layers:
        from advisor.api import advisor_for  # checks the whole pack: a bad one is exit 2

        snapshot = advisor_for(layers).prices
    else:
        snapshot = builtin()
    if fmt == "json":
        click.echo(json.dumps(listing(snapshot, today), indent=2, ensure_ascii=False))
    else:
        click.echo(render_listing_text(snapshot, today), nl=False)
