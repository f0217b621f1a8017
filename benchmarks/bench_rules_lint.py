"""`advisor rules lint` on the built-in pack, cold, against `advisor recommend` and the import floor.

    python benchmarks/bench_rules_lint.py [--runs 5]

Lint loads the pack, and to confirm a tie it builds an engine and evaluates candidate answers:
it should cost a small multiple of one cold `recommend`, measured in the same run. The breakdown
(inside one process) shows which check the time goes to.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from _common import ROOT, machine, table
from bench_cold_start import FLOOR, timed

BREAKDOWN = """
import datetime, json, time
from advisor import rules_lint as L
from advisor.rule_sources import rule_sources
from advisor.rulepack import default_root, load
t = [time.perf_counter()]
root = default_root(); sources = rule_sources(root); L._id_findings(root, sources); t.append(time.perf_counter())
pack = load(root); t.append(time.perf_counter())
lines = {s.id: f"{s.path}:{s.line}" for s in sources}
L._unreachable_options(pack); L._never_fires(pack, lines); t.append(time.perf_counter())
L._overlaps(pack, lines); t.append(time.perf_counter())
L._fact_findings(root, pack, datetime.date(2026, 11, 29)); L._table_findings(pack); t.append(time.perf_counter())
names = ["ids (read from YAML)", "load the pack", "options, never-fires", "overlaps (engine, evaluations)",
         "facts, tables"]
print(json.dumps({n: b - a for n, a, b in zip(names, t, t[1:])}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    print(f"# bench_rules_lint: {args.runs} runs each")
    print(f"# {machine()}")
    lint = [python, "-m", "advisor", "rules", "lint", "--today", "2026-11-29"]
    subprocess.run(lint, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # warm the caches once
    cases = [
        ("dependency floor", [python, "-c", FLOOR]),
        (
            "advisor recommend examples/web-shop.yaml",
            [python, "-m", "advisor", "recommend", "examples/web-shop.yaml"],
        ),
        ("advisor rules lint", lint),
    ]
    medians = {}
    rows = [("command", "median", "min", "max")]
    for label, command in cases:
        times = timed(command, args.runs)
        medians[label] = statistics.median(times)
        rows.append(
            (label, *(f"{value * 1000:.0f} ms" for value in (medians[label], min(times), max(times))))
        )
    print(table(rows))
    floor, recommend, linted = (medians[label] for label, _ in cases)
    print(f"\nlint: {linted / floor:.1f}x the floor, {linted / recommend:.1f}x a cold recommend")
    parts = [
        json.loads(
            subprocess.run(
                [python, "-c", BREAKDOWN], cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(args.runs)
    ]
    rows = [("stage (inside one process)", "median")]
    rows += [(key, f"{statistics.median(p[key] for p in parts) * 1000:.0f} ms") for key in parts[0]]
    print(table(rows))


if __name__ == "__main__":
    main()
