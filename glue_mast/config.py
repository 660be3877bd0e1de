"""Settings: astropy's configuration system, environment variables, and :func:`configure`.

Precedence, highest first: an argument to :func:`configure` (which the command line's options
call), the environment (``GLUE_MAST_SERVER``, ``GLUE_MAST_TIMEOUT``, ``MAST_API_TOKEN``), then
the ``[config]`` section of ``glue_mast.cfg`` in astropy's config directory, then the defaults.

A token is never stored in the configuration: it stays in this process's memory, and is sent
only to the configured MAST server.
"""

from __future__ import annotations

import logging
import os
import types
import weakref

from astropy import config as _config

__all__ = [
    "DEFAULT_SERVER",
    "DOWNLOAD_PATH",
    "conf",
    "configure",
    "current_cache_dir",
    "current_download_dir",
    "current_server",
    "current_timeout",
    "download_url",
    "explicit_token",
    "normalise_server",
    "on_change",
    "remember",
    "set_token",
    "settings",
]

DEFAULT_SERVER = "https://mast.stsci.edu"
#: Where a MAST server serves a file by its dataURI (``?uri=mast:...``), below its base URL.
DOWNLOAD_PATH = "/api/v0.1/Download/file"


def download_url(uri, server):
    """MAST's download URL for a dataURI on ``server``, spelled as astroquery spells it."""
    import urllib.parse

    return f"{str(server).rstrip('/')}{DOWNLOAD_PATH}?uri={urllib.parse.quote(str(uri), safe=':/')}"


