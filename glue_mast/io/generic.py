"""The last resort: whatever specutils' own format identification finds.

The MAST layouts glue-mast knows are read by dedicated readers before this one; what is left
(SDSS-like tables, ``wcs1d-fits``, ASCII and ECSV spectra, MUSCLES SEDs, ...) goes to the
specutils loader that identifies the file. The loaders whose MAST layouts were already turned
down by glue-mast's stricter checks are skipped here, because specutils' looser identifiers
(``HST/COS`` checks only TELESCOP and INSTRUME) would claim raw and image files and fail.
"""

from __future__ import annotations

import warnings

from .content import ContentKind, ProductContent, header_summary
from .registry import NotThisReader

__all__ = ["SKIPPED_FORMATS", "content_kind", "read_with_specutils"]

#: specutils formats handled (or rejected) by glue-mast's own MAST readers.
SKIPPED_FORMATS = frozenset(
    {
        "HST/COS",
        "HST/STIS",
        "HST/STIS multi",
        "JWST x1d",
        "JWST x1d multi",
        "JWST c1d",
        "JWST c1d multi",
        "JWST s2d",
        "JWST s2d multi",
        "JWST s3d",
        "JWST x1d MIRI MRS",
    }
)


def content_kind(spectrum):
    """SPECTRUM, SPECTRUM_2D or SPECTRAL_CUBE, from the number of flux axes."""
    return {1: ContentKind.SPECTRUM, 2: ContentKind.SPECTRUM_2D}.get(
        spectrum.flux.ndim, ContentKind.SPECTRAL_CUBE
    )


def _formats(path, dtype):
    from specutils.io.registers import identify_spectrum_format

    found = identify_spectrum_format(str(path), dtype)
    found = [found] if isinstance(found, str) else list(found)
    return [f for f in found if f not in SKIPPED_FORMATS]


def read_with_specutils(path, hdulist):
    """Read a file with the one specutils loader that identifies it.

    Returns
    -------
    list of ProductContent
        One item per spectrum in the `~specutils.SpectrumList` the loader returns.

    Raises
    ------
    NotThisReader
        No specutils loader identifies the file.
    ValueError
        Several do, and nothing tells which is right.
    """
    from specutils import SpectrumList

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # identifiers warn about files they turn down
        formats = _formats(path, SpectrumList)
    if not formats:
        raise NotThisReader("no specutils loader identifies the file")
    if len(formats) > 1:
        raise ValueError(f"several specutils formats match ({', '.join(formats)})")
    try:
        spectra = SpectrumList.read(str(path), format=formats[0])
    except Exception as exc:  # name the loader: "tabular-fits" tells a user more than "specutils"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"its {formats[0]!r} loader says: {reason}") from exc
    header = header_summary(hdulist[0].header) if hdulist is not None else {}
    single = len(spectra) == 1
    return [
        ProductContent(
            kind=content_kind(spectrum),
            data=spectrum,
            part=None if single else f"spectrum {i + 1}",
            reader=f"specutils: {formats[0]}",
            path=path,
            header=header,
        )
        for i, spectrum in enumerate(spectra)
    ]
