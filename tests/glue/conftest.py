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
