"""Shared by the benchmark scripts: the profile generator, memory readings and a small report table."""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the generator the engine tests use: one distribution for both
sys.path.insert(0, str(ROOT))  # this checkout's advisor, not whichever one the venv installed

from profiles import random_requirements  # noqa: E402  (found through the path set just above)

SEED = 2026


def profiles(count: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """Valid random requirements over the whole space, generated lazily: none is held."""
    rng = random.Random(seed)
    for index in range(count):
        yield random_requirements(rng, index)


def write_jsonl(path: Path, count: int, seed: int = SEED) -> int:
    with path.open("w", encoding="utf-8") as handle:
        for data in profiles(count, seed):
            handle.write(json.dumps(data, separators=(",", ":")) + "\n")
    return path.stat().st_size


def status_kib(pid: int | str, key: str) -> int:
    """A VmRSS/VmHWM line of /proc/PID/status in KiB (0 once the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def children(pid: int) -> list[int]:
    """Direct children of pid, read from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry))
    return out


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    import platform

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"Python {platform.python_version()}, {cpus} CPUs ({model}), load average {load:.2f} at start"


def child_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One run of a command from the checkout: its wall time and its CPU time (user + sys)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(a: list[str], b: list[str], runs: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """A and B in turn after one warm-up each; medians of each side and of the pairwise ratios.

    A machine whose speed drifts during the run moves both sides of a pair alike."""
    env = dict(os.environ) if env is None else env
    child_run(a, env), child_run(b, env)  # the OS file cache, bytecode, the pack cache
    pairs = [(*child_run(a, env), *child_run(b, env)) for _ in range(runs)]
    return {
        "a_wall": statistics.median(p[0] for p in pairs),
        "a_cpu": statistics.median(p[1] for p in pairs),
        "b_wall": statistics.median(p[2] for p in pairs),
        "b_cpu": statistics.median(p[3] for p in pairs),
        "wall_ratio": statistics.median(p[0] / p[2] for p in pairs),
        "cpu_ratio": statistics.median(p[1] / p[3] for p in pairs),
    }
