"""How fast, and in how much memory, each hostile input of tests/test_hostile.py is refused.

    python benchmarks/bench_hostile.py

Each case runs `advisor recommend FILE` in a fresh interpreter, as a user would; the figures include
starting Python and importing the advisor (the first row, a valid file, shows that floor). Peak RSS is
the command's own high-water mark (VmHWM), reported by itself on exit.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, mib, table

sys.path.insert(0, str(ROOT / "tests"))
from test_hostile import HEAD, MEASURED_ADVISOR, YAML_CASES


def measure(path: Path) -> tuple[int, float, int]:
    """Exit code, wall seconds and the command's own peak RSS in KiB."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED_ADVISOR, "recommend", str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    seconds = time.perf_counter() - started
    peak = int(done.stderr.decode().rpartition("VmHWM:")[2].split()[0])
    return done.returncode, seconds, peak


def main() -> None:
    print(f"# bench_hostile: {len(YAML_CASES)} hostile inputs through `advisor recommend`")
    print(f"# {machine()}")
    rows = [("input", "exit", "wall", "peak RSS")]
    with tempfile.TemporaryDirectory() as folder:
        cases = {"(a valid file, for reference)": HEAD, **{k: v[0] for k, v in YAML_CASES.items()}}
        huge = Path(folder) / "huge.yaml"
        with huge.open("wb") as handle:
            handle.write(HEAD.encode())
            handle.truncate(8 * 1024**3)
        worst = 0.0
        for name, content in cases.items():
            path = Path(folder) / "input.yaml"
            path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            code, seconds, peak = measure(path)
            if name.startswith("("):
                floor = seconds
            else:
                worst = max(worst, seconds)
            rows.append((name, str(code), f"{seconds * 1000:.0f} ms", mib(peak)))
        code, seconds, peak = measure(huge)
        worst = max(worst, seconds)
        rows.append(("8 GiB sparse file", str(code), f"{seconds * 1000:.0f} ms", mib(peak)))
    print(table(rows))
    print(f"\nslowest refusal {worst * 1000:.0f} ms; a valid file takes {floor * 1000:.0f} ms")


if __name__ == "__main__":
    main()