class Conf(_config.ConfigNamespace):
    """Configuration of glue-mast (``glue_mast.cfg``)."""

    server = _config.ConfigItem(
        DEFAULT_SERVER,
        "Base URL of the MAST server, or of a MAST-compatible mirror. Every request, name "
        "resolution included, goes there. Overridden by GLUE_MAST_SERVER.",
    )
    timeout = _config.ConfigItem(
        120.0,
        "Seconds to wait for the server to answer one request. Overridden by GLUE_MAST_TIMEOUT.",
        cfgtype="float",
    )
    page_size = _config.ConfigItem(
        50, "Rows per page when a page size is not given.", cfgtype="integer"
    )
    bulk_page_size = _config.ConfigItem(
        50_000, "Rows per request when fetching every row of a search.", cfgtype="integer"
    )
    max_sort_rows = _config.ConfigItem(
        100_000,
        "Largest result glue-mast sorts (MAST cannot sort, so sorting fetches every row).",
        cfgtype="integer",
    )
    download_dir = _config.ConfigItem("mast_data", "Directory downloads go to when none is given.")
    cache_dir = _config.ConfigItem(
        "",
        "Directory of the download cache, where the viewers' fetches land (as "
        "<collection>/<obs_id>/<file>, with one manifest). Empty: astropy's cache directory "
        "for glue_mast ($XDG_CACHE_HOME/glue_mast, else ~/.cache/glue_mast). Overridden by "
        "GLUE_MAST_CACHE_DIR.",
    )
    max_parallel = _config.ConfigItem(8, "Files downloaded at the same time.", cfgtype="integer")
    retries = _config.ConfigItem(
        5, "Attempts per file (and per query on 429/503) before giving up.", cfgtype="integer"
    )
    max_input_size = _config.ConfigItem(
        64 * 2**20,
        "Largest manifest or session file (bytes) glue-mast reads; a larger one is refused "
        "unread, since a received file may be built to exhaust memory. 0: no limit.",
        cfgtype="integer",
    )
    redirect_astroquery_hosts = _config.ConfigItem(
        True,
        "Send the requests astroquery makes to hard-coded MAST hosts (its own name resolver, "
        "its path lookup) to the configured server too, when that is not MAST's "
        "(astroquery.mast.utils._simple_request, wrapped). Off: astroquery's own function.",
        cfgtype="boolean",
    )
    fast_link_discovery = _config.ConfigItem(
        True,
        "Let glue find what linked datasets can derive in time linear in the links, instead of "
        "glue-core's cubic rescan (glue_mast.glue.link_discovery): the same result, for every "
        "glue data collection of the process. Off: glue-core's own function.",
        cfgtype="boolean",
    )
    fast_spectrum_parsing = _config.ConfigItem(
        True,
        "Let Jdaviz's specutils and FITS parsers say at once that a spectrum object is not a "
        "file, instead of trying every specutils reader on it several times per load "
        "(glue_mast.jdaviz.spectrum_parsers): the same loaders and formats. Off: Jdaviz's own.",
        cfgtype="boolean",
    )
    stepped_batch_load = _config.ConfigItem(
        True,
        "Load spectra into Jdaviz in steps inside one batch_load(), held open across the "
        "steps and closed in steps (glue_mast.jdaviz.batch_steps): links updated once and "
        "layers added after, as one batch does. Off: each step is a batch of its own.",
        cfgtype="boolean",
    )
    quiet_dataset_lists = _config.ConfigItem(
        True,
        "While a load's spectra share one Jdaviz batch, rebuild Jdaviz's dataset dropdowns "
        "once, when the batch closes, not three times per spectrum "
        "(glue_mast.jdaviz.dataset_lists): the same lists after the load. Off: Jdaviz's own "
        "rebuilds.",
        cfgtype="boolean",
    )
    fast_layer_changes = _config.ConfigItem(
        True,
        "Let glue's layers find which of their viewer's and their own properties changed "
        "without listing every attribute of the states each time (the properties found once "
        "per class, each state read once: glue_mast.jdaviz.layer_changes): the same answers. "
        "Off: glue's own methods.",
        cfgtype="boolean",
    )
    fast_hub_handlers = _config.ConfigItem(
        True,
        "Let glue's hub remember which subscribers a message class reaches until a "
        "subscription changes, instead of going over every subscriber for every message "
        "(glue_mast.jdaviz.hub_handlers): the same handlers, in the same order. Off: glue's "
        "own.",
        cfgtype="boolean",
    )
    freeze_imported = _config.ConfigItem(
        True,
        "When the glue-qt dialog has imported the readers (astropy, specutils, lightkurve, "
        "glue), collect the young generations and move what is alive out of the sight of Python's cyclic "
        "garbage collector (gc.freeze), once per process: otherwise each full collection walks "
        "all of it (0.1-0.4 s holding the interpreter's lock) in whatever thread allocates, "
        "and the window freezes. Off: Python's collector as it is.",
        cfgtype="boolean",
    )
    named_new_viewers = _config.ConfigItem(
        True,
        "Keep the name a Jdaviz load gives a viewer it creates (a cube's 'Uncertainty' and "
        "'Mask' viewers), which Jdaviz 5.0 replaces with '3D Spectrum (1)' when another viewer "
        "is created in the same load (glue_mast.jdaviz.viewer_names). Off: Jdaviz's own.",
        cfgtype="boolean",
    )
    fast_unit_choices = _config.ConfigItem(
        True,
        "Remember the display units Jdaviz's (and lcviz's) unit converter finds equivalent to "
        "a unit, instead of recomputing them for every layer of every load "
        "(glue_mast.jdaviz.unit_choices): the same answers, for every Jdaviz app of the "
        "process. Off: the host's own method.",
        cfgtype="boolean",
    )

    # The columns each table shows: names from glue_mast.state.columns, written here when a
    # person chooses columns in a viewer (see remember). Empty: the table's default set.
    qt_observation_columns = _config.ConfigItem(
        [], "Columns of the glue-qt dialog's observations table; empty: the default.",
        cfgtype="string_list",
    )
    qt_product_columns = _config.ConfigItem(
        [], "Columns of the glue-qt dialog's products table; empty: the default.",
        cfgtype="string_list",
    )
    jdaviz_observation_columns = _config.ConfigItem(
        [], "Columns of the Jdaviz plugin's observations table; empty: the default.",
        cfgtype="string_list",
    )
    jdaviz_product_columns = _config.ConfigItem(
        [], "Columns of the Jdaviz plugin's products table; empty: the default.",
        cfgtype="string_list",
    )


conf = Conf()

_overrides: dict = {}
_token = None  # given to configure(token=...): this process's memory, nowhere else
_listeners: list = []
_token_listeners: list = []  # weak references: () -> callback, or None once it is gone


