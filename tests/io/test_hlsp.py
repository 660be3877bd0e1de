"""HLSP spectra: ULLYSES/HASP one-row coadds, CALSPEC tables, MUSCLES SEDs."""

import warnings

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from astropy.nddata import StdDevUncertainty
from specutils import Spectrum

from glue_mast.io import ContentKind, read
from glue_mast.io.units import FLAM


def _write(path, primary_cards, table):
    fits.HDUList([fits.PrimaryHDU(header=fits.Header(primary_cards)), table]).writeto(path)
    return path


def ullyses_coadd(path, instrume="STIS", telescop="HST", n=300):
    """The ULLYSES coadd layout: one row of vectors in a SCIENCE table."""
    wave = np.linspace(1150.0, 1700.0, n)
    flux = 1e-14 * (1 + 0.1 * np.sin(wave / 20))
    columns = [
        fits.Column("WAVELENGTH", f"{n}D", unit="Angstrom", array=wave[None, :]),
        fits.Column("FLUX", f"{n}D", unit="erg /s /cm**2 /Angstrom", array=flux[None, :]),
        fits.Column("ERROR", f"{n}D", unit="erg /s /cm**2 /Angstrom", array=flux[None, :] / 20),
        fits.Column("SNR", f"{n}D", array=np.full((1, n), 20.0)),
        fits.Column("EFF_EXPTIME", f"{n}D", unit="s", array=np.full((1, n), 1500.0)),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="SCIENCE")
    cards = {
        "TELESCOP": telescop,
        "INSTRUME": instrume,
        "TARGNAME": "AV-456",
        "HLSPID": "ULLYSES",
        "HLSP_VER": "v7.0",
        "PROPOSID": 16097,
    }
    return _write(path, cards, table)


@pytest.mark.parametrize(
    ("telescop", "instrume"), [("HST", "STIS"), ("HST", "COS"), ("MULTI", "COS-STIS")]
)
def test_ullyses_coadd(tmp_path, telescop, instrume):
    path = ullyses_coadd(tmp_path / "hlsp_ullyses_hst_stis_av-456_e140m_dr7_cspec.fits",
                         instrume=instrume, telescop=telescop)
    (item,) = read(path)
    spectrum = item.data
    assert item.kind is ContentKind.SPECTRUM
    assert item.reader == "glue-mast: HLSP spectrum"
    assert item.part is None
    assert len(spectrum.flux) == 300
    assert spectrum.spectral_axis.unit == u.AA
    assert spectrum.flux.unit == FLAM
    assert spectrum.spectral_axis[[0, -1]].value == pytest.approx([1150.0, 1700.0])
    assert isinstance(spectrum.uncertainty, StdDevUncertainty)
    np.testing.assert_allclose(spectrum.uncertainty.array, spectrum.flux.value / 20)
    assert spectrum.mask is None
    assert item.header["HLSPID"] == "ULLYSES"
    assert item.header["INSTRUME"] == instrume


def calspec(path, n=200):
    """The CALSPEC layout: one row per wavelength, units 'ANGSTROMS' and 'FLAM'."""
    wave = np.linspace(1140.0, 24977.0, n)
    flux = 1e-13 * (wave / 5000.0) ** -2
    columns = [
        fits.Column("WAVELENGTH", "D", unit="ANGSTROMS", array=wave),
        fits.Column("FLUX", "E", unit="FLAM", array=flux),
        fits.Column("STATERROR", "E", unit="FLAM", array=flux * 0.01),
        fits.Column("SYSERROR", "E", unit="FLAM", array=flux * 0.02),
        fits.Column("FWHM", "E", unit="ANGSTROMS", array=np.full(n, 5.0)),
        fits.Column("DATAQUAL", "I", unit="NONE", array=np.ones(n, dtype=np.int16)),
        fits.Column("TOTEXP", "E", unit="SEC", array=np.full(n, 100.0)),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="SCI")
    cards = {"TARGETID": "GRW+70D5824", "DBTABLE": "CRSPECTRUM"}
    return _write(path, cards, table)


def test_calspec_units_that_astropy_does_not_parse(tmp_path):
    path = calspec(tmp_path / "grw_70d5824_stisnic_005.fits")
    # specutils' generic table loader cannot find the wavelength column.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", u.UnitsWarning)
        with pytest.raises(OSError, match="column containing the wavelength"):
            Spectrum.read(path, format="tabular-fits")
    (item,) = read(path)
    spectrum = item.data
    assert spectrum.spectral_axis.unit == u.AA
    assert spectrum.flux.unit == FLAM
    assert spectrum.spectral_axis[[0, -1]].value == pytest.approx([1140.0, 24977.0])
    np.testing.assert_allclose(spectrum.uncertainty.array, 0.01 * spectrum.flux.value, rtol=1e-6)


def test_rows_of_vectors_padded_with_zeros(tmp_path):
    wave = np.zeros((2, 10))
    wave[0, 1:-1] = np.linspace(1200, 1300, 8)
    wave[1, 2:] = np.linspace(1300, 1400, 8)
    columns = [
        fits.Column("WAVELENGTH", "10D", unit="Angstrom", array=wave),
        fits.Column("FLUX", "10E", unit="erg/s/cm**2/Angstrom", array=np.ones((2, 10))),
        fits.Column("DQ", "10I", array=np.tile(np.arange(10) % 4 == 0, (2, 1)).astype(np.int16)),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="SCI")
    path = _write(tmp_path / "hst_16097_stis_av-456_e140m_cspec.fits", {"HLSPID": "HSLA"}, table)
    items = read(path)
    assert [item.part for item in items] == ["row 0", "row 1"]
    assert [len(item.data.flux) for item in items] == [8, 8]
    # DQ flags elements 0, 4 and 8 of each row; the padding (0, 9 and 0, 1) is dropped.
    assert items[0].data.mask.tolist() == [(i % 4 == 0) for i in range(1, 9)]
    assert items[1].data.mask.tolist() == [(i % 4 == 0) for i in range(2, 10)]


def test_muscles_sed_goes_through_specutils(tmp_path):
    n = 50
    wave = np.linspace(5.0, 5.5e5, n)
    columns = [
        fits.Column("WAVELENGTH", "D", unit="Angstrom", array=wave),
        fits.Column("WAVELENGTH0", "D", unit="Angstrom", array=wave - 1),
        fits.Column("WAVELENGTH1", "D", unit="Angstrom", array=wave + 1),
        fits.Column("FLUX", "D", unit="erg / (Angstrom cm2 s)", array=np.full(n, 1e-15)),
        fits.Column("ERROR", "D", unit="erg / (Angstrom cm2 s)", array=np.full(n, 1e-16)),
        fits.Column("EXPTIME", "D", unit="s", array=np.full(n, 1000.0)),
        fits.Column("DQ", "J", array=np.zeros(n, dtype=np.int32)),
        fits.Column("INSTRUMENT", "J", array=np.ones(n, dtype=np.int32)),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="SPECTRUM")
    cards = {"TELESCOP": "MULTI", "HLSPACRN": "MUSCLES", "PROPOSID": 13650, "TARGNAME": "GJ176"}
    path = _write(tmp_path / "hlsp_muscles_multi_multi_gj176_broadband_v22_adapt-var-res-sed.fits",
                  cards, table)
    (item,) = read(path)
    assert item.reader == "specutils: MUSCLES SED"
    assert len(item.data.flux) == n
    assert item.data.flux.unit == FLAM
    assert item.header["HLSPACRN"] == "MUSCLES"
