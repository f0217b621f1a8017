"""Byte-identical output across runs, processes, worker counts and PYTHONHASHSEED values.

Set iteration order, dict order built from sets, and anything else that depends on string hashing
would change between processes with different hash seeds; these tests run the real command in
fresh interpreters with different seeds and compare every byte.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, ROOT
from profiles import random_requirements

SEEDS = ["0", "2718281828"]
EXAMPLE_FILES = sorted(str(p) for p in EXAMPLES.glob("*.yaml"))
HAS_MEMO = importlib.util.find_spec("advisor.memo") is not None

# Runs in a fresh interpreter: every example through `recommend --format json` and, when the memo
# exists, through every memo format, each output written to a file of the folder argv[1].
RENDER_ALL = """
import sys
from pathlib import Path
from click.testing import CliRunner
from advisor.cli import cli

out = Path(sys.argv[1])
memo = sys.argv[2] == "memo"
runner = CliRunner()
for example in sys.argv[3:]:
    stem = Path(example).stem
    done = runner.invoke(cli, ["recommend", example, "--format", "json"])
    assert done.exit_code == 0, done.output
    (out / f"{stem}.json").write_bytes(done.stdout_bytes)
    done = runner.invoke(cli, ["recommend", example])
    assert done.exit_code == 0, done.output
    (out / f"{stem}.txt").write_bytes(done.stdout_bytes)
    if memo:
        for fmt, suffix in (("markdown", "md"), ("html", "html")):
            done = runner.invoke(cli, ["memo", example, "--format", fmt, "--date", "2026-01-02"])
            assert done.exit_code == 0, done.output
            (out / f"{stem}.{suffix}").write_bytes(done.stdout_bytes)
        done = runner.invoke(cli, ["memo", example, "--format", "adr", "--date", "2026-01-02", "-o", str(out / f"{stem}-adr")])
        assert done.exit_code == 0, done.output
"""


def _run(args: list[str], seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, timeout=600, check=False
    )  # a hang guard only
    assert done.returncode == 0, done.stderr.decode()


def _same_tree(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only, compared byte by byte."""
    comparison = filecmp.dircmp(left, right)
    differ = comparison.left_only + comparison.right_only + comparison.funny_files
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    differ += mismatch + errors
    for name in comparison.common_dirs:
        differ += [f"{name}/{item}" for item in _same_tree(left / name, right / name)]
    return differ


def test_recommend_and_memos_are_byte_identical_across_hash_seeds(tmp_path):
    folders = []
    for seed in SEEDS:
        folder = tmp_path / f"seed-{seed}"
        folder.mkdir()
        _run(
            [sys.executable, "-c", RENDER_ALL, str(folder), "memo" if HAS_MEMO else "-", *EXAMPLE_FILES], seed
        )
        folders.append(folder)
    written = sorted(p.name for p in folders[0].iterdir())
    assert len(written) >= 2 * len(EXAMPLE_FILES)
    if HAS_MEMO:
        assert any(name.endswith(".html") for name in written) and any(
            name.endswith("-adr") for name in written
        )
    for other in folders[1:]:
        assert _same_tree(folders[0], other) == [], f"{other.name} differs from {folders[0].name}"


def test_batch_output_is_byte_identical_across_seeds_and_worker_counts(tmp_path):
    rng = random.Random(2026)
    fleet = tmp_path / "fleet.jsonl"
    fleet.write_text("".join(json.dumps(random_requirements(rng, i)) + "\n" for i in range(40)))
    outputs = []
    for seed, jobs in (("0", "1"), ("31337", "2")):
        out = tmp_path / f"out-{seed}-{jobs}.jsonl"
        _run(
            [
                sys.executable,
                "-m",
                "advisor",
                "batch",
                str(EXAMPLES),
                str(fleet),
                "-o",
                str(out),
                "--jobs",
                jobs,
            ],
            seed,
        )
        outputs.append(out.read_bytes())
    assert outputs[0].count(b"\n") == len(EXAMPLE_FILES) + 40
    assert outputs[1] == outputs[0]


def test_evaluating_again_in_one_process_gives_the_same_bytes(advisor):
    rng = random.Random(7)
    profiles = [random_requirements(rng, i) for i in range(30)]
    first = [advisor.evaluate(p).to_json() for p in profiles]
    second = [advisor.evaluate(p).to_json() for p in reversed(profiles)][::-1]
    assert first == second
