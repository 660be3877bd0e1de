"""``glue-mast catalog``: search a MAST catalog (TIC, CTL, Gaia, HSC, GALEX, PanSTARRS, ...)."""

from __future__ import annotations

__all__ = ["add_parser", "catalog"]


def add_parser(sub, common, add_search_options, add_output_options):
    """Add the ``catalog`` command to the ``sub`` parsers."""
    from ..archive.catalog_list import CATALOGS

    names = ", ".join(info.name for info in CATALOGS.values())
    p = sub.add_parser(
        "catalog",
        parents=[common],
        help="search a MAST catalog (TIC, Gaia, HSC, ...)",
        description=f"Search one of MAST's catalogs ({names}) by target or position and "
        "criteria. The count comes first where MAST counts; rows are paged on the server.",
    )
    p.add_argument("catalog", metavar="CATALOG", help=f"one of: {names}")
    p.add_argument("target", nargs="?", help="object name, e.g. 'M10'")
    add_search_options(p)
    p.add_argument("--version", dest="catalog_version", metavar="V", help="catalog version")
    p.add_argument(
        "--max-results", type=int, metavar="N", help="HSC and GALEX: most rows MAST returns"
    )
    p.add_argument("--match", metavar="MATCHID", help="'HSC matches': the HSC MatchID")
    p.add_argument("--count", action="store_true", help="print only the number of rows")
    p.add_argument("--page", type=int, default=1, metavar="N", help="page to show (from 1)")
    p.add_argument("--page-size", type=int, metavar="N", help="rows per page (default 50)")
    p.add_argument("--columns", metavar="A,B,...", help="columns to show in table format")
    add_output_options(p)


def catalog(args, out):
    import warnings

    from ..archive.catalogs import CatalogCutOffWarning

    # The cut-off is said once, below, as a line of the command's own.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CatalogCutOffWarning)
        return _catalog(args, out)


def _catalog(args, out):
    import sys

    from ..archive.catalogs import CatalogSearch
    from . import output
    from .commands import _configure, _criteria

    _configure(args)
    extra = {}
    if args.max_results is not None:
        extra["max_results"] = args.max_results
    if args.match is not None:
        extra["match"] = args.match
    q = CatalogSearch(
        args.catalog,
        args.target,
        coordinates=args.coordinates,
        radius=args.radius,
        version=args.catalog_version,
        **extra,
        **_criteria(args),
    )
    if args.count:
        n = q.count
        if n is None:
            from ..errors import InputError

            raise InputError(q.count_note, field="count")
        output.print_count(n, args.format, out)
    else:
        table = q.page(args.page, size=args.page_size)
        meta = table.meta
        if args.format == "json":
            output.write_json(
                {
                    "catalog": meta["catalog"],
                    "version": meta["version"],
                    "count": meta["count"],
                    "page": meta["page"],
                    "page_size": meta["page_size"],
                    "warnings": meta["warnings"],
                    "rows": output.table_rows(table),
                },
                out,
            )
        elif args.format == "csv":
            output.write_csv(table, out)
        else:
            print(_heading(q, meta), file=out)
            if len(table):
                print(output.table_text(table, args.columns, table.colnames[:8]), file=out)
    # A possible cut-off goes to stderr, so that csv and json on stdout stay clean.
    for message in q.warnings:
        print(f"glue-mast: warning: {message}", file=sys.stderr)
    return 0


def _heading(q, meta):
    from . import output

    where = f" {output.cone_text(q)}" if q.coordinates is not None else ""
    if meta["count"] is None:
        rows = f"page {meta['page']} ({meta['page_size']} per page; MAST does not count "
        rows += f"{q.catalog})"
    else:
        rows = (
            f"{meta['count']:,} rows; page {meta['page']} of {meta['pages']} "
            f"({meta['page_size']} per page)"
        )
    return f"{q.catalog} {q.version.label}{where}: {rows}"
