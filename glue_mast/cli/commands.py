"""One function per ``glue-mast`` command: options in, calls of the core, text out.

Each takes the parsed ``args`` and the stream for results, and returns the exit status.
"""

from __future__ import annotations

import contextlib
import sys
import warnings

from ..util import format_size
from . import output
from .interrupts import sigterm_interrupts

__all__ = ["COMMANDS"]


def _pairs(items, what, option):
    """``FIELD=VALUE`` items as a dict; ``option`` ("criteria", "filters") names them in errors."""
    from ..archive.criteria import parse_cli_value
    from ..errors import InputError

    out = {}
    for item in items:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise InputError(
                f"{what} {item!r} is not FIELD=VALUE (e.g. obs_collection=HST)",
                field=option,
                value=item,
            )
        if not value.strip():
            raise InputError(f"{what} {field.strip()!r} has no value", field=option, value=item)
        out[field.strip()] = parse_cli_value(value)
    return out


def _criteria(args):
    return _pairs(args.criteria, "criterion", "criteria")


def _filters(args):
    return _pairs(args.filters, "filter", "filters")


def _product_filter(args):
    """The keyword arguments of :func:`glue_mast.archive.products.products` asked for."""
    return {
        "calibrated_only": not args.all_levels,
        "mrp_only": args.mrp_only,
        "extension": args.extension,
        **_filters(args),
    }


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
        **_criteria(args),
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
        text = output.table_text(table, args.columns, SEARCH_COLUMNS) if len(table) else None
        print(output.search_heading(q, meta), file=out)
        if text:
            print(text, file=out)
    if meta["count"] == 0:
        _hint_no_rows(q)
    return 0


def _hint_no_rows(q):
    # An empty result is often a misspelt collection: say so, but it is not an error.
    from ..archive.lookup import unknown_collections

    for problem in unknown_collections(q.criteria.get("obs_collection")):
        print(f"glue-mast: note: {problem}", file=sys.stderr)


def products(args, out):
    from ..archive.columns import PRODUCT_COLUMNS
    from ..archive.lookup import observations_by_obsid
    from ..archive.products import products

    _configure(args)
    keep = _product_filter(args)  # bad filters are refused before any request
    # The observations themselves, as `fetch --obsid` takes them: an unknown obsid is an
    # error, not an empty table, and each product carries its observation's fields.
    rows = observations_by_obsid(args.obsids)
    table = products(rows, **keep)
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
    """The products a ``fetch`` command means, from obsids or from a search; refuses to
    go on (before anything is written) when nothing matched.
    """
    from ..archive.lookup import observations_by_obsid, unknown_collections
    from ..archive.products import products
    from ..archive.search import search
    from ..errors import InputError

    keep = _product_filter(args)
    if args.obsid:
        if args.target or args.coordinates or args.criteria:
            raise InputError(
                "give --obsid or a search (target, --coordinates, --criteria), not both",
                field="obsid",
            )
        rows = observations_by_obsid(args.obsid)
    else:
        q = search(
            args.target, coordinates=args.coordinates, radius=args.radius, **_criteria(args)
        )
        rows = q.all(limit=args.max_observations + 1)
        if len(rows) > args.max_observations:
            raise InputError(
                f"the search has {q.count:,} observations, more than the limit of "
                f"{args.max_observations:,}; narrow it, or raise the limit if you mean it",
                field="max_observations",
                value=args.max_observations,
            )
        if not len(rows):
            problems = unknown_collections(q.criteria.get("obs_collection"))
            if problems:
                raise problems[0]
            raise InputError("no observation matches the search; nothing to fetch")
    prods = products(rows, **keep)
    if not len(prods):
        raise InputError(
            f"none of the {prods.meta['listed']:,} products of {len(rows):,} observation"
            f"{'s' if len(rows) != 1 else ''} passes the product filter; nothing to fetch "
            "(--no-mrp-only, --all-levels, --filter and --extension choose others)"
        )
    return prods


