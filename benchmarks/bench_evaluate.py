"""In-process evaluations per second over many generated profiles, with memory along the way.

    python benchmarks/bench_evaluate.py [--n 100000] [--checkpoints 10]

One Advisor, one thread (the rule engine holds the GIL throughout: one core). Profiles are generated
lazily from a fixed seed, so the run holds none of them; the rate counts only the time spent in
`evaluate` and `to_dict`. RSS is read at every checkpoint: flat figures mean nothing accumulates
across evaluations.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import time

from _common import machine, mib, profiles, status_kib, table


def cache_entries(advisor: object) -> int | None:
    """Entries in the rule pack's cache of rendered texts, where there is one (it is bounded)."""
    cache = getattr(getattr(advisor, "pack", None), "_rendered", None)
    return len(cache) if isinstance(cache, dict) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="profiles to evaluate (default 100,000)")
    parser.add_argument("--checkpoints", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object too")
    args = parser.parse_args()

    started = time.perf_counter()
    from advisor.api import Advisor

    advisor = Advisor()
    built = time.perf_counter() - started
    print(
        f"# bench_evaluate: {args.n:,} profiles, {len(advisor.pack.rules)} rules, rule pack {advisor.pack.digest}"
    )
    print(f"# {machine()}")
    print(f"# Advisor() built in {built:.2f} s; RSS after build {mib(status_kib('self', 'VmRSS'))}")
    from advisor import rulepack

    bound = getattr(rulepack, "RENDER_CACHE_SIZE", None)
    if bound:
        print(f"# the render cache holds at most {bound:,} texts, then starts over")

    step = max(1, args.n // args.checkpoints)
    spent = 0.0  # inside evaluate + to_dict only
    errors = 0
    rows = [("profiles", "evaluations/s (cumulative)", "evaluations/s (last stretch)", "RSS", "render cache")]
    stretch_spent, stretch_count = 0.0, 0
    checkpoints = []
    wall = time.perf_counter()
    for index, data in enumerate(profiles(args.n), start=1):
        t0 = time.perf_counter()
        try:
            advisor.evaluate(data).to_dict()
        except Exception:  # noqa: BLE001 - an invalid generated profile or an engine error: count, go on
            errors += 1
        elapsed = time.perf_counter() - t0
        spent += elapsed
        stretch_spent += elapsed
        stretch_count += 1
        if index % step == 0 or index == args.n:
            gc.collect()
            rss = status_kib("self", "VmRSS")
            cached = cache_entries(advisor)
            checkpoints.append(
                {"profiles": index, "rss_kib": rss, "rate": index / spent, "render_cache": cached}
            )
            rows.append(
                (
                    f"{index:,}",
                    f"{index / spent:,.0f}",
                    f"{stretch_count / stretch_spent:,.0f}",
                    mib(rss),
                    f"{cached:,}" if cached is not None else "-",
                )
            )
            stretch_spent, stretch_count = 0.0, 0
            print(f"  {index:>9,}  {index / spent:8,.0f}/s  RSS {mib(rss)}", flush=True)
    wall = time.perf_counter() - wall
    peak = status_kib("self", "VmHWM")
    print()
    print(table(rows))
    print()
    print(
        f"evaluations per second: {args.n / spent:,.0f} (in evaluate; {args.n / wall:,.0f} including generating the profiles)"
    )
    print(f"time per evaluation: {spent / args.n * 1000:.2f} ms; errors: {errors}")
    first, last = checkpoints[0]["rss_kib"], checkpoints[-1]["rss_kib"]
    print(
        f"RSS first checkpoint {mib(first)}, last {mib(last)} (change {mib(last - first)}); peak RSS {mib(peak)}"
    )
    print(f"engine rebuilds after C-level errors: {advisor.engine.rebuilds}")
    if args.json:
        print(
            json.dumps(
                {
                    "profiles": args.n,
                    "rules": len(advisor.pack.rules),
                    "evaluations_per_second": args.n / spent,
                    "ms_per_evaluation": spent / args.n * 1000,
                    "peak_rss_kib": peak,
                    "checkpoints": checkpoints,
                    "errors": errors,
                    "pid": os.getpid(),
                }
            )
        )


if __name__ == "__main__":
    main()
