"""A rule text's parsed Jinja tree rendered by walking it, so a cold run need not compile the templates it renders once.

Compiling a template (Jinja's code generator, then Python's `compile`) cost a cold `recommend`
about two thirds of the time it spent on templates, and a cold run renders most templates once
or twice. The walk covers the nodes the pack's texts use (text, names, attribute and item
look-ups, filters, tests, `if`, `for`, `set`, comparisons and arithmetic) with Jinja's own
semantics for each, through the sandboxed environment's own `getattr`, `getitem`, `call`,
`call_filter` and `call_test`. Anything else, and anything that goes wrong (an undefined name, a
filter that raises), is handed to the compiled template, which renders it or raises Jinja's own
error: the walk only ever returns what Jinja would, or nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import Context, new_context

# After this many renders a template is compiled after all: a long run (batch, sensitivity)
# renders some texts thousands of times, and compiled code is faster than the walk.
WALKS_BEFORE_COMPILING = 4


class Unwalkable(Exception):
    """The walk cannot render this (an undefined name, a node it does not know): Jinja will."""


_BINARY: dict[type[nodes.Node], Callable[[Any, Any], Any]] = {
    nodes.Add: operator.add,
    nodes.Sub: operator.sub,
    nodes.Mul: operator.mul,
    nodes.Div: operator.truediv,
    nodes.FloorDiv: operator.floordiv,
    nodes.Mod: operator.mod,
    nodes.Pow: operator.pow,
}
_UNARY: dict[type[nodes.Node], Callable[[Any], Any]] = {
    nodes.Not: operator.not_,
    nodes.Neg: operator.neg,
    nodes.Pos: operator.pos,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gteq": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "in": lambda a, b: a in b,
    "notin": lambda a, b: a not in b,
}
_PLAIN: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.Name,
    nodes.Getattr,
    nodes.Getitem,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Concat,
    nodes.List,
    nodes.Tuple,
    nodes.Dict,
    nodes.Pair,
    nodes.Keyword,
    nodes.Assign,
    *_BINARY,
    *_UNARY,
)


def walkable(tree: nodes.Template, environment: jinja2.Environment) -> bool:
    """Whether every node of the tree is one the walk renders (it may still hand a render to Jinja)."""
    for node in tree.find_all(nodes.Node):
        if isinstance(node, (nodes.Filter, nodes.Test)):
            known = environment.filters if isinstance(node, nodes.Filter) else environment.tests
            if node.node is None or node.name not in known or node.dyn_args or node.dyn_kwargs:
                return False
        elif isinstance(node, nodes.Call):
            if not isinstance(node.node, nodes.Name) or node.dyn_args or node.dyn_kwargs:
                return False
        elif isinstance(node, nodes.For):
            # `loop` (the loop's own variable), a filtered or recursive loop: Jinja's.
            if node.test is not None or node.recursive or not isinstance(node.target, nodes.Name):
                return False
            if any(name.name == "loop" for name in node.find_all(nodes.Name)):
                return False
        elif isinstance(node, nodes.Assign):
            if not isinstance(node.target, nodes.Name):
                return False
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Slice):
                return False
        elif not isinstance(node, _PLAIN):
            return False
    return True


class Walk:
    """One render of one tree: the render's variables, the names set so far, a Jinja context if one is needed."""

    def __init__(self, environment: jinja2.Environment, variables: dict[str, Any]):
        self.environment = environment
        self.variables = variables
        self._context: Context | None = None

    def context(self) -> Context:
        # What Jinja passes a function or filter that asks for the context (instance_type does).
        if self._context is None:
            env = self.environment
            self._context = new_context(env, None, {}, self.variables, False, env.make_globals(None))
        return self._context

    def body(self, body: list[nodes.Node], names: dict[str, Any], out: list[str]) -> None:
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    out.append(
                        child.data if isinstance(child, nodes.TemplateData) else str(self.value(child, names))
                    )
            elif isinstance(node, nodes.If):
                self._if(node, names, out)
            elif isinstance(node, nodes.Assign):
                names[node.target.name] = self.value(node.node, names)  # type: ignore[attr-defined]
            elif isinstance(node, nodes.For):
                self._for(node, names, out)
            else:
                raise Unwalkable(type(node).__name__)

    def _if(self, node: nodes.If, names: dict[str, Any], out: list[str]) -> None:
        if self.value(node.test, names):
            return self.body(node.body, names, out)
        for branch in node.elif_:
            if self.value(branch.test, names):
                return self.body(branch.body, names, out)
        return self.body(node.else_, names, out)

    def _for(self, node: nodes.For, names: dict[str, Any], out: list[str]) -> None:
        if node.test is not None or node.recursive or not isinstance(node.target, nodes.Name):
            raise Unwalkable("a filtered, recursive or unpacking loop")
        iterated = False
        target = node.target.name
        for item in self.value(node.iter, names):
            iterated = True
            inner = dict(names)  # a `set` inside a loop stays inside it, as in Jinja
            inner[target] = item
            self.body(node.body, inner, out)
        if not iterated:
            self.body(node.else_, dict(names), out)

    def value(self, node: nodes.Node, names: dict[str, Any]) -> Any:
        kind = type(node)
        if kind is nodes.Const:
            return node.value  # type: ignore[attr-defined]
        if kind is nodes.Name:
            return self._name(node.name, names)  # type: ignore[attr-defined]
        if kind is nodes.Getattr:
            found = self.environment.getattr(self.value(node.node, names), node.attr)  # type: ignore[attr-defined]
            if isinstance(found, jinja2.Undefined):
                raise Unwalkable("undefined attribute")
            return found
        if kind is nodes.Getitem:
            found = self.environment.getitem(self.value(node.node, names), self.value(node.arg, names))  # type: ignore[attr-defined]
            if isinstance(found, jinja2.Undefined):
                raise Unwalkable("undefined item")
            return found
        if kind is nodes.Filter or kind is nodes.Test:
            return self._filter_or_test(node, names)
        if kind is nodes.Compare:
            return self._compare(node, names)  # type: ignore[arg-type]
        if kind is nodes.CondExpr:
            if self.value(node.test, names):  # type: ignore[attr-defined]
                return self.value(node.expr1, names)  # type: ignore[attr-defined]
            if node.expr2 is None:  # type: ignore[attr-defined]
                raise Unwalkable("an undefined else")
            return self.value(node.expr2, names)  # type: ignore[attr-defined]
        if kind is nodes.And:
            return self.value(node.left, names) and self.value(node.right, names)  # type: ignore[attr-defined]
        if kind is nodes.Or:
            return self.value(node.left, names) or self.value(node.right, names)  # type: ignore[attr-defined]
        if kind in _BINARY:
            return _BINARY[kind](self.value(node.left, names), self.value(node.right, names))  # type: ignore[attr-defined]
        if kind in _UNARY:
            return _UNARY[kind](self.value(node.node, names))  # type: ignore[attr-defined]
        if kind is nodes.Concat:
            return "".join(str(self.value(part, names)) for part in node.nodes)  # type: ignore[attr-defined]
        if kind is nodes.List:
            return [self.value(item, names) for item in node.items]  # type: ignore[attr-defined]
        if kind is nodes.Tuple:
            return tuple(self.value(item, names) for item in node.items)  # type: ignore[attr-defined]
        if kind is nodes.Dict:
            return {self.value(p.key, names): self.value(p.value, names) for p in node.items}  # type: ignore[attr-defined]
        if kind is nodes.Call:
            return self._call(node, names)  # type: ignore[arg-type]
        raise Unwalkable(kind.__name__)

    def _name(self, name: str, names: dict[str, Any]) -> Any:
        # Jinja's order: names set in the template, the render's variables, the globals.
        if name in names:
            return names[name]
        if name in self.variables:
            return self.variables[name]
        if name in self.environment.globals:
            return self.environment.globals[name]
        raise Unwalkable(f"undefined name {name}")

    def _arguments(self, node: Any, names: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        args = [self.value(arg, names) for arg in node.args]
        kwargs = {keyword.key: self.value(keyword.value, names) for keyword in node.kwargs}
        return args, kwargs

    def _filter_or_test(self, node: Any, names: dict[str, Any]) -> Any:
        value = self.value(node.node, names)
        args, kwargs = self._arguments(node, names)
        env = self.environment
        call = env.call_filter if isinstance(node, nodes.Filter) else env.call_test
        known = env.filters if isinstance(node, nodes.Filter) else env.tests
        # Filters that take the context or the evaluation context get Jinja's own.
        context = self.context() if hasattr(known[node.name], "jinja_pass_arg") else None
        return call(node.name, value, args, kwargs, context=context)

    def _call(self, node: nodes.Call, names: dict[str, Any]) -> Any:
        # Functions by name only (instance_type): a method call (`names.append(...)`) may change
        # what it is called on, and a render handed to Jinja halfway must not have changed anything.
        if not isinstance(node.node, nodes.Name):
            raise Unwalkable("a method call")
        function = self.value(node.node, names)
        args, kwargs = self._arguments(node, names)
        # The sandbox's call: it refuses what a template may not call, and passes the context.
        return self.environment.call(self.context(), function, *args, **kwargs)  # type: ignore[attr-defined]

    def _compare(self, node: nodes.Compare, names: dict[str, Any]) -> Any:
        left = self.value(node.expr, names)
        result: Any = True
        for operand in node.ops:
            right = self.value(operand.expr, names)
            result = _COMPARE[operand.op](left, right)
            if not result:
                return result
            left = right
        return result


def walk(environment: jinja2.Environment, tree: nodes.Template, variables: dict[str, Any]) -> str:
    """The text Jinja would render from `tree`, or Unwalkable (any error is one: Jinja then renders)."""
    out: list[str] = []
    try:
        Walk(environment, variables).body(tree.body, {}, out)
    except Unwalkable:
        raise
    except Exception as error:  # Jinja renders it again and raises its own error, or succeeds
        raise Unwalkable(repr(error)) from None
    return "".join(out)


class PackTemplate:
    """A pack's text, parsed once: walked for its first renders, compiled by Jinja after that or when the walk cannot render it."""

    __slots__ = ("environment", "tree", "_walkable", "_walks", "_compiled")

    def __init__(self, environment: jinja2.Environment, tree: nodes.Template):
        self.environment = environment
        self.tree = tree
        self._walkable = walkable(tree, environment)
        self._walks = 0
        self._compiled: jinja2.Template | None = None

    def compiled(self) -> jinja2.Template:
        if self._compiled is None:
            self._compiled = self.environment.from_string(self.tree)
        return self._compiled

    def render(self, *args: Any, **kwargs: Any) -> str:
        if self._walkable and self._compiled is None and self._walks < WALKS_BEFORE_COMPILING:
            self._walks += 1
            try:
                return walk(self.environment, self.tree, dict(*args, **kwargs))
            except Unwalkable:
                pass
        return self.compiled().render(*args, **kwargs)
