"""Seeded random numbers that are the same on every machine and numpy version."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Noise"]


class Noise:
    """Seeded random numbers built from PCG64's raw 64-bit output.

    `numpy.random.default_rng(seed)` wraps the same bit generator, but its
    ``normal``/``uniform`` algorithms are not covered by numpy's stream-compatibility
    promise; the raw bits are. Normal deviates are Irwin-Hall sums of four uniforms:
    only exact arithmetic, a bell shape, tails cut at 3.5 sigma.
    """

    def __init__(self, seed):
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
        self._bits = np.random.PCG64(int(seed))

    def uniform(self, shape):
        """Uniform deviates in [0, 1) with 53 random bits each."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        raw = self._bits.random_raw(math.prod(shape)) >> np.uint64(11)
        return (raw.astype(np.float64) * 2.0**-53).reshape(shape)

    def normal(self, shape):
        """Approximately standard-normal deviates."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        u = self.uniform((4, *shape))
        return (u[0] + u[1] + u[2] + u[3] - 2.0) * math.sqrt(3.0)

    def uniform32(self, n):
        """``n`` float32 uniform deviates in [0, 1) with 24 random bits each."""
        raw = self._bits.random_raw(n) >> np.uint64(40)
        return raw.astype(np.float32) * np.float32(2.0**-24)

    def flags(self, shape, rate, value, dtype=np.int16):
        """An array that is ``value`` at a random fraction ``rate`` of places, else 0."""
        return np.where(self.uniform(shape) < rate, value, 0).astype(dtype)
