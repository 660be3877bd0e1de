"""Kepler, K2 and TESS products through lightkurve, on real pipeline files."""

import sys

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits

from glue_mast.errors import InputError, UnreadableProduct
from glue_mast.io import ContentKind, read
from glue_mast.io.lightcurves import import_lightkurve

TESS_LC = "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits"
KEPLER_LC = "kplr010002792-2009259160929_llc.fits"
K2_LC = "ktwo211117077-c04_llc.fits"
K2_TPF = "ktwo211983544-c18_lpd-targ.fits"
TESSCUT = "tess-s0001-4-3_107.27_-70.0_5x5_astrocut.fits"


def good_cadences(path, quality_column, bitmask):
    """Cadences lightkurve's default quality mask keeps: finite time, no default flag set."""
    with fits.open(path) as hdul:
        table = hdul[1].data
        keep = np.isfinite(table["TIME"]) & ((table[quality_column] & bitmask) == 0)
        return table["TIME"][keep]


def test_tess_light_curve(real_file):
    lightkurve = import_lightkurve()

    path = real_file(TESS_LC)
    (item,) = read(path)
    lc = item.data
    assert item.kind is ContentKind.LIGHTCURVE
    assert item.reader == "lightkurve"
    assert item.part is None
    assert item.path == path
    assert isinstance(lc, lightkurve.TessLightCurve)
    assert lc.flux.unit == u.electron / u.s
    assert lc.meta["FLUX_ORIGIN"] == "pdcsap_flux"
    assert lc.time.format == "btjd"
    assert lc.time.scale == "tdb"
    expected = good_cadences(path, "QUALITY", lightkurve.utils.TessQualityFlags.DEFAULT_BITMASK)
    assert len(lc) == len(expected) == 199
    assert lc.time[0].value == pytest.approx(expected[0], abs=1e-9)
    assert lc.time[-1].value == pytest.approx(expected[-1], abs=1e-9)
    assert item.header == {
        "TELESCOP": "TESS",
        "INSTRUME": "TESS Photometer",
        "CAMERA": 3,
        "OBJECT": "TIC 358108509",
        "RA_OBJ": 51.1119,
        "DEC_OBJ": -77.4515,
        "DATE-OBS": "2018-07-25T19:01:42.709Z",
        "PROCVER": "spoc-3.3.36-20180925",
        "DATA_REL": 1,
        "TICID": 358108509,
        "SECTOR": 1,
    }
    assert all(isinstance(v, (str, int, float, bool)) for v in item.header.values())


@pytest.mark.parametrize(
    ("name", "quarter_key", "value", "cadences"),
    [(KEPLER_LC, "QUARTER", 2, 186), (K2_LC, "CAMPAIGN", 4, 192)],
)
def test_kepler_and_k2_light_curves(real_file, name, quarter_key, value, cadences):
    lightkurve = import_lightkurve()

    path = real_file(name)
    (item,) = read(path)
    lc = item.data
    assert item.kind is ContentKind.LIGHTCURVE
    assert isinstance(lc, lightkurve.KeplerLightCurve)
    assert lc.flux.unit == u.electron / u.s
    assert lc.time.format == "bkjd"
    assert lc.time.scale == "tdb"
    bitmask = lightkurve.utils.KeplerQualityFlags.DEFAULT_BITMASK
    expected = good_cadences(path, "SAP_QUALITY", bitmask)
    assert len(lc) == len(expected) == cadences
    assert lc.time[0].value == pytest.approx(expected[0], abs=1e-9)
    assert item.header["TELESCOP"] == "Kepler"
    assert item.header[quarter_key] == value


def test_k2_target_pixel_file(real_file):
    lightkurve = import_lightkurve()

    (item,) = read(real_file(K2_TPF))
    tpf = item.data
    assert item.kind is ContentKind.PIXELS
    assert isinstance(tpf, lightkurve.KeplerTargetPixelFile)
    assert tpf.flux.shape == (20, 5, 7)
    assert tpf.flux.unit == u.electron / u.s
    assert tpf.time.format == "bkjd"
    assert item.header["CAMPAIGN"] == 18
    assert item.header["KEPLERID"] == 211983544


def test_tesscut_target_pixel_file(real_file):
    lightkurve = import_lightkurve()

    (item,) = read(real_file(TESSCUT))
    tpf = item.data
    assert item.kind is ContentKind.PIXELS
    assert isinstance(tpf, lightkurve.TessTargetPixelFile)
    assert tpf.flux.shape == (50, 5, 5)
    assert tpf.flux.unit == u.electron / u.s
    # TESScut's empty SECTOR card is left out rather than kept as "".
    assert "SECTOR" not in item.header
    assert item.header["TELESCOP"] == "TESS"


def test_missing_lightkurve_says_how_to_install(real_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "lightkurve", None)
    with pytest.raises(InputError, match=r"pip install lightkurve") as info:
        read(real_file(TESS_LC))
    assert not isinstance(info.value, UnreadableProduct)


def test_a_tess_table_lightkurve_does_not_know_is_not_forced_on_it(tmp_path):
    # TELESCOP says TESS, but it is neither a pipeline product nor an HLSP lightkurve reads.
    table = fits.BinTableHDU.from_columns([fits.Column("X", "E", array=np.arange(3.0))])
    path = tmp_path / "tess_catalog.fits"
    fits.HDUList([fits.PrimaryHDU(header=fits.Header({"TELESCOP": "TESS"})), table]).writeto(path)
    with pytest.raises(UnreadableProduct) as info:
        read(path)
    assert "lightkurve" in info.value.readers