def configure(server=None, *, token=None, timeout=None, download_dir=None, cache_dir=None):
    """Set where glue-mast talks to and how, for this process.

    Parameters
    ----------
    server : str, optional
        Base URL of a MAST-compatible server, e.g. ``"https://mast.stsci.edu"`` or the URL of
        a `glue_mast.testing.LocalArchive`. Every request goes there: queries, name
        resolution, downloads and token checks.
    token : str, optional
        A MAST API token for exclusive-access data. Kept in memory only; never written to a
        file, log, manifest or session. Defaults to ``MAST_API_TOKEN`` or astroquery's
        keyring entry.
    timeout : float, optional
        Seconds to wait for one request.
    download_dir : str, optional
        Where downloads go when no directory is given.
    cache_dir : str, optional
        The download cache: where :func:`glue_mast.start_fetch` (and so the viewers) puts
        files when no directory is given.

    Returns
    -------
    dict
        The settings now in force (the token only as ``"set"`` or ``None``).
    """
    if server is not None:
        _overrides["server"] = _normalise_url(server)
    if timeout is not None:
        _overrides["timeout"] = _seconds(timeout)
    if download_dir is not None:
        _overrides["download_dir"] = _directory(download_dir, "download_dir")
    if cache_dir is not None:
        _overrides["cache_dir"] = _directory(cache_dir, "cache_dir")
    if token is not None:
        set_token(token)
    if server is not None or timeout is not None:
        _notify()
    return settings()


def _seconds(timeout):
    """``timeout`` as a positive number of seconds, or an InputError naming it."""
    from .errors import InputError

    try:
        seconds = None if isinstance(timeout, bool) else float(timeout)
    except (TypeError, ValueError):
        seconds = None
    if seconds is None or not 0 < seconds < float("inf"):
        raise InputError(
            f"timeout must be a positive number of seconds, got {timeout!r}",
            field="timeout",
            value=timeout,
        )
    return seconds


def _directory(value, field):
    """``value`` as a directory name (str), or an InputError naming ``field``."""
    from .errors import InputError

    try:
        name = os.fspath(value)
    except TypeError:
        name = None
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not name or "\0" in name:
        raise InputError(
            f"{field} must be the name of a directory, got {value!r}", field=field, value=value
        )
    return name


def set_token(value):
    """Use ``value`` as the MAST token for this process; ``None`` (or blank) forgets it."""
    global _token
    previous = _token
    _token = value.strip() if isinstance(value, str) and value.strip() else None
    if _token != previous:
        for ref in list(_token_listeners):
            callback = ref()
            if callback is None:
                _token_listeners.remove(ref)
            else:
                callback()


def on_token_change(callback):
    """Call ``callback()`` (with no argument: never the token) whenever the token given to
    :func:`configure` or :func:`set_token` changes.

    The front ends' states use it to say whether exclusive-access files will be fetched. A
    bound method is held weakly, so a state listening does not live on for it. Returns
    ``callback``.
    """
    is_method = isinstance(callback, types.MethodType)
    _token_listeners[:] = [ref for ref in _token_listeners if ref() is not None]
    _token_listeners.append(weakref.WeakMethod(callback) if is_method else (lambda: callback))
    return callback


def explicit_token():
    """The token given to :func:`configure` (or :func:`set_token`), or ``None``.

    :func:`glue_mast.archive.auth.token` adds ``MAST_API_TOKEN`` and astroquery's keyring.
    """
    return _token


def on_change(callback):
    """Call ``callback()`` whenever :func:`configure` or :func:`reset` changes where requests
    go (server or timeout).

    This is how the layers above follow the settings without this module importing them:
    the astroquery adapter registers itself when it is first imported, and re-points
    astroquery then. Returns ``callback``, so it can be used as a decorator.
    """
    if callback not in _listeners:
        _listeners.append(callback)
    return callback


def _notify():
    for callback in list(_listeners):
        callback()


def normalise_server(url):
    """``url`` as a server base URL: an http(s) URL of a plain host, without a trailing ``/``.

    A user name or password (``http://mast.stsci.edu@elsewhere/``), a backslash, or white
    space in the host part is refused: each makes the host a reader sees differ from the one
    a request goes to, and the MAST token goes to that host.

    Raises
    ------
    InputError
        Naming the field ``server``.
    """
    import urllib.parse

    from .errors import InputError

    url = str(url).strip().rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        raise InputError(
            f"server {url!r} is not an http(s) URL; give e.g. "
            "https://mast.stsci.edu or http://127.0.0.1:8765",
            field="server",
            value=url,
        )
    netloc = url.split("//", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        host = None
    if (
        "@" in netloc
        or "\\" in netloc
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url)
        or not host
    ):
        raise InputError(
            f"server {url!r} is not a plain http(s) URL of a host (no user name, password, "
            "backslash or white space); give e.g. https://mast.stsci.edu",
            field="server",
            value=url,
        )
    return url


