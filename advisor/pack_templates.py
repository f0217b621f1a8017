"""The sandboxed Jinja environment a pack's templates run in, and the checks a template must pass before it runs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import jinja2
import jinja2.sandbox

from advisor import templating
from advisor.errors import RulePackError

if TYPE_CHECKING:
    from advisor.rulepack import RulePack

# An attribute a template may not reach for: Python internals (`__globals__`, `_private`). The
# sandbox refuses them when rendering; the loader refuses the plain spellings at once, naming the
# rule, rather than failing an evaluation later.
_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_INTERNAL = re.compile(r"""\.\s*_|\[\s*['"]_|attr\s*\(\s*['"]_""")  # .x_, ['_x'], attr('_x')


def reaches_internals(text: str) -> bool:
    return any(_INTERNAL.search(code) for code in _CODE.findall(text))


def template_env() -> jinja2.Environment:
    # A pack is data, and an organization pack comes from outside: its templates run sandboxed
    # (no attributes starting with "_", no unsafe methods), so a template cannot run code.
    env = jinja2.sandbox.SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
    )
    # Jinja's optimizer folds constant expressions at compile time; no template of the pack has
    # any (the generated code is the same without it), and it was a quarter of the time spent
    # compiling the templates a cold run renders.
    env.optimized = False
    env.filters.update(templating.FILTERS)
    env.globals.update(templating.GLOBALS)
    return env


def check_templates(pack: RulePack) -> None:
    """Compile every template of the pack (the loader parses lazily, and compiles only what it renders often); raise on the first error."""
    for key in pack.sources:
        try:
            pack.template(key).compiled()  # the walk needs no code; a check compiles it all the same
        except jinja2.TemplateSyntaxError as error:
            raise RulePackError(f"{key}: {error.message} (line {error.lineno} of the template)") from None
