"""`advisor batch`: many inputs in, one JSON line per input out, in input order, whatever goes wrong."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, ROOT
from profiles import random_requirements

from advisor import batch
from advisor.cli import cli

EXAMPLE = EXAMPLES / "web-shop.yaml"
MINIMAL = {"version": 1, "name": "minimal", "workload": {"type": "batch"}}


@pytest.fixture
def runner():
    return CliRunner()


def lines_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8"
    )
    return path


@pytest.fixture
def services(tmp_path):
    """A folder of requirements files as a platform team keeps them, with things to skip."""
    root = tmp_path / "services"
    (root / "payments" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "b-shop.yaml").write_text(EXAMPLE.read_text())
    (root / "a-minimal.yml").write_text(json.dumps(MINIMAL))  # JSON is YAML
    (root / "payments" / "api.yaml").write_text(
        "version: 1\nname: payments api\nworkload: {type: api, lifetime_months: 6}\n"
    )
    (root / "payments" / "deep" / "z.yaml").write_text("version: 1\nname: deep\nworkload: {type: hpc}\n")
    (root / ".git" / "config.yaml").write_text("not: requirements")  # hidden folder: skipped
    (root / ".draft.yaml").write_text("version: 1\nname: draft\nworkload: {type: api}\n")  # hidden file
    (root / "README.md").write_text("# services")  # not YAML: skipped
    return root


def test_a_folder_is_walked_recursively_in_sorted_order_skipping_hidden_and_other_files(runner, services):
    result = runner.invoke(cli, ["batch", str(services)])
    assert result.exit_code == 0, result.output
    sources = [line["source"] for line in lines_of(result.stdout)]
    assert sources == [
        str(services / "a-minimal.yml"),
        str(services / "b-shop.yaml"),
        str(services / "payments" / "api.yaml"),
        str(services / "payments" / "deep" / "z.yaml"),
    ]


def test_each_line_is_the_recommend_json_with_source_first(runner, advisor):
    result = runner.invoke(cli, ["batch", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert next(iter(data)) == "source"
    assert data.pop("source") == str(EXAMPLE)
    assert data == advisor.evaluate(EXAMPLE).to_dict()
    recommended = runner.invoke(cli, ["recommend", str(EXAMPLE), "--format", "json"])
    assert json.loads(recommended.stdout) == data


def test_jsonl_lines_are_numbered_blank_lines_skipped_and_bad_lines_reported(runner, tmp_path, advisor):
    path = write_jsonl(
        tmp_path / "fleet.jsonl",
        [
            MINIMAL,
            "",
            "   ",
            {"version": 1, "name": "no type", "workload": {}},
            "{not json",
            {**MINIMAL, "name": "last"},
        ],
    )
    result = runner.invoke(cli, ["batch", str(path)])
    assert result.exit_code == 2
    lines = lines_of(result.stdout)
    assert [line["source"] for line in lines] == [f"{path}:1", f"{path}:4", f"{path}:5", f"{path}:6"]
    assert lines[0]["decisions"] == advisor.evaluate(MINIMAL).to_dict()["decisions"]
    assert set(lines[1]) == {"source", "error", "problems"}
    assert lines[1]["problems"] == [{"path": "workload.type", "message": "is required", "line": None}]
    assert "workload.type: is required" in lines[1]["error"]
    assert "is not valid JSON" in lines[2]["error"]
    assert lines[3]["name"] == "last"
    assert "4 inputs, 2 evaluated, 2 failed" in result.stderr


def test_bad_inputs_become_error_lines_and_the_rest_go_on(runner, tmp_path, services):
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / "bad.yaml").write_text("version: 1\nname: bad\nworkload: {type: web_app, traffic: bursty}\n")
    args = [str(tmp_path / "missing.yaml"), str(empty), str(tmp_path / "bad.yaml"), str(EXAMPLE)]
    result = runner.invoke(cli, ["batch", *args])
    assert result.exit_code == 2
    lines = lines_of(result.stdout)
    assert [line["source"] for line in lines] == args
    assert lines[0]["error"] == "no such file or folder"
    assert lines[1]["error"] == "holds no .yaml or .yml files"
    assert lines[2]["problems"][0]["path"] == "workload.traffic"
    assert lines[2]["problems"][0]["line"] == 3
    assert "'bursty' is not one of" in lines[2]["error"]
    assert lines[3]["name"] == "Web shop"
    assert "Traceback" not in result.output


def test_every_input_evaluated_exits_zero_with_a_count_on_stderr(runner, services):
    result = runner.invoke(cli, ["batch", str(services), str(EXAMPLE)])
    assert result.exit_code == 0
    assert result.stderr.strip().startswith("advisor: 5 inputs, 5 evaluated (")
    assert "failed" not in result.stderr


def test_an_internal_error_on_one_input_is_its_line_and_exit_1(runner, tmp_path, monkeypatch):
    from advisor.api import Advisor

    real = Advisor.evaluate_profile

    def flaky(self, profile, today=None):
        if profile.requirements.name == "trips a bug":
            raise KeyError("boom")
        return real(self, profile, today)

    monkeypatch.setattr(Advisor, "evaluate_profile", flaky)
    path = write_jsonl(tmp_path / "p.jsonl", [MINIMAL, {**MINIMAL, "name": "trips a bug"}, "[]", MINIMAL])
    result = runner.invoke(cli, ["batch", str(path), "--jobs", "1"])
    assert result.exit_code == 1  # ours beats the input's (exit 2 for the "[]" line)
    lines = lines_of(result.stdout)
    assert lines[1] == {"source": f"{path}:2", "error": "internal error: KeyError: 'boom'"}
    assert "must be a JSON object" in lines[2]["error"]
    assert lines[0]["name"] == lines[3]["name"] == "minimal"


def test_jsonl_from_standard_input(runner):
    result = runner.invoke(
        cli, ["batch", "-"], input=json.dumps(MINIMAL) + "\n\n" + json.dumps(MINIMAL) + "\n"
    )
    assert result.exit_code == 0
    assert [line["source"] for line in lines_of(result.stdout)] == ["<stdin>:1", "<stdin>:3"]


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_whole(runner, tmp_path):
    path = tmp_path / "long.jsonl"
    with path.open("wb") as handle:
        handle.write(b'{"version": 1, "name": "' + b"x" * (3 * 1024 * 1024) + b'"}\n')
        handle.write(json.dumps(MINIMAL).encode() + b"\n")
    result = runner.invoke(cli, ["batch", str(path)])
    assert result.exit_code == 2
    first, second = lines_of(result.stdout)
    assert first["source"] == f"{path}:1" and "longer than 1024 KiB" in first["error"]
    assert second["source"] == f"{path}:2" and second["name"] == "minimal"


# ---- output file ---------------------------------------------------------------------------


def test_output_file_is_written_whole_and_never_overwritten_without_force(runner, tmp_path, services):
    out = tmp_path / "results.jsonl"
    result = runner.invoke(cli, ["batch", str(services), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert len(lines_of(out.read_text())) == 4
    out.write_text("yesterday's results")
    refused = runner.invoke(cli, ["batch", str(services), "-o", str(out)])
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert out.read_text() == "yesterday's results"
    forced = runner.invoke(cli, ["batch", str(services), "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert len(lines_of(out.read_text())) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.jsonl", "services"]


def test_a_failing_run_leaves_no_output_and_no_temporary_file(runner, tmp_path, monkeypatch):
    from advisor.api import Advisor

    def interrupted(self, profile, today=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(Advisor, "evaluate_profile", interrupted)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(EXAMPLE), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 130
    assert list(tmp_path.iterdir()) == []


def test_results_are_written_even_when_some_inputs_fail(runner, tmp_path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli, ["batch", str(EXAMPLE), str(tmp_path / "nope.yaml"), "-o", str(out)])
    assert result.exit_code == 2
    assert [line["source"] for line in lines_of(out.read_text())] == [
        str(EXAMPLE),
        str(tmp_path / "nope.yaml"),
    ]


def _open_fds_in(pid: int, folder: Path) -> bool:
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith(str(folder)):
                return True
        except OSError:
            pass
    return False


@pytest.mark.parametrize(
    "how", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL], ids=["SIGTERM", "SIGHUP", "SIGKILL"]
)
def test_a_killed_run_leaves_no_partial_output(tmp_path, how):
    # A FIFO keeps the run waiting for more input after the first lines, so it is surely mid-run.
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    results = tmp_path / "results"
    results.mkdir()
    out = results / "out.jsonl"
    out.write_text("the previous results\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "advisor", "batch", str(fifo), "-o", str(out), "--force", "--jobs", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with open(fifo, "w") as feed:
            feed.writelines(json.dumps(MINIMAL) + "\n" for _ in range(20))
            feed.flush()
            deadline = time.monotonic() + 60  # a hang guard, not a measurement
            while not _open_fds_in(proc.pid, results) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _open_fds_in(proc.pid, results), "the run never opened its output"
            proc.send_signal(how)
            proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert out.read_text() == "the previous results\n"
    leftovers = [p.name for p in results.iterdir() if p.name != "out.jsonl"]
    if how != signal.SIGKILL:  # SIGHUP (the terminal closed) is handled like SIGTERM
        assert leftovers == []
        assert proc.returncode == 128 + how
    else:
        # SIGKILL cannot be caught: where the file system cannot hold an unnamed file, a hidden
        # temporary may remain. It is never the output, and the next run removes it.
        assert all(name.startswith(".out.jsonl.") and name.endswith(".tmp") for name in leftovers)
        again = CliRunner().invoke(cli, ["batch", str(EXAMPLE), "-o", str(out), "--force"])
        assert again.exit_code == 0
        assert sorted(p.name for p in results.iterdir()) == ["out.jsonl"]


# ---- workers -------------------------------------------------------------------------------


FLEET = 48


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """Generated profiles with a few bad lines among them."""
    rng = random.Random(6)
    rows = [random_requirements(rng, i) for i in range(FLEET)]
    rows[16] = {"version": 1, "name": "bad", "workload": {"type": "spaceship"}}
    rows[29] = "nope"
    return write_jsonl(tmp_path_factory.mktemp("fleet") / "fleet.jsonl", rows)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    # Several chunks in flight, and a window that fills and drains, even with a small fleet.
    monkeypatch.setattr(batch, "CHUNK", 5)
    monkeypatch.setattr(batch, "WINDOW", 2)


def test_workers_give_the_same_lines_in_the_same_order_as_one_process(fleet):
    serial = [o.line for o in batch.results([str(fleet)], jobs=1)]
    parallel = [o.line for o in batch.results([str(fleet)], jobs=2)]
    assert len(serial) == FLEET
    assert parallel == serial
    assert [json.loads(line)["source"] for line in parallel] == [f"{fleet}:{n}" for n in range(1, FLEET + 1)]


def test_automatic_jobs_start_workers_only_for_many_inputs(monkeypatch, fleet):
    started = []
    real = batch._parallel

    def spy(stream, jobs, rules_dir, *layers):
        started.append(jobs)
        return real(stream, jobs, rules_dir, *layers)

    monkeypatch.setattr(batch, "_parallel", spy)
    monkeypatch.setattr(batch, "available_cpus", lambda: 2)
    monkeypatch.setattr(batch, "PARALLEL_THRESHOLD", FLEET - 1)
    few = list(batch.results([str(EXAMPLE)] * 3))
    assert started == [] and len(few) == 3
    many = [o.line for o in batch.results([str(fleet)])]
    assert started == [2]
    assert many == [o.line for o in batch.results([str(fleet)], jobs=1)]


def test_a_worker_that_dies_costs_only_its_input(monkeypatch, fleet):
    real = batch.evaluate_item

    def crashing(advisor, item):
        if item.source.endswith(":20"):
            os._exit(3)  # what a segfault in the C core looks like from outside
        return real(advisor, item)

    monkeypatch.setattr(batch, "evaluate_item", crashing)  # workers are forked: they inherit it
    outcomes = list(batch.results([str(fleet)], jobs=2))
    assert [o.source for o in outcomes] == [f"{fleet}:{n}" for n in range(1, FLEET + 1)]
    broken = [o for o in outcomes if o.status == batch.INTERNAL]
    assert [o.source for o in broken] == [f"{fleet}:20"]
    assert "crashed" in json.loads(broken[0].line)["error"]
    assert [o.source for o in outcomes if o.status == batch.INVALID] == [f"{fleet}:17", f"{fleet}:30"]
    assert sum(o.status == batch.OK for o in outcomes) == FLEET - 3


def test_progress_is_a_bar_on_a_terminal(tmp_path):
    import pty

    controller, terminal = pty.openpty()
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "advisor", "batch", str(EXAMPLE), str(EXAMPLE), "-o", str(out)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    proc.wait(timeout=60)
    os.close(controller)
    assert proc.returncode == 0
    text = shown.decode()
    assert "Evaluating" in text and "2/2" in text
    assert "2 inputs, 2 evaluated" in text


def test_no_bar_when_stderr_is_not_a_terminal(runner):
    result = runner.invoke(cli, ["batch", str(EXAMPLE)])
    assert "Evaluating" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_lines_are_utf_8_whatever_the_locale(tmp_path):
    path = write_jsonl(tmp_path / "names.jsonl", [{**MINIMAL, "name": "Café Zürich 日本"}])
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "batch", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )  # a hang guard only
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8"))["name"] == "Café Zürich 日本"


def test_a_subfolder_that_cannot_be_listed_is_an_error_line_in_its_place(runner, services, monkeypatch):
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        for here, folders, files in real_walk(top, onerror=onerror, **kwargs):
            if "payments" in folders:  # as os.walk does when listing a folder fails: report it, skip it
                folders.remove("payments")
                onerror(PermissionError(13, "Permission denied", str(Path(here) / "payments")))
            yield here, folders, files

    monkeypatch.setattr(batch.os, "walk", walk)
    result = runner.invoke(cli, ["batch", str(services)])
    assert result.exit_code == 2
    lines = lines_of(result.stdout)
    assert [line["source"] for line in lines] == [
        str(services / "a-minimal.yml"),
        str(services / "b-shop.yaml"),
        str(services / "payments"),
    ]
    assert lines[2]["error"] == "cannot be listed: Permission denied"
