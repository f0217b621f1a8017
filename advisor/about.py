"""What a requirements field means to people: its label, its question, its help and what each value says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

# How the memo shows a number of this field: "99.9%", "3 years", "2 minutes", "16 GiB", "1 year".
Unit = Literal["percent", "months", "duration", "GiB", "GB", "days"]


class _Facts(dict[str, str]):
    def __missing__(
        self, key: str
    ) -> str:  # a fact the pack lacks (or no pack, in the schema): say it plainly
        return "short notice"


def key_of(value: Any) -> str:
    """A value as the key its meaning is filed under: the YAML text of it ("no", "99.9", "1")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True, eq=False)
class About:
    """Annotated metadata of a requirements field: everything the schema, `ask` and the memo say about it.

    `help` may quote a fact of the rule pack as {fact_id}; `values` maps each allowed value (its YAML
    text, or auto/yes/no for a yes-no answer that may be left to the advisor) to what choosing it
    says about the workload. `words` holds how the memo says a value where that is not the value
    with spaces for underscores; `unit` how it shows a number; `null` how it says "not given".
    """

    label: str  # a short noun phrase: the memo's row title
    prompt: str  # the question `ask` puts
    help: str  # one or two sentences in the user's terms
    values: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)
    unit: Unit | None = None
    null: str = ""
    detail: str = ""  # what the file itself accepts, when `help` speaks of what `ask` accepts

    def __post_init__(self) -> None:
        for name in ("label", "prompt", "help"):
            text = getattr(self, name)
            if not text or text != text.strip():
                raise ValueError(f"About.{name} must be non-empty text without surrounding space: {text!r}")
        for key, meaning in self.values.items():
            if not isinstance(key, str) or not meaning.strip():
                raise ValueError(f"About.values[{key!r}] must be a non-empty meaning under a text key")
        unknown = set(self.words) - set(self.values)
        if unknown:
            raise ValueError(f"About.words names values that are not among its values: {sorted(unknown)}")

    def explain(self, facts: Mapping[str, Any] | None = None) -> str:
        """The help, quoting the rule pack's facts where it names them ("short notice" without a pack)."""
        return self.help.format_map(_Facts({name: str(fact) for name, fact in (facts or {}).items()}))

    def meaning(self, value: Any) -> str:
        return self.values.get(key_of(value), "")

    def __get_pydantic_json_schema__(
        self, core: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core)
        schema["title"] = self.label
        schema["description"] = f"{self.explain()} {self.detail}".strip()
        if self.values and "enum" not in schema and schema.get("type") == "number":
            # A number limited to listed values (availability.target): its values are its enum.
            schema["enum"] = [float(key) for key in self.values]
        # enumDescriptions: the key VS Code's JSON and YAML language servers show beside each value.
        for holder in (schema, schema.get("items") or {}):
            if "const" in holder and "enum" not in holder:  # a one-value Literal (version: 1)
                holder["enum"] = [holder["const"]]
            if "enum" in holder:
                holder["enumDescriptions"] = [self.meaning(value) for value in holder["enum"]]
        return schema
