"""Kepler, K2 and TESS light curves and target pixel files, read by lightkurve.

specutils' ``tabular-fits`` loader claims these files (extension 1 is a table) and fails on
them, so `glue_mast.io.read` routes them here first. lightkurve's own
`~lightkurve.io.detect.detect_filetype` names the product (``TessLightCurve``,
``KeplerTargetPixelFile``, ``QLP``, ``TESS-SPOC``, ``K2SFF``, ...); `lightkurve.read` reads
it with lightkurve's default quality mask, as a lightkurve user would get it.
"""

from __future__ import annotations

import warnings

from ..errors import MissingDependency
from .content import ContentKind, ProductContent, header_summary
from .registry import NotThisReader

__all__ = ["READER", "import_lightkurve", "read_lightkurve"]

#: The reader name `ProductContent.reader` carries.
READER = "lightkurve"


def import_lightkurve():
    """Import lightkurve, or say how to install it.

    lightkurve warns at import that its PRF submodule needs oktopus; that is irrelevant to
    reading files, so the warning is silenced.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*oktopus.*", category=UserWarning)
            import lightkurve
    except ImportError as exc:
        raise MissingDependency(
            "Reading Kepler, K2 and TESS light curves", "lightkurve", extra="lightcurves"
        ) from exc
    return lightkurve


def read_lightkurve(path, hdulist):
    """Read a Kepler/K2/TESS light curve or target pixel file.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    hdulist : astropy.io.fits.HDUList
        The open file, for lightkurve's type detection.

    Returns
    -------
    list of ProductContent
        One item: a ``LIGHTCURVE`` (`lightkurve.LightCurve`, flux in electron / s for the
        mission pipelines, time as an astropy Time in BTJD or BKJD) or ``PIXELS`` (a
        `lightkurve.targetpixelfile.TargetPixelFile`).

    Raises
    ------
    NotThisReader
        lightkurve does not recognise the file.
    """
    lightkurve = import_lightkurve()
    from lightkurve.io.detect import detect_filetype

    filetype = detect_filetype(hdulist)
    if filetype is None:
        raise NotThisReader("lightkurve does not recognise this Kepler/K2/TESS file")
    with warnings.catch_warnings():
        # lightkurve warns about cadences flagged in QUALITY; the mask handles them.
        warnings.simplefilter("ignore", category=lightkurve.LightkurveWarning)
        data = lightkurve.read(str(path))
    pixels = isinstance(data, lightkurve.targetpixelfile.TargetPixelFile)
    return [
        ProductContent(
            kind=ContentKind.PIXELS if pixels else ContentKind.LIGHTCURVE,
            data=data,
            part=None,
            reader=READER,
            path=path,
            header=header_summary(hdulist[0].header, hdulist[1].header),
        )
    ]
