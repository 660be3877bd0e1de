import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from astropy import units as u
from glue.core import DataCollection
from glue.core.state import GlueSerializer, GlueUnSerializer

from glue_mast.glue.coordinates import SpectralAxisCoordinates
from glue_mast.glue.data import (
    META_KEY,
    base_label,
    content_to_data,
    describe,
    label_choices,
    lightcurve_to_data,
    provenance,
    spectrum_to_data,
    unique_labels,
)
from glue_mast.provenance.manifest import Manifest
from glue_mast.provenance.queries import full_queries


def test_spectrum_components_units_and_coordinates(new_spectrum):
    spectrum = new_spectrum(np.linspace(1100, 1200, 11) * u.AA, flux_unit="erg / (s cm2 AA)")
    (data,) = spectrum_to_data(spectrum, "s")
    assert isinstance(data.coords, SpectralAxisCoordinates)
    assert [c.label for c in data.main_components] == ["flux", "uncertainty", "mask"]
    assert data.get_component("flux").units == "erg / (Angstrom s cm2)"
    assert data.get_component("uncertainty").units == "erg / (Angstrom s cm2)"
    assert data.get_component(data.world_component_ids[0]).units == "Angstrom"
    assert data["Wavelength"].tolist() == pytest.approx(np.linspace(1100, 1200, 11))
    assert data["mask"].tolist() == [True] + [False] * 9 + [True]
    assert data.meta["uncertainty_type"] == "std"


def test_spectrum_without_uncertainty_or_mask(new_spectrum):
    spectrum = new_spectrum(np.linspace(1, 2, 5) * u.um, uncertainty=False, mask=False)
    (data,) = spectrum_to_data(spectrum)
    assert [c.label for c in data.main_components] == ["flux"]
    assert "uncertainty_type" not in data.meta


def test_2d_flux_gives_one_data_per_row():
    from specutils import Spectrum

    flux = np.arange(12.0).reshape(2, 6) * u.Jy
    spectrum = Spectrum(spectral_axis=np.linspace(1, 2, 6) * u.um, flux=flux)
    rows = spectrum_to_data(spectrum, "x")
    assert [d.label for d in rows] == ["x row 0", "x row 1"]
    assert rows[1]["flux"].tolist() == list(range(6, 12))
    assert [d.meta[META_KEY]["row"] for d in rows] == [0, 1]


def test_spectrum_back_to_specutils_through_glue_astronomy(new_spectrum):
    import glue_astronomy.translators  # noqa: F401  (registers the translators)
    from specutils import Spectrum

    spectrum = new_spectrum(np.linspace(0.5, 1.0, 6) * u.um, flux_unit="mJy", mask=False)
    (data,) = spectrum_to_data(spectrum, "b")
    back = data.get_object(Spectrum)
    assert back.spectral_axis.unit == u.um
    assert back.flux.unit == u.mJy
    assert back.flux.value.tolist() == pytest.approx(spectrum.flux.value)
    assert back.uncertainty.array.tolist() == pytest.approx([0.1] * 6)


def test_lightcurve_time_flux_quality_and_time_system(new_lightcurve):
    lc = new_lightcurve([1325.0, 1325.5, 1326.0], "btjd")
    data = lightcurve_to_data(lc, "tess")
    names = [c.label for c in data.main_components]
    assert names[:4] == ["time", "flux", "flux_err", "quality"]
    assert data["time"].tolist() == [1325.0, 1325.5, 1326.0]
    assert data.get_component("time").units == "d"
    assert data.get_component("flux").units == "electron / s"
    system = data.meta[META_KEY]["time"]
    assert system == {"reference_jd": 2457000.0, "scale": "tdb", "format": "btjd"}


