"""The `advisor ask` command: the questionnaire with arrow keys in a terminal, numbered lines elsewhere."""

from __future__ import annotations

import difflib
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from advisor.answer_file import requirements_text
from advisor.answers import Invalid
from advisor.cli.common import rules_option
from advisor.errors import AdvisorError, ExitCode
from advisor.questionnaire import GoBack, Option, Questionnaire, Start
from advisor.terminal import safe

# ---- numbered choices, one line per answer ------------------------------------------------------


class LineAsker:
    """Questions on stderr, answers read a line at a time: for pipes, scripts and screen readers.

    A blank line takes the default; a choice is picked by its number or its name; < goes back.
    """

    BACK = "<"

    def __init__(self) -> None:
        self.echo_answers = not sys.stdin.isatty()  # a transcript of piped answers reads as a dialogue
        self.can_go_back = False  # only questionnaire questions go back, not "Overwrite it?"

    def _say(self, text: str = "", nl: bool = True, **style: bool) -> None:
        # Filter first, style after: the filter would otherwise escape the style's own sequences.
        shown = safe(text)
        click.echo(click.style(shown, **style) if style else shown, err=True, nl=nl)

    def _read(self, prompt: str) -> str:
        self._say(prompt, nl=False)
        line = sys.stdin.readline()
        if not line:
            if self.echo_answers:
                self._say()
            raise EOFError
        answer = line.rstrip("\r\n").strip()
        if self.echo_answers:
            self._say(answer)
        if answer == self.BACK and self.can_go_back:
            raise GoBack
        return answer

    def _problem(self, reason: str) -> None:
        self._say(f"  ! {reason}")

    def _head(self, prompt: str, help: str) -> None:
        self._say()
        self._say(prompt, bold=True)
        if help:
            self._say(f"  {help}")

    @staticmethod
    def _bracket(shown: str, note: str) -> str:
        return f" [{shown}{', ' + note if note else ''}]"

    def _list(self, options: Sequence[Option]) -> None:
        width = max(len(o.key) for o in options)
        for number, option in enumerate(options, 1):
            self._say(f"  {number:>3}  {option.key:<{width}}  {option.hint}".rstrip())

    def _pick(self, word: str, options: Sequence[Option]) -> str:
        keys = [o.key for o in options]
        if word.isdigit() and 1 <= int(word) <= len(options):
            return keys[int(word) - 1]
        for key in keys:
            if word.lower() == key.lower():
                return key
        close = difflib.get_close_matches(word.lower(), keys, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise Invalid(f'"{word}" is not one of the choices: enter 1 to {len(keys)} or a name{hint}')

    def section(self, title: str) -> None:
        self._say()
        self._say(f"== {title} ==", bold=True)

    def progress(self, where: str) -> None:
        self._say()
        self._say(f"{where} · {self.BACK} goes back", nl=False, dim=True)

    def review(self, rows: Sequence[tuple[str, str]]) -> int | None:
        self._say()
        self._say("== Review your answers ==", bold=True)
        width = len(str(len(rows)))
        for number, (prompt, value) in enumerate(rows, 1):
            line = f"  {number:>{width}}  {safe(prompt)} {click.style(safe(value), bold=True)}"
            click.echo(line, err=True)
        while True:
            word = self._read(f"Enter to save, or the number of an answer to change (1-{len(rows)}): ")
            if not word:
                return None
            if word.isdigit() and 1 <= int(word) <= len(rows):
                return int(word) - 1
            self._problem(f'"{word}": enter a number from 1 to {len(rows)}, or nothing to save')

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str:
        self._head(prompt, help)
        self._list(options)
        number = [o.key for o in options].index(default) + 1
        ask = f"Choose 1-{len(options)} or a name{self._bracket(f'{number} {default}', note)}: "
        while True:
            word = self._read(ask)
            if not word:
                return default
            try:
                return self._pick(word, options)
            except Invalid as problem:
                self._problem(str(problem))

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]:
        self._head(prompt, help)
        self._list(options)
        shown = ", ".join(default) if default else "none"
        ask = f"Numbers or names, separated by commas, or none{self._bracket(shown, note)}: "
        while True:
            line = self._read(ask)
            if not line:
                return list(default)
            if line.lower() in ("none", "-", "0"):
                return []
            try:
                picked = [
                    self._pick(word.strip(), options)
                    for word in line.replace(" ", ",").split(",")
                    if word.strip()
                ]
            except Invalid as problem:
                self._problem(str(problem))
                continue
            return list(dict.fromkeys(picked))

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool:
        self._head(prompt, help)
        ask = f"y or n{self._bracket('Y/n' if default else 'y/N', note)}: "
        while True:
            word = self._read(ask).lower()
            if not word:
                return default
            if word in ("y", "yes", "true"):
                return True
            if word in ("n", "no", "false"):
                return False
            self._problem(f'"{word}": answer y or n')

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any:
        self._head(prompt, help)
        if default is None:
            ask = "Answer: "
        elif default == "":
            ask = f"Answer (optional{', ' + note if note else ''}): "
        else:
            ask = f"Answer{self._bracket(default, note)}: "
        while True:
            word = self._read(ask)
            if not word and default is None:
                self._problem("an answer is needed")
                continue
            try:
                return parse(word if word else default or "")
            except Invalid as problem:
                self._problem(str(problem))


