"""Product files in, specutils and lightkurve objects out.

>>> from glue_mast.io import read
>>> for item in read("lb4m01010_x1d.fits"):          # doctest: +SKIP
...     print(item.kind, item.part, item.reader)
ContentKind.SPECTRUM FUVA glue-mast: HST/COS x1d
ContentKind.SPECTRUM FUVB glue-mast: HST/COS x1d

- `read` -- a list of `ProductContent`, one per spectrum, segment, order or light curve;
- `preview_arrays` -- decimated x/y arrays of a file for a quick plot (`Preview`);
- `UnreadableProduct` -- what `read` raises for a file no reader takes.

The readers, tried in order (`glue_mast.io.registry.READERS`): lightkurve for Kepler, K2 and
TESS; glue-mast's loader of MAST VO spectra (IUE, FUSE); IUE NEWSIPS mxlo/mxhi; HLSP tables;
HST COS and STIS x1d; JWST x1d/c1d, s2d and s3d; any format specutils identifies; and last,
2-D FITS images.

Importing this package registers the ``"MAST VO spectrum"`` loader with specutils, so that
``specutils.Spectrum.read("swp12345mxlo_vo.fits")`` works afterwards (`glue_mast.io.vo`).
That imports specutils; ``import glue_mast`` alone does not import this package.
"""

from __future__ import annotations

from .. import _lazy_attributes
from ..errors import UnreadableProduct
from . import vo as _vo  # noqa: F401  (registers the MAST VO loader with specutils)
from .content import ContentKind, ProductContent
from .registry import READERS, read

__all__ = [
    "READERS",
    "ContentKind",
    "Preview",
    "ProductContent",
    "UnreadableProduct",
    "preview_arrays",
    "read",
]

_LAZY = {
    "preview_arrays": ("glue_mast.io.preview", "preview_arrays"),
    "Preview": ("glue_mast.io.preview", "Preview"),
}


__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)
