"""MAST access with no GUI imports: search, products, fetch, and the server they talk to."""

from __future__ import annotations

from .. import _lazy_attributes

__all__ = [
    "ObservationSearch",
    "collections",
    "list_products",
    "observation_fields",
    "products",
    "search",
]

_LAZY = {
    name: (f"{__name__}.{module}", name)
    for name, module in {
        "ObservationSearch": "search",
        "search": "search",
        "products": "products",
        "list_products": "products",
        "ProductFilter": "products",
        "collections": "lookup",
        "observation_fields": "lookup",
        "observations_by_obsid": "lookup",
    }.items()
}

# Not kept: "search" and "products" are submodules' names too (see _lazy_attributes).
__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY, cache=False)
