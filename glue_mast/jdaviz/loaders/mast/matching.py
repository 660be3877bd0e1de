"""How Jdaviz's loader matching finds the "mast" loader: by name, or by its input type.

Jdaviz tries every registered loader on every ``app.load(x)`` (its ``find_matching_resolver``),
building each with the input; the "mast" loader must search only when asked for. Given
glue-mast's own input, a :class:`MastQuery`, it is (no other loader takes one). Asked for by
name (``loader="mast"``), it knows through :func:`track_requested_name`, a guarded wrapper of
Jdaviz's matching that keeps the name asked for while loaders are built
(:func:`requested_by_name`), and raises the search's own error when the loader asked for
failed.
"""

from __future__ import annotations

import contextvars
import functools
from dataclasses import dataclass

from ....errors import GlueMastError, LoaderMatchingChanged
from ....util import decline, source_sha256

__all__ = [
    "ANY_TYPE",
    "JDAVIZ_MATCHING_SHA256",
    "NAME",
    "MastQuery",
    "requested_by_name",
    "track_requested_name",
]

#: ``dataproduct_type`` for observations of every type (MAST's criterion left out).
ANY_TYPE = "any"

#: The loader's name in Jdaviz's registry (``app.load(..., loader="mast")``).
NAME = "mast"

#: SHA-256 of the source of ``find_matching_resolver`` in
#: ``jdaviz/core/loaders/resolvers/resolver.py`` (jdaviz 5.0.2), which
#: :func:`track_requested_name` wraps.
JDAVIZ_MATCHING_SHA256 = "2541eacf53c047cb497643ed170a7f3f014472ba02e8d533bbc86ec7a125039d"


@dataclass(frozen=True)
class MastQuery:
    """glue-mast's own input for ``app.load``: a MAST search the "mast" loader runs.

    ``app.load(MastQuery("TW Hya", obs_collection="HST"))`` finds the "mast" loader by the
    type of its input alone (Jdaviz's other loaders take no MastQuery), so it needs no
    ``loader=`` and works whatever way Jdaviz matches loaders.

    Parameters
    ----------
    source : str or `~astropy.coordinates.SkyCoord`
        A target name, or a position (a string astropy reads as coordinates, or a SkyCoord).
    radius : str, optional
        The cone's radius (``"0.2 deg"`` by default).
    obs_collection, instrument_name : str, optional
        MAST criteria ("HST", "COS/FUV").
    dataproduct_type : str, optional
        MAST's product type of the observations ("spectrum", the loader's default; "cube",
        "image", "timeseries"; "any" for every type).
    page_size : int, optional
        Observations on the page whose spectra are loaded.
    """

    source: object
    radius: str = ""
    obs_collection: str = ""
    instrument_name: str = ""
    dataproduct_type: str = ""
    page_size: int = 0

    def fields(self):
        """The loader's fields this query sets (those given)."""
        given = {
            "radius": self.radius,
            "obs_collection": self.obs_collection,
            "instrument_name": self.instrument_name,
            "dataproduct_type": self.dataproduct_type,
            "page_size": self.page_size,
        }
        return {name: value for name, value in given.items() if value}


# The loader name the running jdaviz matching was asked for; _OUTSIDE when no matching (of the
# jdaviz this was written against) is running in this thread.
_OUTSIDE = object()
_requested = contextvars.ContextVar("glue_mast_requested_loader", default=_OUTSIDE)
# The searches of this loader that failed during the running matching (a list, or None when
# no wrapped matching runs): what the wrapper raises when this loader was the one asked for.
_failures = contextvars.ContextVar("glue_mast_loader_failures", default=None)


