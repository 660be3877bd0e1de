"""The import-layer contract: imports run downward only, no cycles, no GUI in the core.

The contracts are import-linter's, in pyproject.toml ``[tool.importlinter]``; this test runs
them, so the test command fails the build on an upward import, a cycle in the archive, or a GUI
toolkit imported by the core. Imports inside functions count: import-linter reads them too.
The contract has no exceptions (no ``ignore_imports``): the glue-qt dialog is a front end on
its own floor (``glue_mast.qt``), beside the command line and Jdaviz. What else is checked here
uses grimp, the graph import-linter builds on.
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


def _contracts():
    if sys.version_info < (3, 11):
        tomllib = pytest.importorskip("tomli")
    else:
        import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]


def test_the_contracts_have_no_exceptions():
    for contract in _contracts():
        assert not contract.get("ignore_imports"), contract["name"]


def test_the_glue_qt_front_end_is_a_layer_beside_the_other_front_ends():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    floor = next(layer for layer in layers if "glue_mast.qt" in layer.split(" | "))
    assert {"glue_mast.jdaviz", "glue_mast.qt"} <= set(floor.split(" | "))
    assert layers.index(floor) < layers.index("glue_mast.state")
    assert not (ROOT / "glue_mast" / "glue" / "qt").exists()


def test_glue_core_part_imports_no_gui_and_not_its_dialog(graph):
    core = [
        m
        for m in graph
        if any(_inside(m, p) for p in ("glue_mast.glue", "glue_mast.state", "glue_mast.io"))
    ]
    assert "glue_mast.glue.loading" in core
    for module in core:
        reached = _reachable(graph, module)
        assert not [m for m in reached if m in GUI], module
        assert not [m for m in reached if _inside(m, "glue_mast.qt")], module


def test_only_the_plugin_entry_point_registers_the_front_ends(graph):
    # glue_mast.plugin reaches every front end; nothing in glue-mast imports it.
    assert {"glue_mast.glue", "glue_mast.qt", "glue_mast.jdaviz"} <= set(graph["glue_mast.plugin"])
    assert not [m for m, imported in graph.items() if "glue_mast.plugin" in imported]


def test_the_graph_sees_imports_inside_functions(graph):
    # cli.commands imports the archive only inside its functions, to start fast.
    assert "glue_mast.archive.search" in graph["glue_mast.cli.commands"]
    assert "glue_mast.demo" in graph["glue_mast.cli.commands"]
    assert not [m for m in graph["glue_mast.demo"] if _inside(m, "glue_mast.cli")]


def test_only_the_astroquery_adapter_imports_astroquery(graph):
    importers = {m for m, imported in graph.items() if "astroquery" in imported}
    assert importers and all(_inside(m, "glue_mast.archive.astroquery_adapter") for m in importers)


def test_the_state_reaches_astroquery_through_archive_functions_only(graph):
    # The state's view models call glue_mast.archive (search, lookup, products): never the
    # adapter itself, whose lock and astroquery objects are its own.
    state = [m for m in graph if _inside(m, "glue_mast.state")]
    assert state
    for module in state:
        assert not [m for m in graph[module] if _inside(m, "glue_mast.archive.astroquery_adapter")]
