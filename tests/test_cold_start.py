"""`advisor schema` needs the requirements models only (no rule pack, engine or templates); `recommend` no memo modules."""

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


NOT_FOR_RECOMMEND = ("advisor.memo_view", "advisor.diagram", "advisor.memo")


def test_recommend_json_loads_no_memo_modules():
    # The memo's view and diagram are for `advisor memo`: importing them cost a cold recommend ~8% CPU.
    probe = (
        "import sys, advisor.cli\n"
        "sys.argv = ['advisor', 'recommend', 'examples/web-shop.yaml', '--format', 'json']\n"
        "try:\n    advisor.cli.main()\nexcept SystemExit:\n    pass\n"
        f"heavy = {NOT_FOR_RECOMMEND!r}\n"
        "print(sorted(m for m in sys.modules if m in heavy), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and '"decisions"' in done.stdout, done.stderr
    assert done.stderr.strip() == "[]"
