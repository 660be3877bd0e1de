"""MAST access with no GUI imports: search, products, fetch, and the server they talk to."""

from __future__ import annotations

__all__ = [
    "ObservationSearch",
    "collections",
    "list_products",
    "observation_fields",
    "products",
    "search",
]

_LAZY = {
    "ObservationSearch": "search",
    "search": "search",
    "products": "products",
    "list_products": "products",
    "ProductFilter": "products",
    "collections": "lookup",
    "observation_fields": "lookup",
    "observations_by_obsid": "lookup",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'glue_mast.archive' has no attribute {name!r}")
