"""What the ``glue-mast`` commands print: tables, csv and json, sizes, and summaries."""

from __future__ import annotations

import json
import sys

from ..util import format_size, plain

__all__ = [
    "error_line",
    "option_of",
    "print_count",
    "print_fields",
    "print_plan",
    "products_summary",
    "report_fetch",
    "search_heading",
    "table_rows",
    "table_text",
    "token_status_text",
    "write_csv",
    "write_json",
]


#: Decimals a computed column is printed with. ``distance`` is MAST's separation of each
#: observation from the search position, in arcsec: a thousandth of one is finer than any
#: pointing, and the float's 16 digits are noise.
DECIMALS = {"distance": 3}


def _rounded(name, value):
    if name in DECIMALS and isinstance(value, float):
        return round(value, DECIMALS[name])
    return value


def table_rows(table):
    """Rows as dicts of JSON-native values keyed by MAST field names (missing -> null)."""
    columns = [(name, table[name]) for name in table.colnames]
    return [
        {name: _rounded(name, plain(col[i])) for name, col in columns} for i in range(len(table))
    ]


def write_json(answer, out):
    json.dump(answer, out)
    out.write("\n")


def write_csv(table, out):
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.colnames)
    for row in table_rows(table):
        writer.writerow(["" if v is None else v for v in row.values()])


def table_text(table, columns, default):
    """``table`` as aligned text: the ``columns`` asked for ("a,b"), else ``default``'s."""
    if columns:
        from ..archive.criteria import canonical_name

        names = [c.strip() for c in columns.split(",") if c.strip()]
        names = [canonical_name(n, table.colnames, what="column", field="columns") for n in names]
    else:
        names = [c for c in default if c in table.colnames]
    shown = table[names]
    for name in set(DECIMALS) & set(names):
        if shown[name].dtype.kind == "f":
            shown[name].info.format = f".{DECIMALS[name]}f"
    return "\n".join(shown.pformat(max_lines=-1, max_width=-1))


def print_count(n, fmt, out):
    if fmt == "json":
        write_json({"count": n}, out)
    elif fmt == "csv":
        out.write(f"count\n{n}\n")
    else:
        print(n, file=out)


def cone_text(q):
    """``"TW Hya (165.46627 -34.70473, radius 0.2 deg)"`` for a search with a position (an
    observation or catalog search), "" for one without."""
    if q.coordinates is None:
        return ""
    name = f"{q.target} " if q.target else ""
    return (
        f"{name}({q.coordinates.ra.deg:.5f} {q.coordinates.dec.deg:+.5f}, radius "
        f"{q.radius.deg:g} deg)"
    )


def search_heading(q, meta):
    """``"TW Hya (165.46627 -34.70473, radius 0.2 deg): 8 observations; page 1 of 1 ..."``."""
    where = f"{cone_text(q)}: " if q.coordinates is not None else ""
    return (
        f"{where}{meta['count']:,} observations; page {meta['page']} of {meta['pages']} "
        f"({meta['page_size']} per page)"
    )


def print_fields(fields, fmt, out):
    """MAST's observation fields, one a line (or as json)."""
    if fmt == "json":
        json.dump(fields, out, indent=1)
        out.write("\n")
        return
    width = max(len(n) for n in fields)
    for name, info in sorted(fields.items(), key=lambda kv: kv[0].lower()):
        unit = f" [{info['unit']}]" if info["unit"] else ""
        print(f"{name:<{width}}  {info['kind']:<10}{unit}  {info['description']}", file=out)


def products_summary(table):
    """``"2 of 4 products kept (1.9 MB)"``; sizes MAST does not know count as 0."""
    import numpy as np

    listed = table.meta.get("listed", len(table))
    size = int(np.ma.filled(table["size"], 0).sum()) if "size" in table.colnames else 0
    return f"{len(table)} of {listed} products kept ({format_size(size)})"


