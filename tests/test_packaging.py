"""pyproject.toml: metadata current packaging tools accept without deprecation warnings."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pyproject():
    if sys.version_info < (3, 11):
        tomllib = pytest.importorskip("tomli")
    else:
        import tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_license_is_an_spdx_expression(pyproject):
    # PEP 639: a license table is deprecated (setuptools warns), a License classifier beside an
    # expression is an error; setuptools takes expressions from version 77.
    project = pyproject["project"]
    assert project["license"] == "BSD-3-Clause"
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]
    requires = pyproject["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    assert int(re.search(r">=(\d+)", setuptools).group(1)) >= 77


def test_import_linter_is_a_test_dependency(pyproject):
    test_extra = pyproject["project"]["optional-dependencies"]["test"]
    assert any(r.startswith("import-linter") for r in test_extra)


def test_the_glue_plugin_entry_point_names_the_plugin_module(pyproject):
    # glue lists (and lets a person switch off) plugins by the entry point's module, which
    # stays "glue_mast"; the function it names is the one in glue_mast.plugin.
    import importlib

    import glue_mast.plugin

    value = pyproject["project"]["entry-points"]["glue.plugins"]["glue_mast"]
    module, _, attr = value.partition(":")
    assert module == "glue_mast"
    assert getattr(importlib.import_module(module), attr) is glue_mast.plugin.setup


def test_what_the_demo_and_the_readme_lines_write_in_a_clone_is_ignored(tmp_path):
    # `glue-mast demo` and README.md's command lines, run in a clone, write folders there
    # (the demo's glue-mast-demo/, each --out): none may show up as untracked files.
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = Path(__file__).resolve().parents[1]
    section = (root / "README.md").read_text().split("## Command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    outs = set(re.findall(r"--out ([\w.-]+)", block))
    assert outs, "README.md's command lines write no --out folder any more"
    written = sorted(outs | {"glue-mast-demo"})
    # A repository of its own holding only .gitignore: the answer does not depend on whether
    # the tests run from a clone.
    shutil.copy(root / ".gitignore", tmp_path / ".gitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name in written:
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert done.stdout.split() == ["??", ".gitignore"], (written, done.stdout)
