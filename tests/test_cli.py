"""`advisor recommend` and `advisor schema` driven as a user drives them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, ROOT, modules_loaded_by

from advisor import evaluate
from advisor.cli import cli

EXAMPLE = EXAMPLES / "web-shop.yaml"


@pytest.fixture
def runner():
    return CliRunner()


def test_recommend_prints_every_area_with_its_choice(runner, advisor):
    result = runner.invoke(cli, ["recommend", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    expected = evaluate(EXAMPLE)
    for area, decision in expected.decisions.items():
        assert any(
            line.startswith(area) and decision.choice in line for line in result.output.splitlines()
        ), area
    assert "dataset: product images" in result.output


def test_recommend_json_is_the_result_object(runner):
    result = runner.invoke(cli, ["recommend", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data == evaluate(EXAMPLE).to_dict()
    assert list(data)[:3] == ["advisor_version", "rule_pack", "name"]
    for decision in data["decisions"].values():
        assert set(decision) >= {"choice", "confidence", "rationale", "rules", "assumptions", "alternatives"}


def test_recommend_reads_standard_input(runner):
    text = EXAMPLE.read_text()
    result = runner.invoke(cli, ["recommend", "-", "--format", "json"], input=text)
    assert result.exit_code == 0
    assert json.loads(result.output) == evaluate(EXAMPLE).to_dict()


def test_output_file_is_written_and_never_overwritten_without_force(runner, tmp_path):
    out = tmp_path / "decisions.json"
    assert runner.invoke(cli, ["recommend", str(EXAMPLE), "--format", "json", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text())["name"] == "Web shop"
    out.write_text("my notes")
    result = runner.invoke(cli, ["recommend", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 2
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_text() == "my notes"
    assert runner.invoke(cli, ["recommend", str(EXAMPLE), "-o", str(out), "--force"]).exit_code == 0
    assert "Web shop" in out.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.json"]  # no temporary files left


def test_invalid_file_exits_2_with_file_field_and_line(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\nworkload:\n  type: batch\n  interruptible: sometimes\n")
    result = runner.invoke(cli, ["recommend", str(bad)])
    assert result.exit_code == 2
    assert (
        f"{bad}" in result.output and "line 5" in result.output and "workload.interruptible" in result.output
    )
    assert "Traceback" not in result.output


def test_missing_file_exits_2(runner):
    result = runner.invoke(cli, ["recommend", "no-such-file.yaml"])
    assert result.exit_code == 2 and "no such file" in result.output


def test_bad_usage_exits_2(runner):
    assert runner.invoke(cli, ["recommend", str(EXAMPLE), "--format", "xml"]).exit_code == 2
    assert runner.invoke(cli, ["nonsense"]).exit_code == 2


def test_an_internal_error_exits_1_without_a_traceback(runner, monkeypatch):
    from advisor.cli import recommend as cli_module

    def explode(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module, "evaluate_document", explode)
    result = runner.invoke(cli, ["recommend", str(EXAMPLE)])
    assert result.exit_code == 1
    assert "internal error" in result.output and "Traceback" not in result.output


def test_schema_command_prints_the_json_schema(runner):
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["properties"]["workload"]["$ref"] == "#/$defs/Workload"


def test_python_dash_m_advisor_runs_from_another_folder(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", str(EXAMPLE), "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["name"] == "Web shop"
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", str(tmp_path / "missing.yaml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.startswith("advisor: ") and "Traceback" not in done.stderr


def test_written_files_get_ordinary_permissions(runner, tmp_path):
    import stat

    out = tmp_path / "d.json"
    old = os.umask(0o022)
    try:
        assert runner.invoke(cli, ["recommend", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# ---- the command package: lazy loading, one handler, one writer -----------------------------------

HEAVY = (
    "durable",
    "jinja2",
    "pydantic",
    "yaml",
    "questionary",
    "advisor.engine",
    "advisor.rulepack",
    "advisor.api",
)


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_load_no_engine_pack_models_or_templates(flag):
    done = modules_loaded_by([flag], HEAVY)
    assert done.returncode == 0 and done.stdout, done.stderr
    assert done.stderr.strip() == "[]"


def test_import_advisor_is_cheap_and_its_api_arrives_on_use():
    probe = (
        "import sys, advisor\n"
        "assert 'advisor.api' not in sys.modules and 'pydantic' not in sys.modules\n"
        "from advisor import Advisor, InvalidRequirements, evaluate\n"
        "assert evaluate.__module__ == 'advisor.api' and Advisor.__module__ == 'advisor.api'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_the_command_list_summaries_are_the_commands_own():
    import inspect

    from advisor.cli import COMMANDS

    for name, entry in COMMANDS.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help is not None
        assert entry.summary == inspect.cleandoc(command.help).split("\n\n")[0].replace("\n", " "), name


def test_an_existing_file_or_link_is_never_overwritten_or_written_through(runner, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n")
    link = tmp_path / "out.json"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.txt")
    for target in (link, dangling):
        refused = runner.invoke(cli, ["recommend", str(EXAMPLE), "-o", str(target)])
        assert refused.exit_code == 2 and "already exists" in refused.stderr
    forced = runner.invoke(cli, ["recommend", str(EXAMPLE), "-o", str(link), "--force"])
    assert forced.exit_code == 0
    assert victim.read_text() == "keep\n" and not link.is_symlink()
    assert not (tmp_path / "nowhere.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.json", "out.json", "victim.txt"]
