"""glue-mast in Jdaviz: the "MAST Search" tray plugin and the "mast" data loader.

Importing this package registers both with Jdaviz's registries (``tray_registry``,
``loader_resolver_registry``). glue-mast's ``glue.plugins`` entry point (`glue_mast.setup`)
imports it whenever Jdaviz is installed, and glue loads its plugins while a Jdaviz app is
being built, so every ``jdaviz.App()`` has the plugin without any import by the user.

- :func:`add_to_app` adds both to an app built before glue-mast was imported, or to a
  configured app (``Specviz()``, ``Cubeviz()``, ...), whose tray comes from its own list;
- :func:`register` runs the registration (idempotent) and installs a Jdaviz new-app hook so
  that apps made by ``jdaviz.new_app()`` / ``jdaviz.gca()`` get :func:`add_to_app` too;
- :class:`MastQuery` -- glue-mast's own input for ``app.load``: a search the "mast" loader
  runs, found by its type (``app.load(MastQuery("TW Hya", obs_collection="HST"))``);
- :func:`save_session` / :func:`restore_session` write and rebuild a Jdaviz session (its
  datasets with provenance, the MAST Search form, the viewers), see `glue_mast.jdaviz.session`;
- registering also installs `glue_mast.jdaviz.unit_choices`, which remembers the display units
  Jdaviz's unit converter offers (the same answers, without recomputing them for every layer),
  and `glue_mast.jdaviz.viewer_names`, by which a viewer a load names ("Uncertainty") keeps it.
"""

from __future__ import annotations

from .. import _lazy_attributes

__all__ = [
    "MastQuery",
    "PLUGIN_LABEL",
    "PLUGIN_NAME",
    "RESOLVER_NAME",
    "add_to_app",
    "register",
    "restore_session",
    "save_session",
]

#: Registry name and tray label of the plugin; registry name of the loader.
PLUGIN_NAME = "glue-mast-search"
PLUGIN_LABEL = "MAST Search"
RESOLVER_NAME = "mast"

_registered = False


__getattr__, __dir__ = _lazy_attributes(
    __name__,
    {
        "save_session": ("glue_mast.jdaviz.session", "save_session"),
        "restore_session": ("glue_mast.jdaviz.session", "restore_session"),
        "MastQuery": ("glue_mast.jdaviz.loaders.mast.matching", "MastQuery"),
    },
)


def register():
    """Register the plugin and the loader with Jdaviz (once) and install the new-app hook."""
    global _registered
    if _registered:
        return
    import jdaviz

    from . import unit_choices, viewer_names
    from .loaders import mast  # noqa: F401  (registers the "mast" loader)
    from .plugins.mast_search import plugin  # noqa: F401  (registers the tray plugin)

    unit_choices.install()  # Jdaviz's unit choices, remembered (the fast_unit_choices setting)
    viewer_names.install()  # new viewers keep the names asked for (named_new_viewers)

    hook = getattr(jdaviz, "_register_new_app_hook", None)
    _registered = True
    if hook is not None:  # private in jdaviz 5.0 (lcviz uses it the same way)
        hook(add_to_app)


def _helper(app):
    return getattr(app, "_jdaviz_helper", None) or app


def add_to_app(app):
    """Give an existing Jdaviz app the MAST Search plugin and the "mast" loader.

    Works for the default ``jdaviz.App()`` and for configured apps (``Specviz()`` and the
    others), whose tray lists only the plugins of their configuration file. Loaders the app's
    settings disable (``disabled_loaders``) are respected. Returns the app.
    """
    from jdaviz.core.registries import loader_resolver_registry, tray_registry

    register()
    helper = _helper(app)
    private = helper._app
    names = [item["name"] for item in private.state.tray_items]
    if PLUGIN_NAME not in names:
        member = tray_registry.members[PLUGIN_NAME]
        if private.config == "deconfigged":
            private.update_tray_items_from_registry()
        else:
            private.state.tray_items.append(private._create_tray_item(member))
    if RESOLVER_NAME in loader_resolver_registry.members:
        _add_loader(private, loader_resolver_registry.members[RESOLVER_NAME])
    try:
        about = private.get_tray_item_from_name("about")
    except KeyError:
        about = None
    if about is not None:
        from .. import __version__

        about.register_downstream_package("glue-mast", __version__, abbreviation="gm")
    return app


def _add_loader(private, resolver_cls):
    if any(item["name"] == RESOLVER_NAME for item in private.state.loader_items):
        return
    if not private.state.loader_items:  # this configuration has no loaders at all
        return
    disabled = private.state.settings.get("disabled_loaders") or []
    if RESOLVER_NAME in disabled:
        return

    def open_loaders():
        private.state.drawer_content = "loaders"
        private.state.add_subtab = 0

    def close_loaders():
        private.state.loader_selected = ""

    def set_active(name):
        private.state.loader_selected = name

    loader = resolver_cls(
        app=private,
        open_callback=open_loaders,
        close_callback=close_loaders,
        set_active_loader_callback=set_active,
    )
    private.state.loader_items.append(
        {
            "name": RESOLVER_NAME,
            "label": RESOLVER_NAME,
            "requires_api_support": loader.requires_api_support,
            "widget": "IPY_MODEL_" + loader.model_id,
            "api_methods": loader.api_methods,
        }
    )
