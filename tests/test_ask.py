"""`advisor ask` on piped input through click's runner: the skip logic, validation, the file, clean stops."""

from __future__ import annotations

import datetime
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.answer_file import scalar
from advisor.answers import Invalid, parse, spec
from advisor.cli import cli
from advisor.loading import parse_yaml
from advisor.questionnaire import Option, Questionnaire, Start
from advisor.questions import ADD_ANOTHER, ADD_DATASET, all_questions
from advisor.relevance import Relevance
from advisor.validation import validate

PATH_OF = {q.prompt: q.path for q in all_questions()}


class Scripted:
    """Answers the questionnaire as a test says (path -> typed text, blank for the default) and
    records the input lines a user would pipe in. Data sets: a list of {field: typed text}."""

    def __init__(self, answers: Mapping[str, str], datasets: Sequence[Mapping[str, str]]):
        self.answers = answers
        self.datasets = list(datasets)
        self.current: Mapping[str, str] | None = None
        self.lines: list[tuple[str, str]] = []  # (path, line)

    def _typed(self, prompt: str) -> tuple[str, str]:
        path = PATH_OF[prompt]
        if path.startswith("dataset."):
            assert self.current is not None
            typed = self.current.get(path.split(".", 1)[1], "")
        else:
            typed = self.answers.get(path, "")
        self.lines.append((path, typed))
        return path, typed

    def section(self, title: str) -> None:
        pass

    @staticmethod
    def _pick(word: str, options: Sequence[Option]) -> str:
        word = word.strip()
        return options[int(word) - 1].key if word.isdigit() else word

    def choose(self, prompt: str, help: str, options: Sequence[Option], default: str, note: str) -> str:
        typed = self._typed(prompt)[1]
        return self._pick(typed, options) if typed else default

    def choose_many(
        self, prompt: str, help: str, options: Sequence[Option], default: Sequence[str], note: str
    ) -> list[str]:
        typed = self._typed(prompt)[1]
        return [self._pick(word, options) for word in typed.split(",")] if typed else list(default)

    def confirm(self, prompt: str, help: str, default: bool, note: str) -> bool:
        if prompt in (ADD_DATASET.prompt, ADD_ANOTHER.prompt):
            more = bool(self.datasets)
            self.current = self.datasets.pop(0) if more else None
            self.lines.append(("datasets", "y" if more else "n"))
            return more
        typed = self._typed(prompt)[1]
        return typed == "y" if typed else default

    def text(
        self, prompt: str, help: str, default: str | None, parse: Callable[[str], Any], note: str
    ) -> Any:
        return parse(self._typed(prompt)[1] or default or "")


def script(
    advisor,
    answers: Mapping[str, str],
    datasets: Sequence[Mapping[str, str]] = (),
    start: Start | None = None,
):
    scripted = Scripted(answers, datasets)
    # The questions `advisor ask` puts: those the rule pack says can change a decision.
    relevance = Relevance(advisor)
    Questionnaire(scripted, advisor.pack.type_defaults, advisor.pack.facts, start, relevance=relevance).run()
    return scripted.lines


def piped(lines: Sequence[tuple[str, str]]) -> str:
    return "".join(line + "\n" for _, line in lines)


def ask(tmp_path: Path, text: str, *args: str, output: str = "req.yaml"):
    return CliRunner().invoke(cli, ["ask", "-o", str(tmp_path / output), *args], input=text)


def recommend(path: Path):
    return CliRunner().invoke(cli, ["recommend", str(path)])


def written(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def asked(result) -> str:
    return result.stderr


# ---- the whole round: defaults, the file, the decisions -----------------------------------------


def test_defaults_everywhere_write_a_file_that_recommends_the_same(advisor, tmp_path):
    lines = script(advisor, {"name": "Photo site"})
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    target = tmp_path / "req.yaml"
    data = written(target)
    assert data["name"] == "Photo site"
    assert data["workload"]["type"] == "web_app"  # the first type is the default
    # Every question asked was answered (confirmed): none of them is an assumption.
    profile = advisor.profile(target)
    asked_paths = {path for path, _ in lines if path not in ("name", "description", "datasets")}
    assert not asked_paths & profile.defaulted
    # The decisions `ask` showed are what `recommend` says of the file.
    again = recommend(target)
    assert again.exit_code == 0
    assert result.stdout == again.stdout
    assert "compute_platform" in result.stdout


def test_the_file_is_commented_and_loads_with_the_safe_loader(advisor, tmp_path):
    result = ask(tmp_path, piped(script(advisor, {"name": "Commented"})))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "req.yaml").read_text(encoding="utf-8")
    document = parse_yaml(text, "req.yaml")  # the project's loader: no tags, no duplicates
    validate(document, advisor.pack.type_defaults)
    lines = text.splitlines()
    # Each answer has its question above it, and a choice says what the picked option means.
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("interruptible:"))
    above = "\n".join(lines[index - 3 : index])
    assert "Can the work be interrupted?" in above
    assert "two-minute" in above  # quoted from the rule pack's facts, not written in Python
    assert "must not be stopped once started" in lines[index]
    assert "one of: 'no' | restartable | checkpointed" in above


