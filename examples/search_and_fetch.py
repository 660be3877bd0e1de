"""Search MAST, page through the result, keep recommended spectra, fetch them with a manifest.

Runs offline against glue-mast's bundled archive; give ``--server https://mast.stsci.edu`` (and
a target MAST knows) to run it against MAST itself:

    python examples/search_and_fetch.py
    python examples/search_and_fetch.py --server https://mast.stsci.edu --target "AU Mic"
"""

import argparse
import contextlib

import glue_mast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="a MAST-compatible server (default: bundled archive)")
    parser.add_argument("--target", default="AU Mic")
    parser.add_argument("--out", default="example_data")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        if args.server:
            glue_mast.configure(server=args.server)
        else:
            from glue_mast.testing import LocalArchive

            archive = stack.enter_context(LocalArchive())
            glue_mast.configure(server=archive.url)

        q = glue_mast.search(
            args.target, radius="0.05 deg", dataproduct_type="spectrum", t_min=["1990-01-01", None]
        )
        print(q)
        print(f"{q.count} spectra; showing page 1")
        page = q.page(1, size=10)
        page[["obs_collection", "instrument_name", "obs_id", "t_min"]].pprint()

        # MAST's Minimum Recommended Products (the default); mrp_only=False keeps every
        # calibrated science file
        prods = glue_mast.products(page, extension=".fits")
        print(f"{len(prods)} recommended calibrated science products of {prods.meta['listed']}")

        result = glue_mast.fetch(prods, args.out, progress=True)
        print(result)
        for outcome in result.skipped:
            print("skipped:", outcome.file.path.name, "-", outcome.message)
        report = result.manifest.verify()
        print(f"manifest {result.manifest.path}: {report}")


if __name__ == "__main__":
    main()