def test_lightcurve_masked_values_become_nan(new_lightcurve):
    lc = new_lightcurve([1.0, 2.0, 3.0], "bkjd")
    from astropy.utils.masked import Masked

    lc["flux"] = Masked([1.0, 2.0, 3.0] * lc.flux.unit, mask=[False, True, False])
    data = lightcurve_to_data(lc)
    assert np.isnan(data["flux"][1]) and data["flux"][2] == 3.0
    assert data.meta[META_KEY]["time"]["reference_jd"] == 2454833.0


def test_content_to_data_refuses_an_unknown_kind_with_a_message():
    item = SimpleNamespace(
        kind=SimpleNamespace(name="EVENTS", value="event list"),
        data=None,
        part="SCI",
        path=Path("x_evt.fits"),
    )
    with pytest.raises(TypeError, match=r"it holds an event list \(SCI\), which glue-mast does"):
        content_to_data(item)


def test_a_cube_whose_wcs_a_session_cannot_save_is_skipped_with_the_reason(tmp_path):
    from specutils import Spectrum

    cube = Spectrum(flux=np.ones((4, 3, 2)) * u.Jy, spectral_axis=np.arange(1, 3) * u.um)
    item = SimpleNamespace(
        kind=SimpleNamespace(name="SPECTRAL_CUBE", value="spectral cube"),
        data=cube,
        part=None,
        path=tmp_path / "missing_s3d.fits",
    )
    with pytest.raises(TypeError, match=r"it holds a spectral cube, which glue cannot show: its"
                       r" WCS is not a FITS WCS"):
        content_to_data(item)


def test_base_label_from_record_header_and_file():
    record = {"obs_collection": "HST", "instrument_name": "COS/FUV", "obs_id": "LB4M01010"}
    assert base_label(record, {"TELESCOP": "X"}, "FUVA") == "LB4M01010 FUVA (HST COS/FUV)"
    header = {"TELESCOP": "IUE", "INSTRUME": "SWP", "OBS_ID": "swp54419"}
    assert base_label(None, header) == "swp54419 (IUE SWP)"
    assert base_label(None, {}, None, "/x/obf501020_x1d.fits") == "obf501020_x1d"
    kepler = {"obs_collection": "Kepler", "instrument_name": "Kepler", "obs_id": "kplr1_lc"}
    assert base_label(kepler) == "kplr1_lc (Kepler)"


def test_label_choices_put_the_product_type_before_the_part():
    record = {
        "obs_collection": "HST",
        "instrument_name": "COS/FUV",
        "obs_id": "LB4M01010",
        "productSubGroupDescription": "X1DSUM",
    }
    assert label_choices(record, None, "FUVA", "/d/lb4m01010_x1dsum.fits") == (
        "LB4M01010 FUVA (HST COS/FUV)",
        "LB4M01010 X1DSUM FUVA (HST COS/FUV)",
    )
    # A JWST obs_id fills glue's data panel: the product type leads.
    jwst = {"obs_collection": "JWST", "instrument_name": "NIRSPEC/IFU",
            "obs_id": "jw02925-o001_t001_nirspec_g395h-f290lp",
            "productSubGroupDescription": "S3D"}
    assert label_choices(jwst, None, None, "/d/x_s3d.fits")[1] == (
        "S3D jw02925-o001_t001_nirspec_g395h-f290lp (JWST NIRSPEC/IFU)"
    )
    assert label_choices(None, {"TELESCOP": "IUE"}, None, "/d/swp1_vo.fits") == (
        "swp1_vo (IUE)",
        "swp1_vo (IUE)",
    )


def test_unique_labels_add_the_detail_then_a_number():
    wanted = [("HST A", "HST A X1DSUM"), ("HST A", "HST A X1D"), ("IUE SWP", "IUE SWP VO")]
    assert unique_labels(wanted) == ["HST A X1DSUM", "HST A X1D", "IUE SWP"]
    assert unique_labels([("IUE SWP", "IUE SWP VO")], taken=["IUE SWP", "IUE SWP VO"]) == [
        "IUE SWP VO_01"
    ]
    assert unique_labels([("K", "K"), ("K", "K")]) == ["K", "K_01"]


