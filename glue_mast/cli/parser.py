"""The ``glue-mast`` command line's options: argparse definitions only, no work."""

from __future__ import annotations

import argparse

__all__ = ["build_parser"]


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


#: What ``glue-mast --help`` says after the commands: the environment and the exit codes.
EPILOG = """\
--server URL and --timeout SECONDS go before or after the command.

environment:
  MAST_API_TOKEN     a MAST token (https://auth.mast.stsci.edu/token), for exclusive-access
                     files; sent only to the MAST server, never written or shown
  GLUE_MAST_SERVER   MAST-compatible base URL (default https://mast.stsci.edu)
  GLUE_MAST_TIMEOUT  seconds to wait for each request (default 120)

exit status:
  0    done
  1    files failed to download or to verify; for whoami, no token or one MAST refuses
  2    bad input (an option, a file, a directory that cannot be written, a missing package)
  3    the server failed or could not be reached
  130  interrupted (Ctrl-C)
"""


def merge_global_options(parser, args):
    """Hand ``--server``/``--timeout`` given before the command to it (its own win)."""
    for name in ("server", "timeout"):
        given = getattr(args, f"global_{name}")
        if given is None:
            continue
        if not hasattr(args, name):
            parser.error(f"argument --{name}: glue-mast {args.command} takes no --{name}")
        if getattr(args, name) is None:
            setattr(args, name, given)
    return args


def unrecognized_hint(args, extras):
    """A hint for words argparse did not take: an object name with a space, unquoted."""
    target = getattr(args, "target", None)
    if target and extras and not any(word.startswith("-") for word in extras):
        name = " ".join([target, *extras])
        return f" (a name with spaces needs quotes: glue-mast {args.command} \"{name}\")"
    return ""


def build_parser():
    """The parser of every command; ``args.command`` names the one given."""
    from .. import __version__

    common = _server_options()
    parser = argparse.ArgumentParser(
        prog="glue-mast",
        description="Search MAST, list and fetch its data products, with provenance.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"glue-mast {__version__}")
    # --server and --timeout belong to the commands that talk to MAST; given before the
    # command, they are kept apart here (a subcommand's own default would overwrite them) and
    # handed to it by `merge_global_options`.
    parser.add_argument("--server", dest="global_server", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument(
        "--timeout", dest="global_timeout", type=float, metavar="SECONDS", help=argparse.SUPPRESS
    )
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

    from .catalog import add_parser as _add_catalog_parser

    _add_catalog_parser(sub, common, _add_search_options, _output_options)

    p = sub.add_parser(
        "products",
        parents=[common],
        help="list data products of observations",
        description="List the data products of observations, by default MAST's Minimum "
        "Recommended Products among the calibrated science ones (calib_level >= 2, "
        "SCIENCE); --no-mrp-only and --all-levels widen the list.",
    )
    p.add_argument("obsids", nargs="+", metavar="OBSID", help="MAST obsid(s) (not obs_id)")
    _add_product_options(p)
    _output_options(p)

    p = sub.add_parser(
        "fetch",
        parents=[common],
        help="download products of a search or of obsids, with a manifest",
        description="Search (or take obsids), list the products, and download them in "
        "parallel into OUT/<collection>/<obs_id>/<file>, with a provenance manifest. "
        "MAST's Minimum Recommended Products among the calibrated science products, unless "
        "asked otherwise (--no-mrp-only, --all-levels). Files already complete "
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
        "--dask",
        metavar="SCHEDULER",
        help="run the transfers and their checksums on this Dask cluster's workers (a scheduler address, "
        "e.g. tcp://10.0.0.5:8786), which must see the files at the same paths; "
        "needs glue-mast[dask]",
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

    p = sub.add_parser(
        "verify",
        help="check the files of a manifest or a Jdaviz session against the disk",
        description="Check every file's size and SHA-256 against a manifest, or against a "
        "Jdaviz session (analysis.json, from glue_mast.save_session; each file once, where "
        "the session records it); exit 1 listing what is missing or wrong.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="a manifest or a Jdaviz session")
    p.add_argument("--no-checksums", action="store_true", help="check sizes only")
    p.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run the checksums on this Dask cluster's workers (a scheduler address, "
        "e.g. tcp://10.0.0.5:8786), which must see the files at the same paths; "
        "needs glue-mast[dask]",
    )

    p = sub.add_parser(
        "reproduce",
        parents=[common],
        help="re-fetch what a manifest or a Jdaviz session lists and is missing",
        description="Re-fetch the files of a manifest that are missing, from the "
        "configured server (--server, $GLUE_MAST_SERVER; never one the manifest names, which "
        "gets a note), and check that every file ends with the recorded SHA-256. A file "
        "already there with other bytes is reported, never replaced. A Jdaviz session's "
        "files are fetched into --out DIR, which it needs, with a manifest DIR/manifest.json.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="a manifest or a Jdaviz session")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="put the files here instead of beside the manifest (needed for a session)",
    )
    p.add_argument("--parallel", type=int, metavar="N", help="files at once (default 8)")
    p.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="run the transfers and the checksums on this Dask cluster's workers (a scheduler address, "
        "e.g. tcp://10.0.0.5:8786), which must see the files at the same paths; "
        "needs glue-mast[dask]",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser(
        "whoami",
        parents=[common],
        help="say what MAST says of your token: its user, rights and expiry",
        description="Ask MAST (its /whoami, as astroquery's session_info does) about the "
        "token in force: $MAST_API_TOKEN, else astroquery's keyring entry. Prints the user "
        "MAST knows it by, its scopes and, when MAST says, when it expires; never the token. "
        "Exit 1 when no token is set or MAST does not accept it.",
    )
    p.add_argument("--format", choices=("table", "json"), default="table",
                   help="output format (default: table)")

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
        "--mrp-only",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="only MAST's Minimum Recommended Products, e.g. a COS observation's combined "
        "x1dsum without its per-exposure x1d files (the default); --no-mrp-only keeps every "
        "product the other filters keep",
    )
    p.add_argument(
        "--all-levels",
        action="store_true",
        help="every calibration level, not only calibrated (>= 2); raw files are not among "
        "MAST's recommended ones, so add --no-mrp-only for them",
    )
    p.add_argument(
        "--extension",
        nargs="+",
        metavar="EXT",
        help="only files ending with EXT (e.g. fits, _x1d.fits)",
    )
