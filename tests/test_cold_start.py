"""`advisor schema` needs the requirements models only (no rule pack, engine or templates); `recommend` no memo modules."""

from __future__ import annotations

from conftest import modules_loaded_by

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
    done = modules_loaded_by(["schema"], NOT_FOR_SCHEMA)
    assert done.returncode == 0 and '"properties"' in done.stdout, done.stderr
    assert done.stderr.strip() == "[]"


NOT_FOR_RECOMMEND = (
    "advisor.memo_view",
    "advisor.diagram",
    "advisor.memo",
    "advisor.memo_build",
    "advisor.memo_decisions",
    "advisor.diagram_layout",
    "advisor.price_packs",
    "advisor.settings",  # only with --set
    "advisor.choices",  # sensitivity's
)


def test_recommend_json_loads_no_memo_modules():
    # The memo's view and diagram are for `advisor memo`: importing them cost a cold recommend ~8% CPU.
    done = modules_loaded_by(
        ["recommend", "examples/web-shop.yaml", "--format", "json"], NOT_FOR_RECOMMEND, 120
    )
    assert done.returncode == 0 and '"decisions"' in done.stdout, done.stderr
    assert done.stderr.strip() == "[]"
