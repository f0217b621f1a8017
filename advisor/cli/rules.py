"""The `advisor rules` commands: list, show, test, lint and catalogue a rule pack."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import click

from advisor.cli.common import rules_option
from advisor.errors import ExitCode

# SPEC §9: `rules test` exits 1 when an example fails, `rules lint` when it finds something.
SOME_FAIL = 1
PACK_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group()
def rules() -> None:
    """List, show, test and lint the rules of a rule pack."""


@rules.command("list")
@click.option("--area", metavar="AREA", help="Only the rules of this decision area.")
@click.option(
    "--pack",
    "pack_name",
    metavar="NAME",
    help="Only the rules of this pack (builtin, or a --rules pack's name).",
)
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(area: str | None, pack_name: str | None, layers: tuple[Path, ...], fmt: str) -> None:
    """List every rule: its id, effect and title."""
    from advisor.rule_sources import load_pack
    from advisor.rules_catalogue import list_text

    click.echo(list_text(load_pack(None, layers), area, fmt, pack_name), nl=False)


@rules.command()
@click.argument("rule_id", metavar="ID")
@rules_option
def show(rule_id: str, layers: tuple[Path, ...]) -> None:
    """Show one rule: its conditions, texts, reference, examples, file and line."""
    from advisor.rule_sources import load_pack
    from advisor.rules_catalogue import show as shown

    click.echo(shown(load_pack(None, layers), rule_id), nl=False)


@rules.command("test")
@click.argument("pack", metavar="[DIR]", required=False, type=PACK_DIR)
def test_rules(pack: Path | None) -> None:
    """Run every rule's examples (the built-in pack, or the pack in DIR); exit 1 if any fails."""
    from advisor.rules_examples import run

    report = run(pack)
    click.echo(report.text(), nl=False)
    sys.exit(SOME_FAIL if report.failures else ExitCode.OK)


@rules.command()
@click.argument("pack", metavar="[DIR]", required=False, type=PACK_DIR)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The date facts' as_of is checked against (default: today).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint(pack: Path | None, today: datetime.datetime | None, fmt: str) -> None:
    """Find what is wrong with a rule pack (the built-in one, or DIR); exit 1 on findings."""
    from advisor.markup import plain
    from advisor.rules_lint import lint as run_lint

    findings = run_lint(pack, today.date() if today else None)
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(plain(str(finding)))
        click.echo(f"{len(findings)} finding{'' if len(findings) == 1 else 's'}", err=True)
    sys.exit(SOME_FAIL if findings else ExitCode.OK)


@rules.command()
def catalogue() -> None:
    """Print the Markdown catalogue of every rule."""
    from advisor.rule_sources import load_pack
    from advisor.rules_catalogue import catalogue as markdown

    click.echo(markdown(load_pack()), nl=False)