# ---- the skip logic ------------------------------------------------------------------------------


def test_no_container_questions_unless_containerized(advisor, tmp_path):
    plain = ask(tmp_path, piped(script(advisor, {"name": "VMs"})), output="vms.yaml")
    assert plain.exit_code == 0, plain.output
    assert "Kubernetes" not in asked(plain)
    assert "kubernetes_experience" not in written(tmp_path / "vms.yaml")["team"]

    lines = script(
        advisor, {"name": "Boxes", "workload.containerized": "y", "team.kubernetes_experience": "expert"}
    )
    boxed = ask(tmp_path, piped(lines), output="boxes.yaml")
    assert boxed.exit_code == 0, boxed.output
    assert "How much Kubernetes experience does the team have?" in asked(boxed)
    assert written(tmp_path / "boxes.yaml")["team"]["kubernetes_experience"] == "expert"


def test_microservices_are_containerized_by_default_so_kubernetes_is_asked(advisor, tmp_path):
    lines = script(advisor, {"name": "Mesh", "workload.type": "microservices"})
    assert ("team.kubernetes_experience", "") in lines
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    assert "y or n [Y/n, usual for microservices]" in asked(result)
    assert written(tmp_path / "req.yaml")["workload"]["containerized"] is True


def test_no_database_questions_without_a_database(advisor, tmp_path):
    none = ask(tmp_path, piped(script(advisor, {"name": "No DB"})), output="none.yaml")
    assert none.exit_code == 0, none.output
    assert "Is the database mostly read or written?" not in asked(none)
    assert written(tmp_path / "none.yaml")["database"] == {"model": "none"}

    lines = script(
        advisor,
        {
            "name": "Shop",
            "database.model": "relational",
            "database.scale": "large",
        },
    )
    shop = ask(tmp_path, piped(lines), output="shop.yaml")
    assert shop.exit_code == 0, shop.output
    assert next(q.prompt for q in all_questions() if q.path == "database.scale") in asked(shop)
    # No rule of the pack reads the read/write mix, so it is not asked even with a database.
    assert "Is the database mostly read or written?" not in asked(shop)
    database = written(tmp_path / "shop.yaml")["database"]
    assert database == {
        "model": "relational",
        "scale": "large",
        "global_writes": False,
        "performance": "standard",
    }


def test_no_dataset_details_without_datasets_and_each_dataset_asked(advisor, tmp_path):
    none = ask(tmp_path, piped(script(advisor, {"name": "Stateless"})), output="none.yaml")
    assert none.exit_code == 0, none.output
    assert "What is the data for?" not in asked(none)
    assert written(tmp_path / "none.yaml")["datasets"] == []

    lines = script(
        advisor,
        {"name": "Media"},
        datasets=[
            {"usage": "static_assets", "name": "images", "size_gb": "200"},
            {"usage": "archives", "access": "rare", "retrieval": "hours", "retention_days": "2555"},
        ],
    )
    media = ask(tmp_path, piped(lines), output="media.yaml")
    assert media.exit_code == 0, media.output
    assert asked(media).count("What is the data for?") == 2
    # Retrieval speed is asked only of data that is not read every day.
    assert asked(media).count("How fast must it come back when it is read?") == 1
    first, second = written(tmp_path / "media.yaml")["datasets"]
    assert first["name"] == "images" and first["size_gb"] == 200 and "retrieval" not in first
    assert second["name"] == "archives"  # the default name comes from the usage
    assert (second["access"], second["retrieval"], second["retention_days"]) == ("rare", "hours", 2555)
    assert recommend(tmp_path / "media.yaml").stdout == media.stdout


def test_dataset_names_must_differ(advisor, tmp_path):
    lines = script(
        advisor, {"name": "Logs"}, datasets=[{"usage": "logs"}, {"usage": "logs", "name": "audit"}]
    )
    # The second data set's name is first typed as the first one's: re-asked with the reason.
    at = [i for i, (path, _) in enumerate(lines) if path == "dataset.name"][1]
    lines.insert(at, ("dataset.name", "logs"))
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    assert '"logs" already names data set 1' in asked(result)
    assert [d["name"] for d in written(tmp_path / "req.yaml")["datasets"]] == ["logs", "audit"]


