"""The import-layer contract: imports run downward only, no cycles, no GUI in the core.

The contracts are import-linter's, in pyproject.toml ``[tool.importlinter]``; this test runs
them, so the test command fails the build on an upward import, a cycle in the archive, or a GUI
toolkit imported by the core. Imports inside functions count: import-linter reads them too.
What import-linter cannot say without naming modules that do not exist yet (the core parts of
``glue_mast.glue``, outside its Qt dialog) is checked here with grimp, the graph it builds on.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUI = ("qtpy", "PySide6", "PyQt5", "PyQt6", "ipyvuetify", "ipywidgets", "jdaviz", "glue_qt")


def _env(root=ROOT):
    # Analyse this checkout (or ``root``), whatever copy of glue_mast is installed.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _lint_imports(root):
    code = (
        "import sys; from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_are_kept():
    out = _lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout
    # Every contract was read and checked: a misnamed table would check nothing.
    assert "Contracts: 4 kept, 0 broken." in out.stdout


def test_the_contracts_catch_an_upward_import_a_gui_import_and_a_cycle(tmp_path):
    # A copy of the package with three offences, each inside a function, as lazy imports are.
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "glue_mast",
        tmp_path / "glue_mast",
        ignore=shutil.ignore_patterns("__pycache__", "data"),
    )
    with open(tmp_path / "glue_mast" / "archive" / "columns.py", "a") as f:
        f.write("\n\ndef _offences():\n    from ..cli import output\n    import qtpy\n")
        f.write("    from . import lookup\n")
    with open(tmp_path / "glue_mast" / "archive" / "lookup.py", "a") as f:
        f.write("\n\ndef _cycle():\n    from . import columns\n")
    out = _lint_imports(tmp_path)
    assert out.returncode == 1
    assert "Contracts: 1 kept, 3 broken." in out.stdout
    assert "glue_mast.archive.columns -> glue_mast.cli.output" in out.stdout
    assert "glue_mast.archive.columns -> qtpy" in out.stdout
    assert ".lookup -> .columns" in out.stdout


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