# ---- arrow keys, in a real terminal --------------------------------------------------------------


class ArrowAsker:
    """Questions in a terminal with questionary: arrow keys to pick, Enter to accept the default."""

    def __init__(self) -> None:
        import questionary

        self.q = questionary
        self.can_go_back = False  # only questionnaire questions go back, not "Overwrite it?"

    def _run(self, question: Any) -> Any:
        """Ask a questionary question; Esc raises GoBack where going back is allowed."""
        if self.can_go_back:
            from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

            keys = KeyBindings()

            @keys.add("escape", eager=True)
            def _back(event: Any) -> None:
                event.app.exit(exception=GoBack())

            app = question.application
            app.key_bindings = merge_key_bindings([keys, app.key_bindings])
        return question.unsafe_ask()

    def progress(self, where: str) -> None:
        click.echo(click.style(safe(f"{where} · Esc goes back"), dim=True))

    def review(self, rows: Sequence[tuple[str, str]]) -> int | None:
        click.echo()
        choices = [self.q.Choice("Save the answers", value=-1)]
        choices += [
            self.q.Choice(safe(f"{prompt} {value}"), value=index)
            for index, (prompt, value) in enumerate(rows)
        ]
        picked = self._run(
            self.q.select(
                "Review your answers: pick one to change it, or save",
                choices=choices,
                instruction="(arrow keys or type to filter, Enter to pick)",
                use_search_filter=True,
                use_jk_keys=False,
            )
        )
        return None if picked == -1 else int(picked)

    def _head(self, help: str, note: str) -> None:
        text = safe(f"{help} (default: {note})" if note else help)
        if text:
            width = max(40, min(shutil.get_terminal_size().columns, 100)) - 2
            click.echo(
                click.style(
                    textwrap.fill(text.strip(), width, initial_indent="  ", subsequent_indent="  "), dim=True
                )
            )

    def section(self, title: str) -> None:
        click.echo()
        click.echo(click.style(safe(title), bold=True))

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str:
        self._head(help, note)
        long = len(options) > 9
        choices = [self.q.Choice(o.key, value=o.key, description=o.hint or None) for o in options]
        how = "arrow keys or type to filter" if long else "arrow keys"
        return str(
            self._run(
                self.q.select(
                    safe(prompt),
                    choices=choices,
                    default=default,
                    instruction=f"({how}, Enter to pick)",
                    use_search_filter=long,
                    use_jk_keys=not long,
                )
            )
        )

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]:
        self._head(help, note)
        choices = [
            self.q.Choice(o.key, value=o.key, checked=o.key in default, description=o.hint or None)
            for o in options
        ]
        picked = self._run(
            self.q.checkbox(safe(prompt), choices=choices, instruction="(space to tick, Enter when done)")
        )
        return [o.key for o in options if o.key in picked]

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool:
        self._head(help, note)
        return bool(self._run(self.q.confirm(safe(prompt), default=default)))

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any:
        self._head(help, note)

        def check(text: str) -> Any:
            if not text.strip():
                return "an answer is needed" if default is None else True
            try:
                parse(text)
            except Invalid as problem:
                return str(problem)
            return True

        answer = self._run(self.q.text(safe(prompt), default=default or "", validate=check))
        return parse(answer if answer.strip() else default or "")


