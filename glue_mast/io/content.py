"""What a reader returns: one `ProductContent` per spectrum, segment, order or light curve."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["HEADER_KEYS", "ContentKind", "ProductContent", "header_summary"]


class ContentKind(enum.Enum):
    """What kind of object `ProductContent.data` holds."""

    #: A one-dimensional `specutils.Spectrum`.
    SPECTRUM = "spectrum"
    #: A `specutils.Spectrum` with two spatial axes and one spectral axis (an IFU cube).
    SPECTRAL_CUBE = "spectral cube"
    #: A two-dimensional rectified spectrum (`specutils.Spectrum`, spatial x spectral).
    SPECTRUM_2D = "2-D spectrum"
    #: A `lightkurve.LightCurve`.
    LIGHTCURVE = "light curve"
    #: A `lightkurve` target pixel file (`KeplerTargetPixelFile`, `TessTargetPixelFile`).
    PIXELS = "target pixel file"
    #: An image (`astropy.nddata.NDData` with its WCS).
    IMAGE = "image"


@dataclass(frozen=True, eq=False)
class ProductContent:
    """One dataset read from a product file.

    Attributes
    ----------
    kind : ContentKind
        What ``data`` is.
    data : object
        A `specutils.Spectrum` (1-D, 2-D or cube), a `lightkurve.LightCurve` or a target
        pixel file.
    part : str or None
        What tells this item apart from the others read from the same file: a COS segment
        ("FUVA"), a STIS echelle order ("order 87"), a JWST slit ("S200A1"), an extension
        ("SCI 2"). None when the file holds a single item.
    reader : str
        The reader that made it, e.g. "specutils: JWST x1d", "glue-mast: MAST VO spectrum",
        "lightkurve".
    path : pathlib.Path
        The file read.
    header : dict
        Primary-header values worth keeping (`HEADER_KEYS`), as plain JSON values.
    """

    kind: ContentKind
    data: Any
    part: str | None
    reader: str
    path: Path
    header: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A short name for a viewer: the file name, and the part when there is one."""
        return self.path.name if self.part is None else f"{self.path.name} [{self.part}]"

    def __repr__(self):
        return (
            f"<ProductContent {self.kind.value} {self.label!r} from {self.reader!r}: "
            f"{type(self.data).__name__}>"
        )


#: Header keywords kept in `ProductContent.header`: what identifies the observation, the
#: target and the instrument setting across HST, JWST, IUE, FUSE, Kepler, K2, TESS and HLSPs.
HEADER_KEYS = (
    "TELESCOP",
    "INSTRUME",
    "DETECTOR",
    "CAMERA",
    "OBSMODE",
    "EXP_TYPE",
    "OPT_ELEM",
    "GRATING",
    "FILTER",
    "CENWAVE",
    "APERTURE",
    "DISPERSN",
    "TARGNAME",
    "OBJECT",
    "RA_TARG",
    "DEC_TARG",
    "TARG_RA",
    "TARG_DEC",
    "RA_OBJ",
    "DEC_OBJ",
    "OBS_ID",
    "ROOTNAME",
    "FILENAME",
    "DATAMODL",
    "PROPOSID",
    "PROGRAM",
    "DATE-OBS",
    "TIME-OBS",
    "EXPTIME",
    "EFFEXPTM",
    "CAL_VER",
    "PROCVER",
    "DATA_REL",
    "TICID",
    "KEPLERID",
    "SECTOR",
    "QUARTER",
    "CAMPAIGN",
    "HLSPID",
    "HLSPNAME",
    "HLSPACRN",
    "HLSP_VER",
    "DS_IDENT",
    "COLLECT",
)


def _plain(value):
    """A FITS header value as a JSON value, or None when it has none (undefined, NaN)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return value.strip()
    # numpy scalars and astropy's Undefined
    if hasattr(value, "item"):
        return _plain(value.item())
    return None


def header_summary(*headers) -> dict:
    """The `HEADER_KEYS` found in FITS headers, first header first, as plain JSON values.

    Parameters
    ----------
    *headers : astropy.io.fits.Header
        Searched in order; a key takes its value from the first header that has one
        (MAST's VO files keep the target in the extension header, for one).

    Returns
    -------
    dict
        ``{keyword: str | int | float | bool}``, safe to put in a glue session.
    """
    summary = {}
    for key in HEADER_KEYS:
        for header in headers:
            if header is None or key not in header:
                continue
            value = _plain(header[key])
            if value is not None and value != "":
                summary[key] = value
                break
    return summary
