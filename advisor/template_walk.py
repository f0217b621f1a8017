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


# Keyed by each node's `operator`, as Jinja's code generator writes them.
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}
_UNARY: dict[str, Callable[[Any], Any]] = {"not": operator.not_, "-": operator.neg, "+": operator.pos}
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
_CONTAINERS = {nodes.List: "list", nodes.Tuple: "tuple"}
_STRING_METHODS = (
    "capitalize casefold center count endswith find index isalnum isalpha isdigit islower isspace "
    "istitle isupper join ljust lower lstrip partition removeprefix removesuffix replace rfind "
    "rindex rjust rpartition rsplit rstrip split splitlines startswith strip swapcase title upper zfill"
)
_READING: dict[type, frozenset[str]] = {
    str: frozenset(_STRING_METHODS.split()),
    dict: frozenset({"get", "keys", "values", "items", "copy"}),
    list: frozenset({"count", "index", "copy"}),
}
_CHANGING: dict[type, frozenset[str]] = {
    dict: frozenset({"update", "setdefault", "pop", "popitem", "clear"}),
    list: frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"}),
}


def to_data(tree: nodes.Template) -> list[Any]:
    """The template's body as plain lists and strings (what the walk reads, and the pack cache can
    keep as JSON); Unwalkable if it holds a node the walk leaves to Jinja.

    Statements: ["out", [text or expression, ...]], ["if", test, body, [[test, body], ...], else],
    ["set", name, expression], ["for", name, iterable, body, else, test or None]. Expressions:
    ["const", value],
    ["name", name], ["attr", expression, name], ["item", expression, expression],
    ["filter" or "test", name, expression, [args], [[keyword, value], ...]],
    ["call", name, [args], [[keyword, value], ...]], ["method", expression, name, [args], [[keyword, value], ...]],
    ["compare", expression, [[op, expression], ...]],
    ["cond", test, expression, expression or None], ["and" or "or", left, right],
    ["binary", operator, left, right], ["unary", operator, operand], ["concat", [expression, ...]],
    ["list" or "tuple", [expression, ...]], ["dict", [[key, value], ...]], ["slice", start, stop, step]
    (each an expression or None).
    """
    return _statements(tree.body)


def _statements(body: list[nodes.Node]) -> list[Any]:
    out: list[Any] = []
    for node in body:
        if isinstance(node, nodes.Output):
            out.append(
                ["out", [n.data if isinstance(n, nodes.TemplateData) else _expression(n) for n in node.nodes]]
            )
        elif isinstance(node, nodes.If):
            branches = [[_expression(b.test), _statements(b.body)] for b in node.elif_]
            out.append(
                ["if", _expression(node.test), _statements(node.body), branches, _statements(node.else_)]
            )
        elif isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            out.append(["set", node.target.name, _expression(node.node)])
        elif (
            isinstance(node, nodes.For)
            and isinstance(node.target, nodes.Name)
            and not node.recursive
            # `loop` (the loop's own variable) is Jinja's.
            and not any(name.name == "loop" for name in node.find_all(nodes.Name))
        ):
            out.append(
                [
                    "for",
                    node.target.name,
                    _expression(node.iter),
                    _statements(node.body),
                    _statements(node.else_),
                    None if node.test is None else _expression(node.test),
                ]
            )
        else:
            raise Unwalkable(type(node).__name__)
    return out


def _arguments(node: nodes.Filter | nodes.Test | nodes.Call) -> list[Any]:
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        raise Unwalkable("*args or **kwargs")
    return [[_expression(a) for a in node.args], [[k.key, _expression(k.value)] for k in node.kwargs]]


def _expression(node: nodes.Node) -> list[Any]:
    if isinstance(node, nodes.Const):
        return ["const", node.value]
    if isinstance(node, nodes.Name):
        return ["name", node.name]
    if isinstance(node, nodes.Getattr):
        return ["attr", _expression(node.node), node.attr]
    if isinstance(node, nodes.Getitem):
        return ["item", _expression(node.node), _expression(node.arg)]
    if isinstance(node, nodes.Slice):  # text[1:]: Jinja's getitem with a slice
        return [
            "slice",
            *(None if part is None else _expression(part) for part in (node.start, node.stop, node.step)),
        ]
    if isinstance(node, (nodes.Filter, nodes.Test)) and node.node is not None:
        kind = "filter" if isinstance(node, nodes.Filter) else "test"
        return [kind, node.name, _expression(node.node), *_arguments(node)]
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name):
        return ["call", node.node.name, *_arguments(node)]
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        # `mapping.get(key, default)`, `names.append(...)`: see Walk._method for which it calls.
        return ["method", _expression(node.node.node), node.node.attr, *_arguments(node)]
    if isinstance(node, nodes.Compare):
        return ["compare", _expression(node.expr), [[o.op, _expression(o.expr)] for o in node.ops]]
    if isinstance(node, nodes.CondExpr):
        other = None if node.expr2 is None else _expression(node.expr2)
        return ["cond", _expression(node.test), _expression(node.expr1), other]
    if isinstance(node, (nodes.And, nodes.Or)):
        return [
            "and" if isinstance(node, nodes.And) else "or",
            _expression(node.left),
            _expression(node.right),
        ]
    if isinstance(node, nodes.BinExpr) and node.operator in _BINARY:
        return ["binary", node.operator, _expression(node.left), _expression(node.right)]
    if isinstance(node, nodes.UnaryExpr) and node.operator in _UNARY:
        return ["unary", node.operator, _expression(node.node)]
    if isinstance(node, nodes.Concat):
        return ["concat", [_expression(n) for n in node.nodes]]
    if isinstance(node, (nodes.List, nodes.Tuple)):
        return [_CONTAINERS[type(node)], [_expression(n) for n in node.items]]
    if isinstance(node, nodes.Dict):
        return ["dict", [[_expression(p.key), _expression(p.value)] for p in node.items]]
    raise Unwalkable(type(node).__name__)


