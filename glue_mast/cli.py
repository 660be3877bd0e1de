"""The ``glue-mast`` command: search, products, fetch, verify, reproduce, demo.

A thin front end: it turns options into calls of :mod:`glue_mast.archive` and results into
text. A mistake gets one line on stderr (``glue-mast: error: ...``) and a non-zero exit:
2 for bad input, 3 when the server fails, 1 otherwise; nothing is written to stdout then.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys

__all__ = ["main"]

# Columns shown by ``--format table``; json and csv carry every field.
SEARCH_COLUMNS = (
    "obs_collection",
    "instrument_name",
    "filters",
    "target_name",
    "obs_id",
    "obsid",
    "dataproduct_type",
    "calib_level",
    "t_min",
    "em_min",
    "em_max",
    "dataRights",
    "distance",
)
PRODUCT_COLUMNS = (
    "obsID",
    "obs_collection",
    "obs_id",
    "productFilename",
    "productType",
    "productSubGroupDescription",
    "calib_level",
    "size",
    "dataRights",
)


def _server_options():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--server",
        metavar="URL",
        help="MAST-compatible base URL for every request (default: "
        "$GLUE_MAST_SERVER or https://mast.stsci.edu)",
    )
    common.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="seconds to wait for each request (default: $GLUE_MAST_TIMEOUT or 120)",
    )
    return common


def _output_options(parser):
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output format (default: table)",
    )


def build_parser():
    common = _server_options()
    parser = argparse.ArgumentParser(
        prog="glue-mast",
        description="Search MAST, list and fetch its data products, with provenance.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"glue-mast {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "search",
        parents=[common],
        help="search observations",
        description="Search MAST's observations by target, position and "
        "criteria. The count comes first; rows are paged on the "
        "server.",
    )
    p.add_argument("target", nargs="?", help="object name, e.g. 'TW Hya' or 'TIC 358108509'")
    _add_search_options(p)
    p.add_argument("--count", action="store_true", help="print only the number of rows")
    p.add_argument("--page", type=int, default=1, metavar="N", help="page to show (from 1)")
    p.add_argument("--page-size", type=int, metavar="N", help="rows per page (default 50)")
    p.add_argument(
        "--sort",
        nargs="+",
        action="extend",
        metavar="FIELD",
        help="sort by these fields; --sort=-FIELD for descending (MAST cannot sort, so this "
        "fetches every row first)",
    )
    p.add_argument("--columns", metavar="A,B,...", help="columns to show in table format")
    p.add_argument(
        "--list-fields",
        action="store_true",
        help="list the observation fields MAST accepts as criteria, and exit",
    )
    p.add_argument(
        "--list-collections",
        action="store_true",
        help="list the collections the server holds, and exit",
    )
    _output_options(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser(
        "products",
        parents=[common],
        help="list data products of observations",
        description="List the data products of observations, by default the "
        "calibrated science ones (calib_level >= 2, SCIENCE).",
    )
    p.add_argument("obsids", nargs="+", metavar="OBSID", help="MAST obsid(s) (not obs_id)")
    _add_product_options(p)
    _output_options(p)
    p.set_defaults(func=cmd_products)

    p = sub.add_parser(
        "fetch",
        parents=[common],
        help="download products of a search or of obsids, with a manifest",
        description="Search (or take obsids), list the products, and download them in "
        "parallel into OUT/<collection>/<obs_id>/<file>, with a provenance manifest. "
        "Calibrated science products only, unless asked otherwise. Files already complete "
        "on disk cost no request; partial ones are resumed.",
    )
    p.add_argument("target", nargs="?", help="object name, e.g. 'TW Hya'")
    _add_search_options(p)
    p.add_argument(
        "--obsid",
        nargs="+",
        action="extend",
        default=[],
        metavar="ID",
        help="fetch the products of these obsids instead of a search",
    )
    _add_product_options(p)
    p.add_argument("--out", metavar="DIR", help="download directory (default: ./mast_data)")
    p.add_argument(
        "--manifest",
        metavar="PATH",
        help="manifest path (default: OUT/manifest.json, merged if present)",
    )
    p.add_argument("--parallel", type=int, metavar="N", help="files at once (default 8)")
    p.add_argument(
        "--max-observations",
        type=int,
        default=1000,
        metavar="N",
        help="refuse searches with more observations than this (default 1000)",
    )
    p.add_argument("--doi", metavar="DOI", help="a DOI to record for every file fetched")
    p.add_argument(
        "--cloud",
        action="store_true",
        help="fetch from MAST's public cloud copy where there is one (needs boto3)",
    )
    p.add_argument(
        "--curl-script",
        metavar="PATH",
        help="write a shell script that downloads the files with curl, and exit",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show the files, their count and total size; download nothing",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser(
        "verify",
        help="check the files of a manifest against the disk",
        description="Check every file's size and SHA-256 against a manifest; "
        "exit 1 listing what is missing or wrong.",
    )
    p.add_argument("manifest", metavar="MANIFEST")
    p.add_argument("--no-checksums", action="store_true", help="check sizes only")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser(
        "reproduce",
        parents=[common],
        help="re-fetch what a manifest lists and is missing or wrong",
        description="Re-fetch the files of a manifest that are missing or "
        "wrong, from the server it records (or --server), and check "
        "that every file ends with the recorded SHA-256.",
    )
    p.add_argument("manifest", metavar="MANIFEST")
    p.add_argument("--out", metavar="DIR", help="put the files here instead of beside the manifest")
    p.add_argument("--parallel", type=int, metavar="N", help="files at once (default 8)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_reproduce)

    p = sub.add_parser(
        "demo",
        help="run the main job offline against the bundled archive",
        description="Start the bundled local MAST-compatible archive on "
        "loopback and run the main job against it.",
    )
    p.add_argument(
        "--out",
        default="glue-mast-demo",
        metavar="DIR",
        help="directory for the demo's files (default: ./glue-mast-demo)",
    )
    p.set_defaults(func=cmd_demo)
    return parser


def _add_search_options(p):
    p.add_argument(
        "--coordinates",
        metavar='"RA DEC"',
        help="position instead of a target name, e.g. '165.466 -34.705' or '11:01:51.9 -34:42:17'",
    )
    p.add_argument("--radius", metavar="ANGLE", help="cone radius with a unit (default 0.2 deg)")
    p.add_argument(
        "--criteria",
        nargs="+",
        action="extend",
        default=[],
        metavar="FIELD=VALUE",
        help="criteria: FIELD=A,B (any of), FIELD=MIN..MAX (range), wildcards * "
        "in text; dates for t_min/t_max, units for em_min/em_max",
    )


def _add_product_options(p):
    p.add_argument(
        "--filter",
        nargs="+",
        action="extend",
        default=[],
        metavar="FIELD=VALUE",
        dest="filters",
        help="product filters with astroquery's filter_products semantics: "
        "FIELD=A,B (any of), numeric N, a..b, >=N, !value",
    )
    p.add_argument(
        "--mrp-only", action="store_true", help="only MAST's Minimum Recommended Products"
    )
    p.add_argument(
        "--all-levels",
        action="store_true",
        help="every calibration level, not only calibrated (>= 2)",
    )
    p.add_argument(
        "--extension",
        nargs="+",
        metavar="EXT",
        help="only files ending with EXT (e.g. fits, _x1d.fits)",
    )


def _pairs(items, what):
    from .archive.criteria import parse_cli_value
    from .errors import InputError

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
    from . import config

    if getattr(args, "server", None) or getattr(args, "timeout", None):
        config.configure(server=args.server, timeout=args.timeout)


# --- commands -------------------------------------------------------------------------------


def cmd_search(args, out):
    _configure(args)
    if args.list_collections:
        from .archive import collections

        for name in collections():
            print(name, file=out)
        return 0
    if args.list_fields:
        return _list_fields(args, out)
    from .archive.search import search

    q = search(
        args.target,
        coordinates=args.coordinates,
        radius=args.radius,
        sort=args.sort,
        **_pairs(args.criteria, "criterion"),
    )
    if args.count:
        n = q.count
        _print_count(n, args.format, out)
        if n == 0:
            _hint_no_rows(q)
        return 0
    table = q.page(args.page, size=args.page_size)
    meta = table.meta
    if args.format == "json":
        json.dump(
            {
                "count": meta["count"],
                "page": meta["page"],
                "page_size": meta["page_size"],
                "rows": table_rows(table),
            },
            out,
        )
        out.write("\n")
    elif args.format == "csv":
        _write_csv(table, out)
    else:
        print(_search_heading(q, meta), file=out)
        if len(table):
            print(_pformat(table, args.columns, SEARCH_COLUMNS), file=out)
    if meta["count"] == 0:
        _hint_no_rows(q)
    return 0


def _print_count(n, fmt, out):
    if fmt == "json":
        json.dump({"count": n}, out)
        out.write("\n")
    elif fmt == "csv":
        out.write(f"count\n{n}\n")
    else:
        print(n, file=out)


def _hint_no_rows(q):
    # An empty result is often a misspelt collection: check against the server's own list.
    wanted = q.criteria.get("obs_collection")
    if not wanted:
        return
    from .archive import collections
    from .archive.criteria import closest_fields

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


def _search_heading(q, meta):
    where = ""
    if q.coordinates is not None:
        name = f"{q.target} " if q.target else ""
        where = (
            f"{name}({q.coordinates.ra.deg:.5f} {q.coordinates.dec.deg:+.5f}, radius "
            f"{q.radius.deg:g} deg): "
        )
    return (
        f"{where}{meta['count']:,} observations; page {meta['page']} of {meta['pages']} "
        f"({meta['page_size']} per page)"
    )


def _list_fields(args, out):
    from .archive import observation_fields

    fields = observation_fields()
    if args.format == "json":
        json.dump(fields, out, indent=1)
        out.write("\n")
        return 0
    width = max(len(n) for n in fields)
    for name, info in sorted(fields.items(), key=lambda kv: kv[0].lower()):
        unit = f" [{info['unit']}]" if info["unit"] else ""
        print(f"{name:<{width}}  {info['kind']:<10}{unit}  {info['description']}", file=out)
    return 0


def cmd_products(args, out):
    _configure(args)
    from .archive.products import products

    table = products(
        args.obsids,
        calibrated_only=not args.all_levels,
        mrp_only=args.mrp_only,
        extension=args.extension,
        **_pairs(args.filters, "filter"),
    )
    if args.format == "json":
        json.dump(
            {
                "count": len(table),
                "listed": table.meta.get("listed"),
                "filter": table.meta.get("filter"),
                "rows": table_rows(table),
            },
            out,
        )
        out.write("\n")
    elif args.format == "csv":
        _write_csv(table, out)
    else:
        listed = table.meta.get("listed", len(table))
        import numpy as np

        # Sizes MAST does not know are masked: they count as 0.
        size = int(np.ma.filled(table["size"], 0).sum()) if "size" in table.colnames else 0
        print(f"{len(table)} of {listed} products kept ({_human_size(size)})", file=out)
        if len(table):
            print(_pformat(table, None, PRODUCT_COLUMNS), file=out)
    return 0


def _fetch_products(args):
    """The products a ``fetch`` command means: from obsids or from a search."""
    from .archive.products import products
    from .archive.search import search
    from .errors import InputError

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


def cmd_fetch(args, out):
    _configure(args)
    from . import config
    from .archive import fetch as fetch_mod
    from .archive.astroquery_adapter import prefetch_column_configs

    # Both field lists will be needed: ask for them now, while the name resolves.
    prefetch_column_configs("observations", "products")
    prods = _fetch_products(args)
    root = args.out or config.current_download_dir()
    manifest = args.manifest or True
    if args.dry_run or args.curl_script:
        fetch_plan = fetch_mod.plan_fetch(prods, root, manifest=manifest)
        if args.curl_script:
            path = fetch_mod.write_curl_script(fetch_plan, args.curl_script)
            files = fetch_plan.not_on_disk
            size = sum(f.size or 0 for f in files)
            print(
                f"wrote {path}: {len(files)} files, {_human_size(size)}; run it to download them",
                file=out,
            )
        else:
            _print_plan(fetch_plan, out)
        return 0
    result = fetch_mod.fetch(
        prods,
        root,
        manifest=manifest,
        parallel=args.parallel,
        doi=args.doi,
        cloud=args.cloud,
        progress=not args.no_progress,
    )
    return _report_fetch(result, out)


def _print_plan(fetch_plan, out):
    print(
        f"{len(fetch_plan.to_fetch)} files to fetch ({_human_size(fetch_plan.fetch_size)}), "
        f"{len(fetch_plan.cached)} already on disk, {len(fetch_plan.skipped)} exclusive "
        f"(need a token); into {fetch_plan.download_dir}",
        file=out,
    )
    for label, files in (
        ("fetch", fetch_plan.to_fetch),
        ("have", fetch_plan.cached),
        ("skip", fetch_plan.skipped),
    ):
        for f in files:
            relative = f.path.relative_to(fetch_plan.download_dir).as_posix()
            size = f"{f.size:>12,}" if f.size is not None else f"{'?':>12}"
            print(f"{label:5} {size}  {relative}", file=out)


def _report_fetch(result, out):
    size = sum(o.file.path.stat().st_size for o in result.downloaded)
    print(
        f"fetched {len(result.downloaded)} files ({_human_size(size)}) in "
        f"{result.seconds:.1f} s; {len(result.cached)} already on disk; into "
        f"{result.download_dir}",
        file=out,
    )
    if result.manifest is not None:
        print(f"manifest: {result.manifest.path}", file=out)
    if result.skipped:
        names = ", ".join(o.file.path.name for o in result.skipped)
        print(
            f"glue-mast: skipped {len(result.skipped)} exclusive-access file(s) (no MAST "
            f"token): {names}; set MAST_API_TOKEN to fetch them",
            file=sys.stderr,
        )
    for o in result.failed:
        print(f"glue-mast: failed: {o.file.path.name}: {o.message}", file=sys.stderr)
    for o in result.downloaded:
        if o.message:  # kept, with a warning (a size unlike the listed one)
            print(f"glue-mast: note: {o.file.path.name}: {o.message}", file=sys.stderr)
    if result.manifest_error:
        print(f"glue-mast: {result.manifest_error}", file=sys.stderr)
    return 1 if result.failed or result.manifest_error else 0


def cmd_verify(args, out):
    from .provenance import Manifest

    m = Manifest.read(args.manifest)
    report = m.verify(checksums=not args.no_checksums)
    for line in report.lines():
        print(line, file=out)
    what = "sizes" if args.no_checksums else "sizes and sha256"
    print(f"{len(report.ok)} of {len(m)} files match the manifest ({what})", file=out)
    return 0 if report else 1


def cmd_reproduce(args, out):
    _configure(args)
    from .archive.fetch import reproduce

    result, report = reproduce(
        args.manifest,
        args.out,
        server=args.server,
        parallel=args.parallel,
        progress=not args.no_progress,
    )
    status = _report_fetch(result, out)
    for line in report.lines():
        print(line, file=out)
    print(
        f"{len(report.ok)} files verified identical to the manifest"
        + (f"; {len(report.problems)} not" if report.problems else ""),
        file=out,
    )
    return 0 if report and status == 0 else 1


def cmd_demo(args, out):
    from .demo import run_demo

    return run_demo(args.out, out=out)


# --- output helpers -------------------------------------------------------------------------


def table_rows(table):
    """Rows as dicts of JSON-native values keyed by MAST field names (missing -> null)."""
    import numpy as np

    columns = [(name, table[name]) for name in table.colnames]
    rows = []
    for i in range(len(table)):
        row = {}
        for name, col in columns:
            value = col[i]
            if value is np.ma.masked:
                row[name] = None
                continue
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, bytes):
                value = value.decode()
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            row[name] = value
        rows.append(row)
    return rows


def _write_csv(table, out):
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.colnames)
    for row in table_rows(table):
        writer.writerow(["" if v is None else v for v in row.values()])


def _pformat(table, columns, default):
    if columns:
        names = [c.strip() for c in columns.split(",") if c.strip()]
        from .archive.criteria import canonical_name

        names = [canonical_name(n, table.colnames, what="column") for n in names]
    else:
        names = [c for c in default if c in table.colnames]
    return "\n".join(table[names].pformat(max_lines=-1, max_width=-1))


def _human_size(n):
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"


def main(argv=None):
    """Run the command line; returns the exit status."""
    from .errors import GlueMastError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.func(args, sys.stdout) or 0
        sys.stdout.flush()
        # The work is done: spare the interpreter's final garbage collection over everything
        # astropy and astroquery built (about 0.2 s at every exit).
        gc.freeze()
        return status
    except GlueMastError as exc:
        print(f"glue-mast: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "glue-mast: interrupted; files complete so far are in the manifest, partial ones "
            "are kept as .part and resumed by running the same command again",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
