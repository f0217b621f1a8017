"""Running `advisor ask`'s questions through an Asker: defaults, skips, data sets, and the answers gathered."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from advisor.answers import NO_DEFAULT, Invalid, parse, plain_number, spec
from advisor.questions import ADD_ANOTHER, ADD_DATASET, DATASET, DATASETS, GROUPS, Question
from advisor.requirements import Requirements


@dataclass(frozen=True)
class Option:
    key: str
    hint: str = ""


class Asker(Protocol):
    """How a question reaches the user: arrow keys in a terminal, numbered lines otherwise.

    Each method returns the answer, or raises KeyboardInterrupt (Ctrl-C), EOFError (input ended)
    or GoBack (the user asked for the previous question). A typed answer goes through `parse`,
    which raises Invalid with the reason to ask again.
    """

    def section(self, title: str) -> None: ...

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str: ...

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]: ...

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool: ...

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any: ...


class GoBack(Exception):
    """The user asked to go back to the previous question (Esc in a terminal, < on a line)."""


@dataclass(frozen=True)
class Progress:
    """Where the user is: the group (of GROUPS) and the question, of those this workload needs so far."""

    group: int
    groups: int
    title: str
    number: int
    total: int  # grows when a data set is added; shrinks when an answer makes questions moot

    def __str__(self) -> str:
        return f"{self.title} (part {self.group} of {self.groups}) · question {self.number} of {self.total}"


@dataclass
class Answers:
    """What the questionnaire gathered: the answers given or confirmed, and what was not asked and why."""

    values: dict[str, Any] = field(default_factory=dict)  # dotted path -> answer
    datasets: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # dotted path -> why it was not asked
    assumed: dict[str, Any] = field(default_factory=dict)  # dotted path -> the default that applies
    kept: dict[str, str] = field(default_factory=dict)  # not asked, but kept from --from: path -> why
    dataset_skipped: list[dict[str, tuple[str, Any]]] = field(default_factory=list)  # name -> (why, default)


@dataclass
class Start:
    """Answers to start from (`--from FILE`): the ones the file gave, used as defaults."""

    values: dict[str, Any] = field(default_factory=dict)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""
    # The team's overrides (SPEC §9): no question asks them, so they are carried to the new file.
    overrides: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, profile: Any, source: str) -> Start:
        """From a validated Profile: only the answers its file gave, not its defaults."""
        dumped = profile.requirements.model_dump(mode="json")
        values: dict[str, Any] = {}
        dumped.pop("overrides", None)
        overrides = {  # dates stay dates (`until: 2027-06-30`), and no `until: null`
            key: entry.model_dump(exclude_none=True) for key, entry in profile.requirements.overrides.items()
        }
        for name, value in dumped.items():
            if isinstance(value, dict):
                for key, inner in value.items():
                    if f"{name}.{key}" not in profile.defaulted:
                        values[f"{name}.{key}"] = inner
            elif name not in ("version", "datasets") and name not in profile.defaulted and value != "":
                values[name] = value
        datasets = [
            {key: value for key, value in item.items() if f"datasets[{index}].{key}" not in profile.defaulted}
            for index, item in enumerate(dumped.get("datasets", []))
        ]
        return cls(values, datasets, source, overrides)


UNSET: Any = object()


class Questionnaire:
    """Asks the questions of GROUPS through an Asker, skipping what does not apply."""

    def __init__(
        self,
        asker: Asker,
        type_defaults: Mapping[str, Mapping[str, Any]],
        facts: Mapping[str, Any],
        start: Start | None = None,
        progress: Callable[[Progress], None] | None = None,
        relevance: Any = None,
    ):
        self.asker = asker
        self.progress = progress
        self.relevance = relevance  # an advisor.relevance.Relevance: skip what no applicable rule tests
        self._moot: list[Question] = []  # skipped by relevance: checked again at the end
        self._asked = 0  # questions put so far, data-set questions included
        self._at = (0, 0)  # (group, item) of GROUPS being asked
        self.type_defaults = type_defaults
        self.facts = facts
        self.start = start or Start()
        self.answers = Answers()
        self._dataset: dict[str, Any] = {}  # the data set being asked about
        self._dataset_start: dict[str, Any] = {}

    # -- View: what skip tests read
    def get(self, path: str) -> Any:
        if path.startswith("dataset."):
            name = path.split(".", 1)[1]
            if name in self._dataset:
                return self._dataset[name]
            return self._dataset_start.get(name, spec(path).default)
        if path in self.answers.values:
            return self.answers.values[path]
        return self.default(path)[0]

    def fact(self, name: str, attribute: str = "text") -> Any:
        known = self.facts.get(name)
        return getattr(known, attribute, None) if known is not None else None

    def default(self, path: str) -> tuple[Any, str]:
        """The default shown for a question, and where it comes from ("" for the model's own)."""
        if path.startswith("dataset."):
            name = path.split(".", 1)[1]
            if name in self._dataset_start:
                return self._dataset_start[name], f"from {self.start.source}"
            return spec(path).default, ""
        if path in self.start.values:
            return self.start.values[path], f"from {self.start.source}"
        kind = self.answers.values.get("workload.type")
        usual = self.type_defaults.get(kind, {}) if kind else {}
        if path in usual:
            return usual[path], f"usual for {kind}"
        field_spec = spec(path)
        if path == "workload.type":
            return field_spec.options[0], ""
        return field_spec.default, ""

    def run(self) -> Answers:
        for number, group in enumerate(GROUPS):
            shown = False
            for position, item in enumerate(group.questions):
                self._at = (number, position)
                if item == DATASETS:
                    if not shown:
                        self.asker.section(group.title)
                        shown = True
                    self._datasets()
                    continue
                assert isinstance(item, Question)
                reason = self._skip(item)
                if reason:
                    self.answers.skipped[item.path] = reason
                    if item.path in self.start.values:
                        self.answers.kept[item.path] = reason
                        self.answers.values[item.path] = self.start.values[item.path]
                    else:
                        self.answers.assumed[item.path] = self.default(item.path)[0]
                    continue
                if not shown:
                    self.asker.section(group.title)
                    shown = True
                self.answers.values[item.path] = self.ask(item)
        self._moot_again()
        return self.answers

    def _skip(self, item: Question) -> str | None:
        reason = item.skip(self) if item.skip else None
        if reason or self.relevance is None:
            return reason
        reason = self.relevance.moot(item.path, self.answers.values, self.answers.datasets)
        if reason and item not in self._moot:
            self._moot.append(item)
        return reason

    def _moot_again(self) -> None:
        """Ask what a later answer made relevant again (a skipped field an applicable area now tests)."""
        shown = False
        while True:
            values, datasets = self.answers.values, self.answers.datasets
            again = [q for q in self._moot if self.relevance.moot(q.path, values, datasets) is None]
            if not again:
                return
            if not shown:
                self.asker.section("A few more questions, now that the answers call for them")
                shown = True
            for item in again:
                self._moot.remove(item)
                for record in (self.answers.skipped, self.answers.assumed, self.answers.kept):
                    record.pop(item.path, None)
                self.answers.values[item.path] = self.ask(item)

    def _skip_later(self, item: Question) -> bool:
        if item.skip and item.skip(self):
            return True
        relevance = self.relevance
        return relevance is not None and bool(
            relevance.moot(item.path, self.answers.values, self.answers.datasets)
        )

    def _announce(self, extra_later: int = 0) -> None:
        """Tell the progress callback where this question is; the total counts what is still to come
        as the answers so far leave it (`extra_later`: questions of the data set being asked)."""
        self._asked += 1
        if self.progress is None:
            return
        group, position = self._at
        later = extra_later
        for index in range(group, len(GROUPS)):
            items = GROUPS[index].questions[position + 1 if index == group else 0 :]
            for item in items:
                if item == DATASETS:
                    later += 1  # at least "Add a data set?"
                elif isinstance(item, Question) and not self._skip_later(item):
                    later += 1
        self.progress(Progress(group + 1, len(GROUPS), GROUPS[group].title, self._asked, self._asked + later))

    def ask(
        self,
        question: Question,
        default: Any = UNSET,
        note: str = "",
        check: Callable[[Any], None] | None = None,
    ) -> Any:
        field_spec = spec(question.path)
        if default is UNSET:
            default, note = self.default(question.path)
        if question.path.startswith("dataset."):
            later = [q for q in DATASET[DATASET.index(question) + 1 :] if not (q.skip and q.skip(self))]
            self._announce(len(later) + 1)  # and "Add another data set?"
        else:
            self._announce()
        help = question.explain(self.facts)
        if field_spec.kind == "choice":
            options = [Option(key, question.hints.get(key, "")) for key in field_spec.options]
            key = self.asker.choose(question.prompt, help, options, field_spec.key_of(default), note)
            return field_spec.value_of(key)
        if field_spec.kind == "many":
            options = [Option(key, question.hints.get(key, "")) for key in field_spec.options]
            return self.asker.choose_many(question.prompt, help, options, list(default or []), note)
        if field_spec.kind == "confirm":
            return self.asker.confirm(question.prompt, help, bool(default), note)

        def parse_checked(text: str) -> Any:
            value = parse(field_spec, text)
            if check is not None:
                check(value)
            return value

        if default is NO_DEFAULT:
            shown: str | None = None
        elif default is None:
            shown = question.about.null  # "anywhere": the only text answer that may be left open
        else:
            shown = str(plain_number(default)) if isinstance(default, (int, float)) else str(default)
        return self.asker.text(question.prompt, help, shown, parse_checked, note)

    def _datasets(self) -> None:
        starts = self.start.datasets
        limit = Requirements.model_fields["datasets"].metadata[0].max_length
        while len(self.answers.datasets) < limit:
            index = len(self.answers.datasets)
            question = ADD_DATASET if index == 0 else ADD_ANOTHER
            more = index < len(starts)
            note = f"from {self.start.source}" if more else ""
            self._announce(0)
            if not self.asker.confirm(question.prompt, question.help, more, note):
                break
            self._dataset_start = dict(starts[index]) if more else {}
            self._dataset = {}
            skipped: dict[str, tuple[str, Any]] = {}
            for item in DATASET:
                name = item.path.split(".", 1)[1]
                reason = item.skip(self) if item.skip else None
                if reason:
                    skipped[name] = (reason, self.get(item.path))
                    if name in self._dataset_start:
                        self._dataset[name] = self._dataset_start[name]
                    continue
                if name == "name":
                    self._dataset[name] = self._ask_dataset_name(item)
                else:
                    self._dataset[name] = self.ask(item)
            self.answers.datasets.append(self._dataset)
            self.answers.dataset_skipped.append(skipped)
            self._dataset, self._dataset_start = {}, {}

    def _ask_dataset_name(self, question: Question) -> str:
        taken = [d["name"] for d in self.answers.datasets]
        default, note = self.default(question.path)
        if default is NO_DEFAULT or default in taken:
            base = str(self._dataset.get("usage", "data")).replace("_", " ")
            default, number = base, 2
            while default in taken:
                default, number = f"{base} {number}", number + 1
            note = ""

        def unique(name: Any) -> None:
            if name in taken:
                raise Invalid(f'"{name}" already names data set {taken.index(name) + 1}; pick another name')

        return str(self.ask(question, default, note, unique))