class Walk:
    """One render: the render's variables, and a Jinja context if a function or filter asks for one."""

    def __init__(self, environment: jinja2.Environment, variables: dict[str, Any]):
        self.environment = environment
        self.variables = variables
        self._context: Context | None = None
        # The lists and dicts this render made ({% set names = [] %}): the only ones it may change.
        self._made: dict[int, Any] = {}

    def context(self) -> Context:
        # What Jinja passes a function or filter that asks for the context (instance_type does).
        if self._context is None:
            env = self.environment
            self._context = new_context(env, None, {}, self.variables, False, env.make_globals(None))
        return self._context

    def body(self, body: list[Any], names: dict[str, Any], out: list[str]) -> None:
        for statement in body:
            kind = statement[0]
            if kind == "out":
                for part in statement[1]:
                    out.append(part if isinstance(part, str) else str(self.value(part, names)))
            elif kind == "if":
                _, test, then, branches, otherwise = statement
                if self.value(test, names):
                    self.body(then, names, out)
                else:
                    for test, then in branches:
                        if self.value(test, names):
                            self.body(then, names, out)
                            break
                    else:
                        self.body(otherwise, names, out)
            elif kind == "set":
                names[statement[1]] = self.value(statement[2], names)
            elif kind == "for":
                _, target, iterable, loop_body, otherwise, test = statement
                iterated = False
                for item in self.value(iterable, names):
                    inner = dict(names)  # a `set` inside a loop stays inside it, as in Jinja
                    inner[target] = item
                    if test is not None and not self.value(test, inner):
                        continue  # `for x in xs if test`: Jinja skips the item, as if not there
                    iterated = True
                    self.body(loop_body, inner, out)
                if not iterated:
                    self.body(otherwise, dict(names), out)
            else:
                raise Unwalkable(str(kind))

    def value(self, expression: list[Any], names: dict[str, Any]) -> Any:
        kind = expression[0]
        if kind == "const":
            return expression[1]
        if kind == "name":
            return self._name(expression[1], names)
        if kind == "attr":
            found = self.environment.getattr(self.value(expression[1], names), expression[2])
        elif kind == "item":
            found = self.environment.getitem(
                self.value(expression[1], names), self.value(expression[2], names)
            )
        elif kind == "filter" or kind == "test":
            return self._filter_or_test(expression, names)
        elif kind == "call":
            return self._call(expression, names)
        elif kind == "compare":
            return self._compare(expression, names)
        elif kind == "cond":
            _, test, then, otherwise = expression
            if self.value(test, names):
                return self.value(then, names)
            if otherwise is None:
                raise Unwalkable("an undefined else")
            return self.value(otherwise, names)
        elif kind == "and":
            return self.value(expression[1], names) and self.value(expression[2], names)
        elif kind == "or":
            return self.value(expression[1], names) or self.value(expression[2], names)
        elif kind == "binary":
            return _BINARY[expression[1]](self.value(expression[2], names), self.value(expression[3], names))
        elif kind == "unary":
            return _UNARY[expression[1]](self.value(expression[2], names))
        elif kind == "concat":
            return "".join(str(self.value(part, names)) for part in expression[1])
        elif kind == "slice":
            return slice(*(None if part is None else self.value(part, names) for part in expression[1:]))
        elif kind == "method":
            return self._method(expression, names)
        elif kind == "list":
            return self._make([self.value(item, names) for item in expression[1]])
        elif kind == "tuple":
            return tuple(self.value(item, names) for item in expression[1])
        elif kind == "dict":
            return self._make(
                {self.value(key, names): self.value(value, names) for key, value in expression[1]}
            )
        else:
            raise Unwalkable(str(kind))
        if isinstance(found, jinja2.Undefined):
            raise Unwalkable("undefined")
        return found

    def _name(self, name: str, names: dict[str, Any]) -> Any:
        # Jinja's order: names set in the template, the render's variables, the globals.
        if name in names:
            return names[name]
        if name in self.variables:
            return self.variables[name]
        if name in self.environment.globals:
            return self.environment.globals[name]
        raise Unwalkable(f"undefined name {name}")

    def _arguments(
        self, args: list[Any], kwargs: list[Any], names: dict[str, Any]
    ) -> tuple[list[Any], dict[str, Any]]:
        return [self.value(a, names) for a in args], {key: self.value(v, names) for key, v in kwargs}

    def _filter_or_test(self, expression: list[Any], names: dict[str, Any]) -> Any:
        kind, name, operand, args, kwargs = expression
        env = self.environment
        known = env.filters if kind == "filter" else env.tests
        if name not in known:
            raise Unwalkable(f"no {kind} {name}")  # Jinja's error, at render time
        value = self.value(operand, names)
        positional, keywords = self._arguments(args, kwargs, names)
        call = env.call_filter if kind == "filter" else env.call_test
        # Filters that take the context or the evaluation context get Jinja's own.
        context = self.context() if hasattr(known[name], "jinja_pass_arg") else None
        return call(name, value, positional, keywords, context=context)

    def _call(self, expression: list[Any], names: dict[str, Any]) -> Any:
        _, name, args, kwargs = expression
        function = self._name(name, names)
        positional, keywords = self._arguments(args, kwargs, names)
        # The sandbox's call: it refuses what a template may not call, and passes the context.
        return self.environment.call(self.context(), function, *positional, **keywords)  # type: ignore[attr-defined]

    def _make(self, made: Any) -> Any:
        self._made[id(made)] = made  # kept: its id stays its own until the render ends
        return made

    def _method(self, expression: list[Any], names: dict[str, Any]) -> Any:
        # Methods that change nothing, on any str, list or dict; those that change what they are
        # called on only on a list or dict this render made. A render handed to Jinja halfway must
        # have changed nothing Jinja then sees (the answers, the pack's tables).
        _, receiver, name, args, kwargs = expression
        owner = self.value(receiver, names)
        kind = type(owner)
        if not (
            name in _READING.get(kind, ()) or (name in _CHANGING.get(kind, ()) and id(owner) in self._made)
        ):
            raise Unwalkable(f"{kind.__name__}.{name}")
        method = self.environment.getattr(owner, name)
        if isinstance(method, jinja2.Undefined):
            raise Unwalkable("undefined")
        positional, keywords = self._arguments(args, kwargs, names)
        return self.environment.call(self.context(), method, *positional, **keywords)  # type: ignore[attr-defined]

    def _compare(self, expression: list[Any], names: dict[str, Any]) -> Any:
        left = self.value(expression[1], names)
        result: Any = True
        for op, operand in expression[2]:
            right = self.value(operand, names)
            result = _COMPARE[op](left, right)
            if not result:
                return result
            left = right
        return result


