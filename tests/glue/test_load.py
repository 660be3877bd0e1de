"""glue_mast.load end to end: the local archive, the real astroquery client, glue-core."""

import json

import numpy as np
import pytest
from glue.core import DataCollection
from glue.core.application_base import Application

import glue_mast
from glue_mast.glue.coordinates import SpectralAxisCoordinates
from glue_mast.glue.links import SpectralAxisLink, TimeAxisLink
from glue_mast.provenance.queries import full_queries
from glue_mast.util import sha256_of

TW_HYA_LABELS = ["OBF501020 (HST STIS/CCD)", "lwp31270 (IUE LWP)", "swp54419 (IUE SWP)"]


def fetch_every_calibrated_product(target, download_dir, obs_ids):
    """Like the ``fetch_from_archive`` fixture, but with every calibrated science product of
    the observations, not only MAST's recommended ones (``mrp_only=False``)."""
    observations = glue_mast.search(target=target, radius="0.02 deg").all()
    observations = observations[np.isin(observations["obs_id"], obs_ids)]
    products = glue_mast.products(observations, mrp_only=False)
    return glue_mast.fetch(products, download_dir=download_dir)


def test_fetch_then_load_labels_links_provenance_units(fetched_tw_hya):
    dc = DataCollection()
    loaded = glue_mast.load(fetched_tw_hya, dc)
    assert [d.label for d in loaded] == TW_HYA_LABELS
    assert list(dc) == list(loaded)
    assert loaded.problems == []
    # every spectrum linked to the first, on the spectral axis
    assert len(loaded.links) == 2 and list(dc.external_links) == loaded.links
    assert all(isinstance(link, SpectralAxisLink) for link in loaded.links)
    assert {link.data2.label for link in loaded.links} == set(TW_HYA_LABELS[1:])

    manifest = fetched_tw_hya.manifest
    for data in loaded:
        assert isinstance(data.coords, SpectralAxisCoordinates)
        assert data.get_component("Wavelength").units == "Angstrom"
        assert data.get_component("flux").units == "erg / (Angstrom s cm2)"
        meta = data.meta["glue_mast"]
        json.dumps(meta, allow_nan=False)  # plain JSON only
        record = manifest.dataset_for(data._load_log.path)
        assert meta["dataset"]["dataURI"] == record["dataURI"]
        assert meta["dataset"]["sha256"] == record["sha256"] == sha256_of(record["path"])
        assert meta["dataset"]["obs_id"] == record["obs_id"]
        assert meta["label"] == data.label
        assert [q["summary"]["service"] for q in meta["queries"]] == [
            "Mast.Caom.Cone",
            "Mast.Caom.Products",
        ]
        assert meta["queries"][0]["summary"]["target"] == "TW Hya"
        assert str(record["obsid"]) in full_queries(meta, manifest)[1]["obsids"]
    swp = dc["swp54419 (IUE SWP)"]
    assert swp.meta["glue_mast"]["dataset"]["path"] == "IUE/swp54419/swp54419mxlo_vo.fits"
    assert swp.meta["glue_mast"]["reader"] == "glue-mast: MAST VO spectrum"


def test_load_from_a_manifest_path_and_from_paths_alone(fetched_tw_hya):
    by_manifest = glue_mast.load(fetched_tw_hya.manifest.path)
    by_paths = glue_mast.load([str(p) for p in fetched_tw_hya.paths])
    assert [d.label for d in by_manifest] == [d.label for d in by_paths] == TW_HYA_LABELS
    # paths alone: provenance from the manifest.json beside them
    for a, b in zip(by_manifest, by_paths, strict=True):
        assert a.meta["glue_mast"] == b.meta["glue_mast"]
    assert len(by_paths.data_collection) == 3


def test_loading_again_adds_no_second_copy(fetched_tw_hya):
    dc = DataCollection()
    first = glue_mast.load(fetched_tw_hya, dc)
    links = len(dc.external_links)
    again = glue_mast.load(fetched_tw_hya, dc)
    assert list(again) == [] and again.problems == []
    assert again.already_loaded == [d.label for d in first] == TW_HYA_LABELS
    assert [d.label for d in dc] == TW_HYA_LABELS
    assert len(dc.external_links) == links