@contextlib.contextmanager
def _dask_client(args, *, needed=True):
    """A ``distributed.Client`` of the scheduler ``--dask`` names (closed at the end: the
    cluster is left running), or None when none is named (or ``needed`` is false)."""
    from ..errors import InputError, MissingDependency

    address = getattr(args, "dask", None)
    if not address or not needed:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise MissingDependency("--dask", "dask[distributed]", extra="dask") from None
    wait = getattr(args, "timeout", None) or _DASK_CONNECT_S
    try:
        client = Client(address, timeout=wait, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"no Dask scheduler answers at {address} within {wait:g} s "
            f"({type(exc).__name__}); start one (dask scheduler, or a cluster's own) and "
            "give its address, e.g. tcp://10.0.0.5:8786",
            field="dask",
            value=address,
        ) from None
    try:
        yield client
    finally:
        client.close()


#: Seconds to wait for a Dask scheduler to answer (``--timeout`` sets another).
_DASK_CONNECT_S = 10.0


def fetch(args, out):
    _configure(args)
    # A scheduler that does not answer is refused before any search (a plan needs none).
    with _dask_client(args, needed=not (args.dry_run or args.curl_script)) as client:
        return _fetch(args, out, client)


def _fetch(args, out, client):
    """``fetch``, its transfers on the cluster of ``client`` (None: in this process)."""
    from .. import config
    from ..archive import fetch as fetching
    from ..archive.astroquery_adapter import prefetch_column_configs

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
    with sigterm_interrupts():
        result = fetching.fetch(
            prods,
            root,
            manifest=manifest,
            parallel=args.parallel,
            doi=args.doi,
            cloud=args.cloud,
            progress=not args.no_progress,
            client=client,
        )
    return output.report_fetch(result, out)


def _what(records):
    """What the files were checked against, as the summary line names it."""
    from ..provenance import SessionFiles

    return "the session" if isinstance(records, SessionFiles) else "the manifest"


def verify(args, out):
    from ..provenance import read_records

    records = read_records(args.manifest)  # a manifest, or a Jdaviz session's files
    with _dask_client(args) as client:
        if client is None:
            report = records.verify(checksums=not args.no_checksums)
        else:
            from ..archive.fetch import verify_on_cluster

            report = verify_on_cluster(records, client, checksums=not args.no_checksums)
    for line in report.lines():
        print(line, file=out)
    what = "sizes" if args.no_checksums else "sizes and sha256"
    total = len(records) + len(getattr(records, "incomplete", []))
    unfinished = f"; {len(report.incomplete)} incomplete" if report.incomplete else ""
    print(
        f"{len(report.ok)} of {total} files match {_what(records)} ({what}){unfinished}",
        file=out,
    )
    return 0 if report else 1


def reproduce(args, out):
    from ..archive.fetch import reproduce
    from ..archive.fetch.trust import OtherServerNamed
    from ..provenance import read_records

    _configure(args)
    records = read_records(args.manifest)
    with (
        _dask_client(args) as client,
        sigterm_interrupts(),
        warnings.catch_warnings(record=True) as said,
    ):
        warnings.simplefilter("always", OtherServerNamed)
        result, report = reproduce(
            records,
            args.out,
            server=args.server,
            parallel=args.parallel,
            progress=not args.no_progress,
            client=client,
        )
    for warning in said:  # one line each (the server a file names and was not used)
        if issubclass(warning.category, OtherServerNamed):
            print(f"glue-mast: note: {warning.message}", file=sys.stderr)
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    status = output.report_fetch(result, out)
    for line in report.lines():
        print(line, file=out)
    print(
        f"{len(report.ok)} files verified identical to {_what(records)}"
        + (
            f"; {len(report.finished)} finished that an earlier fetch left incomplete"
            if report.finished
            else ""
        )
        + (f"; {len(report.problems)} not" if report.problems else ""),
        file=out,
    )
    return 0 if report and status == 0 else 1


def whoami(args, out):
    """What MAST says of the token in force (never the token): exit 1 when none is accepted."""
    from .. import config
    from ..archive.whoami import token_status_in_force

    _configure(args)
    status = token_status_in_force()
    if args.format == "json":
        output.write_json({"token_set": status is not None, **(status or {})}, out)
    else:
        print(output.token_status_text(status, config.current_server()), file=out)
    return 0 if status and status["accepted"] else 1


def demo(args, out):
    from ..demo import run_demo

    return run_demo(args.out, out=out)


def catalog(args, out):
    from .catalog import catalog as _catalog

    return _catalog(args, out)


#: Command name -> function.
COMMANDS = {
    "search": search,
    "catalog": catalog,
    "products": products,
    "fetch": fetch,
    "verify": verify,
    "reproduce": reproduce,
    "whoami": whoami,
    "demo": demo,
}
