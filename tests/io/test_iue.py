"""IUE NEWSIPS mxlo/mxhi tables: wavelength grids rebuilt from start and step."""

import gzip

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits

from glue_mast.io import ContentKind, read
from glue_mast.io.units import FLAM


def newsips(path, extname, rows, flux_column="FLUX", order=False):
    """A NEWSIPS table: rows of (aperture or order, start, step, npoints, quality flags)."""
    width = max(row[3] for row in rows) + 4  # vectors are longer than NPOINTS
    flux = np.zeros((len(rows), width), dtype=np.float32)
    sigma = np.zeros_like(flux)
    quality = np.zeros((len(rows), width), dtype=np.int16)
    for i, (_, _, _, n, flagged) in enumerate(rows):
        flux[i, :n] = 1e-13
        sigma[i, :n] = 1e-14
        quality[i, flagged] = -8
    columns = [
        fits.Column("ORDER" if order else "APERTURE", "I" if order else "6A",
                    array=[row[0] for row in rows]),
        fits.Column("NPOINTS", "I", array=[row[3] for row in rows]),
        fits.Column("WAVELENGTH", "D", unit="ANGSTROM", array=[row[1] for row in rows]),
        fits.Column("DELTAW", "D", unit="ANGSTROM", array=[row[2] for row in rows]),
        fits.Column(flux_column, f"{width}E", unit="ERG/CM2/S/A", array=flux),
        fits.Column("SIGMA", f"{width}E", unit="ERG/CM2/S/A", array=sigma),
        fits.Column("QUALITY", f"{width}I", array=quality),
    ]
    table = fits.BinTableHDU.from_columns(columns, name=extname)
    primary = fits.PrimaryHDU(header=fits.Header({"TELESCOP": "IUE", "CAMERA": "SWP"}))
    data = fits.HDUList([primary, table])
    with gzip.open(path, "wb") as out:
        data.writeto(out)
    return path


def test_low_dispersion_large_and_small_apertures(tmp_path):
    path = newsips(
        tmp_path / "swp12345.mxlo.gz",
        "MELO",
        [("LARGE", 1050.0, 1.6762, 640, [3, 4]), ("SMALL", 1050.0, 1.6762, 640, [])],
    )
    items = read(path)
    assert [item.part for item in items] == ["LARGE", "SMALL"]
    large = items[0].data
    assert items[0].kind is ContentKind.SPECTRUM
    assert items[0].reader == "glue-mast: IUE NEWSIPS"
    assert len(large.flux) == 640
    assert large.spectral_axis.unit == u.AA
    assert large.spectral_axis[[0, -1]].value == pytest.approx([1050.0, 1050.0 + 639 * 1.6762])
    # 'ERG/CM2/S/A', with A for Angstrom.
    assert large.flux.unit == FLAM
    assert np.flatnonzero(large.mask).tolist() == [3, 4]
    assert items[1].data.mask.sum() == 0
    assert items[0].header == {"TELESCOP": "IUE", "CAMERA": "SWP"}


def test_high_dispersion_orders(tmp_path):
    path = newsips(
        tmp_path / "swp12345.mxhi.gz",
        "MEHI",
        [(100, 1380.0, 0.05, 500, []), (99, 1394.0, 0.05, 480, [0])],
        flux_column="ABS_CAL",
        order=True,
    )
    items = read(path)
    assert [item.part for item in items] == ["order 100", "order 99"]
    assert [len(item.data.flux) for item in items] == [500, 480]
    assert items[1].data.spectral_axis[0].value == pytest.approx(1394.0)
