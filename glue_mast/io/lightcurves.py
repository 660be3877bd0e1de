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


#: lightkurve's import-time warning that its PRF model (``lightkurve.prf.tpfmodel``) needs
#: oktopus: irrelevant to reading files, yet glue-qt shows every warning in its Error Console.
OKTOPUS_WARNING = r"Warning: the tpfmodel submodule is not available without oktopus"


def silence_oktopus_warning():
    """Ignore that one warning of lightkurve's import (its message, from ``lightkurve.prf``).

    A lasting filter, not ``warnings.catch_warnings``: that swaps the process-wide filter
    list and back, which is not thread-safe, and lightkurve is first imported in a worker
    thread while the GUI thread runs (and may warn) too. Every other warning is left alone.
    """
    warnings.filterwarnings(
        "ignore", message=OKTOPUS_WARNING, category=UserWarning, module=r"lightkurve\.prf"
    )


def import_lightkurve():
    """Import lightkurve (without its oktopus warning), or say how to install it."""
    silence_oktopus_warning()
    try:
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
