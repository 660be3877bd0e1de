"""A fetch and a verify on a Dask cluster against the same in one process.

For N files of the local archive's SYNTHETIC collection (its own process, with ``--latency``
seconds added to every request, as a distant server adds): wall time of

- ``glue_mast.fetch(products, dir)`` (threads of this process, ``parallel`` of them);
- the same with ``client=`` a ``LocalCluster``: threads in this process (``processes=False``)
  and worker processes;
- ``Manifest.verify()`` here against ``verify_on_cluster`` on each cluster;

and checks that each cluster's manifest equals the single process's, file for file (only
times differ). No target: what it costs to send each file's transfer to a cluster, on one
machine, where a cluster cannot win on bandwidth, only on spreading work. Run::

    python benchmarks/bench_dask.py                    # N = 100, 1000; --latency 0.05
    python benchmarks/bench_dask.py --sizes 100 --latency 0 --workers 2 --threads 4
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _comparable(path):
    data = json.loads(Path(path).read_text())
    data.pop("created")
    data["datasets"] = {
        d["path"]: {k: v for k, v in d.items() if k != "downloaded"} for d in data["datasets"]
    }
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--parallel", type=int, default=8, help="threads of one process")
    args = parser.parse_args(argv)

    from _archive import local_archive
    from bench_scale import FILE_SIZE, _products
    from distributed import Client, LocalCluster

    import glue_mast
    from glue_mast.archive.fetch import verify_on_cluster
    from glue_mast.provenance import Manifest

    print(
        f"{args.workers} workers x {args.threads} threads; one process: {args.parallel} "
        f"threads; latency {args.latency} s; {os.cpu_count()} CPUs"
    )
    clusters = {}
    with (
        local_archive(latency=args.latency, synthetic_file_size=FILE_SIZE) as archive,
        tempfile.TemporaryDirectory(prefix="bench_dask_") as tmp,
    ):
        glue_mast.configure(server=archive.url)
        for processes in (False, True):
            cluster = LocalCluster(
                n_workers=args.workers,
                threads_per_worker=args.threads,
                processes=processes,
                dashboard_address=":0",
            )
            clusters["processes" if processes else "threads"] = (cluster, Client(cluster))
        try:
            for n in args.sizes:
                products = _products(n)
                start = time.perf_counter()
                one = glue_mast.fetch(products, Path(tmp, f"{n}-one"), parallel=args.parallel)
                fetch_one = time.perf_counter() - start
                assert one.ok and len(one.downloaded) == n, one.summary()
                manifest = Manifest.read(Path(tmp, f"{n}-one", "manifest.json"))
                start = time.perf_counter()
                assert manifest.verify()
                verify_one = time.perf_counter() - start
                print(f"N={n:>5} one process: fetch {fetch_one:6.2f} s, verify {verify_one:.3f} s")
                for name, (_, client) in clusters.items():
                    root = Path(tmp, f"{n}-{name}")
                    start = time.perf_counter()
                    spread = glue_mast.fetch(products, root, client=client)
                    fetch_s = time.perf_counter() - start
                    assert spread.ok and len(spread.downloaded) == n, spread.summary()
                    same = _comparable(root / "manifest.json") == _comparable(
                        Path(tmp, f"{n}-one", "manifest.json")
                    )
                    start = time.perf_counter()
                    assert verify_on_cluster(Manifest.read(root / "manifest.json"), client)
                    verify_s = time.perf_counter() - start
                    print(
                        f"N={n:>5} {name:>9}: fetch {fetch_s:6.2f} s "
                        f"({1000 * (fetch_s - fetch_one) / n:+.2f} ms/file), verify "
                        f"{verify_s:.3f} s; manifest identical: {same}"
                    )
        finally:
            for cluster, client in clusters.values():
                client.close()
                cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