def _manifest(tmp_path):
    search = {"service": "Mast.Caom.Cone", "target": "TW Hya", "count": 2}
    listing = {"service": "Mast.Caom.Products", "obsids": ["11"], "kept": 1}
    other = {"service": "Mast.Caom.Filtered", "criteria_given": {"obs_collection": "TESS"}}
    other_listing = {"service": "Mast.Caom.Products", "obsids": ["99"], "kept": 1}
    record = {
        "obs_collection": "HST",
        "instrument_name": "COS/FUV",
        "obs_id": "LB4M01010",
        "obsid": "11",
        "parent_obsid": "11",
        "dataURI": "mast:HST/product/lb4m01010_x1dsum.fits",
        "size": 10,
        "sha256": "ab" * 32,
        "path": tmp_path / "HST" / "lb4m01010_x1dsum.fits",
        "t_obs_release": np.float64(55661.0),
    }
    return Manifest(
        server="http://mast.example",
        queries=[search, listing, other, other_listing],
        datasets=[record],
        path=tmp_path / "manifest.json",
    )


def test_provenance_is_plain_json_with_its_own_queries(tmp_path):
    manifest = _manifest(tmp_path)
    item = SimpleNamespace(
        kind=SimpleNamespace(name="SPECTRUM", value="spectrum"),
        part="FUVA",
        reader="glue-mast: HST/COS x1d",
        path=tmp_path / "HST" / "lb4m01010_x1dsum.fits",
        header={"TELESCOP": "HST", "INSTRUME": "COS", "RA_TARG": 1.0, "SEGMENT": "FUVA"},
    )
    # the queries of this load (here: the manifest's own list), those of the file kept
    meta = provenance(
        manifest.datasets[0], manifest=manifest, item=item, label="L", queries=manifest.queries
    )
    assert json.loads(json.dumps(meta, allow_nan=False)) == meta
    assert meta["dataset"]["path"] == "HST/lb4m01010_x1dsum.fits"
    assert meta["dataset"]["t_obs_release"] == 55661.0
    # each query named by id and summary; the whole records are the manifest's
    assert [q["summary"]["service"] for q in meta["queries"]] == [
        "Mast.Caom.Cone",
        "Mast.Caom.Products",
    ]
    assert meta["queries"][1]["summary"]["obsids"] == 1
    assert full_queries(meta, manifest)[1]["obsids"] == ["11"]
    assert meta["header"] == {"TELESCOP": "HST", "INSTRUME": "COS", "SEGMENT": "FUVA"}
    assert meta["fetch"] == {
        "downloaded": None,
        "server": "http://mast.example",
        "dataURI": "mast:HST/product/lb4m01010_x1dsum.fits",
        "size": 10,
        "sha256": "ab" * 32,
        "doi": None,
        "checked": "sha256",
    }
    # without the queries of a load, none: never the manifest's list of every search
    assert provenance(manifest.datasets[0], manifest=manifest, item=item)["queries"] == []
    assert (meta["label"], meta["part"], meta["kind"]) == ("L", "FUVA", "spectrum")
    assert (meta["server"], meta["manifest"]) == ("http://mast.example", "manifest.json")


def test_provenance_meta_survives_a_session_unchanged(tmp_path, new_spectrum):
    manifest = _manifest(tmp_path)
    (data,) = spectrum_to_data(new_spectrum(np.linspace(1, 2, 4) * u.um))
    describe(data, label="HST COS/FUV LB4M01010", record=manifest.datasets[0], manifest=manifest)
    dc = DataCollection([data])
    restored = GlueUnSerializer.loads(GlueSerializer(dc).dumps()).object("__main__")
    assert restored[0].label == "HST COS/FUV LB4M01010"
    assert restored[0].meta[META_KEY] == data.meta[META_KEY]
    assert restored[0].meta["uncertainty_type"] == "std"
