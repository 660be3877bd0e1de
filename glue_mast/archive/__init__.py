"""MAST access with no GUI imports: search, products, fetch, and the server they talk to."""

from __future__ import annotations

__all__ = ["ObservationSearch", "collections", "list_products", "products", "search"]


def __getattr__(name):
    if name in ("ObservationSearch", "search"):
        from . import search as _search

        return getattr(_search, name)
    if name in ("products", "list_products", "ProductFilter"):
        from . import products as _products

        return getattr(_products, name)
    raise AttributeError(f"module 'glue_mast.archive' has no attribute {name!r}")


def collections():
    """The collections (missions) the configured MAST server holds, from the server itself."""
    from . import astroquery_adapter as adapter

    obs = adapter.observations()
    with adapter.LOCK, adapter.astroquery_call("listing collections"):
        return list(obs.list_missions())


def observation_fields():
    """MAST's observation fields: name -> description, type and unit, from the server."""
    from . import astroquery_adapter as adapter
    from .criteria import field_kind

    return {
        name: {
            "kind": field_kind(cfg),
            "unit": cfg.get("vot.unit") or cfg.get("unit"),
            "description": cfg.get("vot.description", ""),
        }
        for name, cfg in adapter.observation_columns().items()
    }
