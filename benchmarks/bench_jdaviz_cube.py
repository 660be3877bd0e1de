"""Benchmark: one JWST s3d cube loaded through the MAST Search plugin against Jdaviz's own load.

The target (from the issue), on the local archive: loading AU Mic's s3d cube through the
plugin (the file from the download cache, read, described with its provenance, loaded with
its uncertainty and mask and collapsed spectrum) costs at most 1.2x Jdaviz's own
reading of the same file and ``app.load(cube, format="3D Spectrum", ...)`` asked for the same
viewers, which does the same work without the fetch check, the labels and the provenance.
Both in the same run, each in a fresh App, median of ``--repeat`` runs, taken in turn.

The plugin shows the cube's mask in a viewer of its own (Jdaviz's default shows the flux and
the uncertainty only), and one more viewer is most of a load's cost beside glue-mast's own
work (a few hundredths of a second: reading the cached file's description, the provenance);
so the comparison asks Jdaviz for that viewer too (``mask_viewer="Mask"``). The load with
Jdaviz's default viewers is printed as well, for what a viewer costs.

Run it from the repository root::

    python benchmarks/bench_jdaviz_cube.py [--repeat 3] [--json results.json]

Exit status: 0 if the target is met, 1 if it is missed, 2 on error.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _archive import local_archive, machine_description

RATIO = 1.2
S3D = "jw02925-o001_t001_nirspec_g395h-f290lp_s3d.fits"


def _plugin(app):
    plg = app.plugins["MAST Search"]
    # the s3d is not among MAST's recommended products (the x1d is), the plugin's default
    plg._obj.mrp_only = False
    plg.target = "AU Mic"
    plg.criteria = {"obs_collection": "JWST"}
    plg.search()
    plg.select(observations="all", products=[S3D])
    return plg


def _load_with_plugin():
    import jdaviz

    app = jdaviz.App()
    plg = _plugin(app)
    gc.collect()  # the apps of earlier runs: their garbage is not this run's time
    start = time.perf_counter()
    plg.load_selected()
    seconds = time.perf_counter() - start
    assert "not loaded" not in plg.message, plg.message
    return seconds, len(app._app.data_collection), len(app.viewers)


def _load_with_jdaviz(path, same_viewers=True):
    """Read the file and ``app.load`` the cube: Jdaviz's own FITS parser does not take an s3d
    whose ASDF tree has no gwcs (the local archive's), so the file is read as specutils reads
    a cube from its FITS WCS (`glue_mast.io.read`), inside the timing. With ``same_viewers``,
    into the viewers the plugin shows it in (its uncertainty and its mask each in their own);
    otherwise into Jdaviz's default ones."""
    import jdaviz

    from glue_mast import io
    from glue_mast.jdaviz.loading import _CUBE_VIEWERS

    app = jdaviz.App()
    gc.collect()
    start = time.perf_counter()
    (item,) = io.read(path)
    app.load(item.data, format="3D Spectrum", **(_CUBE_VIEWERS if same_viewers else {}))
    return time.perf_counter() - start, len(app._app.data_collection), len(app.viewers)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    print(machine_description())
    with tempfile.TemporaryDirectory() as workdir, local_archive(latency=args.latency) as archive:
        import jdaviz

        import glue_mast
        from glue_mast.archive import astroquery_adapter

        os.chdir(workdir)
        glue_mast.configure(server=archive.url, cache_dir=Path(workdir) / "cache", timeout=120)
        astroquery_adapter.apply()
        (path,) = _plugin(jdaviz.App()).fetch().paths  # into the cache, once
        _load_with_plugin()  # warm: imports, the importers' first use
        _load_with_jdaviz(path)
        plugin, own, default = [], [], []
        for _ in range(args.repeat):
            seconds, n_plugin, v_plugin = _load_with_plugin()
            plugin.append(seconds)
            seconds, n_own, v_own = _load_with_jdaviz(path)
            own.append(seconds)
            seconds, _n, v_default = _load_with_jdaviz(path, same_viewers=False)
            default.append(seconds)
    results = {
        "plugin_s": statistics.median(plugin),
        "jdaviz_s": statistics.median(own),
        "jdaviz_default_viewers_s": statistics.median(default),
        "plugin_datasets": n_plugin,
        "jdaviz_datasets": n_own,
        "plugin_viewers": v_plugin,
        "jdaviz_viewers": v_own,
        "jdaviz_default_viewers": v_default,
    }
    ratio = results["plugin_s"] / results["jdaviz_s"]
    results["ratio"] = ratio
    ok = ratio <= RATIO
    print(
        f"{S3D}: the plugin made {n_plugin} datasets (cube, uncertainty, mask, collapsed "
        f"spectrum) with provenance in {v_plugin} viewers; jdaviz's own load of the file made "
        f"{n_own} in {v_own} viewers ({v_default} with its default viewers: "
        f"{results['jdaviz_default_viewers_s']:.2f} s)"
    )
    print(
        f"{'PASS' if ok else 'FAIL'}  loading one s3d through the plugin <= {RATIO}x jdaviz's "
        f"app.load of the file: {results['plugin_s']:.2f} s vs {results['jdaviz_s']:.2f} s "
        f"({ratio:.2f}x)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(2)
