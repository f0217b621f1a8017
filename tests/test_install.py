"""Installing on every Python the project declares: the README's commands carry the build fix, and an
install without it gets one paragraph with the command that repairs it, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

from conftest import EXAMPLES, ROOT

from advisor import install

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    return [line for line in re.findall(r"```sh\n(.*?)```", README, re.S) for line in line.splitlines()]


def test_every_readme_install_command_carries_the_build_fix():
    installs = [c for c in _readme_commands() if re.search(r"\b(pip|pipx|uv tool) install\b", c)]
    assert len(installs) >= 2, installs  # the two set-up commands at least
    for command in installs:
        assert f"CPPFLAGS={install.CPPFLAGS}" in command, command


def test_declared_pythons_match_the_classifiers():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"
    minors = sorted(
        int(c.rsplit(".", 1)[1])
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert minors == [11, 12, 13, 14]


def _broken_durable(tmp_path):
    """A `durable` package that fails to import exactly as a build without the fix does on 3.13+."""
    package = tmp_path / "durable"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "engine.py").write_text(
        "raise ImportError('/venv/lib/durable_rules_engine.cpython-313-x86_64-linux-gnu.so: "
        "undefined symbol: PyEval_CallObject')\n"
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}


def test_a_build_without_the_fix_is_explained_with_the_repair_command(tmp_path):
    env = _broken_durable(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "advisor", "recommend", str(EXAMPLES / "web-shop.yaml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert install.repair_command() in done.stderr
    assert "--force-reinstall --no-cache-dir" in done.stderr
    assert done.stdout == ""


def test_help_and_version_work_without_the_engine(tmp_path):
    env = _broken_durable(tmp_path)
    for args in (["--version"], ["--help"], ["schema"]):
        done = subprocess.run(
            [sys.executable, "-m", "advisor", *args], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, (args, done.stderr)


def test_the_python_api_raises_the_documented_error(tmp_path):
    env = _broken_durable(tmp_path)
    code = (
        "import advisor\n"
        "try:\n    advisor.evaluate({'version': 1, 'name': 'x', 'workload': {'type': 'batch'}})\n"
        "except advisor.AdvisorError as e:\n    print(type(e).__name__, isinstance(e, ImportError))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "EngineUnavailable True", done.stderr


def test_the_repair_command_rebuilds_only_durable_rules():
    command = install.repair_command()
    assert command.startswith(f"CPPFLAGS={install.CPPFLAGS} ")
    assert command.endswith(f"--force-reinstall --no-cache-dir --no-deps {install.DURABLE_REQUIREMENT}")


def test_the_repaired_requirement_is_the_declared_one():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert install.DURABLE_REQUIREMENT in project["dependencies"]