def walkable(tree: nodes.Template) -> list[Any] | None:
    """The tree as data for the walk, or None when it holds a node the walk leaves to Jinja."""
    try:
        return to_data(tree)
    except Unwalkable:
        return None


def walk(environment: jinja2.Environment, data: list[Any], variables: dict[str, Any]) -> str:
    """The text Jinja would render, or Unwalkable (any error is one: Jinja then renders, or raises its own)."""
    out: list[str] = []
    try:
        Walk(environment, variables).body(data, {}, out)
    except Unwalkable:
        raise
    except Exception as error:
        raise Unwalkable(repr(error)) from None
    return "".join(out)


class PackTemplate:
    """A pack's text: walked for its first renders, compiled by Jinja after that or when the walk cannot render it.

    `data` is the walk's form of the text (to_data; None when the walk cannot render it), from
    the parsed tree or the pack cache. Jinja compiles from the source, never from `data`.
    """

    __slots__ = ("environment", "source", "data", "_tree", "_walks", "_compiled")

    def __init__(
        self,
        environment: jinja2.Environment,
        source: str,
        data: list[Any] | None,
        tree: nodes.Template | None = None,
    ):
        self.environment = environment
        self.source = source
        self.data = data
        self._tree = tree
        self._walks = 0
        self._compiled: jinja2.Template | None = None

    @classmethod
    def parse(cls, environment: jinja2.Environment, source: str) -> PackTemplate:
        tree = environment.parse(source)
        return cls(environment, source, walkable(tree), tree)

    def compiled(self) -> jinja2.Template:
        if self._compiled is None:
            tree = self._tree if self._tree is not None else self.environment.parse(self.source)
            self._compiled = self.environment.from_string(tree)
        return self._compiled

    def render(self, *args: Any, **kwargs: Any) -> str:
        if self.data is not None and self._compiled is None and self._walks < WALKS_BEFORE_COMPILING:
            self._walks += 1
            try:
                return walk(self.environment, self.data, dict(*args, **kwargs))
            except Unwalkable:
                pass
        return self.compiled().render(*args, **kwargs)
