"""A pack's templates cannot run code: refused at load, and sandboxed when rendered."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2.sandbox
import pytest
import yaml

from advisor.api import Advisor
from advisor.errors import RulePackError
from advisor.pack_templates import template_env
from advisor.rulepack import default_root

RULE = "purchase.savings-plan.steady-long-lived"
SCENARIO = {"version": 1, "name": "x", "workload": {"type": "web_app", "containerized": True}}


def _pack_with_rationale(tmp_path: Path, rationale: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(default_root(), root)
    path = root / "purchase_option" / "commitments.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (rule,) = [r for r in data["rules"] if r["id"] == RULE]
    rule["rationale"] = rationale
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


def test_a_template_reaching_for_python_internals_is_refused_at_load(tmp_path):
    marker = tmp_path / "ran"
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('id; touch {marker}').read() }}}} is what ran."
    root = _pack_with_rationale(tmp_path, payload)
    with pytest.raises(RulePackError) as error:
        Advisor(root)
    assert f"purchase_option/commitments.yaml: {RULE}: rationale" in str(error.value)
    assert "'_'" in str(error.value)
    assert not marker.exists()


def test_a_disguised_reach_is_stopped_by_the_sandbox_when_rendered(tmp_path):
    # No "_" in the template's code: the load-time check cannot see it; the sandbox must.
    marker = tmp_path / "ran"
    name = '"%c%cinit%c%c"|format(95, 95, 95, 95)'
    payload = f"The load is steady {{{{ (cycler|attr({name})) }}}} and long-lived, {marker}."
    root = _pack_with_rationale(tmp_path, payload)
    advisor = Advisor(root)
    with pytest.raises(jinja2.sandbox.SecurityError):
        advisor.evaluate(SCENARIO)
    assert not marker.exists()


def test_the_rule_environment_is_sandboxed():
    env = template_env()
    assert isinstance(env, jinja2.sandbox.SandboxedEnvironment)
    with pytest.raises(jinja2.sandbox.SecurityError):
        env.from_string("{{ cycler.__init__.__globals__ }}").render()


def test_the_unmodified_rule_renders_in_the_sandbox(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(default_root(), root)
    result = Advisor(root).evaluate(SCENARIO)
    assert RULE in result.fired_rules