def test_another_file_with_the_same_labels_keeps_labels_unique(fetched_tw_hya, tmp_path):
    import shutil

    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    # The same observations fetched again elsewhere are the same datasets (by their MAST
    # record): not added. A copy with no record is another dataset, with its own label.
    copy = tmp_path / "copy" / fetched_tw_hya.paths[0].name
    copy.parent.mkdir()
    shutil.copyfile(fetched_tw_hya.paths[0], copy)
    more = glue_mast.load([copy], dc)
    assert len(more) >= 1
    assert len({d.label for d in dc}) == len(dc)


@pytest.mark.filterwarnings("ignore:Error validating header")  # astropy, on the broken file
def test_unreadable_files_get_one_message_each_and_the_rest_load(fetched_tw_hya, tmp_path):
    broken = tmp_path / "analysis" / "mast_data" / "broken_x1d.fits"
    broken.write_bytes(b"SIMPLE  =                    T" + b" " * 50)
    missing = tmp_path / "gone_x1d.fits"
    paths = [*fetched_tw_hya.paths, broken, missing]
    loaded = glue_mast.load(paths)
    assert [d.label for d in loaded] == TW_HYA_LABELS
    assert sorted(p.path.name for p in loaded.problems) == ["broken_x1d.fits", "gone_x1d.fits"]
    messages = {p.path.name: p.message for p in loaded.problems}
    assert "gone_x1d.fits" in messages["gone_x1d.fits"]
    assert "no such file" in messages["gone_x1d.fits"]
    assert "broken_x1d.fits" in messages["broken_x1d.fits"]
    assert all("\n" not in m for m in messages.values())


def test_a_pixel_file_loads_as_a_time_cube_linked_to_light_curves(
    fetch_from_archive, tmp_path
):
    from glue.core.subset import RangeSubsetState

    from glue_mast.glue.coordinates import TimeCubeCoordinates

    folder = tmp_path / "analysis" / "mast_data"
    k2 = fetch_from_archive("EPIC 211983544", folder)
    tess = fetch_from_archive("TIC 358108509", folder)
    dc = DataCollection()
    loaded = glue_mast.load([*k2.paths, *tess.paths], dc)
    assert loaded.problems == []
    pixels, lc = loaded
    assert pixels.label == "ktwo211983544-c18_lc (K2 Kepler)"  # the archive's obs_id
    assert isinstance(pixels.coords, TimeCubeCoordinates)
    assert pixels.shape == (20, 5, 7)
    assert [c.label for c in pixels.world_component_ids] == ["Time", "Row", "Column"]
    assert [c.label for c in pixels.main_components] == [
        "flux",
        "flux_err",
        "flux_bkg",
        "flux_bkg_err",
    ]
    assert pixels.get_component("flux").units == "electron / s"
    assert pixels.get_component("Time").units == "d"
    assert pixels.meta["glue_mast"]["time"]["format"] == "bkjd"
    (link,) = loaded.links
    assert isinstance(link, TimeAxisLink)
    frame_times = pixels["Time"][:, 0, 0]
    # the TESS light curve's time (BTJD) is derivable for every pixel: BKJD + 2454833 - 2457000
    assert np.allclose(pixels[lc.id["time"]][:, 0, 0], frame_times - 2167.0, rtol=0, atol=1e-9)
    state = RangeSubsetState(frame_times[2] - 1e-6, frame_times[4] + 1e-6, pixels.id["Time"])
    mask = pixels.get_mask(state)
    assert mask[2:5].all() and not mask[:2].any() and not mask[5:].any()
    glue_mast.save_session(dc, tmp_path / "analysis" / "pixels.glu")
    restored = glue_mast.restore_session(tmp_path / "analysis" / "pixels.glu")[0]
    assert isinstance(restored.coords, TimeCubeCoordinates)
    again = RangeSubsetState(frame_times[2] - 1e-6, frame_times[4] + 1e-6, restored.id["Time"])
    assert np.array_equal(restored.get_mask(again), mask)


