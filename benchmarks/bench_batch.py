"""`advisor batch` over a JSONL file of generated profiles: profiles per second and memory, by workers.

    python benchmarks/bench_batch.py [--n 100000] [--jobs 1,2] [--baseline 2000]

Writes N profiles to a temporary JSONL file, runs the real command (`python -m advisor batch FILE
--jobs J`) once per J, reads its output from a pipe (counting lines, keeping none), and samples the
RSS of the command and of its worker processes as it goes: at every tenth of the run and every
quarter second for the peaks. The baseline is the in-process `evaluate` loop of bench_evaluate.py
over the first profiles, run here for comparison on the same machine and moment.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, children, machine, mib, profiles, status_kib, table, write_jsonl


def baseline(count: int) -> float:
    from advisor.api import Advisor

    advisor = Advisor()
    spent = 0.0
    for data in profiles(count):
        t0 = time.perf_counter()
        advisor.evaluate(data).to_dict()
        spent += time.perf_counter() - t0
    return count / spent


def run_batch(path: Path, jobs: int, count: int, checkpoints: int) -> dict:
    command = [sys.executable, "-m", "advisor", "batch", str(path), "--jobs", str(jobs)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    state = {
        "lines": 0,
        "bytes": 0,
        "peak_tree": 0,
        "peak_parent": 0,
        "peak_each": {},
        "workers": set(),
        "stop": False,
    }
    marks: list[tuple[int, float, int, int]] = []  # lines, seconds, parent RSS, tree RSS

    def tree_rss() -> tuple[int, int]:
        parent = status_kib(proc.pid, "VmRSS")
        state["peak_parent"] = max(state["peak_parent"], status_kib(proc.pid, "VmHWM"))
        total = parent
        for child in children(proc.pid):
            state["workers"].add(child)
            rss = status_kib(child, "VmRSS")
            total += rss
            state["peak_each"][child] = max(state["peak_each"].get(child, 0), status_kib(child, "VmHWM"))
        state["peak_tree"] = max(state["peak_tree"], total)
        return parent, total

    def sampler() -> None:
        while not state["stop"]:
            tree_rss()
            time.sleep(0.25)

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    step = max(1, count // checkpoints)
    next_mark = step
    assert proc.stdout is not None
    while True:
        chunk = proc.stdout.read1(1 << 20)
        if not chunk:
            break
        state["bytes"] += len(chunk)
        state["lines"] += chunk.count(b"\n")
        while state["lines"] >= next_mark:
            parent, total = tree_rss()
            marks.append((next_mark, time.perf_counter() - started, parent, total))
            next_mark += step
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode()
    _, status, _ = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    state["stop"] = True
    thread.join()
    return {
        "jobs": jobs,
        "seconds": elapsed,
        "lines": state["lines"],
        "bytes": state["bytes"],
        "exit": os.waitstatus_to_exitcode(status),
        "parent_peak_kib": state["peak_parent"],
        "peak_tree_kib": state["peak_tree"],
        "peak_each_kib": sorted(state["peak_each"].values()),
        "marks": marks,
        "stderr": stderr.strip(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="profiles (default 100,000)")
    parser.add_argument("--jobs", default="1,2", help="worker counts to run, comma-separated (default 1,2)")
    parser.add_argument(
        "--baseline", type=int, default=2000, help="profiles for the in-process loop (0: skip)"
    )
    parser.add_argument("--checkpoints", type=int, default=10)
    args = parser.parse_args()
    jobs_list = [int(j) for j in args.jobs.split(",")]

    print(f"# bench_batch: {args.n:,} profiles, jobs {jobs_list}")
    print(f"# {machine()}")
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as folder:
        path = Path(folder) / "profiles.jsonl"
        size = write_jsonl(path, args.n)
        print(f"# input: {path.name}, {size / 1e6:.1f} MB")
        base = baseline(min(args.baseline, args.n)) if args.baseline else None
        if base:
            print(
                f"in-process evaluate loop ({min(args.baseline, args.n):,} profiles): {base:,.0f} evaluations/s"
            )
        results = []
        for jobs in jobs_list:
            outcome = run_batch(path, jobs, args.n, args.checkpoints)
            results.append(outcome)
            rate = outcome["lines"] / outcome["seconds"]
            print(
                f"\n## --jobs {jobs}: {outcome['lines']:,} lines in {outcome['seconds']:.1f} s = {rate:,.0f} profiles/s "
                f"(exit {outcome['exit']}; {outcome['bytes'] / 1e9:.2f} GB of output)"
            )
            print(f"   {outcome['stderr']}")
            rows = [("lines out", "seconds", "profiles/s so far", "RSS command", "RSS command + workers")]
            for lines, seconds, parent, total in outcome["marks"]:
                rows.append(
                    (f"{lines:,}", f"{seconds:.1f}", f"{lines / seconds:,.0f}", mib(parent), mib(total))
                )
            print(table(rows))
            print(
                f"   peak RSS: command {mib(outcome['parent_peak_kib'])}, command + workers {mib(outcome['peak_tree_kib'])}, "
                f"each worker {', '.join(mib(k) for k in outcome['peak_each_kib']) or '-'}"
            )
    print("\n## summary")
    rows = [("run", "profiles/s", "vs in-process loop", "peak RSS (all processes)")]
    if base:
        rows.append(("in-process evaluate loop", f"{base:,.0f}", "1.00x", "-"))
    for outcome in results:
        rate = outcome["lines"] / outcome["seconds"]
        rows.append(
            (
                f"advisor batch --jobs {outcome['jobs']}",
                f"{rate:,.0f}",
                f"{rate / base:.2f}x" if base else "-",
                mib(outcome["peak_tree_kib"]),
            )
        )
    print(table(rows))


if __name__ == "__main__":
    main()
