"""Going back and changing answers in `advisor ask`: answers kept per question, replayed up to the one changed.

The questionnaire is a plain run from the first question to the last, whose skips depend on the
answers so far. Rather than unwinding it, a change restarts it: every question already answered is
answered again silently from the record, and only the question being changed (and any question the
change newly brings in) reaches the user. So going back, or changing an answer in the review, can
never leave an answer behind that the new answers make moot.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.questionnaire import Answers, GoBack, Option, Progress

Key = tuple[str, int]  # (prompt, how many times it was put before): data-set questions repeat


@dataclass(frozen=True)
class Given:
    prompt: str
    kind: str  # choose | many | confirm | text
    value: Any


def shown(given: Given) -> str:
    """An answer as the review lists it."""
    if given.kind == "confirm":
        return "yes" if given.value else "no"
    if given.kind == "many":
        return ", ".join(given.value) or "none"
    if given.value is None or given.value == "":
        return "(none)"
    if isinstance(given.value, float) and given.value.is_integer():
        return str(int(given.value))
    return str(given.value)


class Recorder:
    """An Asker in front of the user's: answers from the record while replaying, the user's otherwise."""

    def __init__(self, asker: Any):
        self.asker = asker
        self.record: dict[Key, Given] = {}
        self.again: set[Key] = set()  # to be put to the user even though recorded
        self.order: list[Key] = []  # this run's questions, in the order they were put
        self._section: str | None = None
        self._progress: Progress | None = None

    def restart(self) -> None:
        self.order = []
        self._section = None

    def progress(self, where: Progress) -> None:
        self._progress = where

    def _key(self, prompt: str) -> Key:
        return (prompt, sum(1 for key in self.order if key[0] == prompt))

    def _put(self, prompt: str, kind: str, default: Any, ask: Callable[[Any], Any]) -> Any:
        key = self._key(prompt)
        earlier = self.record.get(key)
        if earlier is not None and key not in self.again:
            self.order.append(key)
            return earlier.value
        if earlier is not None:
            default = earlier.value  # changing an answer starts from the answer given
        if self._section is not None:
            self.asker.section(self._section)
            self._section = None
        if self._progress is not None and hasattr(self.asker, "progress"):
            self.asker.progress(str(self._progress))
        self.asker.can_go_back = True
        try:
            value = ask(default)
        except GoBack:
            if self.order:
                self.again.add(self.order[-1])
            raise
        finally:
            self.asker.can_go_back = False
        self.again.discard(key)
        self.record[key] = Given(prompt, kind, value)
        self.order.append(key)
        return value

    # -- the Asker protocol
    def section(self, title: str) -> None:
        self._section = title  # shown with the group's first question the user is actually asked

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str:
        return str(
            self._put(prompt, "choose", default, lambda d: self.asker.choose(prompt, help, options, d, note))
        )

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]:
        return list(
            self._put(
                prompt, "many", default, lambda d: self.asker.choose_many(prompt, help, options, d, note)
            )
        )

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool:
        return bool(
            self._put(prompt, "confirm", default, lambda d: self.asker.confirm(prompt, help, d, note))
        )

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any:
        def put(value: Any) -> Any:
            if value is not default and value is not None:  # an earlier answer, parsed: show it typed
                value = shown(Given(prompt, "text", value))
            elif value is None:
                value = default  # "anywhere" stays the text that means it
            return self.asker.text(prompt, help, value, parse, note)

        return self._put(prompt, "text", default, put)


def run(asker: Any, questionnaire: Callable[[Recorder], Any], review: bool) -> Answers:
    """The questionnaire through a Recorder: again after each GoBack, and (with `review`) until the
    user saves at the review screen."""
    recorder = Recorder(asker)
    while True:
        recorder.restart()
        try:
            answers: Answers = questionnaire(recorder).run()
        except GoBack:
            continue
        if not review:
            return answers
        rows = [recorder.record[key] for key in recorder.order]
        picked = asker.review([(given.prompt, shown(given)) for given in rows])
        if picked is None:
            return answers
        recorder.again.add(recorder.order[picked])
