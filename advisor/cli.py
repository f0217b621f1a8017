"""The `advisor` command: a thin layer over the library that turns errors into exit codes."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from advisor import __version__
from advisor.errors import AdvisorError, ExitCode
from advisor.limits import MAX_BYTES
from advisor.loading import decode, parse_yaml
from advisor.output import write_text

if TYPE_CHECKING:
    from advisor.result import Result


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """User errors: a short message and exit 2. Anything else: exit 1, traceback only with ADVISOR_DEBUG."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AdvisorError as error:
            click.echo(f"advisor: {error}", err=True)
            sys.exit(ExitCode.USAGE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("advisor: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(ExitCode.OK)
        except Exception as error:  # a defect of ours, not of the input
            import os

            if os.environ.get("ADVISOR_DEBUG"):
                raise
            click.echo(
                f"advisor: internal error: {type(error).__name__}: {error}\n"
                "Please report it with the input that caused it (set ADVISOR_DEBUG=1 for a traceback).",
                err=True,
            )
            sys.exit(ExitCode.INTERNAL)

    return wrapper


def read_source(path: str) -> Any:
    """A requirements source for the library: a parsed document for stdin, else the path."""
    from pathlib import Path

    if path == "-":
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        return parse_yaml(decode(raw, "<stdin>"), "<stdin>")
    return Path(path)


def evaluate_path(path: str) -> Result:
    from advisor.api import default_advisor
    from advisor.loading import load_source
    from advisor.validation import check, with_defaults

    source = read_source(path)
    # Read, parse and check before loading the rule pack: a bad file is refused at once. (The
    # workload type's defaults only fill answers left out, so they cannot make bad answers good.)
    document = source if hasattr(source, "data") else load_source(source)
    requirements = check(document)
    advisor = default_advisor()
    return advisor.evaluate_profile(with_defaults(document, requirements, advisor.pack.type_defaults))


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="advisor")
def cli() -> None:
    """An AWS architecture decision advisor: describe a workload, get justified decisions."""


@cli.command()
@click.argument("file", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", metavar="OUT", help="Write to OUT instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@handle_errors
def recommend(file: str, fmt: str, output: str | None, force: bool) -> None:
    """Evaluate a requirements FILE (- for standard input) and print the decisions."""
    result = evaluate_path(file)
    if fmt == "json":
        text = result.to_json() + "\n"
    else:
        from advisor.summary import render

        text = render(result)
    write_text(output, text, force)


@cli.command()
@handle_errors
def schema() -> None:
    """Print the JSON Schema of the requirements file."""
    from advisor.requirements import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


# -- more commands: each lives in its own module and is added here, one line each --
from advisor.cli_ask import ask  # noqa: E402  (these modules import `cli` helpers defined above)
from advisor.cli_batch import batch  # noqa: E402
from advisor.cli_memo import memo  # noqa: E402

for _command in (ask, memo, batch):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="advisor")
