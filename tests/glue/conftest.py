"""Spectra and light curves built in memory, for the glue tests."""

import numpy as np
import pytest
from astropy import units as u


def make_spectrum(axis, flux_unit="Jy", uncertainty=True, mask=True):
    from astropy.nddata import StdDevUncertainty
    from specutils import Spectrum

    n = len(axis)
    return Spectrum(
        spectral_axis=axis,
        flux=np.linspace(1.0, 2.0, n) * u.Unit(flux_unit),
        uncertainty=StdDevUncertainty(np.full(n, 0.1)) if uncertainty else None,
        mask=(np.arange(n) % 10 == 0) if mask else None,
    )


def make_lightcurve(times, time_format, flux=None):
    import warnings

    from astropy.time import Time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lightkurve as lk
    n = len(times)
    return lk.LightCurve(
        time=Time(times, format=time_format, scale="tdb"),
        flux=(np.arange(n, dtype=float) if flux is None else flux) * u.electron / u.s,
        flux_err=np.full(n, 0.5) * u.electron / u.s,
        quality=np.zeros(n, dtype=int),
    )


@pytest.fixture
def angstrom_and_micron():
    """Spectrum A: 4000..7000 Angstrom (301 px, Jy); B: 0.5..1.0 um (101 px, mJy)."""
    a = make_spectrum(np.linspace(4000, 7000, 301) * u.AA)
    b = make_spectrum(np.linspace(0.5, 1.0, 101) * u.um, flux_unit="mJy", mask=False)
    return a, b


@pytest.fixture
def new_spectrum():
    """``new_spectrum(axis, flux_unit="Jy", uncertainty=True, mask=True)``."""
    return make_spectrum


@pytest.fixture
def new_lightcurve():
    """``new_lightcurve(times, time_format, flux=None)`` (TDB, electron / s)."""
    return make_lightcurve


def fetch_target(target, download_dir, obs_ids=None):
    """Search the local archive for ``target``, list its products and fetch them.

    ``obs_ids`` keeps only those observations (a slice keeps the search's query record).
    """
    import glue_mast

    observations = glue_mast.search(target=target, radius="0.02 deg").all()
    if obs_ids is not None:
        observations = observations[np.isin(observations["obs_id"], obs_ids)]
    products = glue_mast.products(observations)
    return glue_mast.fetch(products, download_dir=download_dir)


@pytest.fixture
def fetch_from_archive(local_mast):
    """``fetch_from_archive(target, download_dir, obs_ids=None)`` against the local archive."""
    return fetch_target


@pytest.fixture
def fetched_tw_hya(local_mast, tmp_path):
    """TW Hya's two IUE spectra and its STIS CCD x1d, fetched into
    ``tmp_path/analysis/mast_data``: three files, three spectra (in Angstrom)."""
    return fetch_target(
        "TW Hya", tmp_path / "analysis" / "mast_data", ["swp54419", "lwp31270", "OBF501020"]
    )


@pytest.fixture
def fetched_light_curves(local_mast, tmp_path):
    """The Kepler and TESS light curves of the local archive, fetched into one directory."""
    folder = tmp_path / "analysis" / "mast_data"
    kepler = fetch_target("KIC 10002792", folder)
    tess = fetch_target("TIC 358108509", folder)
    return kepler, tess