def in_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty() and os.environ.get("TERM", "") not in ("", "dumb")


# ---- the command --------------------------------------------------------------------------------


def _free_name(path: Path) -> Path:
    number = 2
    while True:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not candidate.exists():
            return candidate
        number += 1


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise AdvisorError(f"{path}: is a folder; give a file name with -o")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise AdvisorError(f"{path}: the folder {folder} does not exist")


def _target(asker: Any, path: Path, force: bool, what: str) -> Path:
    """Where to write: `path`, unless it exists and the user says not to overwrite it."""
    while path.exists() and not force:
        if asker.confirm(f"{path} already exists. Overwrite it?", "", False, ""):
            return path

        def file_name(text: str) -> Path:
            candidate = Path(text.strip())
            if not text.strip():
                raise Invalid("a file name is needed")
            try:
                _check_target(candidate)
            except AdvisorError as error:
                raise Invalid(str(error)) from None
            return candidate

        path = asker.text(f"Save the {what} as", "", str(_free_name(path)), file_name, "")
    return path


def _memo_renderer(advisor: Any, source: str, document: Any) -> Callable[[Any], str] | None:
    """The Markdown memo of a result, as `advisor memo FILE` renders it; None without the memo module."""
    try:
        from advisor import memo
    except ImportError:
        return None

    def render(result: Any) -> str:
        from advisor.sensitivity import with_sensitivity

        result = with_sensitivity(advisor, document, result)  # the memo says what would change each decision
        return str(memo.render(result, advisor.pack, "markdown", memo.memo_date(None), source))

    return render


@click.command()
@click.option(
    "-o",
    "--output",
    default="requirements.yaml",
    show_default=True,
    metavar="FILE",
    type=click.Path(),
    help="Where to save the answers as a requirements file.",
)
@click.option(
    "--from",
    "start_from",
    metavar="FILE",
    type=click.Path(),
    help="Start from the answers in FILE: they become the defaults.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE (and the memo) without asking.")