_normalise_url = normalise_server


def current_server():
    """The base URL every request goes to."""
    if "server" in _overrides:
        return _overrides["server"]
    env = os.environ.get("GLUE_MAST_SERVER")
    if env:
        return _normalise_url(env)
    return _normalise_url(conf.server)


def current_timeout():
    """Seconds to wait for one request."""
    if "timeout" in _overrides:
        return _overrides["timeout"]
    env = os.environ.get("GLUE_MAST_TIMEOUT")
    if env:
        try:
            return float(env)
        except ValueError:
            from .errors import InputError

            raise InputError(
                f"GLUE_MAST_TIMEOUT={env!r} is not a number of seconds",
                field="timeout",
                value=env,
            ) from None
    return float(conf.timeout)


def current_download_dir():
    return _overrides.get("download_dir") or conf.download_dir


def current_cache_dir():
    """The download cache: :func:`configure`, ``GLUE_MAST_CACHE_DIR``, ``conf.cache_dir``, or
    astropy's cache directory for glue_mast (``astropy.config.get_cache_dir_path``)."""
    from pathlib import Path

    chosen = (
        _overrides.get("cache_dir") or os.environ.get("GLUE_MAST_CACHE_DIR") or conf.cache_dir
    )
    if chosen:
        return Path(chosen).expanduser()
    from astropy.config.paths import get_cache_dir_path

    return get_cache_dir_path("glue_mast", ensure_exists=False)


def settings():
    """The settings in force, without the token itself.

    ``token`` is ``"set"`` for a token given to :func:`configure` or in ``MAST_API_TOKEN``;
    astroquery's keyring entry is consulted only when an exclusive-access file needs it.
    """
    token = _token or os.environ.get("MAST_API_TOKEN", "").strip()
    return {
        "server": current_server(),
        "timeout": current_timeout(),
        "download_dir": current_download_dir(),
        "cache_dir": str(current_cache_dir()),
        "token": "set" if token else None,
    }


def remember(name, value):
    """Set ``conf.<name>`` to ``value`` and keep it for later sessions, in ``glue_mast.cfg``.

    Only that one item is written: the file is read afresh, so settings made in this process
    alone (:func:`configure`, ``conf.set_temp``) stay out of it; the new file replaces the old
    in one step. ``value=None`` forgets the item (its default again, and out of the file).
    A file that cannot be written is logged: the value holds for this process still.

    Returns
    -------
    pathlib.Path or None
        The file written, or None when it could not be.
    """
    from pathlib import Path

    from astropy.config.configuration import get_config_filename
    from astropy.extern.configobj import configobj

    item = getattr(type(conf), name)
    if value is None:
        conf.reset(name)
    else:
        item.set(value)
    log = logging.getLogger("glue_mast")
    filename = get_config_filename(item.module, rootname=item.rootname)
    if not filename:  # no home directory: nowhere to keep it
        log.warning("glue-mast could not keep %s: astropy has no config directory", name)
        return None
    path = Path(filename)
    section = item.module.split(".", 1)[1]  # "config", as astropy reads it
    try:
        stored = configobj.ConfigObj(str(path), interpolation=False)
        if value is None:
            if section in stored:
                stored[section].pop(name, None)
        else:
            if section not in stored:
                stored[section] = {}
            stored[section][name] = item()
        stored.filename = None  # write() then returns the lines
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        part.write_text("\n".join(stored.write()) + "\n", encoding="utf-8")
        os.replace(part, path)
    except (OSError, configobj.ConfigObjError) as exc:
        log.warning("glue-mast could not keep %s in %s: %s", name, path, exc)
        return None
    return path


def reset():
    """Forget settings made by :func:`configure` (for tests)."""
    _overrides.clear()
    set_token(None)
    _notify()
