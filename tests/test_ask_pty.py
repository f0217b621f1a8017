"""`advisor ask` in a real pseudo-terminal: arrow keys pick, Enter accepts the defaults, Ctrl-C stops."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml

from advisor.questions import all_questions

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
DOWN = "\x1b[B"
ESC = "\x1b"
TIMEOUT = 30  # generous: only a hang reaches it, and then the test fails instead of waiting forever


def spawn(tmp_path: Path, *args: str):
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=path)
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "advisor", "ask", *args],
        cwd=str(tmp_path),
        env=env,
        dimensions=(60, 200),
        timeout=TIMEOUT,
        encoding="utf-8",
    )
    child.delaybeforesend = None  # each send follows the prompt it answers: no guard delay needed
    return child


def test_arrow_keys_pick_and_enter_accepts_the_defaults(tmp_path):
    child = spawn(tmp_path, "-o", "answers.yaml")
    try:
        child.expect_exact("Name of the workload")
        child.send("Terminal shop\r")
        child.expect_exact("Description")
        child.send("\r")
        child.expect_exact("What kind of workload is it?")
        child.send(DOWN)  # web_app -> api
        child.send("\r")
        child.expect_exact("Which environment is this?")
        child.send("\r")
        child.expect_exact("Is it already packaged as container images?")
        child.send("y")  # a yes/no question takes y at once
        # From here on, Enter takes every default; the Kubernetes question is asked since the
        # workload is containerized, and no data set means no data-set questions.
        remaining = [q.prompt for q in all_questions()[5:]]
        seen = []
        while True:
            index = child.expect_exact(
                ["Render the design memo?", "Saved the answers to", "Review your answers", *remaining]
            )
            if index == 0:
                child.send("n")
                break
            if index == 1:
                continue
            if index == 2:
                child.send("\r")  # "Save the answers" is the first choice
                continue
            prompt = remaining.pop(index - 3)  # a prompt answered is not matched again when redrawn
            seen.append(prompt)
            child.send("\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    assert "How much Kubernetes experience does the team have?" in seen
    assert "What is the data for?" not in seen
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["name"] == "Terminal shop"
    assert data["workload"]["type"] == "api"
    assert data["workload"]["containerized"] is True
    assert data["team"]["kubernetes_experience"] == "none"  # confirmed with Enter, so written
    assert data["availability"]["target"] == 99.9
    assert data["datasets"] == []


def test_ctrl_c_in_the_terminal_writes_nothing(tmp_path):
    child = spawn(tmp_path)
    try:
        child.expect_exact("Name of the workload")
        child.send("Abandoned\r")
        child.expect_exact("Description")
        child.send("\r")
        child.expect_exact("What kind of workload is it?")
        child.send("\x03")
        child.expect_exact("cancelled; nothing was written")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_esc_goes_back_and_the_review_changes_an_answer_before_saving(tmp_path):
    child = spawn(tmp_path, "-o", "answers.yaml")
    try:
        child.expect_exact("question 1 of ")
        child.expect_exact("Name of the workload")
        child.send("Review shop\r")
        child.expect_exact("question 2 of ")
        child.expect_exact("Description")
        child.send("First try\r")
        child.expect_exact("What kind of workload is it?")
        child.send(ESC)  # back to the description, which starts from the answer given
        child.expect_exact("question 2 of ")
        child.expect_exact("Description")
        child.send("\x15Second try\r")  # Ctrl-U clears the earlier answer
        child.expect_exact("What kind of workload is it?")
        child.send("\r")
        child.expect_exact("Which environment is this?")
        child.send("\r")
        # Enter takes every other default up to the review screen.
        while child.expect_exact(["Review your answers", "Esc goes back"]) == 1:  # a question's progress line
            child.send("\r")
        child.expect_exact("Save the answers")
        child.send("environ")  # type to filter the list of answers
        child.expect_exact("Which environment is this? production")
        child.send("\r")
        child.expect_exact("Which environment is this?")
        child.send(DOWN)  # production -> staging
        child.send("\r")
        # Only the changed question is put again; then the review, which saves.
        child.expect_exact("Review your answers")
        child.expect_exact("Which environment is this? staging")
        child.send("\r")
        child.expect_exact("Render the design memo?")
        child.send("n")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before
    data = yaml.safe_load((tmp_path / "answers.yaml").read_text(encoding="utf-8"))
    assert data["description"] == "Second try"
    assert data["workload"]["environment"] == "staging"
    assert data["workload"]["type"] == "web_app"