def test_light_curves_load_with_time_quality_and_a_time_link(fetched_light_curves):
    kepler, tess = fetched_light_curves
    dc = DataCollection()
    loaded = glue_mast.load([*kepler.paths, *tess.paths], dc)
    assert [d.label for d in loaded] == [
        "kplr010002792_lc_Q111111111111111111 (Kepler)",
        "tess2018206045859-s0001-0000000358108509-0120-s (TESS Photometer)",
    ]
    k, t = loaded
    for data in loaded:
        names = [c.label for c in data.main_components]
        assert names[:4] == ["time", "flux", "flux_err", "quality"]
        assert data.get_component("time").units == "d"
        assert data.get_component("flux").units == "electron / s"
        assert data.meta["glue_mast"]["dataset"]["dataURI"].startswith("mast:")
    assert k.meta["glue_mast"]["time"] == {
        "reference_jd": 2454833.0,
        "scale": "tdb",
        "format": "bkjd",
    }
    assert t.meta["glue_mast"]["time"]["reference_jd"] == 2457000.0
    # one manifest holds both fetches; each light curve keeps only the queries it came from
    assert [q.get("target") for q in full_queries(k)] == ["KIC 10002792", None]
    assert [q.get("target") for q in full_queries(t)] == ["TIC 358108509", None]
    (link,) = loaded.links
    assert isinstance(link, TimeAxisLink)
    # each light curve's time seen in the other's system: BTJD = BKJD + 2454833 - 2457000
    assert np.allclose(k[t.id["time"]], k["time"] + 2454833.0 - 2457000.0, rtol=0, atol=1e-9)
    assert np.allclose(t[k.id["time"]], t["time"] + 2457000.0 - 2454833.0, rtol=0, atol=1e-9)


def test_load_into_an_application_and_without_links(fetched_tw_hya):
    app = Application()
    loaded = glue_mast.load(fetched_tw_hya, app, link=False)
    assert loaded.data_collection is app.data_collection
    assert len(app.data_collection) == 3 and loaded.links == []


def test_load_refuses_what_is_not_a_fetch():
    from glue_mast.errors import InputError

    with pytest.raises(InputError, match="load takes a fetch result, a manifest"):
        glue_mast.load(42)


def test_read_in_a_worker_thread_then_add(fetched_tw_hya):
    from concurrent.futures import ThreadPoolExecutor

    from glue_mast.glue.loading import add_datasets, read_datasets

    with ThreadPoolExecutor(1) as pool:
        read = pool.submit(read_datasets, fetched_tw_hya).result()
    assert len(read.datasets) == 3 and all(d.hub is None for d in read.datasets)
    dc = DataCollection()
    loaded = add_datasets(read, dc)
    assert [d.label for d in dc] == TW_HYA_LABELS and len(loaded.links) == 2


def test_files_a_fetch_skipped_are_reported(local_mast, tmp_path, caplog):
    # LF7Z01010 is exclusive access: without a token its two files are skipped (both of them,
    # not only the recommended x1dsum: every skipped file is reported, each on its own)
    fetched = fetch_every_calibrated_product("TW Hya", tmp_path / "f", ["LF7Z01010", "swp54419"])
    assert len(fetched.skipped) == 2
    with caplog.at_level("WARNING", logger="glue_mast"):
        loaded = glue_mast.load(fetched)
    assert caplog.messages == []  # the fetch said so already: problems, not warnings again
    assert [d.label for d in loaded] == ["swp54419 (IUE SWP)"]
    assert sorted(p.path.name for p in loaded.problems) == [
        "lf7z01010_x1dsum.fits",
        "lf7z0101q_x1d.fits",
    ]
    assert loaded.problems[0].message.startswith(
        f"{loaded.problems[0].path.name} was not loaded: it was skipped: "
    )


def test_glue_mast_glue_load_stays_the_function_once_its_module_is_imported():
    import importlib

    import glue_mast.glue

    importlib.import_module("glue_mast.glue.loading")
    glue_mast.load
    assert callable(glue_mast.glue.load) and glue_mast.glue.load is glue_mast.load
