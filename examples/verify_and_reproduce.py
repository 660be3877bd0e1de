"""Check a manifest against the disk, and re-fetch what is missing.

    python examples/verify_and_reproduce.py example_data/manifest.json [--out copy]

The files come from the configured server (``GLUE_MAST_SERVER``, default MAST), never the one
the manifest records; ``--server`` sends the requests elsewhere (a mirror, or the bundled
archive: ``python -m glue_mast.testing`` serves it on port 8765). A file already there with
other bytes is reported, never replaced.
"""

import argparse

import glue_mast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest")
    parser.add_argument("--out", help="reproduce into this directory instead")
    parser.add_argument("--server", help="fetch from this server instead of the configured one")
    args = parser.parse_args()

    manifest = glue_mast.Manifest.read(args.manifest)
    print(manifest)
    report = manifest.verify()
    print(report)
    for line in report.lines():
        print("  ", line)
    if report and not args.out:
        print("everything matches; nothing to fetch")
        return
    result, report = glue_mast.reproduce(manifest, args.out, server=args.server)
    print(result)
    print("after reproducing:", report)


if __name__ == "__main__":
    main()
