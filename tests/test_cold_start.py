"""`advisor schema` needs the requirements models only: no rule pack, no engine, no templates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_FOR_SCHEMA = (
    "durable",
    "jinja2",
    "yaml",
    "advisor.engine",
    "advisor.rulepack",
    "advisor.api",
    "advisor.decide",
)


def test_schema_loads_no_engine_pack_or_templates():
    probe = (
        "import sys, advisor.cli\n"
        "sys.argv = ['advisor', 'schema']\n"
        "try:\n    advisor.cli.main()\nexcept SystemExit:\n    pass\n"
        f"heavy = {NOT_FOR_SCHEMA!r}\n"
        "print(sorted(m for m in sys.modules if m in heavy or m.split('.')[0] in heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and '"properties"' in done.stdout, done.stderr
    assert done.stderr.strip() == "[]"
