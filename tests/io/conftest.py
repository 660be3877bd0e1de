"""Product files for the reader tests: real Kepler/K2/TESS files, and generated MAST layouts."""

from pathlib import Path

import pytest

from glue_mast.testing import files

#: Real Kepler, K2 and TESS products shipped with the package (attribution in its README).
PACKAGE_REAL = Path(files.__file__).parent / "data" / "real"
#: Real files only the tests use (attribution in its README).
TESTS_REAL = Path(__file__).parent.parent / "data" / "real"


@pytest.fixture
def real_file():
    """The path of a real file, ``real_file(name)``, from the package's or the tests' data."""

    def find(name):
        for folder in (PACKAGE_REAL, TESTS_REAL):
            if (folder / name).is_file():
                return folder / name
        raise FileNotFoundError(name)

    return find


@pytest.fixture
def make_product(tmp_path):
    """Write a generated product, ``make_product(kind, name=None, **params) -> Path``."""

    def make(kind, name=None, **params):
        path = tmp_path / (name or f"{kind}.fits")
        path.write_bytes(files.make_file(kind, **params))
        return path

    return make


def _sky_and_wavelength_frames():
    from astropy import coordinates as coord
    from astropy import units as u
    from gwcs import coordinate_frames as cf

    sky = cf.CelestialFrame(
        reference_frame=coord.ICRS(), axes_order=(0, 1), unit=(u.deg, u.deg), name="sky"
    )
    spectral = cf.SpectralFrame(
        axes_order=(2,), unit=(u.um,), axes_names=("wavelength",), name="spectral"
    )
    return cf.CompositeFrame([sky, spectral], name="world")


@pytest.fixture
def make_jwst_s3d(tmp_path):
    """An s3d IFU cube written by stdatamodels (IFUCubeModel) with a gwcs in its ASDF tree.

    ``make_jwst_s3d(shape=(40, 8, 9)) -> Path``: wavelengths 4.90, 4.91, ... micron; flux 1
    MJy/sr, ERR 0.1; DQ DO_NOT_USE (1) at pixel (0, 0, 0), JUMP_DET (4) at (1, 0, 0); one
    NaN flux at (2, 1, 1).
    """

    def make(shape=(40, 8, 9)):
        import numpy as np
        from astropy import units as u
        from astropy.modeling import models
        from gwcs import coordinate_frames as cf
        from gwcs import wcs as gwcs_wcs
        from stdatamodels.jwst import datamodels

        nw, ny, nx = shape
        sky = (
            (models.Shift(-(nx - 1) / 2) & models.Shift(-(ny - 1) / 2))
            | (models.Scale(0.1 / 3600) & models.Scale(0.1 / 3600))
            | models.Pix2Sky_TAN()
            | models.RotateNative2Celestial(217.3266, -3.4445, 180)
        )
        transform = models.Mapping((0, 1, 2)) | (sky & (models.Scale(0.01) | models.Shift(4.9)))
        detector = cf.CoordinateFrame(
            naxes=3,
            axes_type=("SPATIAL", "SPATIAL", "SPECTRAL"),
            axes_order=(0, 1, 2),
            axes_names=("x", "y", "z"),
            unit=(u.pix,) * 3,
            name="detector",
        )
        wcs = gwcs_wcs.WCS([(detector, transform), (_sky_and_wavelength_frames(), None)])
        wcs.bounding_box = ((-0.5, nx - 0.5), (-0.5, ny - 0.5), (-0.5, nw - 0.5))
        model = datamodels.IFUCubeModel(shape)
        model.data[:] = 1.0
        model.data[2, 1, 1] = np.nan
        model.err[:] = 0.1
        model.dq[0, 0, 0] = 1
        model.dq[1, 0, 0] = 4
        model.meta.wcs = wcs
        model.meta.telescope = "JWST"
        model.meta.instrument.name = "NIRSPEC"
        model.meta.exposure.type = "NRS_IFU"
        model.meta.target.catalog_name = "WASP-39"
        model.meta.bunit_data = "MJy/sr"
        model.meta.bunit_err = "MJy/sr"
        path = tmp_path / "jw01366-o004_t001_nirspec_prism-clear_s3d.fits"
        model.save(path)
        return path

    return make


@pytest.fixture
def make_jwst_s2d_gwcs(tmp_path):
    """A two-slit s2d written by stdatamodels (MultiSlitModel) with each slit's gwcs.

    ``make_jwst_s2d_gwcs() -> Path``: slits S200A1 and S200A2, 6 x 50 pixels, wavelengths
    1.00 to 1.98 micron along x; flux 2, ERR 0.2; DO_NOT_USE on the first 3 pixels of row 0.
    """

    def make():
        import numpy as np
        from astropy import units as u
        from astropy.modeling import models
        from gwcs import coordinate_frames as cf
        from gwcs import wcs as gwcs_wcs
        from stdatamodels.jwst import datamodels

        ny, nx = 6, 50
        transform = models.Mapping((0, 1, 0)) | (
            models.Const1D(217.33)
            & (models.Scale(1e-5) | models.Shift(-3.44))
            & (models.Scale(0.02) | models.Shift(1.0))
        )
        detector = cf.Frame2D(name="detector", axes_names=("x", "y"), unit=(u.pix, u.pix))
        wcs = gwcs_wcs.WCS([(detector, transform), (_sky_and_wavelength_frames(), None)])
        wcs.bounding_box = ((-0.5, nx - 0.5), (-0.5, ny - 0.5))
        model = datamodels.MultiSlitModel()
        model.meta.telescope = "JWST"
        model.meta.exposure.type = "NRS_FIXEDSLIT"
        model.meta.instrument.name = "NIRSPEC"
        for name in ("S200A1", "S200A2"):
            slit = datamodels.SlitModel((ny, nx))
            slit.data = np.full((ny, nx), 2.0, np.float32)
            slit.err = np.full((ny, nx), 0.2, np.float32)
            dq = np.zeros((ny, nx), np.uint32)
            dq[0, :3] = 1
            slit.dq = dq
            slit.name = name
            slit.meta.wcs = wcs
            slit.meta.wcsinfo.dispersion_direction = 1
            model.slits.append(slit)
        path = tmp_path / "jw01366-o003_t001_nirspec_f100lp-g140h-s200a1_s2d.fits"
        model.save(path)
        return path

    return make
