"""Sessions with their manifest: save, restore, move, missing files, reproduce."""

import json
import shutil

import numpy as np
import pytest
from astropy import units as u
from glue.core import DataCollection
from glue.core.application_base import Application
from glue.core.subset import RangeSubsetState

import glue_mast
from glue_mast.errors import InputError
from glue_mast.glue.links import SpectralAxisLink
from glue_mast.glue.session import file_of, manifest_path_for, session_files, session_manifest
from glue_mast.provenance.manifest import Manifest

STIS = "OBF501020 (HST STIS/CCD)"


def fetch_every_calibrated_product(target, download_dir, obs_ids):
    """Like the ``fetch_from_archive`` fixture, but with every calibrated science product of
    the observations, not only MAST's recommended ones (``mrp_only=False``)."""
    observations = glue_mast.search(target=target, radius="0.02 deg").all()
    observations = observations[np.isin(observations["obs_id"], obs_ids)]
    products = glue_mast.products(observations, mrp_only=False)
    return glue_mast.fetch(products, download_dir=download_dir)


def _selected(data, state):
    return data[data.id["Wavelength"]][data.get_mask(state)]


@pytest.fixture
def analysis(fetched_tw_hya, tmp_path, new_spectrum):
    """A glue Application holding TW Hya's three spectra and, written as a file of its own
    in micron, the STIS spectrum converted (no MAST record), all linked, and a subset."""
    app = Application()
    glue_mast.load(fetched_tw_hya, app)
    stis = app.data_collection[STIS]
    wave_um = (stis["Wavelength"] * u.AA).to(u.um)
    converted = new_spectrum(wave_um, mask=False)
    converted_path = tmp_path / "analysis" / "mine" / "stis_in_micron_spec.fits"
    converted_path.parent.mkdir()
    converted.write(converted_path, format="tabular-fits")
    glue_mast.load([converted_path], app)
    app.data_collection.new_subset_group(
        "line", RangeSubsetState(5600.0, 5700.0, stis.id["Wavelength"])
    )
    return app


def test_save_writes_session_and_manifest_that_verifies(analysis, tmp_path):
    saved = glue_mast.save_session(analysis, tmp_path / "analysis" / "analysis.glu")
    session = tmp_path / "analysis" / "analysis.glu"
    manifest_path = tmp_path / "analysis" / "analysis.provenance.json"
    assert saved.session == session and saved.manifest.path == manifest_path
    assert (tmp_path / "analysis" / "analysis.provenance.ecsv").is_file()
    manifest = Manifest.read(manifest_path)
    assert len(manifest) == 3  # the converted file has no MAST record
    assert manifest.extra["session"] == "analysis.glu"
    assert manifest.extra["unrecorded"] == ["stis_in_micron_spec"]
    report = manifest.verify()
    assert bool(report) and len(report.ok) == 3
    written = json.loads(manifest_path.read_text())
    assert sorted(d["path"] for d in written["datasets"]) == [
        "mast_data/HST/OBF501020/obf501020_x1d.fits",
        "mast_data/IUE/lwp31270/lwp31270mxlo_vo.fits",
        "mast_data/IUE/swp54419/swp54419mxlo_vo.fits",
    ]
    assert sorted(d["label"] for d in written["datasets"]) == [
        "OBF501020 (HST STIS/CCD)",
        "lwp31270 (IUE LWP)",
        "swp54419 (IUE SWP)",
    ]
    assert [q["service"] for q in written["queries"]] == ["Mast.Caom.Cone", "Mast.Caom.Products"]
    # the session stores paths relative to itself, and no component arrays
    assert set(session_files(session)) == {
        tmp_path / "analysis" / "mine" / "stis_in_micron_spec.fits",
        *(tmp_path / "analysis" / d["path"] for d in written["datasets"]),
    }
    state = json.loads(session.read_text())
    assert str(tmp_path) not in session.read_text()
    components = [r for r in state.values() if r.get("_type") == "glue.core.component.Component"]
    # flux, uncertainty and mask of three spectra; flux and uncertainty of the converted one
    assert len(components) == 3 * 3 + 2 and all("log" in r and "data" not in r for r in components)


def _check_restored(restored, original):
    dc = restored.data_collection
    assert [d.label for d in dc] == [d.label for d in original.data_collection]
    for new, old in zip(dc, original.data_collection, strict=True):
        assert dict(new.meta) == dict(old.meta)  # (OrderedDict: key order may differ)
        assert new.get_component("flux").units == old.get_component("flux").units
        assert np.array_equal(new["flux"], old["flux"], equal_nan=True)
    assert len(dc.external_links) == 3
    assert all(isinstance(link, SpectralAxisLink) for link in dc.external_links)
    # the subset drawn in Angstrom on STIS selects the same micron points of the converted file
    state = dc.subset_groups[0].subset_state
    micron = _selected(dc["stis_in_micron_spec"], state)
    angstrom = _selected(dc[STIS], state)
    assert len(micron) == len(angstrom) > 10
    assert np.allclose(micron, angstrom / 1e4, rtol=1e-12)
    assert dc["stis_in_micron_spec"].get_component("Wavelength").units == "um"


