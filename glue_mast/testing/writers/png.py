"""Preview images: small palette PNGs, as MAST lists for most observations.

The PNG is assembled here (signature, chunks, CRCs), not by Pillow, because its image data
are stored uncompressed: zlib, zlib-ng and their versions compress (even at level 0) into
different bytes, and the archive's files must be the same bytes on every machine.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from .noise import Noise
from .spectra import bell, grid

__all__ = ["make_preview_png"]


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _stored_zlib(data):
    """A zlib stream of uncompressed deflate blocks: the same bytes with any zlib."""
    out = [b"\x78\x01"]
    size = 65535
    for start in range(0, max(len(data), 1), size):
        block = data[start : start + size]
        final = start + size >= len(data)
        out.append(struct.pack("<BHH", final, len(block), 0xFFFF ^ len(block)) + block)
    out.append(struct.pack(">I", zlib.adler32(data)))
    return b"".join(out)


def make_preview_png(*, width=320, height=200, seed=0):
    """A preview image, as MAST lists for most observations (PNG or JPEG there).

    An 8-bit palette PNG: a dark-blue-to-white gradient crossed by a bright
    spectrum trace with emission lines. The image data are stored uncompressed
    (see the module notes), so the file is about ``width * height`` bytes.

    Parameters
    ----------
    width, height : int
        Image size in pixels.
    seed : int
        Seed for the trace's lines and noise.

    Returns
    -------
    bytes
        The PNG file.
    """
    noise = Noise(seed)
    rows = np.arange(height, dtype=np.float64)[:, None]
    image = np.repeat((rows * 200.0 / max(height - 1, 1)).astype(np.uint8), width, axis=1)
    x = grid(0.0, 1.0, width)
    trace = 0.3 + 0.1 * x + 0.01 * noise.normal(width)
    for center in noise.uniform(4):
        trace += 0.4 * bell((x - center) / 0.01)
    ys = np.clip(((1.0 - np.minimum(trace, 0.95)) * (height - 1)).astype(np.int64), 0, height - 2)
    # Join each point to the previous one so the trace reads as a line.
    previous = np.concatenate([ys[:1], ys[:-1]])
    tops, bottoms = np.minimum(ys, previous), np.maximum(ys, previous)
    for column in range(width):
        image[tops[column] : bottoms[column] + 2, column] = 255
    # Palette: 0-200 the gradient, 255 the trace.
    level = np.arange(256, dtype=np.float64) / 200.0
    palette = np.stack([20 + 235 * level, 30 + 225 * level, 80 + 175 * level], axis=1)
    palette = np.clip(palette, 0, 255).astype(np.uint8)
    palette[255] = (255, 200, 40)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), image], axis=1).tobytes()
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"PLTE", palette.tobytes()),
            _png_chunk(b"IDAT", _stored_zlib(raw)),
            _png_chunk(b"IEND", b""),
        ]
    )
