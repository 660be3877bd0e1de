"""Every package the plain install imports at module level is a declared dependency.

``pip install glue-mast`` must be enough for ``glue-mast demo`` and the core: a module-level
import of a package that only an extra (or the developer's environment) brings breaks a fresh
install. The front ends (glue_mast.qt, glue_mast.jdaviz) and the bundled archive may
import their extras; they are not checked here.
"""

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "glue_mast"
FRONT_ENDS = ("qt/", "jdaviz", "testing")


def _module_level_imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def _declared():
    if sys.version_info < (3, 11):
        tomllib = pytest.importorskip("tomli")
    else:
        import tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    # What those bring with them (glue-core brings echo, requests brings urllib3) is there in
    # a fresh install too: one level of their own requirements, as installed here.
    brought = set()
    for name in declared:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        brought |= {_name(r) for r in requires if "extra ==" not in r}
    return declared | brought


def _name(requirement):
    return re.split(r"[<>=!~\[; (]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_core_module_level_imports_are_declared_dependencies():
    distributions = metadata.packages_distributions()
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    declared = _declared()
    undeclared = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(FRONT_ENDS) or relative == "_version.py":
            continue
        for top in _module_level_imports(path):
            if top in stdlib or top == "glue_mast":
                continue
            dists = {d.lower().replace("_", "-") for d in distributions.get(top, [top])}
            if not dists & declared:
                undeclared.setdefault(top, []).append(relative)
    assert not undeclared, f"module-level imports not in [project].dependencies: {undeclared}"
