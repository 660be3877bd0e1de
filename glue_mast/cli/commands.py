"""One function per ``glue-mast`` command: options in, calls of the core, text out.

Each takes the parsed ``args`` and the stream for results, and returns the exit status.
"""

from __future__ import annotations

import sys

from ..util import format_size
from . import output

__all__ = ["COMMANDS"]


def _pairs(items, what):
    from ..archive.criteria import parse_cli_value
    from ..errors import InputError

    out = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise InputError(f"{what} {item!r} is not FIELD=VALUE (e.g. obs_collection=HST)")
        if not value.strip():
            raise InputError(f"{what} {field.strip()!r} has no value")
        out[field.strip()] = parse_cli_value(value)
    return out


def _configure(args):
    from .. import config

    if getattr(args, "server", None) or getattr(args, "timeout", None):
        config.configure(server=args.server, timeout=args.timeout)


def search(args, out):
    from ..archive.columns import SEARCH_COLUMNS

    _configure(args)
    if args.list_collections:
        from ..archive import collections

        for name in collections():
            print(name, file=out)
        return 0
    if args.list_fields:
        from ..archive import observation_fields

        output.print_fields(observation_fields(), args.format, out)
        return 0
    from ..archive.search import search

    q = search(
        args.target,
        coordinates=args.coordinates,
        radius=args.radius,
        sort=args.sort,
        **_pairs(args.criteria, "criterion"),
    )
    if args.count:
        n = q.count
        output.print_count(n, args.format, out)
        if n == 0:
            _hint_no_rows(q)
        return 0
    table = q.page(args.page, size=args.page_size)
    meta = table.meta
    if args.format == "json":
        output.write_json(
            {
                "count": meta["count"],
                "page": meta["page"],
                "page_size": meta["page_size"],
                "rows": output.table_rows(table),
            },
            out,
        )
    elif args.format == "csv":
        output.write_csv(table, out)
    else:
        print(output.search_heading(q, meta), file=out)
        if len(table):
            print(output.table_text(table, args.columns, SEARCH_COLUMNS), file=out)
    if meta["count"] == 0:
        _hint_no_rows(q)
    return 0


def _hint_no_rows(q):
    # An empty result is often a misspelt collection: check against the server's own list.
    wanted = q.criteria.get("obs_collection")
    if not wanted:
        return
    from ..archive import collections
    from ..archive.criteria import closest_fields

    try:
        known = collections()
    except Exception:
        return
    for name in wanted:
        if "*" not in name and "%" not in name and name.lower() not in {k.lower() for k in known}:
            close = closest_fields(name, known)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            print(
                f"glue-mast: note: {name!r} is not a collection this server holds{hint}",
                file=sys.stderr,
            )


def products(args, out):
    from ..archive.columns import PRODUCT_COLUMNS
    from ..archive.products import products

    _configure(args)
    table = products(
        args.obsids,
        calibrated_only=not args.all_levels,
        mrp_only=args.mrp_only,
        extension=args.extension,
        **_pairs(args.filters, "filter"),
    )
    if args.format == "json":
        output.write_json(
            {
                "count": len(table),
                "listed": table.meta.get("listed"),
                "filter": table.meta.get("filter"),
                "rows": output.table_rows(table),
            },
            out,
        )
    elif args.format == "csv":
        output.write_csv(table, out)
    else:
        print(output.products_summary(table), file=out)
        if len(table):
            print(output.table_text(table, None, PRODUCT_COLUMNS), file=out)
    return 0


def _fetch_products(args):
    """The products a ``fetch`` command means: from obsids or from a search."""
    from ..archive.products import products
    from ..archive.search import search
    from ..errors import InputError

    filters = _pairs(args.filters, "filter")
    keep = {
        "calibrated_only": not args.all_levels,
        "mrp_only": args.mrp_only,
        "extension": args.extension,
    }
    if args.obsid:
        if args.target or args.coordinates or args.criteria:
            raise InputError(
                "give --obsid or a search (target, --coordinates, --criteria), not both"
            )
        rows = search(obsid=args.obsid).all()
        missing = set(args.obsid) - {str(o) for o in rows["obsid"]}
        if missing:
            raise InputError(f"MAST knows no observation with obsid {', '.join(sorted(missing))}")
    else:
        q = search(
            args.target,
            coordinates=args.coordinates,
            radius=args.radius,
            **_pairs(args.criteria, "criterion"),
        )
        rows = q.all(limit=args.max_observations + 1)
        if len(rows) > args.max_observations:
            raise InputError(
                f"the search has {q.count:,} observations, more than --max-observations "
                f"{args.max_observations:,}; narrow it, or raise the limit if you mean it"
            )
    return products(rows, **keep, **filters)


def fetch(args, out):
    from .. import config
    from ..archive import fetch as fetching
    from ..archive.astroquery_adapter import prefetch_column_configs

    _configure(args)
    # Both field lists will be needed: ask for them now, while the name resolves.
    prefetch_column_configs("observations", "products")
    prods = _fetch_products(args)
    root = args.out or config.current_download_dir()
    manifest = args.manifest or True
    if args.dry_run or args.curl_script:
        fetch_plan = fetching.plan_fetch(prods, root, manifest=manifest)
        if args.curl_script:
            path = fetching.write_curl_script(fetch_plan, args.curl_script)
            files = fetch_plan.not_on_disk
            size = sum(f.size or 0 for f in files)
            print(
                f"wrote {path}: {len(files)} files, {format_size(size)}; "
                "run it to download them",
                file=out,
            )
        else:
            output.print_plan(fetch_plan, out)
        return 0
    result = fetching.fetch(
        prods,
        root,
        manifest=manifest,
        parallel=args.parallel,
        doi=args.doi,
        cloud=args.cloud,
        progress=not args.no_progress,
    )
    return output.report_fetch(result, out)


def verify(args, out):
    from ..provenance import Manifest

    m = Manifest.read(args.manifest)
    report = m.verify(checksums=not args.no_checksums)
    for line in report.lines():
        print(line, file=out)
    what = "sizes" if args.no_checksums else "sizes and sha256"
    print(f"{len(report.ok)} of {len(m)} files match the manifest ({what})", file=out)
    return 0 if report else 1


def reproduce(args, out):
    from ..archive.fetch import reproduce

    _configure(args)
    result, report = reproduce(
        args.manifest,
        args.out,
        server=args.server,
        parallel=args.parallel,
        progress=not args.no_progress,
    )
    status = output.report_fetch(result, out)
    for line in report.lines():
        print(line, file=out)
    print(
        f"{len(report.ok)} files verified identical to the manifest"
        + (f"; {len(report.problems)} not" if report.problems else ""),
        file=out,
    )
    return 0 if report and status == 0 else 1


def demo(args, out):
    from ..demo import run_demo

    return run_demo(args.out, out=out)


#: Command name -> function.
COMMANDS = {
    "search": search,
    "products": products,
    "fetch": fetch,
    "verify": verify,
    "reproduce": reproduce,
    "demo": demo,
}
