"""glue-mast must not break its host: Jdaviz's own tray, loader and user-API tests pass with
glue-mast's plugin and loader registered.

The tests run from the installed jdaviz package (``pytest --pyargs``), in a subprocess that
registers glue-mast first. Jdaviz's conftest imports psutil, which glue-mast's test extra
installs for that reason. Jdaviz's resolver tests are left out: some of them query the real
MAST without a ``remote_data`` mark.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("psutil", reason="Jdaviz's own conftest needs psutil (the test extra)")

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "jdaviz.tests.test_plugin_is_active",
    "jdaviz.tests.test_user_api",
    "jdaviz.core.loaders.tests.test_loaders",
]


def test_jdaviz_own_tests_pass_with_glue_mast(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        import pytest
        import glue_mast.jdaviz
        from jdaviz.core.registries import loader_resolver_registry, tray_registry

        glue_mast.jdaviz.register()
        assert "glue-mast-search" in tray_registry.members
        assert "mast" in loader_resolver_registry.members
        sys.exit(pytest.main({MODULES!r} + [
            "--pyargs", "-m", "not remote_data", "-q", "-p", "no:cacheprovider",
            "-W", "ignore", "-o", "addopts=",
        ]))
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=1200,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert " passed" in out.stdout.strip().splitlines()[-1]
    assert "failed" not in out.stdout.strip().splitlines()[-1]
