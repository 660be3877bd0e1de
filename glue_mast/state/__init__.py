"""UI-independent state for MAST search forms, shared by the glue-qt dialog and Jdaviz.

- :class:`CatalogState`: a MAST catalog form (catalog, version, position, criteria, paging)
  and the multiple cone search of observations around its selected sources;
- :class:`SearchState`: the search form (target or coordinates, radius, criteria, paging) and
  its results, with the selection of observations;
- :class:`ProductState`: the products of the selected observations, filtered, selected,
  sized and fetched;
- :class:`PreviewState` and :func:`preview`: small arrays of one product for a quick plot;
- :class:`TokenState`: what MAST says of the MAST token in force (user, rights, expiry).

Every request runs as a `glue_mast.jobs.Job`; results reach the state through its
``dispatch`` hook on the front end's thread (see `glue_mast.state.base`). Importing this
package imports glue-core's state classes (echo), but no GUI toolkit.
"""

from .base import JobState, asyncio_dispatch
from .catalogs import CatalogState
from .preview import PreviewState, ProductPreview, preview
from .products import ProductState
from .search import SearchState
from .token import TokenState

__all__ = [
    "CatalogState",
    "JobState",
    "PreviewState",
    "ProductPreview",
    "ProductState",
    "SearchState",
    "TokenState",
    "asyncio_dispatch",
    "preview",
]