def test_subset_in_angstrom_selects_micron_points_before_and_after_restore(analysis, tmp_path):
    dc = analysis.data_collection
    state = dc.subset_groups[0].subset_state
    micron = _selected(dc["stis_in_micron_spec"], state)
    assert np.allclose(micron, _selected(dc[STIS], state) / 1e4, rtol=1e-12)
    assert 0.56 - 1e-12 <= micron.min() < micron.max() <= 0.57 + 1e-12
    glue_mast.save_session(analysis, tmp_path / "analysis" / "analysis.glu")
    restored = glue_mast.restore_session(tmp_path / "analysis" / "analysis.glu")
    assert type(restored) is Application
    _check_restored(restored, analysis)


def test_a_moved_directory_still_restores(analysis, tmp_path):
    glue_mast.save_session(analysis, tmp_path / "analysis" / "analysis.glu")
    moved = shutil.copytree(tmp_path / "analysis", tmp_path / "elsewhere" / "copy")
    shutil.rmtree(tmp_path / "analysis")
    restored = glue_mast.restore_session(moved / "analysis.glu")
    _check_restored(restored, analysis)
    assert file_of(restored.data_collection[STIS]).is_relative_to(moved)
    assert bool(Manifest.read(moved / "analysis.provenance.json").verify())
    # and a restored session saves again, with the same manifest
    again = glue_mast.save_session(restored, moved / "again.glu")
    assert len(again.manifest) == 3 and bool(Manifest.read(again.manifest.path).verify())


def test_a_data_collection_saves_and_restores_as_one(fetched_tw_hya, tmp_path):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    glue_mast.save_session(dc, tmp_path / "analysis" / "dc.glu")
    restored = glue_mast.restore_session(tmp_path / "analysis" / "dc.glu")
    assert isinstance(restored, DataCollection)
    assert [d.label for d in restored] == [d.label for d in dc]
    assert [dict(d.meta) for d in restored] == [dict(d.meta) for d in dc]


def test_missing_files_are_named_with_the_way_to_fetch_them_again(analysis, tmp_path):
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    shutil.rmtree(tmp_path / "analysis" / "mast_data" / "IUE")
    with pytest.raises(InputError) as caught:
        glue_mast.restore_session(session, fetch_missing=False)
    message = str(caught.value)
    assert message.startswith("Cannot restore analysis.glu: 2 of its files are missing: ")
    assert "mast_data/IUE/lwp31270/lwp31270mxlo_vo.fits" in message
    assert f"glue-mast reproduce {manifest_path_for(session)}" in message


def test_reproduce_from_the_session_manifest_then_restore(analysis, tmp_path, local_mast):
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    shutil.rmtree(tmp_path / "analysis" / "mast_data" / "IUE")
    local_mast.clear_log()
    result, report = glue_mast.reproduce(manifest_path_for(session))
    assert bool(report) and len(report.ok) == 3
    downloads = [r for r in local_mast.log if r.path == "/api/v0.1/Download/file"]
    assert len(downloads) == 2  # only the two missing files
    manifest = Manifest.read(manifest_path_for(session))
    assert manifest.extra["session"] == "analysis.glu"  # still the session's manifest
    assert sorted(d["label"] for d in manifest.datasets) == [
        "OBF501020 (HST STIS/CCD)",
        "lwp31270 (IUE LWP)",
        "swp54419 (IUE SWP)",
    ]
    restored = glue_mast.restore_session(session)
    _check_restored(restored, analysis)


def test_restore_fetches_missing_files_again_and_checks_their_sha256(
    analysis, tmp_path, local_mast
):
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    shutil.rmtree(tmp_path / "analysis" / "mast_data" / "IUE")
    local_mast.clear_log()
    restored = glue_mast.restore_session(session)
    downloads = [r for r in local_mast.log if r.path == "/api/v0.1/Download/file"]
    assert len(downloads) == 2  # only the two missing files
    _check_restored(restored, analysis)
    assert Manifest.read(manifest_path_for(session)).verify()


