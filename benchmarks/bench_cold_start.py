"""Cold `advisor recommend` wall time against the time to merely import its dependencies.

    python benchmarks/bench_cold_start.py [--runs 15] [--file examples/web-shop.yaml]

Each measurement starts a fresh interpreter, as a user's shell or a CI step does:

  interpreter       python -c pass
  dependency floor  python -c "import durable.engine, pydantic, click, jinja2, yaml"
  advisor --version the CLI imported, nothing loaded
  recommend         advisor recommend FILE --format json (load the pack, build the engine, evaluate)

and a breakdown of `recommend` taken inside one fresh process (import, pack, engine, evaluation).
Medians of --runs runs; the gap between `recommend` and the dependency floor is the advisor's own cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from _common import ROOT, machine, table

FLOOR = "import durable.engine, pydantic, click, jinja2, yaml"
BREAKDOWN = """
import json, sys, time
t0 = time.perf_counter()
import advisor.cli
from advisor.api import Advisor
from advisor.rulepack import load
from advisor.decide import Plan
from advisor.engine import Engine
t1 = time.perf_counter()
pack = load()
t2 = time.perf_counter()
engine = Engine(pack)
t3 = time.perf_counter()
advisor = Advisor.__new__(Advisor)
advisor.pack, advisor.plan, advisor.engine = pack, Plan.of(pack), engine
result = advisor.evaluate(sys.argv[1])
t4 = time.perf_counter()
result.to_json()
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load rule pack": t2 - t1, "compile engine": t3 - t2,
                  "first evaluation": t4 - t3, "JSON": t5 - t4, "rules": len(pack.rules)}))
"""


def timed(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--file", default="examples/web-shop.yaml")
    args = parser.parse_args()
    python = sys.executable
    print(f"# bench_cold_start: {args.runs} runs each, file {args.file}")
    print(f"# {machine()}")
    subprocess.run(
        [python, "-m", "advisor", "recommend", args.file], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )  # warm the OS file cache and the bytecode cache once

    cases = [
        ("interpreter (python -c pass)", [python, "-c", "pass"]),
        ("dependency floor (import durable, pydantic, click, jinja2, yaml)", [python, "-c", FLOOR]),
        ("advisor --version", [python, "-m", "advisor", "--version"]),
        (
            "advisor recommend --format json",
            [python, "-m", "advisor", "recommend", args.file, "--format", "json"],
        ),
    ]
    medians = {}
    rows = [("command", "median", "min", "max")]
    for label, command in cases:
        times = timed(command, args.runs)
        medians[label] = statistics.median(times)
        rows.append(
            (
                label,
                f"{medians[label] * 1000:.0f} ms",
                f"{min(times) * 1000:.0f} ms",
                f"{max(times) * 1000:.0f} ms",
            )
        )
    print(table(rows))
    floor = medians[cases[1][0]]
    total = medians[cases[3][0]]
    print(
        f"\nrecommend takes {total * 1000:.0f} ms cold: {floor * 1000:.0f} ms importing its dependencies, "
        f"{(total - floor) * 1000:.0f} ms of its own ({total / floor:.1f}x the floor)"
    )

    parts = [
        json.loads(
            subprocess.run(
                [python, "-c", BREAKDOWN, args.file], cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(max(3, args.runs // 3))
    ]
    rules = parts[0].pop("rules")
    for part in parts[1:]:
        part.pop("rules")
    rows = [("stage (inside one process)", "median")]
    for key in parts[0]:
        rows.append((key, f"{statistics.median(p[key] for p in parts) * 1000:.0f} ms"))
    print(f"\nwhere the time goes ({rules} rules):")
    print(table(rows))


if __name__ == "__main__":
    main()
