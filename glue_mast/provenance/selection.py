"""Which queries selected a file, and the file's own fetch record.

A dataset's provenance holds two things kept apart: the search and product filter that
selected its file *for this load* (never the other searches a shared manifest has seen: a
download cache serves many searches, and many users), and the file's own fetch record (when
it was downloaded, from where, its size, SHA-256 and DOI), which is the same whichever search
found the file again.
"""

from __future__ import annotations

__all__ = ["NOT_CHECKED", "PRODUCTS_SERVICE", "fetch_record", "queries_selecting"]

#: The service of a product listing's query record (glue_mast.products).
PRODUCTS_SERVICE = "Mast.Caom.Products"


def queries_selecting(record, queries):
    """The queries of ``queries`` that selected the file of ``record``.

    A product listing naming the file's observation (``obsid`` or ``parent_obsid``), and the
    search just before that listing, which found the observation.

    Parameters
    ----------
    record : dict
        The file's record (its ``obsid`` and ``parent_obsid``).
    queries : list of dict
        Query records in the order they were made (a search, then its product listing).

    Returns
    -------
    list of dict
    """
    ids = {str(record.get(k)) for k in ("obsid", "parent_obsid") if record.get(k) is not None}
    out, last_search = [], None
    for query in queries or []:
        if not isinstance(query, dict):
            continue
        if query.get("service") == PRODUCTS_SERVICE:
            if ids & {str(o) for o in query.get("obsids") or []}:
                if last_search is not None and last_search not in out:
                    out.append(last_search)
                if query not in out:
                    out.append(query)
        else:
            last_search = query
    return out


def fetch_record(record, server=None):
    """The file's own fetch record: when, from where, size, SHA-256 and DOI.

    Parameters
    ----------
    record : dict
        The manifest's record of the file.
    server : str, optional
        The MAST base URL the manifest records (where the file came from).

    Returns
    -------
    dict
        ``downloaded``, ``server``, ``dataURI``, ``size``, ``sha256`` and ``doi`` (None where
        the record does not say), and ``checked``: ``"sha256"`` when the record holds the
        SHA-256 the file's bytes were checked against, else ``"not checked"`` (a record from
        a manifest with no SHA-256: the bytes read may not be the ones it describes).
    """
    return {
        "downloaded": record.get("downloaded"),
        "server": server,
        "dataURI": record.get("dataURI"),
        "size": record.get("size"),
        "sha256": record.get("sha256"),
        "doi": record.get("doi"),
        "checked": "sha256" if record.get("sha256") else NOT_CHECKED,
    }


#: A dataset's ``fetch["checked"]`` when its record holds no SHA-256 to check its bytes by.
NOT_CHECKED = "not checked"
