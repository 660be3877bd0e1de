"""Which queries selected a file, and the file's own fetch record.

A dataset's provenance holds two things kept apart: the search and product filter that
selected its file *for this load* (never the other searches a shared manifest has seen: a
download cache serves many searches, and many users), and the file's own fetch record (when
it was downloaded, from where, its size, SHA-256 and DOI), which is the same whichever search
found the file again.
"""

from __future__ import annotations

__all__ = [
    "NOT_CHECKED",
    "PRODUCTS_SERVICE",
    "QueryIndex",
    "fetch_record",
    "queries_selecting",
]

#: The service of a product listing's query record (glue_mast.products).
PRODUCTS_SERVICE = "Mast.Caom.Products"


class QueryIndex:
    """The queries of one load, indexed by the observations their product listings name.

    Built once per load (in time linear in the queries' size), it tells which queries
    selected a file in time that does not grow with them: what keeps a dataset's provenance
    O(1) in the size of the search that found it.

    Parameters
    ----------
    queries : list of dict
        Query records in the order they were made (a search, then its product listing).
    """

    def __init__(self, queries):
        from ..util import plain
        from .queries import query_id

        self.by_id = {}
        self._position = {}
        self._by_obsid = {}
        self._summaries = {}
        last_search = None
        for query in queries or []:
            if not isinstance(query, dict):
                continue
            query = plain({k: v for k, v in query.items() if k != "id"})
            qid = query_id(query)
            self.by_id.setdefault(qid, query)
            self._position.setdefault(qid, len(self._position))
            if query.get("service") != PRODUCTS_SERVICE:
                last_search = qid
                continue
            chosen = ([last_search] if last_search is not None else []) + [qid]
            by_obsid = self._by_obsid
            for obsid in query.get("obsids") or []:
                ids = by_obsid.get(obsid := str(obsid))
                if ids is None:
                    by_obsid[obsid] = list(chosen)
                else:
                    ids += [q for q in chosen if q not in ids]

    def selecting(self, record):
        """Ids of the queries that selected the file of ``record`` (see
        :func:`queries_selecting`), in the order they were made."""
        ids = []
        for key in ("obsid", "parent_obsid"):
            if record.get(key) is not None:
                ids.extend(q for q in self._by_obsid.get(str(record[key]), ()) if q not in ids)
        return sorted(ids, key=self._position.__getitem__)


    def name_in(self, record):
        """Add to a manifest's ``record`` (its ``queries``: a list of ids) the ids of the
        queries of this index that selected its file, after those it names already."""
        named = record.get("queries")
        named = [q for q in named if isinstance(q, str)] if isinstance(named, list) else []
        named += [q for q in self.selecting(record) if q not in named]
        if named:
            record["queries"] = named
        return record

    def references(self, record):
        """References (:func:`.queries.reference`: id and summary) to the queries that
        selected the file of ``record``; each query's summary is made once per index."""
        from .queries import summary

        out = []
        for qid in self.selecting(record):
            if qid not in self._summaries:
                self._summaries[qid] = summary(self.by_id[qid])
            out.append({"id": qid, "summary": self._summaries[qid]})
        return out


def queries_selecting(record, queries):
    """The queries of ``queries`` that selected the file of ``record``.

    A product listing naming the file's observation (``obsid`` or ``parent_obsid``), and the
    search just before that listing, which found the observation.

    Parameters
    ----------
    record : dict
        The file's record (its ``obsid`` and ``parent_obsid``).
    queries : list of dict or QueryIndex
        Query records in the order they were made (a search, then its product listing), or
        their index (built once for the many files of a load).

    Returns
    -------
    list of dict
    """
    index = queries if isinstance(queries, QueryIndex) else QueryIndex(queries)
    return [index.by_id[qid] for qid in index.selecting(record)]


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
