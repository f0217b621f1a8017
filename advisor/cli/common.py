"""What the command modules share: reading a requirements FILE argument, `--set`, and evaluating.

Command modules import from here, never from `advisor.cli` itself (which imports them).
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from advisor.limits import MAX_BYTES

if TYPE_CHECKING:
    from advisor.loading import Document
    from advisor.result import Result
    from advisor.settings import Setting


def _parse_settings(ctx: click.Context, param: click.Parameter, values: Sequence[str]) -> tuple[Setting, ...]:
    if not values:
        return ()  # click calls this without --set too: nothing to import
    from advisor.settings import parse

    return tuple(parse(value) for value in values)


set_option = click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="PATH=VALUE",
    callback=_parse_settings,
    help="Change one answer before evaluating (repeatable): --set workload.traffic=spiky, "
    "--set datasets[0].access=rare. VALUE is read as YAML.",
)

rules_option = click.option(
    "--rules",
    "layers",
    multiple=True,
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="An organization rule pack layered on the built-in one (repeatable): its rules join every decision.",
)


def read_stdin() -> bytes:
    """At most MAX_BYTES + 1 bytes of standard input; a closed or failing stream is the user's error."""
    from advisor.errors import InvalidRequirements, Problem

    if sys.stdin is None:  # started with stdin closed (<&-)
        raise InvalidRequirements("<stdin>", [Problem("", "standard input is closed")])
    try:
        return bytes(sys.stdin.buffer.read(MAX_BYTES + 1))
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise InvalidRequirements("<stdin>", [Problem("", f"cannot be read: {reason}")]) from None


def read_source(path: str) -> Any:
    """A requirements source for the library: a parsed document for stdin, else the path."""
    from advisor.loading import decode, parse_yaml

    if path == "-":
        return parse_yaml(decode(read_stdin(), "<stdin>"), "<stdin>")
    return Path(path)


def read_document(path: str, settings: Sequence[Setting] = ()) -> Document:
    """The parsed requirements of FILE with every --set applied, not yet validated."""
    from advisor.loading import load_source

    source = read_source(path)
    document = source if hasattr(source, "data") else load_source(source)
    if not settings:
        return document
    from advisor.settings import apply

    return apply(document, settings)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date | None:
    if value is None:
        return None
    from advisor.memo import memo_date  # only when a date is given: recommend loads no memo module

    return memo_date(value)


# One day the whole run is judged on: which overrides have ended (today's date when not given) and
# which prices are over a year old (checked only when given, so output never depends on the clock).
date_option = click.option(
    "--date",
    "--today",
    "today",
    metavar="YYYY-MM-DD",
    callback=_parse_date,
    help="The day the run is judged on: overrides whose `until` has passed stop applying (default: "
    "today), and prices seen more than a year before it are flagged.",
)


today_option = date_option  # `advisor prices --today`: the same day, parsed the same way


def evaluate_document(
    document: Document, layers: Sequence[Path] = (), today: datetime.date | None = None
) -> Result:
    from advisor.api import advisor_for
    from advisor.validation import check, with_defaults

    # Check before loading the rule pack: a bad file is refused at once. (The workload type's
    # defaults only fill answers left out, so they cannot make bad answers good.)
    requirements = check(document)
    advisor = advisor_for(layers)
    profile = with_defaults(document, requirements, advisor.pack.type_defaults)
    return advisor.evaluate_profile(profile, today)


def evaluate_path(path: str, settings: Sequence[Setting] = (), layers: Sequence[Path] = ()) -> Result:
    return evaluate_document(read_document(path, settings), layers)
