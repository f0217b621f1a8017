"""Going back and the review screen of `advisor ask`, driven through the questionnaire itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from advisor.questionnaire import GoBack, Option, Questionnaire
from advisor.questions import all_questions
from advisor.revisit import Recorder, run

PATH_OF = {q.prompt: q.path for q in all_questions()}
BACK = "<"


class Keyboard:
    """Replies typed in order ("" takes the default, "<" goes back); reviews picked in order."""

    def __init__(self, replies: dict[str, list[str]], reviews: Sequence[str | None] = ()):
        self.replies = {path: list(typed) for path, typed in replies.items()}
        self.reviews = list(reviews)
        self.asked: list[tuple[str, Any]] = []  # (path, default shown)
        self.rows: list[list[tuple[str, str]]] = []
        self.can_go_back = False

    def _reply(self, prompt: str, default: Any) -> str:
        path = PATH_OF.get(prompt, prompt)
        self.asked.append((path, default))
        queue = self.replies.get(path, [])
        typed = queue.pop(0) if queue else ""
        if typed == BACK:
            assert self.can_go_back
            raise GoBack
        return typed

    def section(self, title: str) -> None:
        pass

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str:
        return self._reply(prompt, default) or default

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]:
        typed = self._reply(prompt, list(default))
        return typed.split(",") if typed else list(default)

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool:
        typed = self._reply(prompt, default)
        return typed == "y" if typed else default

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any:
        return parse(self._reply(prompt, default) or default or "")

    def review(self, rows: Sequence[tuple[str, str]]) -> int | None:
        self.rows.append(list(rows))
        wanted = self.reviews.pop(0)
        if wanted is None:
            return None
        return [prompt for prompt, _ in rows].index(wanted)


@pytest.fixture
def ask(advisor):
    def ask(keyboard: Keyboard, review: bool = True):
        def questionnaire(recorder: Recorder) -> Questionnaire:
            pack = advisor.pack
            return Questionnaire(recorder, pack.type_defaults, pack.facts, None, recorder.progress)

        return run(keyboard, questionnaire, review)

    return ask


def prompt(path: str) -> str:
    return next(q.prompt for q in all_questions() if q.path == path)


def test_going_back_puts_the_previous_question_again_with_its_answer(ask):
    keyboard = Keyboard({"name": ["Shop"], "description": ["First"], "workload.type": [BACK, "api"]})
    answers = ask(keyboard, review=False)
    assert [path for path, _ in keyboard.asked[:5]] == [
        "name",
        "description",
        "workload.type",
        "description",  # the name is not put again: it is replayed from the record
        "workload.type",
    ]
    assert keyboard.asked[3] == ("description", "First")
    assert answers.values["description"] == "First"
    assert answers.values["workload.type"] == "api"


def test_an_answer_changed_after_going_back_drops_the_questions_it_makes_moot(ask):
    keyboard = Keyboard(
        {"name": ["Shop"], "database.model": ["relational", "none"], "database.access": [BACK]}
    )
    answers = ask(keyboard, review=False)
    assert answers.values["database.model"] == "none"
    assert "database.access" not in answers.values
    assert answers.skipped["database.access"] == "there is no database"


def test_the_review_lists_every_answer_and_puts_only_the_changed_one_again(ask):
    keyboard = Keyboard(
        {"name": ["Shop"], "workload.environment": ["", "staging"]},
        reviews=[prompt("workload.environment"), None],
    )
    answers = ask(keyboard)
    first, second = keyboard.rows
    assert len(first) == len(keyboard.asked) - 1  # every question put before the review
    assert (prompt("workload.environment"), "production") in first
    assert (prompt("workload.environment"), "staging") in second
    assert keyboard.asked[len(first)] == ("workload.environment", "production")
    assert len(keyboard.asked) == len(first) + 1
    assert answers.values["workload.environment"] == "staging"


def test_a_change_in_the_review_that_brings_in_questions_asks_them(ask):
    keyboard = Keyboard(
        {"name": ["Shop"], "database.model": ["", "relational"], "database.scale": ["large"]},
        reviews=[prompt("database.model"), None],
    )
    answers = ask(keyboard)
    assert answers.values["database.scale"] == "large"
    asked_again = [path for path, _ in keyboard.asked[len(keyboard.rows[0]) :]]
    assert asked_again == [
        "database.model",
        "database.access",
        "database.scale",
        "database.global_writes",
        "database.performance",
    ]


def test_progress_counts_the_questions_this_workload_needs(ask, advisor):
    seen = []

    def questionnaire(recorder: Recorder) -> Questionnaire:
        return Questionnaire(recorder, advisor.pack.type_defaults, advisor.pack.facts, None, seen.append)

    run(Keyboard({"name": ["Site"], "workload.type": ["static_site"]}), questionnaire, review=False)
    assert [p.number for p in seen] == list(range(1, len(seen) + 1))
    assert seen[-1].total == len(seen)  # once the answers are in, the count is exact
    assert str(seen[0]) == f"About it (part 1 of 9) · question 1 of {seen[0].total}"
    assert seen[2].total > seen[-1].total  # a static site needs fewer questions than a web app


def test_piped_answers_can_go_back_and_get_no_review(tmp_path):
    from click.testing import CliRunner

    from advisor.cli import cli

    out = tmp_path / "req.yaml"
    lines = ["Shop", "First", BACK, "Second", "api"] + [""] * 60
    result = CliRunner().invoke(cli, ["ask", "-o", str(out)], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    assert "Review your answers" not in result.stderr
    assert "question 2 of " in result.stderr and "< goes back" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "description: Second" in text and "type: api" in text