def test_a_static_site_skips_server_and_compute_questions(advisor, tmp_path):
    lines = script(advisor, {"name": "Brochure", "workload.type": "static_site"})
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    for question in ("Is it stateful?", "Can the work be interrupted?", "How many vCPUs"):
        assert question not in asked(result)
    text = (tmp_path / "req.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert "compute" not in data and "stateful" not in data["workload"]
    assert "# compute: not asked (a static site runs no servers of its own)" in text
    # A skipped answer's default is shown, commented, with the reason.
    assert "# task_duration_seconds: 0.1  (not asked, as a static site runs no servers of its own)" in text
    # The type's usual answers were the shown defaults, and the accepted ones are written.
    assert data["workload"]["traffic"] == "spiky"
    assert "[3 spiky, usual for static_site]" in asked(result)
    assert recommend(tmp_path / "req.yaml").stdout == result.stdout


def test_batch_work_skips_client_questions_and_takes_usual_answers(advisor, tmp_path):
    lines = script(
        advisor, {"name": "Nightly", "workload.type": "batch", "workload.interruptible": "restartable"}
    )
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    assert "How do clients reach it?" not in asked(result)
    data = written(tmp_path / "req.yaml")
    assert data["workload"]["latency"] == "relaxed" and data["workload"]["task_duration_seconds"] == 3600
    assert data["compliance"]["public_facing"] is False
    assert "ddos_sensitive" not in data["compliance"]  # not reachable from the internet: not asked
    assert recommend(tmp_path / "req.yaml").stdout == result.stdout


def test_commitment_not_asked_of_short_lived_work(advisor, tmp_path):
    result = ask(tmp_path, piped(script(advisor, {"name": "Pilot", "workload.lifetime_months": "6"})))
    assert result.exit_code == 0, result.output
    assert "Would you commit to a steady spend" not in asked(result)
    assert "commitment" not in written(tmp_path / "req.yaml")["cost"]


# ---- typed and picked answers --------------------------------------------------------------------


def test_bad_answers_are_asked_again_with_the_reason(advisor, tmp_path):
    lines = script(
        advisor,
        {
            "name": "Retry",
            "workload.type": "8",
            "workload.lifetime_months": "24",
            "compliance.data_residency": "de",
            "compliance.frameworks": "gdpr, 4",
        },
    )

    def before(path: str, *bad: str) -> None:
        at = next(i for i, (p, _) in enumerate(lines) if p == path)
        lines[at:at] = [(path, word) for word in bad]

    before("workload.type", "batc", "99")
    before("workload.lifetime_months", "two years", "0", "1.5")
    before("workload.containerized", "maybe")
    before("compliance.data_residency", "Germany")
    before("compliance.frameworks", "hipaa, sox")
    result = ask(tmp_path, piped(lines))
    assert result.exit_code == 0, result.output
    said = asked(result)
    assert '"batc" is not one of the choices: enter 1 to 22 or a name (did you mean "batch"?)' in said
    assert '"99" is not one of the choices' in said
    assert said.count("a whole number from 1 to 1,200, please") == 3
    assert '"maybe": answer y or n' in said
    assert 'must be an ISO 3166 alpha-2 country code such as "DE", or "EU"' in said
    assert '"sox" is not one of the choices' in said
    assert "Traceback" not in result.output
    data = written(tmp_path / "req.yaml")
    assert data["workload"]["type"] == "event_driven"  # picked by number
    assert data["workload"]["lifetime_months"] == 24
    assert data["compliance"]["data_residency"] == "DE"
    assert data["compliance"]["frameworks"] == ["gdpr", "soc2"]


def test_the_name_has_no_default(advisor, tmp_path):
    lines = script(advisor, {"name": "Named at last"})
    result = ask(tmp_path, "\n" + piped(lines))
    assert result.exit_code == 0, result.output
    assert "an answer is needed" in asked(result)
    assert written(tmp_path / "req.yaml")["name"] == "Named at last"


@pytest.mark.parametrize("path", [q.path for q in all_questions() if spec(q.path).kind == "number"])
def test_number_limits_come_from_the_model(path):
    field_spec = spec(path)
    low, high, low_open, _ = field_spec.bounds()
    assert high is not None and low is not None
    with pytest.raises(Invalid):
        parse(field_spec, str(high * 2))
    with pytest.raises(Invalid):
        parse(field_spec, str(low - 1 if not low_open else low))
    assert parse(field_spec, str(int(high))) == high


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
        st.sampled_from(
            [
                "no",
                "yes",
                "null",
                "~",
                "on",
                "1e3",
                "0x10",
                "- a",
                "a: b",
                "# c",
                "'q'",
                '"d"',
                "x #y",
                "line\nbreak",
                " padded ",
                "\t",
                "\u2028",
                "\x85",
                "é",
                "{a}",
            ]
        ),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(),
        st.booleans(),
        st.none(),
    )
)
def test_every_scalar_loads_back_as_itself(value):
    loaded = parse_yaml(f"key: {scalar(value)}  # comment\n", "<t>").data["key"]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        assert loaded == value
    else:
        assert loaded == value and type(loaded) is type(value)


