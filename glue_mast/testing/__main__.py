"""``python -m glue_mast.testing``: run the local MAST-compatible archive in the foreground."""

import argparse
import errno
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m glue_mast.testing",
        description="Serve the local MAST-compatible archive on loopback until interrupted "
        "(Ctrl-C). Point glue-mast at it with --server URL or GLUE_MAST_SERVER=URL.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on; 0 picks a free one"
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="delay added to every request, to imitate a distant server",
    )
    parser.add_argument(
        "--bandwidth",
        type=float,
        default=None,
        metavar="BYTES_PER_S",
        help="limit on each response body's speed (none: as fast as loopback goes)",
    )
    parser.add_argument(
        "--synthetic-rows",
        type=int,
        default=100_000,
        metavar="N",
        help="rows of the SYNTHETIC collection, for paging large results",
    )
    parser.add_argument(
        "--synthetic-file-size",
        type=int,
        default=65_536,
        metavar="BYTES",
        help="size of each synthetic product file (rounded up to whole 2880-byte FITS blocks)",
    )
    parser.add_argument(
        "--request-log", metavar="PATH", help="append every request served to PATH as a JSON line"
    )
    parser.add_argument(
        "--cloud",
        action="store_true",
        help="also serve MAST's public cloud copy of the files (an S3 server, moto's; needs "
        "moto[server]), for fetch --cloud",
    )
    parser.add_argument(
        "--cloud-port",
        type=int,
        default=0,
        metavar="PORT",
        help="port of the cloud copy's S3 server; 0 picks a free one",
    )
    args = parser.parse_args(argv)

    from . import VALID_TOKEN, LocalArchive

    try:
        archive = LocalArchive(
            host=args.host,
            port=args.port,
            n_synthetic=args.synthetic_rows,
            synthetic_file_size=args.synthetic_file_size,
        )
    except OSError as exc:
        # A port in use or a host that is not this machine's is the user's to fix: one line.
        print(f"{parser.prog}: {_cannot_listen(args.host, args.port, exc)}", file=sys.stderr)
        return 2
    archive.faults.latency = args.latency
    archive.faults.bandwidth = args.bandwidth
    if args.request_log:
        archive._server.request_log = open(args.request_log, "a", encoding="utf-8")  # noqa: SIM115
    catalog = archive.catalog
    print(
        f"Local MAST-compatible archive serving at {archive.url} ({catalog.n_real} named "
        f"observations, {catalog.n_synthetic:,} synthetic); Ctrl-C stops it",
        flush=True,
    )
    print(f"URL {archive.url}", flush=True)
    print(f"exclusive-access token: {VALID_TOKEN}", flush=True)
    if args.cloud:
        try:
            cloud = archive.start_cloud(port=args.cloud_port)
        except ImportError:
            print(
                f"{parser.prog}: --cloud needs moto[server]: pip install 'moto[server]'",
                file=sys.stderr,
            )
            archive.stop()
            return 2
        except OSError as exc:
            print(
                f"{parser.prog}: {_cannot_listen(args.host, args.cloud_port, exc)}", file=sys.stderr
            )
            archive.stop()
            return 2
        from .cloud import describe

        for line in describe(cloud):
            print(line, flush=True)
    try:
        archive.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        archive.stop()
    return 0


def _cannot_listen(host, port, exc):
    """What went wrong binding ``host:port``, and what to do about it."""
    where = f"cannot listen on {host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{where}: the port is in use (another archive may be serving there); "
            "stop it or choose another --port (0 picks a free one)"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{where}: permission denied; choose a --port above 1023 (0 picks a free one)"
    return f"{where}: {exc.strerror or exc}; check --host and --port"


if __name__ == "__main__":
    sys.exit(main())
