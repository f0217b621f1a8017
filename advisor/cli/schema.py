"""The `advisor schema` command: the JSON Schema of the requirements file."""

from __future__ import annotations

import json

import click


@click.command()
def schema() -> None:
    """Print the JSON Schema of the requirements file."""
    from advisor.requirements import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))