# ---- --from, -o, --force -------------------------------------------------------------------------


def test_from_file_answers_become_the_defaults(advisor, tmp_path):
    source = tmp_path / "start.yaml"
    source.write_text(
        "version: 1\nname: Started\nworkload: {type: api, lifetime_months: 12, containerized: true}\n"
        "team: {kubernetes_experience: some}\n"
        "datasets:\n  - {name: uploads, usage: user_uploads, size_gb: 5}\n",
        encoding="utf-8",
    )
    start = Start.of(advisor.profile(source), str(source))
    # Enter everywhere, but one answer changed: containers are gone, yet the file's answer is kept.
    lines = script(advisor, {"workload.containerized": "n"}, datasets=[{}], start=start)
    result = ask(tmp_path, piped(lines), "--from", str(source))
    assert result.exit_code == 0, result.output
    said = asked(result)
    assert f"Answer [Started, from {source}]" in said
    assert f"[12, from {source}]" in said
    data = written(tmp_path / "req.yaml")
    assert data["name"] == "Started" and data["workload"]["type"] == "api"
    assert data["workload"]["lifetime_months"] == 12 and data["workload"]["containerized"] is False
    assert data["team"]["kubernetes_experience"] == "some"
    assert "kept from the file started from" in (tmp_path / "req.yaml").read_text(encoding="utf-8")
    assert data["datasets"] == [
        {
            "name": "uploads",
            "usage": "user_uploads",
            "access": "frequent",
            "retention_days": 365,
            "size_gb": 5,
            "reproducible": False,
            "shared_by_instances": False,
        }
    ]


def test_an_invalid_from_file_is_a_usage_error(tmp_path):
    source = tmp_path / "bad.yaml"
    source.write_text("version: 1\nname: x\nworkload: {type: web_ap}\n", encoding="utf-8")
    result = ask(tmp_path, "", "--from", str(source))
    assert result.exit_code == 2
    assert 'did you mean "web_app"' in result.stderr
    assert not (tmp_path / "req.yaml").exists()


def test_an_existing_file_is_kept_unless_the_user_says_so(advisor, tmp_path):
    target = tmp_path / "req.yaml"
    target.write_text("mine\n", encoding="utf-8")
    lines = piped(script(advisor, {"name": "Careful"}))
    # "Overwrite it?" no; then Enter takes the free name offered.
    kept = ask(tmp_path, lines + "n\n\n")
    assert kept.exit_code == 0, kept.output
    assert "already exists. Overwrite it?" in asked(kept)
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert written(tmp_path / "req-2.yaml")["name"] == "Careful"

    replaced = ask(tmp_path, lines + "y\n")
    assert replaced.exit_code == 0, replaced.output
    assert written(target)["name"] == "Careful"

    target.write_text("mine\n", encoding="utf-8")
    forced = ask(tmp_path, lines, "--force")
    assert forced.exit_code == 0, forced.output
    assert "Overwrite" not in asked(forced)
    assert written(target)["name"] == "Careful"