@click.option(
    "--plain",
    is_flag=True,
    help="Numbered choices and typed answers even in a terminal (for screen readers).",
)
@click.option(
    "--override",
    is_flag=True,
    help="After the decisions, record the team's own choice for one of them, with its reason.",
)
@rules_option
def ask(output: str, start_from: str | None, force: bool, plain: bool, override: bool, layers: tuple) -> None:
    """Answer questions about a workload, save them as a requirements file, and show the decisions.

    In a terminal, pick with the arrow keys and press Esc to go back a question; at the end a
    review lists every answer, and picking one changes it before the file is written. With piped
    input (and --plain), each line answers one question (a number or a name for a choice, y or n,
    or a value), a blank line takes the default and < goes back; piped input gets no review.
    Ctrl-C or the end of the input stops without writing anything.
    """
    from advisor.api import advisor_for
    from advisor.loading import parse_yaml
    from advisor.output import write_atomic
    from advisor.summary import render
    from advisor.validation import validate

    if output == "-":
        raise click.UsageError("ask saves the answers to a file: give a file name with -o")
    path = Path(output)
    _check_target(path)
    advisor = advisor_for(layers)
    start = None
    if start_from is not None:
        start = Start.of(advisor.profile(Path(start_from)), start_from)
    asker: Any = LineAsker() if plain or not in_terminal() else ArrowAsker()
    try:
        from advisor import revisit
        from advisor.relevance import Relevance

        relevance = Relevance(advisor)

        def questionnaire(recorder: revisit.Recorder) -> Questionnaire:
            pack = advisor.pack
            return Questionnaire(
                recorder, pack.type_defaults, pack.facts, start, recorder.progress, relevance
            )

        # The review needs someone at the keyboard: piped answers stay one line per question.
        answers = revisit.run(asker, questionnaire, review=sys.stdin.isatty())
        overrides = start.overrides if start is not None else {}
        text = requirements_text(answers, advisor.pack.facts, start_from or "", overrides)
        # The decisions shown are those of the file's own text: what `recommend` on it will say.
        document = parse_yaml(text, str(path))
        profile = validate(document, advisor.pack.type_defaults)
        path = _target(asker, path, force, "requirements")
    except KeyboardInterrupt:
        click.echo("\nadvisor: cancelled; nothing was written", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except EOFError:
        click.echo("advisor: the input ended before the last question; nothing was written", err=True)
        sys.exit(ExitCode.USAGE)
    write_atomic(path, text.encode("utf-8"), force=True)
    result = advisor.evaluate_profile(profile)
    click.echo(err=True)
    click.echo(safe(render(result)), nl=False)
    if override:
        recorded = _record_override(asker, advisor, result)
        if recorded is not None:
            # Into the one `overrides:` mapping, beside those kept from --from: a second key would
            # hide the first from any YAML reader.
            text = requirements_text(answers, advisor.pack.facts, start_from or "", {**overrides, **recorded})
            document = parse_yaml(text, str(path))
            result = advisor.evaluate_profile(validate(document, advisor.pack.type_defaults))
            write_atomic(path, text.encode("utf-8"), force=True)
            click.echo(safe(f"Recorded the override in {path}."), err=True)
    click.echo(
        safe(f"\nSaved the answers to {path}; edit it and run `advisor recommend {path}` again."), err=True
    )
    _offer_memo(asker, result, path, force, _memo_renderer(advisor, path.name, document))


def _record_override(asker: Any, advisor: Any, result: Any) -> dict[str, Any] | None:
    """One override the user picks (SPEC §9), as an entry of `overrides`; None when the input ends."""
    pack = advisor.pack
    areas = [a for a in pack.areas if a.kind == "choice" and a.scope == "workload"]
    try:
        area_id = asker.choose(
            "Which decision does the team override?",
            "The team's choice replaces the advice; the advice stays visible beside it.",
            [Option(a.id, result.decisions[a.id].choice) for a in areas],
            areas[0].id,
            "",
        )
        advice = result.decisions[area_id].choice
        options = [
            Option(key, option.title)
            for key, option in pack.area_by_id[area_id].options.items()
            if key != advice
        ]
        choice = asker.choose(
            f"Which option does the team take for {area_id}?",
            f"The advice is {advice}.",
            options,
            options[0].key,
            "",
        )
        reason = asker.text(
            "Why?", "The reason is shown beside the advice in every output.", None, str.strip, ""
        )
    except EOFError:
        return None
    return {area_id: {"choice": choice, "reason": reason}}


def _offer_memo(
    asker: Any, result: Any, saved: Path, force: bool, renderer: Callable[[Any], str] | None
) -> None:
    from advisor.output import write_atomic

    if renderer is None:
        return
    try:
        if not asker.confirm("Render the design memo?", "A justified design memo in Markdown.", False, ""):
            return
        memo_path = _target(asker, saved.with_name(f"{saved.stem}-memo.md"), force, "memo")
    except KeyboardInterrupt:
        click.echo(safe(f"\nadvisor: cancelled; {saved} is saved, no memo was written"), err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except EOFError:  # a script that answered every question but this one: no memo
        return
    write_atomic(memo_path, renderer(result).encode("utf-8"), force=True)
    click.echo(safe(f"Wrote the design memo to {memo_path}."), err=True)