def test_restore_refuses_files_that_come_back_with_other_bytes(analysis, tmp_path, local_mast):
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    manifest_file = manifest_path_for(session)
    record = json.loads(manifest_file.read_text())
    iue = [d for d in record["datasets"] if d["obs_collection"] == "IUE"]
    for d in iue:  # as if MAST now served other bytes under these names
        d["sha256"] = "0" * 64
    manifest_file.write_text(json.dumps(record))
    shutil.rmtree(tmp_path / "analysis" / "mast_data" / "IUE")
    with pytest.raises(InputError, match="could not be fetched again with the SHA-256"):
        glue_mast.restore_session(session)
    assert not list((tmp_path / "analysis" / "mast_data").rglob("*vo.fits"))


def test_the_command_line_reproduces_a_session_manifest(analysis, tmp_path, local_mast):
    import subprocess
    import sys
    from pathlib import Path

    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    (tmp_path / "analysis" / "mast_data" / "IUE" / "swp54419" / "swp54419mxlo_vo.fits").unlink()
    exe = Path(sys.executable).with_name("glue-mast")
    local_mast.clear_log()
    done = subprocess.run(
        # The server the user chose: a manifest's own is never used.
        [exe, "reproduce", str(manifest_path_for(session)), "--server", local_mast.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len([r for r in local_mast.log if r.path == "/api/v0.1/Download/file"]) == 1
    assert isinstance(glue_mast.restore_session(session), Application)


def test_files_outside_the_session_directory_are_refused(fetched_tw_hya, tmp_path):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    inner = tmp_path / "analysis" / "sessions" / "s.glu"
    with pytest.raises(InputError, match="must be in .*sessions or below it"):
        glue_mast.save_session(dc, inner)
    assert not inner.parent.exists()


def test_a_changed_file_is_refused_and_nothing_is_written(fetched_tw_hya, tmp_path):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    path = fetched_tw_hya.manifest.datasets[0]["path"]
    with open(path, "r+b") as f:
        f.seek(-1, 2)
        f.write(b"!")
    session = tmp_path / "analysis" / "s.glu"
    with pytest.raises(InputError, match="wrong checksum"):
        glue_mast.save_session(dc, session)
    assert not session.exists() and not manifest_path_for(session).exists()


def test_session_manifest_groups_the_parts_of_one_file(local_mast, tmp_path):
    # The x1d and the x1dsum (MAST recommends only the x1dsum): two files of two parts each
    fetched = fetch_every_calibrated_product("TW Hya", tmp_path / "cos", ["LB4M01010"])
    dc = DataCollection()
    loaded = glue_mast.load(fetched, dc)
    assert len(loaded) == 4  # two files, two segments each
    manifest = session_manifest(dc, tmp_path / "cos" / "x.provenance.json")
    assert len(manifest) == 2
    labels = sorted(d["labels"] for d in manifest.datasets)
    assert labels == [
        ["LB4M01010 X1D FUVA (HST COS/FUV)", "LB4M01010 X1D FUVB (HST COS/FUV)"],
        ["LB4M01010 X1DSUM FUVA (HST COS/FUV)", "LB4M01010 X1DSUM FUVB (HST COS/FUV)"],
    ]
    # a renamed dataset is recorded under its new label
    loaded[0].label = "my FUVA"
    manifest = session_manifest(dc, tmp_path / "cos" / "x.provenance.json")
    assert "my FUVA" in [label for d in manifest.datasets for label in d["labels"]]


def test_meta_glue_could_not_restore_stops_the_save(fetched_tw_hya, tmp_path):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    dc[STIS].meta["extensions"] = {"names": [{1: "SCI"}]}
    session = tmp_path / "analysis" / "s.glu"
    with pytest.raises(InputError) as caught:
        glue_mast.save_session(dc, session)
    assert str(caught.value).startswith(
        f"The session was not saved: dataset {STIS!r} has meta['extensions']['names'][0][1], a"
        " key that is not a string"
    )
    assert not session.exists() and not manifest_path_for(session).exists()


def test_meta_glue_cannot_serialize_stops_the_save_and_writes_nothing(fetched_tw_hya, tmp_path):
    from astropy.time import Time
    from glue.core.state import GlueSerializeError

    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    dc[STIS].meta["when"] = {"observed": Time("2020-01-01")}
    session = tmp_path / "analysis" / "s.glu"
    with pytest.raises(GlueSerializeError, match="Don't know how to serialize"):
        glue_mast.save_session(dc, session)
    assert not session.exists() and not manifest_path_for(session).exists()


def test_a_file_that_changed_size_stops_the_restore_unless_asked(analysis, tmp_path):
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    swp = tmp_path / "analysis" / "mast_data" / "IUE" / "swp54419" / "swp54419mxlo_vo.fits"
    with open(swp, "ab") as f:
        f.write(b"\0" * 2880)  # one more FITS block: still readable, not the same file
    with pytest.raises(InputError) as caught:
        glue_mast.restore_session(session)
    assert str(caught.value).startswith(
        "Not restoring analysis.glu: 1 of its files are not the ones it was saved with"
        " (mast_data/IUE/swp54419/swp54419mxlo_vo.fits changed size)."
    )
    restored = glue_mast.restore_session(session, check=False)
    assert len(restored.data_collection) == 4


def test_a_2d_spectrum_links_to_1d_spectra_in_other_units_through_a_session(
    local_mast, tmp_path
):
    # WASP-39: HST STIS CCD in Angstrom; JWST NIRSpec prism x1d and s2d in micron (the s2d is
    # not among MAST's recommended products, hence every calibrated product)
    fetched = fetch_every_calibrated_product(
        "WASP-39",
        tmp_path / "analysis" / "mast_data",
        ["OD9M99010", "jw01366-o004_t001_nirspec_clear-prism-s1600a1-sub512"],
    )
    dc = DataCollection()
    loaded = glue_mast.load(fetched, dc)
    stis, s2d, x1d = loaded
    assert s2d.label.startswith("S2D jw") and x1d.label.startswith("X1D jw")  # the type leads
    assert s2d.shape == (30, 400) and len(loaded.links) == 2

    def check(dc):
        stis, s2d, x1d = dc
        state = RangeSubsetState(8000.0, 9000.0, stis.id["Wavelength"])
        picked = x1d[x1d.id["Wavelength"]][x1d.get_mask(state)]
        assert len(picked) > 5 and picked.min() >= 0.8 and picked.max() <= 0.9
        columns = s2d.get_mask(state)
        assert columns.shape == (30, 400)
        assert (columns == columns[0]).all()  # whole columns: every cross-dispersion row
        assert np.allclose(s2d[s2d.id["Wavelength"]][0][columns[0]], picked)

    check(dc)
    glue_mast.save_session(dc, tmp_path / "analysis" / "wasp39.glu")
    check(glue_mast.restore_session(tmp_path / "analysis" / "wasp39.glu"))


# --- a received session: its manifest chooses neither the server nor what is written ---------


@pytest.mark.parametrize(
    "variant", ["plain", "userinfo", "user-password", "case-and-path", "backslash"]
)
def test_restore_never_sends_the_token_to_a_server_the_manifest_names(
    analysis, tmp_path, local_mast, other_host, other_servers, variant
):
    import warnings

    from glue_mast.archive.fetch.trust import OtherServerNamed
    from glue_mast.testing import VALID_TOKEN

    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    manifest_file = manifest_path_for(session)
    record = json.loads(manifest_file.read_text())
    record["server"] = other_servers[variant]
    for d in record["datasets"]:  # so that the token goes with every download
        d["dataRights"] = "EXCLUSIVE_ACCESS"
    manifest_file.write_text(json.dumps(record))
    shutil.rmtree(tmp_path / "analysis" / "mast_data" / "IUE")
    glue_mast.configure(token=VALID_TOKEN)
    local_mast.clear_log()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        restored = glue_mast.restore_session(session)
    assert other_host.log == []
    downloads = [r for r in local_mast.log if r.path == "/api/v0.1/Download/file"]
    assert len(downloads) == 2
    assert all(r.headers.get("Cookie") == f"mast_token={VALID_TOKEN}" for r in downloads)
    assert [str(w.message).split(";")[0] for w in said if w.category is OtherServerNamed] == [
        f"the manifest analysis.provenance.json names the server {other_servers[variant]!r}"
    ]
    _check_restored(restored, analysis)


@pytest.mark.parametrize("with_sha256", [True, False])
def test_restore_never_writes_over_a_file_the_manifest_names(
    analysis, tmp_path, local_mast, with_sha256
):
    """A received session's manifest names the person's notes.txt, and one of the session's
    files is missing: the restore fetches that one, leaves notes.txt as it was, and stops,
    saying why."""
    session = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(analysis, session)
    notes = tmp_path / "analysis" / "notes.txt"
    notes.write_text("my own notes\n")
    manifest_file = manifest_path_for(session)
    record = json.loads(manifest_file.read_text())
    planted = dict(record["datasets"][0], path="notes.txt")
    if not with_sha256:
        del planted["sha256"]
    record["datasets"].append(planted)
    manifest_file.write_text(json.dumps(record))
    shutil.rmtree(tmp_path / "analysis" / "mast_data" / "IUE")
    with pytest.raises(InputError) as caught:
        glue_mast.restore_session(session)
    assert notes.read_text() == "my own notes\n"
    message = str(caught.value)
    assert message.startswith(
        "Cannot restore analysis.glu: the files its manifest analysis.provenance.json lists do"
        " not all match it (notes.txt: not replaced: notes.txt is there already"
    )
    assert "wrong size: notes.txt" in message
    assert "\n" not in message
