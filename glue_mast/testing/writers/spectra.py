"""Spectrum shapes: continua, emission and absorption lines, photon-like noise.

Only ``+ - * /`` and ``sqrt`` are used (IEEE 754 rounds them exactly), so the arrays are the
same bits everywhere; line profiles are rational functions, not Gaussians (see `bell`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "IR_LINES",
    "UV_LINES",
    "bell",
    "continuum",
    "f32",
    "grid",
    "observed",
    "photon_counts",
    "with_lines",
]


# Rest wavelengths (Angstrom) and peak strengths relative to the continuum of the lines
# a hot star, a cool star's transition region or an AGN shows in the UV and optical.
_UV_OPTICAL_LINES = [
    (977.02, 1.5),  # C III
    (1025.72, 2.0),  # Ly beta (airglow)
    (1031.93, 2.5),  # O VI
    (1037.62, 1.5),  # O VI
    (1215.67, 8.0),  # Ly alpha (geocoronal)
    (1238.82, 1.2),  # N V
    (1242.80, 0.8),  # N V
    (1302.17, 0.8),  # O I
    (1334.53, 1.5),  # C II
    (1335.71, 2.0),  # C II
    (1393.76, 1.8),  # Si IV
    (1402.77, 1.0),  # Si IV
    (1548.20, 4.0),  # C IV
    (1550.77, 2.5),  # C IV
    (1640.42, 1.5),  # He II
    (1908.73, 1.2),  # C III]
    (2326.00, 0.6),  # C II]
    (2796.35, 3.0),  # Mg II
    (2803.53, 2.0),  # Mg II
    (3727.40, 1.0),  # [O II]
    (4340.47, 0.6),  # H gamma
    (4861.33, 1.2),  # H beta
    (4958.91, 1.5),  # [O III]
    (5006.84, 4.0),  # [O III]
    (5875.62, 0.4),  # He I
    (6562.80, 5.0),  # H alpha
    (6583.45, 1.5),  # [N II]
    (6716.44, 0.6),  # [S II]
    (6730.82, 0.5),  # [S II]
]
# (center, strength, intrinsic width): 150 km/s lines.
UV_LINES = [(wave, strength, wave * 5e-4) for wave, strength in _UV_OPTICAL_LINES]

# Near-infrared (micron): hydrogen emission plus the molecular bands of a cool
# atmosphere, which a NIRSpec prism spectrum shows as broad dips.
IR_LINES = [
    (1.2818, 0.4, 0.004),  # Pa beta
    (1.40, -0.25, 0.05),  # H2O
    (1.8751, 0.6, 0.005),  # Pa alpha
    (1.90, -0.30, 0.07),  # H2O
    (2.70, -0.35, 0.10),  # H2O
    (3.30, -0.20, 0.06),  # CH4
    (4.0523, 0.4, 0.008),  # Br alpha
    (4.27, -0.30, 0.04),  # CO2
    (4.60, -0.15, 0.08),  # CO
]


def grid(lo, hi, n):
    """``n`` evenly spaced values from ``lo`` to ``hi``, by explicit arithmetic."""
    return lo + (hi - lo) * (np.arange(n, dtype=np.float64) / (n - 1))


def bell(x):
    """A Gaussian-like profile, exp(-x**2/2) approximated without exp (see above)."""
    q = 1.0 + x * x / 8.0
    q = q * q
    return 1.0 / (q * q)


def continuum(wave, span, level, tilt=-0.3, curve=0.1):
    """A smooth quadratic continuum, continuous across segments sharing ``span``."""
    lo, hi = span
    t = (2.0 * wave - (lo + hi)) / (hi - lo)
    return level * (1.0 + tilt * t + curve * t * t)


def with_lines(wave, base, lines, resel):
    """Multiply emission (strength > 0) and absorption (< 0) lines into ``base`` over ``wave``.

    Each line is broadened to at least the resolution element ``resel``.
    """
    factor = np.ones_like(wave)
    lo, hi = float(wave.min()), float(wave.max())
    for center, strength, width in lines:
        sigma = math.sqrt(width * width + resel * resel)
        if lo - 10 * sigma < center < hi + 10 * sigma:
            factor += strength * bell((wave - center) / sigma)
    return base * np.maximum(factor, 0.02)


def observed(model, noise, snr):
    """Add noise to a model spectrum with a photon-like error (S/N ``snr`` at mean)."""
    scale = float(np.abs(model).mean())
    error = (scale / snr) * np.sqrt(np.maximum(model / scale, 0.05))
    return model + error * noise.normal(model.shape), error


def photon_counts(model, sensitivity, exptime, bkg_rate, noise):
    """Simulate the count-rate columns of an HST x1d from a model flux.

    ``sensitivity`` converts flux to counts/s per pixel. Returns a dict of the gross
    counts, the GROSS/BACKGROUND/NET rates, and the FLUX and ERROR they calibrate to.
    """
    expected = (model * sensitivity + bkg_rate) * exptime
    gcounts = np.round(np.maximum(expected + np.sqrt(expected) * noise.normal(model.shape), 0))
    gross = gcounts / exptime
    background = np.full_like(model, bkg_rate)
    net = gross - background
    sens = np.maximum(sensitivity, 1e-30)
    net_error = np.sqrt(np.maximum(gcounts, 1.0)) / exptime
    return {
        "GCOUNTS": gcounts,
        "GROSS": gross,
        "BACKGROUND": background,
        "NET": net,
        "NET_ERROR": net_error,
        "FLUX": net / sens,
        "ERROR": net_error / sens,
    }


def f32(array):
    return np.asarray(array, dtype=np.float32)