def print_plan(fetch_plan, out):
    print(
        f"{len(fetch_plan.to_fetch)} files to fetch ({format_size(fetch_plan.fetch_size)}), "
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


def report_fetch(result, out):
    """The summary of a fetch on ``out``, problems on stderr; returns the exit status."""
    size = sum(o.file.path.stat().st_size for o in result.downloaded)
    print(
        f"fetched {len(result.downloaded)} files ({format_size(size)}) in "
        f"{result.seconds:.1f} s; {len(result.cached)} already on disk; into "
        f"{result.download_dir}",
        file=out,
    )
    cloud = sum(1 for o in result.downloaded if o.file.origin)
    if cloud:  # (the manifest records each file's origin)
        print(
            f"{cloud} from MAST's cloud copy (s3://stpubdata), "
            f"{len(result.downloaded) - cloud} from MAST",
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


# The command-line spelling of the inputs errors name in ``field``.
_OPTIONS = {
    "target": "target",
    "coordinates": "--coordinates",
    "radius": "--radius",
    "page": "--page",
    "page_size": "--page-size",
    "sort": "--sort",
    "columns": "--columns",
    "server": "--server",
    "timeout": "--timeout",
    "criteria": "--criteria",
    "filters": "--filter",
    "max_observations": "--max-observations",
    "parallel": "--parallel",
    "download_dir": "--out",
    "out_dir": "--out",
    "manifest": "--manifest",
    "catalog": "CATALOG",
    "version": "--version",
    "max_results": "--max-results",
    "match": "--match",
    "count": "--count",
    "dask": "--dask",
}


def _keys(items):
    return {item.partition("=")[0].strip().lower() for item in items or ()}


def option_of(error, args):
    """The option (or argument) of this command line that ``error.field`` concerns, or None.

    A MAST field is looked for among the command's ``--criteria`` and then its ``--filter``
    items, as the user typed them.
    """
    field = getattr(error, "field", None)
    if not field:
        return _directory_option(error, args)
    if field == "obsid":
        return "OBSID" if args.command == "products" else "--obsid"
    if field == "manifest" and args.command in ("verify", "reproduce"):
        return None  # the positional MANIFEST: the message begins with the file's name
    if field.lower() in _keys(getattr(args, "criteria", None)):
        return "--criteria"
    if field.lower() in _keys(getattr(args, "filters", None)):
        return "--filter"
    return _OPTIONS.get(field)


def _directory_option(error, args):
    """``--out`` for a directory that cannot be written when it is (or is under) the one the
    command line gave with ``--out``."""
    from pathlib import Path

    from ..errors import StorageError

    out = getattr(args, "out", None)
    if not isinstance(error, StorageError) or not out or not error.filename:
        return None
    given, failed = Path(out).absolute(), Path(error.filename).absolute()
    return "--out" if failed == given or given in failed.parents else None


def error_line(error, args):
    """The one line the command prints for ``error``, in argparse's manner:
    ``glue-mast: error: argument --radius: radius '0.2' has no unit; ...``.
    """
    from ..errors import UnknownFieldError

    option = option_of(error, args)
    where = f"argument {option}: " if option else ""
    text = str(error)
    if isinstance(error, UnknownFieldError) and not error.suggestions and option == "--criteria":
        text += " (glue-mast search --list-fields lists them)"
    return f"glue-mast: error: {where}{text}"


def token_status_text(status, server):
    """Lines saying what MAST said of the token (``status`` from ``token_status``), or None."""
    if status is None:
        return (
            "no MAST token is set: set MAST_API_TOKEN (tokens are made at "
            "https://auth.mast.stsci.edu/token) to fetch exclusive-access files"
        )
    if not status["accepted"]:
        return (
            f"MAST at {server} does not accept the token (unknown, revoked or expired); make "
            "a new one at https://auth.mast.stsci.edu/token and set MAST_API_TOKEN"
        )
    scopes = ", ".join(status["scopes"]) or "none"
    expires = status["expires"] or "MAST does not say"
    exclusive = "yes" if "mast:exclusive_access" in status["scopes"] else "no"
    return "\n".join(
        [
            f"MAST at {server} accepts the token.",
            f"user:             {status['user'] or '(no name given)'}",
            f"exclusive access: {exclusive}",
            f"scopes:           {scopes}",
            f"expires:          {expires}",
        ]
    )
