"""Shared test setup: the local MAST-compatible archive fixtures, and offline guards.

Tests talk to :class:`glue_mast.testing.LocalArchive` over real HTTP with the real astroquery
client. pytest-remotedata refuses connections to anything but loopback unless a test is marked
``remote_data`` and run with ``--remote-data``.
"""

import os
import signal
import tempfile

import keyring
import keyring.backend
import keyring.backends.fail
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a developer's own token or server setting leak into a test run.
for _name in ("MAST_API_TOKEN", "GLUE_MAST_SERVER", "GLUE_MAST_TIMEOUT", "GLUE_MAST_CACHE_DIR"):
    os.environ.pop(_name, None)
# Nor a test write into the user's download cache.
os.environ["GLUE_MAST_CACHE_DIR"] = tempfile.mkdtemp(prefix="glue-mast-test-cache-")
# Nor read or write the user's glue_mast.cfg (a column choice is kept there): astropy reads
# its config directory from ASTROPY_CONFIG_DIR when it first reads a glue-mast setting.
os.environ["ASTROPY_CONFIG_DIR"] = tempfile.mkdtemp(prefix="glue-mast-test-config-")

# A run started in the background by a shell without job control inherits SIGINT ignored,
# and so would every process it starts; the Ctrl-C tests need it delivered, as at a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

pytest_plugins = ["glue_mast.testing.pytest_plugin"]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A system keyring held in memory; ``gate``, when given, holds every read until set."""

    priority = 1

    def __init__(self, passwords=None, gate=None):
        super().__init__()
        self.passwords = dict(passwords or {})
        self.gate = gate
        self.reads = 0

    def get_password(self, service, username):
        self.reads += 1
        if self.gate is not None:
            assert self.gate.wait(30), "the keyring read was never let through"
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


def _forget_keyring_reads(monkeypatch):
    from glue_mast.archive import auth

    monkeypatch.setattr(auth, "_keyring_checked", False)
    monkeypatch.setattr(auth, "_keyring_token", None)


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch):
    """Nor a developer's keyring entry (astroquery's token): every test starts with a keyring
    that holds nothing."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    _forget_keyring_reads(monkeypatch)
    yield
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def default_columns():
    """Every test starts, and ends, with the tables' default columns (a choice is kept in
    glue_mast.cfg for later sessions: here, for the tests after)."""
    from glue_mast import config

    yield
    for front_end in ("qt", "jdaviz"):
        for table in ("observation", "product"):
            name = f"{front_end}_{table}_columns"
            if getattr(config.conf, name):
                config.remember(name, None)


@pytest.fixture
def mast_keyring(monkeypatch):
    """``mast_keyring(token, gate=None)``: astroquery's keyring entry holds ``token`` (where
    ``Observations.login(token, store_token=True)`` puts it); returns the keyring."""

    def install(token, gate=None):
        ring = MemoryKeyring({("astroquery:mast.stsci.edu.token", "masttoken"): token}, gate)
        keyring.set_keyring(ring)
        _forget_keyring_reads(monkeypatch)
        return ring

    return install


@pytest.fixture
def other_host():
    """A second archive, on 127.0.0.2: a host a received manifest or session may name. Its
    log keeps every request's headers, so a test sees any token (``Cookie: mast_token=``)
    sent to it."""
    from glue_mast.testing import LocalArchive

    other = LocalArchive(host="127.0.0.2", n_synthetic=10).start()
    yield other
    other.stop()


@pytest.fixture
def other_servers(local_mast, other_host):
    """Five ways a file can name :func:`other_host` as its server, by name: plainly, with user
    info (``http://mast@evil/``), with a user and password, in other case with a path, and
    as a URL whose host the parsers read differently (urllib3 connects to 127.0.0.2)."""
    here = local_mast.url.split("//", 1)[1]
    there = other_host.url.split("//", 1)[1]
    return {
        "plain": other_host.url,
        "userinfo": f"http://{here}@{there}",
        "user-password": f"http://user:pw@{there}/",
        "case-and-path": f"HTTP://{there.upper()}/mast/",
        "backslash": f"http://{there}\\@{here}",
    }
