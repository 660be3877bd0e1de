"""Selecting observations from footprints: a glue subset of the page's footprint dataset.

A person draws a region on an image in glue; the footprints whose centre it holds form a
subset of the footprint dataset (`glue_mast.glue.footprints`), and :func:`select_footprints`
makes those observations the search form's selection, which both front ends show and whose
products they list.
"""

from __future__ import annotations

__all__ = ["select_footprints"]


def select_footprints(search, subset):
    """Select the current page's observations whose footprints are in ``subset``.

    Parameters
    ----------
    search : `~glue_mast.state.SearchState`
        The search whose page the footprints show.
    subset : `~glue.core.subset.Subset`
        A subset of a footprint dataset.

    Returns
    -------
    list of str
        The obsids selected (those of the subset on the current page, in the page's order).
    """
    from ..glue.footprints import subset_obsids

    wanted = set(subset_obsids(subset))
    rows = search.rows
    page = [] if rows is None else [str(o) for o in rows["obsid"]]
    obsids = [o for o in page if o in wanted]
    if obsids != list(search.selected_obsids):
        search.selected_obsids = obsids
    return obsids
