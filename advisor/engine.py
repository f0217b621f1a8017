"""The only module that touches durable-rules: a matcher that answers "which rules fire for this question".

What we design around (see shared/DURABLE_RULES.md): the C core keeps global state, allows 1,024
live sessions per ruleset, swallows exceptions raised in actions, can segfault after some errors,
and each Host starts timer threads that may run another evaluation's actions. So: one Host with no
timers, one ruleset, one fixed session id whose every fact is retracted once its question is
answered (the session is empty between evaluations), every action wrapped, and a fresh ruleset
whenever the C core reports an error. The areas are resolved in plain Python between questions
(`run`): the C core only matches, and a question it matched before is answered from memory.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from typing import Any, Protocol

from advisor.bounded import make_room
from advisor.errors import EngineError, EngineUnavailable
from advisor.install import repair_advice
from advisor.operators import OPERATORS, PRECOMPUTED
from advisor.rulepack import Clause, CompiledRule, RulePack

try:
    from durable import engine as durable
except ImportError as _error:  # pragma: no cover - depends on how durable-rules was built
    if "PyEval_CallObject" not in str(_error):
        raise
    raise EngineUnavailable(repair_advice()) from None

_c = durable.durable_rules_engine  # the C core


def _never(c: Any) -> None:
    raise EngineError("durable's own action loop ran; advisor dispatches actions itself")


SESSION = "advisor"
RULE_PRIORITY = 10
# Every question matches this rule, so the C core never refuses one as "not handled"; lower fires
# first, so it comes after every rule of the question and its action ends nothing early.
SENTINEL_PRIORITY = 1000
SENTINEL = "asked"
# Questions whose fired rules are remembered (see Engine._ask), bounded (advisor.bounded) so a long
# batch stays flat: at about half a KiB an entry this is a few MiB.
MATCH_MEMO_SIZE = 8_192
_names = itertools.count(1)


class Evaluation(Protocol):
    """What the engine drives: told of each rule that fired for a question, then asked for the next question."""

    def fired(self, rule: CompiledRule, fact: dict[str, Any]) -> None: ...

    def resolved(self, fact: dict[str, Any]) -> dict[str, Any] | None: ...


class _Host(durable.Host):
    def __init__(self, actions: dict[str, Callable[[Any], None]]):
        self._actions = actions
        super().__init__()

    def _run(self) -> None:
        # No timer threads: they never stop, and the dispatcher can run another evaluation's actions.
        pass

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._actions[action_name]


def _test(clause: Clause, flag_index: dict[Clause, int]) -> dict[str, Any]:
    if clause.precomputed:
        return {f"flag.t{flag_index[clause.value]}": True}
    translation = OPERATORS[clause.op].durable
    if translation == PRECOMPUTED:  # the pack loader flags these first
        raise EngineError(f"operator {clause.op} reached the engine")
    values = clause.value if isinstance(clause.value, list) else [clause.value]
    test = translation["test"]
    tests = [{clause.field: v} if test == "$eq" else {test: {clause.field: v}} for v in values]
    return tests[0] if len(tests) == 1 else {translation["join"]: tests}


def compile_ruleset(pack: RulePack) -> dict[str, Any]:
    flag_index = {test: i for i, test in enumerate(pack.computed_tests)}
    definition: dict[str, Any] = {
        "warmup": {"all": [{"m": {"kind": "warmup"}}], "run": "warmup"},
    }
    for rule in pack.rules:
        tests: list[dict[str, Any]] = [{"kind": "ask"}, {"area": rule.area.id}]
        tests += [_test(c, flag_index) for c in rule.clauses]
        tests += [{"$or": [_test(c, flag_index) for c in group]} for group in rule.any_of]
        definition[f"r{rule.index}"] = {
            "all": [{"m": {"$and": tests}}],
            "pri": RULE_PRIORITY,
            "run": f"r{rule.index}",
        }
    definition[SENTINEL] = {"all": [{"m": {"kind": "ask"}}], "pri": SENTINEL_PRIORITY, "run": SENTINEL}
    return definition


class Engine:
    """One compiled rule pack. `run` is serialised: the C core is neither thread-safe nor re-entrant."""

    def __init__(self, pack: RulePack, *, memo: bool = True):
        self.pack = pack
        self.memo = memo
        self._matches: dict[str, tuple[CompiledRule, ...]] = {}  # question -> the rules it fired
        self._firing: list[CompiledRule] = []  # the rules fired so far for the question being asked
        self._lock = threading.RLock()
        self._current: Evaluation | None = None
        self._error: BaseException | None = None
        self.evaluations = 0
        self.rebuilds = 0
        self._closed = False
        self._dispatch = self._dispatch_table()
        self._build()

    def _build(self) -> None:
        # durable's Host compiles the ruleset; actions are dispatched by our own loop (_chain), so
        # the Host only needs a name for each.
        actions: dict[str, Callable[[Any], None]] = {name: _never for name in self._dispatch_table()}
        self._name = f"advisor_{next(_names)}"
        self._host = _Host(actions)
        # set_rulesets pops "run" out of the dicts it is given: hand it a fresh copy every time.
        self._host.set_rulesets({self._name: compile_ruleset(self.pack)})
        self._ruleset = self._host.get_ruleset(self._name)
        # A first evaluation that fires an action initialises the session's state slots; deleting
        # a never-used slot frees uninitialised pointers.
        self._chain({"kind": "warmup", "sid": SESSION})
        _c.delete_state(self._ruleset._handle, SESSION)

    def _dispatch_table(self) -> dict[str, Callable[[dict[str, Any]], None]]:
        table: dict[str, Callable[[dict[str, Any]], None]] = {
            "warmup": lambda fact: None,
            SENTINEL: lambda fact: None,
        }
        for rule in self.pack.rules:
            table[f"r{rule.index}"] = self._fire_action(rule)
        return table

    def close(self) -> None:
        """Free the C core's ruleset; the engine cannot be used afterwards."""
        with self._lock:
            if not self._closed:
                _c.delete_ruleset(self._ruleset._handle)
                self._host._ruleset_directory.clear()
                self._host._ruleset_list.clear()
            self._closed = True

    def _assert(self, fact: dict[str, Any], text: str) -> Any:
        result = _c.assert_fact(self._ruleset._handle, text)
        return self._ruleset._handle_result(result, fact)  # raises on "not handled" or "seen"

    def _chain(self, first: dict[str, Any]) -> None:
        """Assert `first` and run every action it leads to, in agenda order, until none is left.

        This is durable's own action loop (Ruleset.do_actions and _flush_actions) without what the
        advisor does not use: per-action closures, timers, leases and state changes. Two shortcuts,
        both pinned by tests/test_engine.py: no `update_state` (no action changes the session state
        and no rule tests it, so handing it back unchanged does nothing), and no `json.loads` of
        the action message: its first key is the action's name, and its fact is `first` itself,
        because every rule has one fact pattern and actions assert nothing.
        """
        handle = self._ruleset._handle
        text = json.dumps(first, ensure_ascii=False)
        state_handle = self._assert(first, text)
        message = _c.start_action_for_state(handle, state_handle)
        if message:
            message = message[1]
            dispatch = self._dispatch
            while message:
                dispatch[message[2 : message.index('"', 2)]](first)
                message = _c.complete_and_start_action(handle, state_handle)
        # Taken back at once: the session holds no fact between questions, so it is never deleted
        # and created again (creating a session's state costs as much as several questions).
        _c.retract_fact(handle, text)

    def _ask(self, evaluation: Evaluation, question: dict[str, Any], fact: dict[str, Any]) -> None:
        """Tell the evaluation which rules fire for a question: the C core's answer, or the one it gave before.

        A question is the area and exactly what its rules test (decide.Run._question), so the same
        question fires the same rules, in the same order; only `q` and `subject`, which no rule
        tests, say where it stands. Variants of one file (what would change a decision, diffs) ask
        mostly the same questions, and so does a batch of similar services.
        """
        key = (
            json.dumps({k: v for k, v in question.items() if k != "q" and k != "subject"})
            if self.memo
            else None
        )
        known = None if key is None else self._matches.get(key)
        if known is None:
            self._firing = []  # filled by the actions (_fire_action)
            self._chain(fact)
            if key is not None and self._error is None:
                make_room(self._matches, MATCH_MEMO_SIZE)
                self._matches[key] = tuple(self._firing)
            return
        try:
            for rule in known:
                evaluation.fired(rule, fact)
        except BaseException as failure:  # as an action's failure would be: raised after the question
            self._error = failure

    def _fire_action(self, rule: CompiledRule) -> Callable[[dict[str, Any]], None]:
        def action(fact: dict[str, Any]) -> None:
            if self._error is not None or self._current is None:
                return
            self._firing.append(rule)
            try:
                self._current.fired(rule, fact)
            except BaseException as error:  # keep the C core's loop intact; raised after it ends
                self._error = error

        return action

    def run(self, evaluation: Evaluation, first: dict[str, Any]) -> None:
        """Ask each question in turn: the rules that fire for it, then the evaluation resolves it and asks the next."""
        with self._lock:
            if self._closed:
                raise EngineError("this engine was closed")
            self._current = evaluation
            self._error = None
            c_error: BaseException | None = None
            try:
                question: dict[str, Any] | None = first
                while question is not None:
                    fact = dict(question, kind="ask", sid=SESSION)
                    self._ask(evaluation, question, fact)
                    if self._error is not None:
                        break
                    try:
                        question = evaluation.resolved(fact)
                    except BaseException as failure:  # Python's own failure: the C core is intact
                        self._error = failure
                        break
            except BaseException as error:
                c_error = error
            finally:
                self._current = None
            self.evaluations += 1
            if c_error is not None:
                # The C core may be left inconsistent (touching the session again can crash it):
                # abandon this ruleset and start a fresh one for the next evaluation.
                self.rebuilds += 1
                self._build()
                if not isinstance(c_error, Exception):
                    # Ctrl-C or SIGTERM (SystemExit) landed mid-evaluation: the engine is clean
                    # again, and the interrupt goes on unchanged, never as one profile's failure.
                    raise c_error
                raise EngineError(f"the rule engine failed on this profile: {c_error!r}") from None
            if self._error is not None:
                raised, self._error = self._error, None
                raise raised
