"""How durable-rules must be built on Python 3.13 and newer, and what to tell a user whose build lacks it.

durable-rules 2.0.28 (the last release) calls `PyEval_CallObject`, which Python 3.13 removed from
its C API. Its `setup.py` overwrites CFLAGS, but setuptools appends CPPFLAGS to every compile, so
defining the old name as its successor at build time fixes the extension without patching it: on
3.13+ the extension calls `PyObject_CallObject`, the same function under its current name; on 3.11
and 3.12 Python's own header redefines the macro and nothing changes. Without the flag, GCC 14+,
clang 16+ and Apple clang refuse to compile it, and older compilers build an extension that cannot
be imported ("undefined symbol: PyEval_CallObject").
"""

from __future__ import annotations

import importlib.util
import shlex
import sys

CPPFLAGS = "-DPyEval_CallObject=PyObject_CallObject"
DURABLE_REQUIREMENT = "durable-rules==2.0.28"


def repair_command() -> str:
    """The one command that rebuilds durable-rules with the fix, for the interpreter running now."""
    python = shlex.quote(sys.executable)
    if importlib.util.find_spec("pip") is not None:
        installer = f"{python} -m pip install"
    else:  # an environment made by uv has no pip of its own
        installer = f"uv pip install --python {python}"
    return f"CPPFLAGS={CPPFLAGS} {installer} --force-reinstall --no-cache-dir --no-deps {DURABLE_REQUIREMENT}"


def repair_advice() -> str:
    return (
        "durable-rules, the rule engine advisor runs on, was built without the fix that Python 3.13 "
        "and newer need (it calls PyEval_CallObject, which Python 3.13 removed from its C API), so it "
        "cannot be loaded. Rebuild it with this command, then run advisor again:\n\n"
        f"    {repair_command()}\n\n"
        f"(Installing advisor itself with CPPFLAGS={CPPFLAGS} set, as the README shows, "
        "builds it right the first time.)"
    )
