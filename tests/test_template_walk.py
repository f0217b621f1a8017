"""The walk of a template's tree renders exactly what Jinja's compiled template does, or hands the render to Jinja."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jinja2
import pytest
from profiles import random_requirements

from advisor import template_walk
from advisor.api import Advisor
from advisor.pack_templates import template_env
from advisor.rulepack import RulePack
from advisor.template_walk import PackTemplate, Unwalkable, walk, walkable

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def _contexts(advisor: Advisor, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """(template key, context) of every render of the examples and 60 generated profiles."""
    seen: list[tuple[str, dict]] = []
    real = RulePack.render

    def recording(self: RulePack, key: str, context: dict) -> str:
        # Copied now: the decisions in a context grow as the evaluation goes on.
        seen.append(
            (
                key,
                {name: dict(value) if isinstance(value, dict) else value for name, value in context.items()},
            )
        )
        return real(self, key, context)

    monkeypatch.setattr(RulePack, "render", recording)
    rng = random.Random(10)
    for source in [*EXAMPLES, *(random_requirements(rng, i) for i in range(60))]:
        advisor.evaluate(source)
    monkeypatch.undo()
    return seen


def test_the_walk_renders_what_jinja_renders_for_every_render_of_the_examples(advisor, monkeypatch):
    pack = advisor.pack
    walked = handed_over = 0
    trees: dict[str, list | None] = {}
    compiled: dict[str, jinja2.Template] = {}
    for key, context in _contexts(advisor, monkeypatch):
        source = pack.sources[key]
        if "{" not in source:
            continue
        if key not in trees:
            trees[key], compiled[key] = walkable(pack._env.parse(source)), pack._env.from_string(source)
            # What the pack cache keeps is what the parse gives.
            assert key not in pack.template_data or pack.template_data[key][1] == trees[key], key
        expected = compiled[key].render(context)
        data = trees[key]
        try:
            if data is None:
                raise Unwalkable(key)
            assert walk(pack._env, data, context) == expected, key
            walked += 1
        except Unwalkable:
            handed_over += 1
    # Not vacuous: most renders are walked (the rest are texts with nodes the walk leaves to Jinja).
    assert walked > 1000 and walked > 10 * handed_over, (walked, handed_over)


def test_most_of_the_pack_is_walkable(advisor):
    pack = advisor.pack
    trees = [pack._env.parse(source) for source in pack.sources.values() if "{" in source]
    assert sum(walkable(tree) is not None for tree in trees) > 0.9 * len(trees)


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("{{ a.b }} and {{ a['c'] }}", {"a": {"b": 1.0, "c": [1, 2]}}, "1.0 and [1, 2]"),
        ("{% set n = a.b * 2 %}{{ n | number }} {{ 'x' if n > 1 else 'y' }}", {"a": {"b": 3}}, "6 x"),
        ("{% for x in xs %}{{ x ~ '-' }}{% else %}none{% endfor %}", {"xs": ["p", "q"]}, "p-q-"),
        ("{% for x in xs %}{{ x }}{% else %}none{% endfor %}", {"xs": []}, "none"),
        ("{% if a is none %}n{% elif a in [1, 2] %}in{% else %}out{% endif %}", {"a": 2}, "in"),
        ("{{ '%s%%' % (a * 100) | round | int }}", {"a": 0.25}, "25%"),
        ("{{ a | replace('_', ' ') | upper }} {{ 3600 | duration }}", {"a": "x_y"}, "X Y 1 hour"),
        ("{{ xs | map(attribute='n') | join(', ') }}", {"xs": [{"n": 1}, {"n": 2}]}, "1, 2"),
        ("{{ not a and b or c }}", {"a": False, "b": 0, "c": "c"}, "c"),
        (
            "{% set xs = [] %}{% for d in ds if d.k %}{% if xs.append(d.n ~ '!') %}{% endif %}{% endfor %}{{ xs }}",
            {"ds": [{"k": 1, "n": "a"}, {"k": 0, "n": "b"}]},
            "['a!']",
        ),
        ("{% for d in ds if d %}{{ d }}{% else %}none{% endfor %}", {"ds": [0, ""]}, "none"),
        ("{{ a[:1] | upper }}{{ a[1:] }}{{ a[::-1] }}", {"a": "abc"}, "Abccba"),
        ("{{ {'x': 'X'}.get(a, a | upper) }} {{ 'a-b'.split('-') | join(',') }}", {"a": "y"}, "Y a,b"),
    ],
)
def test_the_walk_agrees_with_jinja(text, variables, expected):
    env = template_env()
    data = walkable(env.parse(text))
    assert data is not None
    assert env.from_string(text).render(variables) == expected
    assert walk(env, data, variables) == expected
    assert walk(env, json.loads(json.dumps(data)), variables) == expected  # as the pack cache keeps it


@pytest.mark.parametrize(
    ("text", "variables", "error"),
    [
        ("{{ a.missing }}", {"a": {}}, jinja2.UndefinedError),
        ("{{ nothing }}", {}, jinja2.UndefinedError),
        ("{% if xs.append(1) %}{% endif %}{{ xs }}", {"xs": []}, None),  # changes what it did not make
        ("{{ a.format(1) }}", {"a": "{}"}, None),  # not a method the walk calls: the sandbox's own
        ("{{ a.mro() }}", {"a": "x"}, jinja2.UndefinedError),
        ("{{ a.__class__ }}", {"a": 1}, jinja2.exceptions.SecurityError),
        ("{{ a | nosuchfilter }}", {"a": 1}, jinja2.TemplateError),
        ("{{ 1 / a }}", {"a": 0}, ZeroDivisionError),
    ],
)
def test_what_the_walk_cannot_render_jinja_renders_or_refuses(text, variables, error):
    env = template_env()
    template = PackTemplate.parse(env, text)
    with pytest.raises(Unwalkable):
        if template.data is None:
            raise Unwalkable(text)
        walk(env, template.data, variables)
    if error is None:
        expected = env.from_string(text).render(copy.deepcopy(variables))
        assert template.render(variables) == expected
    else:
        with pytest.raises(error):
            template.render(variables)


def test_loops_that_read_loop_and_unpacking_loops_are_left_to_jinja():
    env = template_env()
    for text in (
        "{% for x in xs %}{{ loop.index }}{% endfor %}",
        "{% for k, v in d %}{% endfor %}",
        "{% macro m() %}{% endmacro %}",
    ):
        assert walkable(env.parse(text)) is None


def test_a_template_rendered_often_is_compiled_once(monkeypatch):
    env = template_env()
    template = PackTemplate.parse(env, "{{ a }}!")
    compiled = []
    real = env.from_string
    monkeypatch.setattr(env, "from_string", lambda tree: compiled.append(tree) or real(tree))
    texts = [template.render({"a": i}) for i in range(template_walk.WALKS_BEFORE_COMPILING + 5)]
    assert texts == [f"{i}!" for i in range(len(texts))]
    assert len(compiled) == 1
