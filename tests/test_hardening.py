"""Issue 16's reproducers: every input gets an answer, output is safe to print, interrupts poison nothing."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from types import MappingProxyType

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, ROOT

from advisor import evaluate, output, templating
from advisor.api import Advisor
from advisor.cli import cli
from advisor.errors import AdvisorError, InvalidRequirements
from advisor.terminal import safe

HEAD = "version: 1\nname: x\nworkload: {type: web_app}\n"


@pytest.fixture
def runner():
    return CliRunner()


def _refused(runner, tmp_path, text: str, *words: str) -> str:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["recommend", str(path)])
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    return result.stderr


# ---- 1: YAML tags and base-60 numbers --------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["!!bool maybe", "!!timestamp x", '!!int ""', "!!int -", '!!float ""', "!!str x"]
)
def test_an_explicit_scalar_tag_is_refused_with_exit_2(runner, tmp_path, value):
    text = f"version: 1\nname: x\nworkload: {{type: web_app, stateful: {value}}}\n"
    _refused(runner, tmp_path, text, "workload.stateful", "YAML tag", "line 3")


def test_a_bare_bool_tag_is_refused_with_exit_2(runner, tmp_path):
    _refused(runner, tmp_path, "version: 1\nname: x\nworkload: {type: web_app, stateful: !!bool}\n")


def test_a_long_base_60_number_is_refused_with_exit_2(runner, tmp_path):
    text = HEAD + "compute: {memory_gib: " + ":".join(["1"] * 180) + ".5}\n"
    _refused(runner, tmp_path, text, "compute.memory_gib", "base-60")
    _refused(runner, tmp_path, HEAD + "compute: {vcpus: 1:30}\n", "compute.vcpus", "base-60")


# ---- 2: bounded descriptions of bad values ---------------------------------------------------


def _problem_text(data) -> str:
    with pytest.raises(InvalidRequirements) as caught:
        evaluate(data)
    return str(caught.value)


def test_a_huge_integer_is_described_by_its_length():
    text = _problem_text(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "compute": {"vcpus": 10**5000}}
    )
    assert "compute.vcpus" in text and "5,000 digits" in text and len(text) < 500


def test_a_deeply_nested_list_is_refused_not_a_recursion_error():
    deep: list = []
    for _ in range(1000):
        deep = [deep]
    for data in (
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "compute": {"vcpus": deep}},
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "description": deep},
    ):
        assert "nested too deeply" in _problem_text(data)


def test_a_deeply_nested_yaml_list_is_refused(runner, tmp_path):
    _refused(runner, tmp_path, HEAD + "description: " + "[" * 1000 + "]" * 1000 + "\n", "nested too deeply")


def test_a_long_string_is_quoted_cut_short():
    text = _problem_text(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, "compute": {"vcpus": "x" * 10**6}}
    )
    assert "compute.vcpus" in text and len(text) < 500


# ---- 5: a bounded list of problems -----------------------------------------------------------


def test_problems_stop_after_twenty_with_a_count_of_the_rest(runner, tmp_path):
    text = HEAD + "".join(f"unknown{i}: 1\n" for i in range(3000))
    message = _refused(runner, tmp_path, text, "3,000 problems", "… and 2,980 more")
    assert message.count("is not a known field") == 20


def test_a_jsonl_line_of_many_keys_is_refused_by_the_node_limit(runner, tmp_path):
    line = json.dumps(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, **{f"k{i}": 0 for i in range(60_000)}}
    )
    path = tmp_path / "many.jsonl"
    path.write_text(line + "\n")
    result = runner.invoke(cli, ["batch", str(path)])
    assert result.exit_code == 2
    (out,) = (json.loads(x) for x in result.stdout.splitlines())
    assert "more than 20,000 values" in out["error"] and len(result.stdout) < 2000


def test_a_jsonl_line_of_many_problems_lists_twenty(runner, tmp_path):
    line = json.dumps(
        {"version": 1, "name": "x", "workload": {"type": "web_app"}, **{f"k{i}": 0 for i in range(500)}}
    )
    path = tmp_path / "many.jsonl"
    path.write_text(line + "\n")
    result = runner.invoke(cli, ["batch", str(path)])
    (out,) = (json.loads(x) for x in result.stdout.splitlines())
    assert len(out["problems"]) == 20 and out["error"].endswith("… and 480 more")


# ---- 12: containers from the dict API --------------------------------------------------------


def _data(**sections):
    return {"version": 1, "name": "x", "workload": {"type": "web_app"}, **sections}


def test_a_mapping_proxy_section_is_read_like_a_dict():
    proxy = evaluate(_data(compute=MappingProxyType({"vcpus": 8, "memory_gib": 64})))
    assert proxy.to_json() == evaluate(_data(compute={"vcpus": 8, "memory_gib": 64})).to_json()


def test_datasets_as_a_tuple_keep_their_answers_explicit():
    dataset = {"name": "logs", "usage": "logs", "access": "rare", "retention_days": 30, "size_gb": 5}
    assert evaluate(_data(datasets=(dataset,))).to_json() == evaluate(_data(datasets=[dataset])).to_json()


def test_frameworks_as_a_set_give_the_sorted_list():
    as_set = evaluate(_data(compliance={"frameworks": {"pci_dss", "hipaa", "gdpr"}}))
    as_list = evaluate(_data(compliance={"frameworks": ["gdpr", "hipaa", "pci_dss"]}))
    assert as_set.to_json() == as_list.to_json()


def _lambda_job(seconds: float) -> dict:
    return {
        "version": 1,
        "name": "job",
        "workload": {"type": "event_driven", "task_duration_seconds": seconds},
    }


def _texts(result) -> str:
    return result.to_json()


def test_minus_zero_and_zero_render_alike_whatever_came_first():
    """-0.0 == 0 shared a render-cache key: the first call decided "0 seconds" or "-0 seconds"."""
    fresh = Advisor()
    minus_first = _texts(fresh.evaluate(_lambda_job(-0.0)))
    assert "second" in minus_first  # the rationale quoting the duration fired
    warmed = Advisor()
    warmed.evaluate(_lambda_job(0))
    assert _texts(warmed.evaluate(_lambda_job(-0.0))) == minus_first
    assert templating.value_at({"a": -0.0}, ("a",)) != templating.value_at({"a": 0.0}, ("a",))


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(143)])
def test_an_interrupt_while_compiling_a_template_poisons_no_later_render(interrupt, monkeypatch):
    """RulePack.template stored the template before its inputs: later renders raised KeyError."""
    advisor = Advisor()
    pack = advisor.pack
    pack.template_data.clear()  # parse the text here, as without the pack cache
    key = next(iter(pack.sources))
    real = templating.inputs_of
    calls = {"n": 0}

    def interrupted(tree):
        calls["n"] += 1
        if calls["n"] == 1:
            raise interrupt
        return real(tree)

    monkeypatch.setattr(templating, "inputs_of", interrupted)
    with pytest.raises(type(interrupt)):
        pack.template(key)
    pack.template(key)
    assert key in pack._inputs


# ---- 3: nothing from the input drives the terminal -------------------------------------------

EVIL = "evil\x1b]0;pwned\x07\x1b[2J\u202e\x9b"


def test_the_filter_escapes_controls_and_bidi_but_keeps_lines():
    assert safe(EVIL + "\tok\n") == "evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202e\\u009b\tok\n"
    assert safe("Straße — café") == "Straße — café"


def test_recommend_text_output_carries_no_control_character_from_the_name(runner, tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text('version: 1\nname: "evil\\e]0;pwned\\a\\e[2J\\u202e"\nworkload: {type: web_app}\n')
    result = runner.invoke(cli, ["recommend", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "evil\\u001b]0;pwned" in result.stdout


def test_json_on_stdout_is_filtered_yet_decodes_to_the_same_name(runner):
    data = json.dumps({"version": 1, "name": EVIL, "workload": {"type": "web_app"}})
    result = runner.invoke(cli, ["recommend", "-", "--format", "json"], input=data)
    assert result.exit_code == 0
    assert not any(ch in result.stdout for ch in "\x1b\x07\u202e\x9b")
    assert json.loads(result.stdout)["name"] == EVIL


def test_an_error_message_quoting_a_dataset_name_is_filtered(runner, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(HEAD + 'datasets: [{name: "a\\e[2J"}, {name: "a\\e[2J"}]\n')
    result = runner.invoke(cli, ["recommend", str(path)])
    assert result.exit_code == 2 and "used twice" in result.stderr
    assert "\x1b" not in result.stderr


def test_batch_lines_on_stdout_are_filtered(runner, tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps({"version": 1, "name": EVIL, "workload": {"type": "api"}}) + "\n")
    result = runner.invoke(cli, ["batch", str(path)])
    assert result.exit_code == 0 and "\x9b" not in result.stdout and "\u202e" not in result.stdout
    assert json.loads(result.stdout)["name"] == EVIL


# ---- 4: one bad input never stops a batch ----------------------------------------------------

GOOD_LINE = '{"version": 1, "name": "ok", "workload": {"type": "api"}}'


@pytest.mark.parametrize("to_file", [False, True])
def test_a_duplicate_key_written_as_a_lone_surrogate_is_one_error_line(runner, tmp_path, to_file):
    path = tmp_path / "s.jsonl"
    path.write_text('{"\\ud800":1,"\\ud800":2}\n' + GOOD_LINE + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(path), *(["-o", str(out)] if to_file else [])])
    assert result.exit_code == 2, result.output
    text = out.read_text("utf-8") if to_file else result.stdout
    bad, good = (json.loads(line) for line in text.splitlines())
    assert "twice" in bad["error"] and good["name"] == "ok"


@pytest.mark.parametrize("to_file", [False, True])
def test_a_file_name_that_is_not_utf8_is_evaluated_like_any_other(runner, tmp_path, to_file):
    folder = tmp_path / "in"
    folder.mkdir()
    example = (EXAMPLES / "web-shop.yaml").read_bytes()
    (folder / "b.yaml").write_bytes(example)
    import os

    with open(os.path.join(os.fsencode(folder), b"a\xff.yaml"), "wb") as handle:
        handle.write(example)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(folder), *(["-o", str(out)] if to_file else [])])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8") if to_file else result.stdout
    first, second = (json.loads(line) for line in text.splitlines())
    assert first["name"] == second["name"] == "Web shop"


def test_memo_writes_to_a_file_name_that_is_not_utf8(runner, tmp_path):
    import os

    target = os.fsdecode(os.path.join(os.fsencode(tmp_path), b"m\xff.md"))
    result = runner.invoke(cli, ["memo", str(EXAMPLES / "web-shop.yaml"), "-o", target])
    assert result.exit_code == 0, result.output
    assert os.path.exists(target)


# ---- 9: the environment's failures are named, exit 2 -----------------------------------------


def _advisor(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **kwargs.pop("env", {}))
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args], env=env, stderr=subprocess.PIPE, timeout=60, **kwargs
    )


def test_stdout_full_is_exit_2_with_a_message():
    with open("/dev/full", "wb") as full:
        done = _advisor("recommend", str(EXAMPLES / "web-shop.yaml"), stdout=full)
    assert done.returncode == 2, done.stderr
    assert b"standard output cannot be written" in done.stderr and b"internal" not in done.stderr


def test_stdout_closed_is_exit_2_with_a_message():
    done = subprocess.run(
        f"{sys.executable} -m advisor recommend {EXAMPLES / 'web-shop.yaml'} >&-",
        shell=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=False,
        stderr=subprocess.PIPE,
        timeout=60,
    )
    assert done.returncode == 2 and b"standard output is closed" in done.stderr


def test_stdin_closed_is_exit_2_with_a_message():
    done = subprocess.run(
        f"{sys.executable} -m advisor recommend - <&-",
        shell=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2 and b"standard input is closed" in done.stderr


def test_a_latin_1_locale_still_gets_the_whole_text_as_utf8():
    # --detail prints the full reasons, whose texts carry the pack's em dashes
    done = _advisor(
        "recommend", str(EXAMPLES / "web-shop.yaml"), "--detail", env={"PYTHONIOENCODING": "latin-1"}
    )
    assert done.returncode == 0, done.stderr
    assert "—" in done.stdout.decode("utf-8")


def test_an_unwritable_output_folder_is_exit_2(runner, tmp_path, monkeypatch):
    # As root a read-only folder is writable, so the refusal the system would give is simulated.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.AtomicFile, "_unnamed", lambda self: None)
    monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    result = runner.invoke(cli, ["recommend", str(EXAMPLES / "web-shop.yaml"), "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 2 and "cannot be written: Permission denied" in result.stderr


# ---- 10: a failed write leaves no temporary file ---------------------------------------------


def test_a_full_disk_on_commit_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(output.AtomicFile, "_unnamed", lambda self: None)
    sink = output.AtomicFile(tmp_path / "out.jsonl")
    sink.write(b"x" * 100)

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(AdvisorError, match="No space left"):
        sink.commit()
    sink.abort()
    assert list(tmp_path.iterdir()) == []


def test_abort_unlinks_even_when_closing_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(output.AtomicFile, "_unnamed", lambda self: None)
    sink = output.AtomicFile(tmp_path / "out.jsonl")
    real_close = sink.stream.close

    def failing_close():
        real_close()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sink.stream, "close", failing_close)
    sink.abort()
    assert list(tmp_path.iterdir()) == []


def test_the_named_temporary_file_gets_the_usual_mode(tmp_path, monkeypatch):
    monkeypatch.setattr(output.AtomicFile, "_unnamed", lambda self: None)
    target = tmp_path / "out.txt"
    output.write_atomic(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~output._umask()
    target.chmod(0o640)
    output.write_atomic(target, b"y", force=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


# ---- 11: a FIFO is not read --------------------------------------------------------------------


def test_a_fifo_named_yaml_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = _advisor("recommend", str(fifo))
    assert done.returncode == 2 and b"not a regular file" in done.stderr
    done = _advisor("batch", str(tmp_path), str(EXAMPLES / "web-shop.yaml"))
    assert done.returncode == 2
    bad, good = (json.loads(line) for line in done.stdout.splitlines())
    assert "not a regular file" in bad["error"] and good["name"] == "Web shop"


# ---- 8: YAML 1.1 booleans are not answers ----------------------------------------------------


def _region(text: str) -> str:
    return evaluate(text).to_dict()["decisions"]["region"]["choice"]


@pytest.mark.parametrize("word", ["false", "off", "False", "OFF", "true"])
def test_a_boolean_is_not_a_data_residency(word):
    with pytest.raises(InvalidRequirements, match="compliance.data_residency"):
        evaluate(HEAD + f"compliance: {{data_residency: {word}}}\n")
    with pytest.raises(InvalidRequirements, match="compliance.data_residency"):
        evaluate(_data(compliance={"data_residency": word in ("true", "True")}))


def test_only_the_word_no_is_norway():
    assert _region(HEAD + "compliance: {data_residency: NO}\n") == "eu-north-1"
    assert _region(HEAD + "compliance: {data_residency: 'NO'}\n") == "eu-north-1"


@pytest.mark.parametrize("code", ["ÄÖ", "D1", "DEU", "E", "ｄｅ"])
def test_a_country_code_is_exactly_two_ascii_letters(code):
    with pytest.raises(InvalidRequirements, match="alpha-2"):
        evaluate(_data(compliance={"data_residency": code}))


@pytest.mark.parametrize(
    ("section", "field", "word"),
    [
        ("compute", "vcpus", "on"),
        ("compute", "vcpus", "true"),
        ("compute", "memory_gib", "yes"),
        ("workload", "task_duration_seconds", "no"),
        ("workload", "lifetime_months", "false"),
    ],
)
def test_a_boolean_word_is_refused_in_a_number_field(section, field, word):
    extra = "type: web_app, " if section == "workload" else ""
    text = "version: 1\nname: x\n" + ("" if section == "workload" else "workload: {type: web_app}\n")
    text += f"{section}: {{{extra}{field}: {word}}}\n"
    with pytest.raises(InvalidRequirements, match=f"{section}.{field}"):
        evaluate(text)
    with pytest.raises(InvalidRequirements, match=f"{section}.{field}"):
        evaluate(_data(**{section: {**({"type": "web_app"} if extra else {}), field: True}}))


def test_version_true_is_refused():
    with pytest.raises(InvalidRequirements, match="version"):
        evaluate("version: true\nname: x\nworkload: {type: web_app}\n")


def test_yes_and_no_still_answer_yes_no_questions():
    text = (
        "version: 1\nname: x\nworkload: {type: batch, interruptible: no, stateful: yes, containerized: off}\n"
    )
    answers = evaluate(text).to_dict()
    plain = "version: 1\nname: x\nworkload: {type: batch, interruptible: 'no', stateful: true, containerized: false}\n"
    assert answers == evaluate(plain).to_dict()


# ---- 13: names a reader cannot tell apart are the same name ----------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("café", "cafe\u0301"), ("ab", "a\u200bb"), ("logs", "ｌｏｇｓ"), ("x", "x\ufeff")],
)
def test_dataset_names_that_look_the_same_are_refused_as_duplicates(first, second):
    with pytest.raises(InvalidRequirements, match="used twice"):
        evaluate(_data(datasets=[{"name": first}, {"name": second}]))


# ---- 14: a pool that breaks before a submit --------------------------------------------------


def test_a_pool_broken_before_a_submit_still_answers_every_input(monkeypatch, tmp_path):
    """pool.submit itself raised BrokenProcessPool in the refill loop: the run stopped."""
    from concurrent.futures.process import BrokenProcessPool

    from advisor import batch

    real = batch._Pool.submit
    calls = {"n": 0}

    def flaky(self, chunk):
        calls["n"] += 1
        if calls["n"] == 3:
            raise BrokenProcessPool("a worker died")
        return real(self, chunk)

    monkeypatch.setattr(batch._Pool, "submit", flaky)
    monkeypatch.setattr(batch, "CHUNK", 2)
    path = tmp_path / "in.jsonl"
    path.write_text("".join(GOOD_LINE + "\n" for _ in range(10)))
    outcomes = list(batch.results([str(path)], jobs=2))
    assert calls["n"] > 3
    assert [o.source for o in outcomes] == [f"{path}:{n}" for n in range(1, 11)]
    assert all(o.status == batch.OK for o in outcomes)


# ---- 13: errors that say what they mean ------------------------------------------------------


def test_a_literal_dotted_key_is_shown_as_one_quoted_key():
    with pytest.raises(InvalidRequirements) as caught:
        evaluate('version: 1\nname: x\nworkload: {type: web_app}\n"workload.type": web_app\n')
    (problem,) = caught.value.problems
    assert problem.path == '"workload.type"' and problem.line == 4


def test_output_to_a_folder_does_not_suggest_force(runner, tmp_path):
    for extra in ([], ["--force"]):
        result = runner.invoke(
            cli, ["recommend", str(EXAMPLES / "web-shop.yaml"), "-o", str(tmp_path), *extra]
        )
        assert result.exit_code == 2 and "is a folder" in result.stderr and "--force" not in result.stderr


def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)  # a process that has ended: its staging folder is an orphan
    orphan = tmp_path / f".adr.{pid}.0123456789ab.tmp"
    orphan.mkdir()
    (orphan / "0001-x.md").write_text("half\n")
    alive = tmp_path / f".adr.{os.getpid()}.0123456789ab.tmp"  # a run still going: left alone
    alive.mkdir()
    output.write_folder(tmp_path / "adr", {"README.md": "index\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, "adr"])
