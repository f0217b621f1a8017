"""What `advisor batch` tells a person on stderr: which inputs failed, and a time estimate worth reading."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import EXAMPLES

from advisor.cli import cli
from advisor.cli.batch import FAILED_NAMED, _Progress

EXAMPLE = EXAMPLES / "web-shop.yaml"


def test_the_summary_names_the_inputs_that_failed(tmp_path):
    (tmp_path / "bad.yaml").write_text("version: 1\nname: bad\nworkload: {type: web_app, traffic: bursty}\n")
    missing = tmp_path / "missing.yaml"
    result = CliRunner().invoke(cli, ["batch", str(EXAMPLE), str(tmp_path / "bad.yaml"), str(missing)])
    assert result.exit_code == 2
    last = result.stderr.splitlines()[-1]
    assert (
        last
        == f"advisor: failed: {tmp_path / 'bad.yaml'} (invalid), {missing} (invalid); each has an error line in the output"
    )
    assert str(EXAMPLE) not in last


def test_many_failures_are_named_up_to_a_limit(tmp_path):
    rows = "\n".join("{}" for _ in range(FAILED_NAMED + 3)) + "\n"
    (tmp_path / "many.jsonl").write_text(rows)
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "many.jsonl")])
    last = result.stderr.splitlines()[-1]
    assert f"many.jsonl:{FAILED_NAMED} (invalid)" in last
    assert f"many.jsonl:{FAILED_NAMED + 1} " not in last
    assert last.endswith(", and 3 more; each has an error line in the output")


def test_a_control_character_in_a_name_is_not_sent_to_the_terminal(tmp_path):
    bad = tmp_path / "evil\x1b[2J.yaml"
    bad.write_text("version: 1\n")
    result = CliRunner().invoke(cli, ["batch", str(bad)])
    assert "\x1b" not in result.stderr
    assert "evil\\x1b[2J.yaml (invalid)" in result.stderr


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_estimate_leaves_out_the_slow_first_result():
    clock = Clock()
    progress = _Progress((), enabled=False, clock=clock)
    progress.total = 400
    clock.now = 1.5  # the rule pack and the workers start before the first result
    progress.step()
    assert progress.eta() is None
    for _ in range(_Progress.SETTLE):
        clock.now += 0.0175
        progress.step()
    # 400 inputs at 17.5 ms each after the first: about 7 s in all, so about 7 s left, not 10 min.
    assert progress.eta() == "about 7 s left"
    for _ in range(200):
        clock.now += 0.6
        progress.step()
    assert progress.eta() == "about 1 min 56 s left"
