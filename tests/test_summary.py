"""The terminal output of `advisor recommend`: one screen, wrapped to the width, colour only where it belongs."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from advisor.cli import cli
from advisor.summary import render
from advisor.terminal import Terminal, detect

EVERY = sorted(EXAMPLES.glob("*.yaml"))
SCREEN = 40  # rows of the terminal the first output must fit


@pytest.fixture(scope="module")
def outputs():
    runner = CliRunner()
    return {path.name: runner.invoke(cli, ["recommend", str(path)]) for path in EVERY}


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.stem)
def test_no_line_is_wider_than_80_when_not_a_terminal(outputs, path):
    done = outputs[path.name]
    assert done.exit_code == 0, done.output
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "\x1b[" not in done.stdout  # no colour into a pipe


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.stem)
def test_every_decision_is_on_the_first_screen(outputs, advisor, path):
    first = outputs[path.name].stdout.splitlines()[:SCREEN]
    result = advisor.evaluate(path)
    for area, decision in result.decisions.items():
        assert any(line.split()[:3] == [area, decision.choice, decision.confidence] for line in first), area
    for dataset in result.datasets:
        assert f"dataset: {dataset.name}" in first
        for area, decision in dataset.decisions.items():
            assert any(line.split()[:2] == [area, decision.choice] for line in first), (dataset.name, area)


def test_the_summary_gives_one_line_of_why_and_the_warnings(advisor):
    result = advisor.evaluate(EXAMPLES / "web-shop.yaml")
    text = render(result, Terminal(120))
    row = next(line for line in text.splitlines() if line.startswith("purchase_option"))
    assert result.decisions["purchase_option"].rationale[0][:40] in row
    assert all(warning.split()[0] in text for warning in result.warnings)
    assert max(len(line) for line in text.splitlines()) <= 120


def test_detail_shows_reasons_alternatives_and_assumptions(advisor):
    result = advisor.evaluate(EXAMPLES / "web-shop.yaml")
    text = " ".join(render(result, Terminal(80), detail=True).split())
    purchase = result.decisions["purchase_option"]
    for reason in purchase.rationale:
        assert " ".join(reason.split()) in text
    for alternative in purchase.alternatives:
        assert f"not {alternative.choice}: {' '.join(alternative.why_not.split())}" in text
    assumptions = [a for d in result.decisions.values() for a in d.assumptions]
    assert assumptions and all(" ".join(a.split()) in text for a in assumptions)
    assert "PCI DSS" in text  # the web shop's compliance guidance reaches the terminal


def test_detail_with_sensitivity_says_what_would_change_each_decision():
    done = CliRunner().invoke(
        cli, ["recommend", str(EXAMPLES / "overnight-batch.yaml"), "--detail", "--sensitivity"]
    )
    assert done.exit_code == 0, done.output
    purchase = done.stdout.split("purchase_option: spot")[1].split("\n\n")[0]
    assert "what would change it:" in purchase and "on_demand: " in purchase
    assert "workload.interruptible=no" in purchase


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "100")
    assert detect(_Tty()) == Terminal(100, True)
    assert detect(io.StringIO()) == Terminal(80, False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert detect(_Tty()).colour is False


def test_colour_never_breaks_the_width(advisor):
    result = advisor.evaluate(EXAMPLES / "web-shop.yaml")
    import re

    text = render(result, Terminal(80, colour=True))
    assert "\x1b[" in text
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert plain == render(result, Terminal(80, colour=False))


def test_user_text_cannot_drive_the_terminal(advisor):
    result = advisor.evaluate({"version": 1, "name": "evil\x1b[2J\x07", "workload": {"type": "batch"}})
    text = render(result, Terminal(80, colour=False))
    assert "\x1b" not in text and "\x07" not in text
