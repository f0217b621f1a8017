"""The import contract between the stages: load → validate → rule pack → engine → decide → render."""

from __future__ import annotations

import ast

from conftest import ROOT

PACKAGE = ROOT / "advisor"
RENDERERS = (
    "memo.py",
    "memo_build.py",
    "memo_decisions.py",
    "memo_view.py",
    "summary.py",
    "diagram.py",
    "diagram_layout.py",
)


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_engine_module_imports_durable():
    importers = [
        p.relative_to(PACKAGE).as_posix()
        for p in _modules()
        if any(m.split(".")[0] == "durable" for m in _imports(p))
    ]
    assert importers == ["engine.py"]


def test_renderers_import_neither_the_resolver_nor_the_api():
    for name in RENDERERS:
        imported = _imports(PACKAGE / name)
        for forbidden in (
            "advisor.decide",
            "advisor.resolve",
            "advisor.choices",
            "advisor.api",
            "advisor.engine",
        ):
            assert not any(m == forbidden or m.startswith(forbidden + ".") for m in imported), (
                name,
                forbidden,
            )


def test_the_test_suite_checks_real_modules():
    # The contract above would pass vacuously if the files moved: make sure they are there.
    assert all((PACKAGE / name).exists() for name in (*RENDERERS, "engine.py"))
