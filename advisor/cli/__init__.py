"""The `advisor` command: a thin layer over the library that turns errors into exit codes.

Each command lives in its own module of this package (its flags and one library call) and is
imported only when it runs: `advisor --help` and `advisor --version` load neither the rule engine,
the rule pack, the pydantic models nor jinja2. Errors become exit codes here, in one place.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NamedTuple

import click

from advisor import __version__
from advisor.errors import AdvisorError, ExitCode


class Entry(NamedTuple):
    module: str
    # The first paragraph of the command's help, for `advisor --help` without importing the
    # module; tests/test_cli.py checks it against the command's own help.
    summary: str


COMMANDS = {
    "ask": Entry(
        "advisor.cli.ask",
        "Answer questions about a workload, save them as a requirements file, and show the decisions.",
    ),
    "batch": Entry(
        "advisor.cli.batch", "Evaluate many requirements at once and write one JSON line per input."
    ),
    "diff": Entry(
        "advisor.cli.diff",
        "Compare two requirements files: the answers and decisions that differ, controls and warnings.",
    ),
    "explain": Entry(
        "advisor.cli.explain",
        "Explain a decision of a requirements FILE: scores, rules, answers, facts and what would change it.",
    ),
    "memo": Entry(
        "advisor.cli.memo", "Render the justified design memo for a requirements FILE (- for standard input)."
    ),
    "prices": Entry(
        "advisor.cli.prices", "List the prices the cost estimate uses, with their sources and dates."
    ),
    "recommend": Entry(
        "advisor.cli.recommend",
        "Evaluate a requirements FILE (- for standard input) and print the decisions.",
    ),
    "rules": Entry("advisor.cli.rules", "List, show, test and lint the rules of a rule pack."),
    "schema": Entry("advisor.cli.schema", "Print the JSON Schema of the requirements file."),
}


def run_guarded(invoke: Any) -> Any:
    """User errors: a short message and exit 2. Anything else: exit 1, traceback only with ADVISOR_DEBUG."""
    try:
        return invoke()
    except AdvisorError as error:
        _say(f"advisor: {error}")
        sys.exit(ExitCode.USAGE)
    except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
        raise
    except KeyboardInterrupt:
        _say("advisor: interrupted")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(ExitCode.OK)
    except Exception as error:  # a defect of ours, not of the input
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        _say(
            f"advisor: internal error: {type(error).__name__}: {error}\n"
            "Please report it with the input that caused it (set ADVISOR_DEBUG=1 for a traceback)."
        )
        sys.exit(ExitCode.INTERNAL)


def _say(message: str) -> None:
    """An error on stderr: terminal-safe (it may quote the user's text), and never a second error
    of its own when stderr is closed or cannot encode the message."""
    from advisor.terminal import safe

    try:
        click.echo(safe(message), err=True)
    except (OSError, ValueError):
        pass


class LazyGroup(click.Group):
    """The command group: commands imported on demand, every one run inside the one error handler."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = getattr(importlib.import_module(entry.module), cmd_name)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own layout and shortening, from the summaries above (a bare Command stands in for
        # each): listing the commands imports none of them.
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=COMMANDS[name].summary).get_short_help_str(limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        return run_guarded(lambda: super(LazyGroup, self).invoke(ctx))


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="advisor")
def cli() -> None:
    """An AWS architecture decision advisor: describe a workload, get justified decisions."""


def main() -> None:
    from advisor import gc_pause

    gc_pause.pause()  # start-up builds long-lived objects only; resumed once the Advisor is built
    cli(prog_name="advisor")
