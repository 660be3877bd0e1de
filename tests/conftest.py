"""Shared test setup: the local MAST-compatible archive fixtures, and offline guards.

Tests talk to :class:`glue_mast.testing.LocalArchive` over real HTTP with the real astroquery
client. pytest-remotedata refuses connections to anything but loopback unless a test is marked
``remote_data`` and run with ``--remote-data``.
"""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a developer's own token or server setting leak into a test run.
for _name in ("MAST_API_TOKEN", "GLUE_MAST_SERVER", "GLUE_MAST_TIMEOUT", "GLUE_MAST_CACHE_DIR"):
    os.environ.pop(_name, None)
# Nor a test write into the user's download cache.
os.environ["GLUE_MAST_CACHE_DIR"] = tempfile.mkdtemp(prefix="glue-mast-test-cache-")

pytest_plugins = ["glue_mast.testing.pytest_plugin"]
