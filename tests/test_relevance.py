"""Skip logic read from the rule pack: fewer questions, and never a different decision."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES

from advisor.answer_file import requirements_text
from advisor.answers import spec
from advisor.conditions import DERIVED_FIELDS
from advisor.loading import parse_yaml
from advisor.questionnaire import Option, Questionnaire
from advisor.questions import ADD_ANOTHER, ADD_DATASET, all_questions
from advisor.relevance import DATASET_DERIVED, DERIVED_FROM, Relevance
from advisor.validation import validate

PATH_OF = {q.prompt: q.path for q in all_questions() if not q.again}
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


class FromFile:
    """Answers each question put with the file's answer, or takes the default the question shows."""

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.datasets = list(data.get("datasets", []))
        self.current: dict[str, Any] = {}
        self.asked: list[str] = []

    def _given(self, prompt: str) -> tuple[str, Any]:
        path = PATH_OF[prompt]
        self.asked.append(path)
        if path.startswith("dataset."):
            return path, self.current.get(path.split(".", 1)[1], ...)
        if "." not in path:
            return path, self.data.get(path, ...)
        section, key = path.split(".", 1)
        return path, self.data.get(section, {}).get(key, ...)

    def section(self, title: str) -> None:
        pass

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str:
        path, value = self._given(prompt)
        return default if value is ... else spec(path).key_of(value)

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]:
        value = self._given(prompt)[1]
        return list(default) if value is ... else list(value)

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool:
        if prompt in (ADD_DATASET.prompt, ADD_ANOTHER.prompt):
            self.current = self.datasets.pop(0) if self.datasets else {}
            return bool(self.current)
        value = self._given(prompt)[1]
        return default if value is ... else bool(value)

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any:
        value = self._given(prompt)[1]
        return parse(default or "") if value is ... else value


def decisions(advisor, answers) -> dict[str, Any]:
    text = requirements_text(answers, advisor.pack.facts, "")
    result = advisor.evaluate_profile(validate(parse_yaml(text, "asked.yaml"), advisor.pack.type_defaults))
    out = {area: d.choice for area, d in result.decisions.items()}
    out["datasets"] = [{area: d.choice for area, d in ds.decisions.items()} for ds in result.datasets]
    out["controls"] = sorted(c.id for c in result.controls)
    return out


def ask_from(advisor, path, relevance: Relevance | None) -> tuple[list[str], dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    keyboard = FromFile(data)
    answers = Questionnaire(
        keyboard, advisor.pack.type_defaults, advisor.pack.facts, relevance=relevance
    ).run()
    return keyboard.asked, decisions(advisor, answers)


@pytest.fixture(scope="module")
def relevance(advisor):
    return Relevance(advisor)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_skipping_what_no_applicable_rule_tests_never_changes_a_decision(advisor, relevance, path):
    every, full = ask_from(advisor, path, None)
    fewer, skipped = ask_from(advisor, path, relevance)
    assert skipped == full
    assert set(fewer) <= set(every)


def test_fewer_questions_for_each_example(advisor, relevance, capsys):
    rows = []
    for path in EXAMPLE_FILES:
        every = len(ask_from(advisor, path, None)[0])
        fewer = len(ask_from(advisor, path, relevance)[0])
        rows.append((path.stem, every, fewer))
    with capsys.disabled():  # the table the issue asked for; shown with pytest -s
        print("\nexample: questions asked without / with skip logic from the rule pack")
        for name, every, fewer in rows:
            print(f"  {name:<28} {every:>3} -> {fewer:>3}  ({every - fewer} fewer)")
    assert all(fewer <= every for _, every, fewer in rows)
    assert sum(every - fewer for _, every, fewer in rows) >= len(rows)  # on average one fewer or more


def test_a_field_no_rule_tests_is_not_asked(advisor, relevance):
    assert "database.access" not in relevance.by_field  # no rule of the pack reads it
    assert relevance.moot("database.access", {}, []) == "no rule tests it"
    assert relevance.moot("name", {}, []) is None


def test_a_database_setting_is_asked_only_with_a_database(relevance):
    assert relevance.moot("database.scale", {"workload.type": "web_app"}, [])
    assert relevance.moot("database.scale", {"database.model": "relational"}, []) is None


def test_every_derived_value_is_traced_to_its_answers():
    assert set(DERIVED_FIELDS) == set(DERIVED_FROM) | DATASET_DERIVED
