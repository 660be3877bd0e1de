"""The one place that knows astroquery: it points astroquery.mast at a MAST base URL and
speaks to it, one function per MAST call.

astroquery copies its URLs into class attributes and singletons at import time, so changing
``astroquery.mast.conf.server`` at run time is not enough (see ``PortalAPI`` in
``astroquery/mast/discovery_portal.py`` and ``ServiceAPI`` in ``astroquery/mast/services.py``).
:func:`apply` (`.connection`) sets every copy: the conf items, the ``PortalAPI`` and
``ServiceAPI`` class attributes, the singletons' service URLs and ``/whoami`` URLs, and the
hard-coded SANTA resolver and path-lookup hosts in ``astroquery.mast.utils._simple_request``.
It also gives astroquery's sessions a per-request timeout (astroquery sends none, so a silent
server hangs it forever), a retry policy for 429/503 that honours ``Retry-After`` within the
timeout, and paced polling of queries MAST answers EXECUTING
(:mod:`glue_mast.archive.mast_http`).

Everything else in glue-mast calls astroquery through the functions here (`.calls`), one per
MAST call: :func:`count_observations`, :func:`observation_page`, :func:`product_list`,
:func:`filter_products`, :func:`list_missions`, :func:`resolve`, :func:`caom_facets`,
:func:`cloud_uris`, the column configs (:func:`observation_columns`,
:func:`product_columns`), the token's status (:func:`token_status`) and MAST's catalogs
(`.catalogs`: :func:`catalog_region_page`, :func:`catalog_criteria_page` ...). Each turns
astroquery's and requests' exceptions into :mod:`glue_mast.errors` with one-line messages
(:func:`astroquery_call`, `.failures`). astroquery keeps per-call state on its singletons, so
the calls that parse through them are
serialised by a lock private to this package.

astroquery's ``_simple_request`` is wrapped (to send its hard-coded hosts to the configured
server) only when its source is the one the wrapper was written against
(:data:`ASTROQUERY_SIMPLE_REQUEST_SHA256`) and the ``redirect_astroquery_hosts`` setting is on;
otherwise astroquery's own runs and one line is logged.
"""

from __future__ import annotations

from . import connection as _connection
from .calls import (
    caom_facets,
    cloud_uris,
    count_observations,
    filter_products,
    list_missions,
    observation_page,
    parse_facets,
    product_list,
    resolve,
)
from .catalogs import (
    catalog_criteria_fields,
    catalog_criteria_page,
    catalog_region_page,
    catalogs,
    hsc_matchid_page,
    hsc_spectra_page,
    panstarrs_columns,
)
from .connection import (
    ASTROQUERY_SIMPLE_REQUEST_SHA256,
    MAST_DEFAULT,
    apply,
    forget_column_configs,
    mast,
    observation_columns,
    observations,
    prefetch_column_configs,
    private_observations,
    product_columns,
)
from .failures import astroquery_call
from .token import token_status

__all__ = [
    "ASTROQUERY_SIMPLE_REQUEST_SHA256",
    "MAST_DEFAULT",
    "apply",
    "astroquery_call",
    "caom_facets",
    "catalog_criteria_fields",
    "catalog_criteria_page",
    "catalog_region_page",
    "catalogs",
    "cloud_uris",
    "count_observations",
    "filter_products",
    "forget_column_configs",
    "hsc_matchid_page",
    "hsc_spectra_page",
    "list_missions",
    "mast",
    "observation_columns",
    "observation_page",
    "observations",
    "panstarrs_columns",
    "parse_facets",
    "prefetch_column_configs",
    "private_observations",
    "product_columns",
    "product_list",
    "resolve",
    "token_status",
]


def __getattr__(name):
    # The state apply() keeps (``_original_simple_request``, ``_applied``) and the private
    # lock, read where they live now rather than as copied at import.
    if name.startswith("_") and not name.startswith("__") and hasattr(_connection, name):
        return getattr(_connection, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
