"""Full sensitivity (`would_change` of every decision) of one requirements file, against one evaluation of it.

    python benchmarks/bench_sensitivity.py [FILE ...] [--repeat 3]

The floor is one evaluation of the same file, measured in the same run: sensitivity costs one
evaluation per distinct change the rules can see, so the ratio says how many evaluations it took
in effect, and the absolute time follows from the engine's speed on the machine. Without FILE,
every example. Nothing is cached between repeats (the memo's cache is bypassed). Times are CPU
time of this process: on a shared machine wall time mostly measures the other tenants.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from _common import ROOT, machine, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the median is shown (default 3)")
    args = parser.parse_args()
    files = args.files or sorted((ROOT / "examples").glob("*.yaml"))

    from advisor import sensitivity
    from advisor.api import Advisor
    from advisor.loading import load_source
    from advisor.validation import validate

    advisor = Advisor()
    print(
        f"# bench_sensitivity: {len(files)} files, {len(advisor.pack.rules)} rules, rule pack {advisor.pack.digest}"
    )
    print(f"# {machine()}")
    evaluate = advisor.evaluate_profile
    choose = advisor.choices  # what sensitivity evaluates each change with: the choices, no texts
    count = [0]

    def counting(profile, *args, **options):  # type: ignore[no-untyped-def]
        count[0] += 1
        return choose(profile, *args, **options)

    rows = [("file", "changes tried", "evaluations", "one evaluation", "sensitivity", "ratio")]
    totals = []
    for path in files:
        document = load_source(path)
        profile = validate(document, advisor.pack.type_defaults)
        result = evaluate(profile)
        floor = []
        for _ in range(max(5, args.repeat)):
            started = time.process_time()
            evaluate(profile)
            floor.append(time.process_time() - started)
        spent = []
        advisor.choices = counting  # type: ignore[method-assign]
        for _ in range(args.repeat):
            count[0] = 0
            started = time.process_time()
            sensitivity.would_change(advisor, document, result)
            spent.append(time.process_time() - started)
        advisor.choices = choose  # type: ignore[method-assign]
        one, full = statistics.median(floor), statistics.median(spent)
        totals.append(full)
        tried = len(sensitivity.trials(advisor.pack, result.profile.answers()))
        rows.append(
            (
                path.name,
                str(tried),
                str(count[0]),
                f"{one * 1000:.1f} ms",
                f"{full:.2f} s",
                f"{full / one:.0f}×",
            )
        )
    print(table(rows))
    print(f"# median over files: {statistics.median(totals):.2f} s, slowest {max(totals):.2f} s")


if __name__ == "__main__":
    main()
