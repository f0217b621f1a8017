"""Every problem found while loading a pack, collected so that one error reports them all, each naming file, rule and field."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from advisor.conditions import TEST_MODELS
from advisor.errors import RulePackError


class Problems:
    """Every problem of the pack, each naming its file, the rule id (or key) and the field."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def validate(self, model: type[BaseModel], data: Any, where: str, context: Any = None) -> Any:
        """The model, or None after recording every problem pydantic found."""
        try:
            return model.model_validate(data, context=context)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                loc = _loc(problem["loc"])
                message = problem["msg"].removeprefix("Value error, ")
                self.add(f"{where}: {loc}" if loc else where, message)
            return None

    def raise_any(self) -> None:
        if len(self.items) == 1:
            raise RulePackError(self.items[0], self.items)
        if self.items:
            raise RulePackError(
                f"{len(self.items)} problems in the rule pack:\n" + "\n".join(f"  {p}" for p in self.items),
                self.items,
            )


def _loc(loc: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in loc if not str(part).startswith("function-") and part != "[key]"]
    if parts[:1] == ["when"]:
        # The tests of `all` are keyed by the field they test; the union's tags are no fields.
        parts = [
            p for i, p in enumerate(parts) if not (i == 1 and p == "all") and p not in (*TEST_MODELS, "field")
        ]
    return ".".join(parts)
