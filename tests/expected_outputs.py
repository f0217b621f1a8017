"""A fixed sample of expected JSON outputs (every example and 50 generated profiles), kept byte for byte.

Speed work changes how results are computed and serialised, never what they say: tests/test_outputs.py
compares today's output with these files, and scripts/regen-outputs rewrites them after a deliberate
change to rules, examples or the result models (read the diff).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from profiles import random_requirements

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OUTPUTS = Path(__file__).resolve().parent / "outputs"
INPUTS = OUTPUTS / "generated-inputs.jsonl"  # kept, so a change to the generator changes nothing here
GENERATED = OUTPUTS / "generated.jsonl"
SEED = 1010  # not the benchmarks' seed: a second, independent draw
SAMPLE = 50


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def generated(count: int = SAMPLE, seed: int = SEED) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for index in range(count):
        yield random_requirements(rng, index)


def example_output(advisor: Any, path: Path) -> str:
    """What `advisor recommend --format json` prints for an example."""
    return advisor.evaluate(path).to_json() + "\n"


def compact_output(advisor: Any, data: dict[str, Any]) -> str:
    """One result as a compact JSON line (what `advisor batch` writes, without the source)."""
    return advisor.evaluate(data).to_json_line()


def stored_inputs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in INPUTS.read_text(encoding="utf-8").splitlines()]


def regenerate() -> list[Path]:
    from advisor.api import Advisor

    advisor = Advisor()
    OUTPUTS.mkdir(exist_ok=True)
    written = []
    for path in example_files():
        target = OUTPUTS / f"{path.stem}.json"
        target.write_text(example_output(advisor, path), encoding="utf-8")
        written.append(target)
    inputs = list(generated())
    INPUTS.write_text(
        "".join(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n" for data in inputs),
        encoding="utf-8",
    )
    written.append(INPUTS)
    lines = [compact_output(advisor, data) for data in inputs]
    GENERATED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(GENERATED)
    return written


def digests(count: int, seed: int) -> Iterator[str]:
    """sha256 of each generated profile's pretty and compact outputs: compare two code versions."""
    from advisor.api import Advisor

    advisor = Advisor()
    for data in generated(count, seed):
        result = advisor.evaluate(data)
        pretty = result.to_json()
        compact = (
            result.to_json_line()
            if hasattr(result, "to_json_line")  # older versions: the same bytes, the slow way
            else json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))
        )
        yield hashlib.sha256((pretty + "\0" + compact).encode("utf-8")).hexdigest()
