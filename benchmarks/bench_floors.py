"""Every speed figure against its floor, side by side in one run, so the ratios share a machine and a moment.

    python benchmarks/bench_floors.py [--n 2000] [--runs 9] [--batch 100000] [--jobs 1,2]

  evaluations/s         in-process evaluate + to_json_line, against replaying the exact C-core
                        calls of the same evaluations with nothing else, every question asked (an
                        engine that remembers no answer): the floor of this engine
  cold recommend        `advisor recommend FILE --format json` against importing its dependencies
  advisor --version     against `python -c "import click"`
  advisor batch         profiles/s over --batch JSONL profiles, per --jobs (0 skips)

Cold commands run in turn, A B A B ..., and each ratio is taken pair by pair, then the median: a
machine whose speed drifts during the run moves both sides of a pair alike. CPU time (user + sys
of the child) is reported next to wall time because other work on a shared machine inflates wall.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, machine, paired, profiles, table, write_jsonl

IMPORT_FLOOR = "import durable.engine, pydantic, click, jinja2, yaml"


def evaluations(count: int) -> dict[str, float]:
    """Evaluations per CPU second, and the same evaluations' C calls replayed alone."""
    from advisor import engine as engine_module
    from advisor.api import Advisor

    advisor = Advisor()
    data = list(profiles(count))
    for item in data[:50]:  # warm: templates compiled, caches primed
        advisor.evaluate(item).to_json_line()
    started = time.process_time()
    for item in data:
        advisor.evaluate(item).to_json_line()
    spent = time.process_time() - started

    real = engine_module._c
    calls: list[tuple[str, Any]] = []

    class Recording:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def assert_fact(handle: int, text: str) -> Any:
            calls.append(("assert", text))
            return real.assert_fact(handle, text)

        @staticmethod
        def start_action_for_state(handle: int, state: int) -> Any:
            calls.append(("start", None))
            return real.start_action_for_state(handle, state)

        @staticmethod
        def complete_and_start_action(handle: int, state: int) -> Any:
            calls.append(("next", None))
            return real.complete_and_start_action(handle, state)

        @staticmethod
        def retract_fact(handle: int, text: str) -> Any:
            calls.append(("retract", text))
            return real.retract_fact(handle, text)

        @staticmethod
        def delete_state(handle: int, sid: str) -> Any:
            calls.append(("delete", sid))
            return real.delete_state(handle, sid)

    # Recorded with an engine that remembers nothing: the floor is what the C core costs when it
    # is asked every question of these evaluations, the most this engine use can cost.
    remembering = advisor.engine
    advisor.engine = engine_module.Engine(advisor.pack, memo=False)
    engine_module._c = Recording()
    try:
        for item in data:
            advisor.evaluate(item)
    finally:
        engine_module._c = real
    handle = advisor.engine._ruleset._handle
    started = time.process_time()
    state = 0
    for op, argument in calls:
        if op == "assert":
            state = real.assert_fact(handle, argument)[1]
        elif op == "start":
            real.start_action_for_state(handle, state)
        elif op == "next":
            real.complete_and_start_action(handle, state)
        elif op == "retract":
            real.retract_fact(handle, argument)
        else:
            real.delete_state(handle, argument)
    floor = time.process_time() - started
    advisor.engine.close()
    advisor.engine = remembering
    return {"rate": count / spent, "floor_rate": count / floor, "ratio": spent / floor}


def batch(count: int, jobs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "profiles.jsonl"
        write_jsonl(path, count)
        command = [sys.executable, "-m", "advisor", "batch", str(path), "--jobs", str(jobs)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None
        lines = sum(1 for _ in proc.stdout)
        proc.wait()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"lines": lines, "wall": wall, "rate": lines / wall, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="profiles for the in-process rate and its floor")
    parser.add_argument("--runs", type=int, default=9, help="pairs of cold runs")
    parser.add_argument("--file", default="examples/web-shop.yaml")
    parser.add_argument("--batch", type=int, default=100_000, help="profiles for advisor batch (0 skips)")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    python = sys.executable
    print(f"# bench_floors: {machine()}", flush=True)
    figures: dict[str, Any] = {}

    e = figures["evaluations"] = evaluations(args.n)
    print(f"# evaluations: {e['rate']:,.0f}/s, floor {e['floor_rate']:,.0f}/s", flush=True)
    rows = [("figure", "advisor", "floor", "advisor / floor")]
    rows.append(
        (
            f"evaluations per CPU second ({args.n:,} profiles)",
            f"{e['rate']:,.0f}/s",
            f"{e['floor_rate']:,.0f}/s (C-core replay)",
            f"{e['ratio']:.2f}x",
        )
    )
    recommend = [python, "-m", "advisor", "recommend", args.file, "--format", "json"]
    c = figures["recommend"] = paired(recommend, [python, "-c", IMPORT_FLOOR], args.runs)
    print(f"# cold recommend: {c['wall_ratio']:.2f}x wall, {c['cpu_ratio']:.2f}x CPU", flush=True)
    rows.append(
        (
            "cold recommend --format json, wall (CPU)",
            f"{c['a_wall'] * 1000:.0f} ms ({c['a_cpu'] * 1000:.0f} ms)",
            f"{c['b_wall'] * 1000:.0f} ms ({c['b_cpu'] * 1000:.0f} ms) importing dependencies",
            f"{c['wall_ratio']:.2f}x ({c['cpu_ratio']:.2f}x)",
        )
    )
    v = figures["version"] = paired(
        [python, "-m", "advisor", "--version"], [python, "-c", "import click"], args.runs
    )
    rows.append(
        (
            "advisor --version, wall (CPU)",
            f"{v['a_wall'] * 1000:.0f} ms ({v['a_cpu'] * 1000:.0f} ms)",
            f"{v['b_wall'] * 1000:.0f} ms ({v['b_cpu'] * 1000:.0f} ms) import click",
            f"{v['wall_ratio']:.2f}x ({v['cpu_ratio']:.2f}x)",
        )
    )
    if args.batch:
        for jobs in [int(j) for j in args.jobs.split(",")]:
            b = figures[f"batch_jobs_{jobs}"] = batch(args.batch, jobs)
            rows.append(
                (
                    f"advisor batch --jobs {jobs}, {args.batch:,} profiles",
                    f"{b['wall']:.1f} s, {b['rate']:,.0f}/s ({b['cpu']:.1f} s CPU)",
                    "-",
                    "-",
                )
            )
    print(table(rows), flush=True)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
