"""Cold `advisor recommend` against the time to merely import its dependencies, side by side, and where its own time goes.

    python benchmarks/bench_cold_start.py [--runs 9] [--file examples/web-shop.yaml]

Each measurement starts a fresh interpreter, as a user's shell or a CI step does. Pairs run in
turn, A B A B ..., and each ratio is taken pair by pair, then the median; CPU time (user + sys of
the child) is the figure to read on a shared machine:

  recommend / floor       advisor recommend FILE --format json  /  python -c "import durable.engine,
                          pydantic, click, jinja2, yaml"
  --version / click       advisor --version  /  python -c "import click"

When PYTHONDONTWRITEBYTECODE is set (no .pyc is written, so every run compiles the advisor's
modules from source while the dependencies' installed bytecode is used), both pairs run a second
time with bytecode kept in a scratch PYTHONPYCACHEPREFIX: what an installed advisor costs.

Then the breakdown of `recommend` inside one fresh process (CPU time, collector paused as the CLI
does): imports, reading and checking the file, loading the pack, the engine, the prices, the first
evaluation and the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from _common import ROOT, machine, paired, table

FLOOR = "import durable.engine, pydantic, click, jinja2, yaml"
BREAKDOWN = """
import gc, json, sys, time
gc.disable()  # as advisor.cli.main does until the Advisor is built
t0 = time.process_time()
import advisor.cli.recommend
from advisor.cli.common import read_document
from advisor.validation import check, with_defaults
t1 = time.process_time()
document = read_document(sys.argv[1])
requirements = check(document)
t2 = time.process_time()
from advisor import api, prices
from advisor.decide import Plan
from advisor.engine import Engine
from advisor.rulepack import load
t3 = time.process_time()
pack = load()
t4 = time.process_time()
plan, engine = Plan.of(pack), Engine(pack)
t5 = time.process_time()
snapshot = prices.load(None, ())
t6 = time.process_time()
advisor = api.Advisor.__new__(api.Advisor)
advisor.layers, advisor.pack, advisor.plan, advisor.engine, advisor.prices = (), pack, plan, engine, snapshot
result = advisor.evaluate_profile(with_defaults(document, requirements, pack.type_defaults))
t7 = time.process_time()
result.to_json()
t8 = time.process_time()
print(json.dumps({"import the CLI and the requirements models": t1 - t0, "read and check the file": t2 - t1,
                  "import the engine, resolver and result models": t3 - t2, "load the rule pack": t4 - t3,
                  "plan and engine": t5 - t4, "prices": t6 - t5, "first evaluation": t7 - t6,
                  "JSON": t8 - t7, "total": t8 - t0, "rules": len(pack.rules)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="pairs of cold runs")
    parser.add_argument("--file", default="examples/web-shop.yaml")
    args = parser.parse_args()
    python = sys.executable
    print(f"# bench_cold_start: {args.runs} pairs each, file {args.file}")
    print(f"# {machine()}", flush=True)
    recommend = [python, "-m", "advisor", "recommend", args.file, "--format", "json"]
    version = [python, "-m", "advisor", "--version"]

    settings = [("", dict(os.environ))]
    scratch = tempfile.TemporaryDirectory()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        settings[0] = (" (PYTHONDONTWRITEBYTECODE: the advisor compiled from source)", settings[0][1])
        with_bytecode = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        with_bytecode["PYTHONPYCACHEPREFIX"] = scratch.name
        settings.append((" (with bytecode, as installed)", with_bytecode))
    rows = [("figure", "advisor, wall (CPU)", "floor, wall (CPU)", "advisor / floor, wall (CPU)")]
    for note, env in settings:
        for label, a, b, floor in (
            ("cold recommend --format json", recommend, [python, "-c", FLOOR], "importing dependencies"),
            ("advisor --version", version, [python, "-c", "import click"], "import click"),
        ):
            p = paired(a, b, args.runs, env)
            rows.append(
                (
                    label + note,
                    f"{p['a_wall'] * 1000:.0f} ms ({p['a_cpu'] * 1000:.0f} ms)",
                    f"{p['b_wall'] * 1000:.0f} ms ({p['b_cpu'] * 1000:.0f} ms) {floor}",
                    f"{p['wall_ratio']:.2f}x ({p['cpu_ratio']:.2f}x)",
                )
            )
            print(f"# {rows[-1][0]}: {rows[-1][3]}", flush=True)
    print(table(rows))

    parts = []
    for _ in range(max(3, args.runs // 2)):
        done = subprocess.run(
            [python, "-c", BREAKDOWN, args.file],
            cwd=ROOT,
            env=settings[-1][1],
            check=True,
            capture_output=True,
            text=True,
        )
        parts.append(json.loads(done.stdout))
    rules = parts[0]["rules"]
    rows = [("stage (inside one process, CPU)", "median")]
    for key in parts[0]:
        if key != "rules":
            rows.append((key, f"{statistics.median(p[key] for p in parts) * 1000:.0f} ms"))
    print(f"\nwhere the time goes ({rules} rules{settings[-1][0]}):")
    print(table(rows))
    scratch.cleanup()


if __name__ == "__main__":
    main()
