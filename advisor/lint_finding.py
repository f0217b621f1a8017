"""One finding of `advisor rules lint`: where in the pack, what kind, about what, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "malformed-id",
    "duplicate-id",
    "id-prefix",
    "unreachable-option",
    "never-fires",
    "overlap",
    "unused-fact",
    "stale-fact",
    "table-missing-option",
]


@dataclass(frozen=True, order=True)
class Finding:
    where: str  # file (and line) in the pack
    kind: Kind
    subject: str  # the rule, option, fact or table
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind}: {self.subject}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"where": self.where, "kind": self.kind, "subject": self.subject, "message": self.message}