def test_a_missing_output_folder_is_reported_before_any_question(tmp_path):
    result = ask(tmp_path, "", output="nowhere/req.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "Name of the workload" not in result.stderr


# ---- stopping --------------------------------------------------------------------------------------


def test_end_of_input_stops_cleanly_and_writes_nothing(advisor, tmp_path):
    lines = script(advisor, {"name": "Half"})
    result = ask(tmp_path, piped(lines[:10]))
    assert result.exit_code == 2
    assert "the input ended before the last question; nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


class Interrupting(io.RawIOBase):
    """Standard input that gives some lines, then is stopped by Ctrl-C."""

    def __init__(self, data: bytes):
        self.data = data

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.data:
            raise KeyboardInterrupt
        size = min(len(buffer), len(self.data))
        buffer[:size], self.data = self.data[:size], self.data[size:]
        return size


def test_ctrl_c_stops_cleanly_and_writes_nothing(advisor, tmp_path):
    lines = piped(script(advisor, {"name": "Stopped"})[:5])
    result = CliRunner().invoke(
        cli, ["ask", "-o", str(tmp_path / "req.yaml")], input=io.BufferedReader(Interrupting(lines.encode()))
    )
    assert result.exit_code == 130
    assert "cancelled; nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


# ---- the memo offer --------------------------------------------------------------------------------


def test_the_memo_is_offered_and_written_when_wanted(advisor, tmp_path, monkeypatch):
    import advisor.cli.ask as cli_ask

    monkeypatch.setattr(cli_ask, "_memo_renderer", lambda *args: lambda result: f"# Memo of {result.name}\n")
    lines = piped(script(advisor, {"name": "Memo me"}))
    result = ask(tmp_path, lines + "y\n")
    assert result.exit_code == 0, result.output
    assert "Render the design memo?" in asked(result)
    assert (tmp_path / "req-memo.md").read_text(encoding="utf-8") == "# Memo of Memo me\n"

    # A script that answers every question but this one gets no memo and a clean exit.
    (tmp_path / "req-memo.md").unlink()
    quiet = ask(tmp_path, lines, "--force")
    assert quiet.exit_code == 0, quiet.output
    assert not (tmp_path / "req-memo.md").exists()


def test_the_memo_offered_is_the_one_advisor_memo_renders(advisor, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # one date for both renderings
    lines = piped(script(advisor, {"name": "Memo twice", "database.model": "relational"}))
    result = ask(tmp_path, lines + "y\n")
    assert result.exit_code == 0, result.output
    memo = CliRunner().invoke(cli, ["memo", str(tmp_path / "req.yaml")])
    assert memo.exit_code == 0, memo.output
    assert (tmp_path / "req-memo.md").read_text(encoding="utf-8") == memo.stdout


# ---- recording an override ----------------------------------------------------------------------


def test_ask_records_an_override_with_its_reason(advisor, tmp_path):
    lines = piped(script(advisor, {"name": "Override me"}))
    # Pick the decision by name, the option by name, then the reason; then no memo.
    result = ask(
        tmp_path, lines + "purchase_option\nspot\nThe finance team buys Spot only\nn\n", "--override"
    )
    assert result.exit_code == 0, result.output
    assert "Which decision does the team override?" in asked(result)
    saved = written(tmp_path / "req.yaml")
    assert saved["overrides"] == {
        "purchase_option": {"choice": "spot", "reason": "The finance team buys Spot only"}
    }
    decided = CliRunner().invoke(cli, ["recommend", str(tmp_path / "req.yaml"), "--format", "json"])
    assert decided.exit_code == 0, decided.output
    overridden = json.loads(decided.stdout)["decisions"]["purchase_option"]["overridden"]
    assert overridden["choice"] == "spot" and overridden["advice"] != "spot"


def test_without_override_ask_asks_no_override(advisor, tmp_path):
    result = ask(tmp_path, piped(script(advisor, {"name": "Plain"})))
    assert result.exit_code == 0, result.output
    assert "Which decision does the team override?" not in asked(result)
    assert "overrides" not in written(tmp_path / "req.yaml")


def test_from_file_overrides_are_kept_and_a_new_one_joins_them(advisor, tmp_path):
    """No question asks the overrides, so they are carried over; one recorded now goes beside them."""
    source = tmp_path / "start.yaml"
    source.write_text(
        "version: 1\nname: Kept\nworkload: {type: microservices}\n"
        "overrides:\n"
        "  container_orchestrator: {choice: eks, reason: The platform team runs EKS, until: 2027-06-30}\n",
        encoding="utf-8",
    )
    start = Start.of(advisor.profile(source), str(source))
    lines = piped(script(advisor, {}, start=start))
    result = ask(
        tmp_path,
        lines + "purchase_option\nspot\nThe finance team buys Spot only\nn\n",
        "--from",
        str(source),
        "--override",
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "req.yaml").read_text(encoding="utf-8")
    assert text.count("overrides:") == 1  # one mapping: a second key would hide the first
    assert written(tmp_path / "req.yaml")["overrides"] == {
        "container_orchestrator": {
            "choice": "eks",
            "reason": "The platform team runs EKS",
            "until": datetime.date(2027, 6, 30),
        },
        "purchase_option": {"choice": "spot", "reason": "The finance team buys Spot only"},
    }