def track_requested_name():
    """Let this loader know which loader ``app.load(..., loader=...)`` asked for.

    Jdaviz 5.0's ``app.load(inp, loader=None, ...)`` (``jdaviz/core/helpers.py``) calls
    ``find_matching_resolver(app, inp, resolver=loader, ...)``, which builds every registered
    resolver with ``Resolver.from_input(app, inp, **kwargs)``: the requested name is not passed
    on. This wraps ``jdaviz.core.helpers.find_matching_resolver`` so that the ``resolver``
    argument is kept, for the duration of the call, in a context variable that
    :func:`requested_by_name` reads. It is made only when Jdaviz's function is the code it was
    written against (:data:`JDAVIZ_MATCHING_SHA256`, jdaviz 5.0.2) and ``app.load`` calls it by
    that module's name; otherwise one line is logged, a request by name fails with a message
    that says so, and :class:`MastQuery` still works. Calling it again changes nothing.

    When the matching finds no loader and this one was asked for (``loader="mast"``, or a
    :class:`MastQuery`) and its search failed, the wrapper raises the search's own error (a
    glue-mast error: one line naming the field and what to do) instead of Jdaviz's list of
    every loader tried.

    Returns
    -------
    bool
        Whether the wrapper is in place.
    """
    from jdaviz.core import helpers

    current = getattr(helpers, "find_matching_resolver", None)
    if getattr(current, "_glue_mast_original", None) is not None:
        return True
    if current is None or source_sha256(current) != JDAVIZ_MATCHING_SHA256:
        return decline(
            "jdaviz.core.helpers.find_matching_resolver",
            "its source is not the one glue-mast's wrapper was written against, so "
            'app.load(..., loader="mast") cannot be told from other loads (use MastQuery)',
        )

    @functools.wraps(current)
    def find_matching_resolver(app, inp=None, resolver=None, *args, **kwargs):
        if resolver == NAME or isinstance(inp, MastQuery):
            _register_time_series_importers(inp, kwargs)
        failures = []
        token, failed = _requested.set(resolver), _failures.set(failures)
        try:
            return current(app, inp, resolver, *args, **kwargs)
        except ValueError as exc:
            asked = resolver == NAME or isinstance(inp, MastQuery)
            if asked and failures and not isinstance(exc, GlueMastError):
                raise failures[-1] from None  # the search's one line, not every loader's
            raise
        finally:
            _requested.reset(token)
            _failures.reset(failed)

    find_matching_resolver._glue_mast_original = current
    helpers.find_matching_resolver = find_matching_resolver
    return True


def _register_time_series_importers(inp, kwargs):
    """Import lcviz (when installed) before a search that may find time series.

    lcviz registers its importers (and a loader of its own) in Jdaviz's registries when
    imported; Jdaviz's matching walks the loader registry, so the import must come before it,
    not while the "mast" loader reads what it found.
    """
    from ...kinds import lcviz_available

    product_type = inp.dataproduct_type if isinstance(inp, MastQuery) else ""
    product_type = str(kwargs.get("dataproduct_type", product_type) or "spectrum").lower()
    if product_type in ("timeseries", ANY_TYPE) and lcviz_available():
        import lcviz  # noqa: F401


def requested_by_name():
    """True when Jdaviz's loader matching was asked for this loader by name.

    Read from the context :func:`track_requested_name`'s wrapper of Jdaviz's
    ``find_matching_resolver`` sets while it runs.

    Raises
    ------
    LoaderMatchingChanged
        When the loader is built outside that wrapper (Jdaviz builds loaders some other way,
        or the wrapper was not made): it cannot tell. The loader then sends nothing (the error
        names the ways that still work); Jdaviz shows the message among the loaders it
        tried, so a request by name fails loudly instead of quietly finding nothing.
    """
    requested = _requested.get()
    if requested is not _OUTSIDE:
        return requested == NAME
    import jdaviz

    raise LoaderMatchingChanged(
        f"glue-mast's {NAME!r} loader cannot tell whether it was asked for by name in "
        f"jdaviz {jdaviz.__version__} (it was built outside jdaviz 5.0's "
        "find_matching_resolver), so it sends nothing to MAST; load a "
        "glue_mast.jdaviz.MastQuery, or search with "
        f"app.loaders[{NAME!r}].search() or the MAST Search plugin instead"
    )
