"""The answers of `advisor ask` as a requirements file, each answer under a comment that says what it means."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import BaseModel

from advisor import fields
from advisor.about import About
from advisor.answers import Spec, plain_number, span, spec
from advisor.questionnaire import Answers
from advisor.requirements import Dataset, Requirements

WIDTH = 100


def scalar(value: Any) -> str:
    """One value as YAML text that loads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(plain_number(value))
        text = repr(value)
        # YAML 1.1 reads 1e-07 as a string: its floats need a dot in the mantissa.
        mantissa, e, exponent = text.partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    if not str(value).isprintable():  # line breaks (\n, NEL, U+2028), tabs: escaped, on one line
        return yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_style='"').rstrip("\n")
    text = yaml.safe_dump(value, allow_unicode=True, width=math.inf, default_flow_style=True)
    return text.removesuffix("\n").removesuffix("\n...")


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=f"{indent}# ",
        subsequent_indent=f"{indent}# ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def _one_line(text: Any) -> str:
    # A comment ends at any line break, NEL and U+2028 included: keep user text inside it.
    return "".join(c if c.isprintable() else " " for c in str(text))


def _asked(prompt: str) -> str:
    return prompt if prompt.endswith("?") else prompt + ":"


class Writer:
    """The answers as a requirements file, each answer under a comment that says what it means."""

    def __init__(
        self,
        answers: Answers,
        facts: Mapping[str, Any],
        source: str = "",
        overrides: Mapping[str, Any] | None = None,
    ):
        self.answers = answers
        self.facts = facts
        self.source = source
        self.overrides = dict(overrides or {})

    def _entry(self, path: str, key: str, value: Any, indent: str, first: str = "") -> list[str]:
        """Comment lines, then `key: value  # meaning`. `first` replaces the indent of the key line."""
        about = fields.about(path)
        field_spec = spec(path)
        lines = _comment(f"{_asked(about.prompt)} {about.explain(self.facts)}", indent)
        if field_spec.kind in ("choice", "many") and len(field_spec.options) <= 9:
            written = (scalar(field_spec.value_of(key)) for key in field_spec.options)
            lines += _comment(
                ("one of: " if field_spec.kind == "choice" else "any of: ") + " | ".join(written), indent
            )
        elif field_spec.kind == "number":
            low, high, low_open, high_open = field_spec.bounds()
            wanted = "a whole number" if field_spec.integer else "a number"
            lines += _comment(wanted + span(low, high, low_open, high_open), indent)
        line = f"{first or indent}{key}: {scalar(value)}"
        meaning = self._meaning(about, field_spec, value)
        if meaning:
            line += f"  # {meaning}"
        return lines + [line]

    @staticmethod
    def _meaning(about: About, field_spec: Spec, value: Any) -> str:
        if field_spec.kind == "choice":
            return about.values.get(field_spec.key_of(value), "")
        if field_spec.kind == "many":
            return ", ".join(about.values.get(key, key) for key in value) if value else "none"
        if value is None:
            return about.null  # "anywhere", for data_residency
        return ""

    def text(self) -> str:
        answers = self.answers
        name = answers.values.get("name", "")
        out = [
            f"# Requirements of {_one_line(name)}, written by `advisor ask`.",
            "# Edit any answer and run `advisor recommend` on this file to see the decisions again;",
            "# an answer left out takes its default and is listed as an assumption of the decisions.",
        ]
        if self.source:
            out.append(f"# Started from the answers in {_one_line(self.source)}.")
        out.append("version: 1")
        for top, info in Requirements.model_fields.items():
            if top == "version":
                continue
            annotation = info.annotation
            if top == "datasets":
                out += [""] + self._datasets()
            elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
                out += [""] + self._section(top, annotation)
            elif top == "description" and not answers.values.get(top):
                out.append("# description: one sentence on what it does")
            elif top == "overrides":
                out += self._overrides()
            elif top in answers.values:
                out += ([""] if top == "processing" else []) + self._entry(top, top, answers.values[top], "")
        return "\n".join(out) + "\n"

    def _overrides(self) -> list[str]:
        if not self.overrides:
            return []
        body = yaml.safe_dump({"overrides": self.overrides}, sort_keys=False, allow_unicode=True, width=100)
        return [
            "",
            *_comment(fields.about("overrides").help or "The team's own choices.", ""),
        ] + body.splitlines()

    def _section(self, name: str, model: type[BaseModel]) -> list[str]:
        answered = [f for f in model.model_fields if f"{name}.{f}" in self.answers.values]
        if not answered:
            reasons = sorted({self.answers.skipped.get(f"{name}.{f}", "") for f in model.model_fields} - {""})
            why = f" ({'; '.join(reasons)})" if reasons else ""
            return [f"# {name}: not asked{why}; the defaults apply."]
        lines = [f"{name}:"]
        for key in model.model_fields:
            path = f"{name}.{key}"
            if path in self.answers.values:
                entry = self._entry(path, key, self.answers.values[path], "  ")
                if path in self.answers.kept:
                    entry.insert(
                        -1, f"  # (not asked, as {self.answers.kept[path]}; kept from the file started from)"
                    )
                lines += entry
            elif path in self.answers.skipped:
                assumed = scalar(self.answers.assumed.get(path))
                lines.append(f"  # {key}: {assumed}  (not asked, as {self.answers.skipped[path]})")
        return lines

    def _datasets(self) -> list[str]:
        if not self.answers.datasets:
            return [
                "# Data sets the workload stores: none (the storage decisions are made per data set).",
                "datasets: []",
            ]
        lines = ["# Data sets the workload stores; each gets its own storage decisions.", "datasets:"]
        for item, skipped in zip(self.answers.datasets, self.answers.dataset_skipped, strict=True):
            first = True
            for key in Dataset.model_fields:
                path = f"dataset.{key}"
                if key in item:
                    lines += self._entry(path, key, item[key], "    ", "  - " if first else "")
                    first = False
                elif key in skipped:
                    reason, assumed = skipped[key]
                    lines.append(f"    # {key}: {scalar(assumed)}  (not asked, as {reason})")
        return lines


def requirements_text(
    answers: Answers, facts: Mapping[str, Any], source: str = "", overrides: Mapping[str, Any] | None = None
) -> str:
    """The requirements file: every answer, and the team's overrides (kept from the file started from)."""
    return Writer(answers, facts, source, overrides).text()
