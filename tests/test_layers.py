"""The import-layer contract: imports run downward only, no cycles, no GUI in the core.

The contracts are import-linter's, in pyproject.toml ``[tool.importlinter]``; this test runs
them, so the test command fails the build on an upward import, a cycle in the archive, or a GUI
toolkit imported by the core. Imports inside functions count: import-linter reads them too.
What import-linter cannot say without naming modules that do not exist yet (the core parts of
``glue_mast.glue``, outside its Qt dialog) is checked here with grimp, the graph it builds on.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUI = ("qtpy", "PySide6", "PyQt5", "PyQt6", "ipyvuetify", "ipywidgets", "jdaviz", "glue_qt")


def _env():
    # Analyse this checkout, whatever copy of glue_mast is installed.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def test_import_contracts_are_kept():
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout
    # Every contract was read and checked: a misnamed table would check nothing.
    assert "Contracts: 4 kept, 0 broken." in out.stdout


@pytest.fixture(scope="module")
def graph():
    """This checkout's import graph, module -> modules it imports (externals by top name)."""
    code = (
        "import grimp, json; g = grimp.build_graph('glue_mast', include_external_packages=True); "
        "print(json.dumps({m: sorted(g.find_modules_directly_imported_by(m)) for m in g.modules}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout)


def _reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        for imported in graph.get(module, ()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def _inside(module, package):
    return module == package or module.startswith(package + ".")


def test_glue_core_part_imports_no_gui_and_not_its_dialog(graph):
    core = [
        m
        for m in graph
        if any(_inside(m, p) for p in ("glue_mast.glue", "glue_mast.state", "glue_mast.io"))
        and not _inside(m, "glue_mast.glue.qt")
    ]
    for module in core:
        reached = _reachable(graph, module)
        assert not [m for m in reached if m in GUI], module
        assert not [m for m in reached if _inside(m, "glue_mast.glue.qt")], module


def test_the_graph_sees_imports_inside_functions(graph):
    # cli.commands imports the archive only inside its functions, to start fast.
    assert "glue_mast.archive.search" in graph["glue_mast.cli.commands"]
    assert "glue_mast.demo" in graph["glue_mast.cli.commands"]
    assert not [m for m in graph["glue_mast.demo"] if _inside(m, "glue_mast.cli")]
