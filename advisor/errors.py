"""The errors users can cause, each carrying what went wrong and where; one family, one exit code."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ExitCode(enum.IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C (128 + SIGINT)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a requirements input: the field (dotted path), what, and the YAML line."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        field = f"{self.path}: " if self.path else ""
        return f"{where}{field}{self.message}"


class AdvisorError(Exception):
    """Base of every error a user can cause; the CLI turns these into exit code 2."""


class InvalidRequirements(AdvisorError, ValueError):
    """A requirements input that cannot be evaluated. `problems` lists every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        from advisor.limits import MAX_PROBLEMS

        self.source = source
        # The first MAX_PROBLEMS, in the order given; `more` counts the rest, so neither the
        # message nor a batch line grows with a hostile input.
        self.problems = problems[:MAX_PROBLEMS]
        self.more = max(0, len(problems) - MAX_PROBLEMS)
        super().__init__(self.message())

    def message(self) -> str:
        if len(self.problems) == 1 and not self.problems[0].path and not self.problems[0].line:
            return f"{self.source}: {self.problems[0].message}"
        total = len(self.problems) + self.more
        head = f"{self.source}: " + ("invalid requirements" if total == 1 else f"{total:,} problems")
        text = head + "\n" + "\n".join(f"  {problem}" for problem in self.problems)
        if self.more:
            text += f"\n  … and {self.more:,} more"
        return text

    def to_list(self) -> list[dict[str, object]]:
        return [{"path": p.path, "message": p.message, "line": p.line} for p in self.problems]


class MemoError(AdvisorError):
    """A memo cannot be produced as asked (bad date, templates missing, output refused)."""


class EngineError(Exception):
    """The rule engine failed on one profile; the profile gets an error, the engine stays usable."""


class EngineUnavailable(AdvisorError, ImportError):
    """durable-rules is installed but cannot be loaded (built without the fix Python 3.13+ needs)."""


class RulePackError(Exception):
    """A rule file is malformed: a defect of the rule pack, not of the user's input.

    `problems` lists every problem found, each naming its file, the rule id and the field.
    """

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems if problems is not None else [message]


class OrganizationPackError(RulePackError, AdvisorError):
    """An organization pack given with --rules is malformed: the user's input, so exit 2."""
