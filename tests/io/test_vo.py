"""MAST VO spectral containers (IUE, FUSE): the specutils loader and `read`."""

import subprocess
import sys

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum, SpectrumList

from glue_mast.errors import UnreadableProduct
from glue_mast.io import ContentKind, read
from glue_mast.io.units import FLAM

READER = "glue-mast: MAST VO spectrum"


def test_iue_low_dispersion(make_product):
    path = make_product("iue_mxlo_vo", name="swp12345mxlo_vo.fits")
    (item,) = read(path)
    spectrum = item.data
    assert item.kind is ContentKind.SPECTRUM
    assert item.reader == READER
    assert item.part is None
    assert spectrum.spectral_axis.unit == u.AA
    assert spectrum.flux.unit == FLAM
    assert len(spectrum.spectral_axis) == 495
    assert spectrum.spectral_axis[0].value == pytest.approx(1150.0)
    assert spectrum.spectral_axis[-1].value == pytest.approx(1978.0)
    with fits.open(path) as hdul:
        row = hdul[1].data[0]
        assert spectrum.mask.sum() == np.count_nonzero(row["QUALITY"]) > 0
        np.testing.assert_array_equal(spectrum.flux.value, row["FLUX"])
        np.testing.assert_array_equal(spectrum.uncertainty.array, row["SIGMA"])
    assert isinstance(spectrum.uncertainty, StdDevUncertainty)
    assert spectrum.uncertainty.unit == FLAM
    assert item.header["TELESCOP"] == "IUE"
    assert item.header["OBJECT"] == "HD 147933"
    assert item.header["DS_IDENT"] == "ads/sa.iue#swp12345mxlo"
    assert item.header["CAMERA"] == "SWP"


def test_iue_long_wavelength_camera(make_product):
    (item,) = read(make_product("iue_mxlo_vo", image="LWP13058"))
    assert len(item.data.spectral_axis) == 563
    assert item.data.spectral_axis[[0, -1]].value == pytest.approx([1850.0, 3350.0])


def test_fuse_has_no_quality_column_so_no_mask(make_product):
    (item,) = read(make_product("fuse_vo", npoints=1200))
    spectrum = item.data
    assert spectrum.mask is None
    assert len(spectrum.flux) == 1200
    assert spectrum.spectral_axis[[0, -1]].value == pytest.approx([905.0, 1187.0])
    assert spectrum.flux.unit == FLAM
    assert isinstance(spectrum.uncertainty, StdDevUncertainty)
    assert item.header["TELESCOP"] == "FUSE"
    assert item.header["TARGNAME"] == "HD 93521"


def test_specutils_reads_vo_files_with_no_format_once_glue_mast_io_is_imported(make_product):
    path = make_product("iue_mxlo_vo")
    spectrum = Spectrum.read(path)
    assert len(spectrum.flux) == 495
    assert spectrum.meta["header"]["VOCLASS"] == "SPECTRUM V1.0"
    (listed,) = SpectrumList.read(path)
    np.testing.assert_array_equal(listed.flux, spectrum.flux)


def test_registration_happens_on_importing_glue_mast_io_not_glue_mast(make_product):
    path = make_product("fuse_vo")
    script = f"""
import sys
import glue_mast
assert "specutils" not in sys.modules, "import glue_mast imported specutils"
from specutils import Spectrum
try:
    Spectrum.read({str(path)!r})
except Exception:
    pass
else:
    raise SystemExit("specutils read a VO file before glue_mast.io was imported")
import glue_mast.io
print(len(Spectrum.read({str(path)!r}).flux))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "5000"


def _echelle_container(path, orders):
    """A two-order VO container, orders zero-padded at both ends as IUE mxhi rows are."""
    n = 12
    wave = np.zeros((len(orders), n), dtype=np.float32)
    flux = np.zeros_like(wave)
    for i, (lo, hi) in enumerate(orders):
        wave[i, 2:-3] = np.linspace(lo, hi, n - 5)
        flux[i, 2:-3] = 1e-12
    columns = [
        fits.Column("WAVE", f"{n}E", unit="Angstrom", array=wave),
        fits.Column("FLUX", f"{n}E", unit="erg/cm**2/s/Angstrom", array=flux),
        fits.Column("SIGMA", f"{n}E", unit="erg/cm**2/s/Angstrom", array=flux / 10),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="Spectral Container")
    table.header["VOCLASS"] = "SPECTRUM V1.0"
    fits.HDUList([fits.PrimaryHDU(header=fits.Header({"TELESCOP": "IUE"})), table]).writeto(path)
    return path


def test_one_row_per_order_with_padding_dropped(tmp_path):
    path = _echelle_container(tmp_path / "swp00001mxhi_vo.fits", [(1400, 1410), (1390, 1401)])
    items = read(path)
    assert [item.part for item in items] == ["row 0", "row 1"]
    for item, (lo, hi) in zip(items, [(1400, 1410), (1390, 1401)], strict=True):
        assert len(item.data.flux) == 7
        assert item.data.spectral_axis[[0, -1]].value == pytest.approx([lo, hi])
    assert Spectrum.read(path).spectral_axis[0].value == pytest.approx(1400)
    assert len(SpectrumList.read(path)) == 2


def test_a_broken_container_names_the_file_and_the_reader(tmp_path):
    columns = [
        fits.Column("WAVE", "10E", array=np.arange(1.0, 11.0)[None, :]),
        fits.Column("FLUX", "5E", array=np.ones((1, 5))),
    ]
    table = fits.BinTableHDU.from_columns(columns)
    table.header["VOCLASS"] = "SPECTRUM V1.0"
    path = tmp_path / "broken_vo.fits"
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(path)
    with pytest.raises(UnreadableProduct) as info:
        read(path)
    message = str(info.value)
    assert message.startswith("Cannot read broken_vo.fits: it looks like a MAST VO spectrum")
    assert READER in message
    assert info.value.readers == (READER,)
