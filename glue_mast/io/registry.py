"""The readers, in the order `read` tries them, and `read` itself.

Each `Reader` pairs a cheap header check from `glue_mast.io.identify` with the function that
reads the file, named as ``"module:function"`` so that specutils' and lightkurve's loaders are
imported only when a file needs them. The order matters where identifiers overlap: Kepler/TESS
files and VO containers would otherwise be claimed by specutils' generic ``tabular-fits``; an
HLSP coadd of COS data carries ``INSTRUME = 'COS'`` but not the x1d layout.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, NotThisReader, UnreadableProduct
from . import identify

__all__ = ["READERS", "NotThisReader", "Reader", "read"]


@dataclass(frozen=True)
class Reader:
    """One way to read product files.

    Attributes
    ----------
    name : str
        Shown in messages, e.g. "lightkurve" or "glue-mast: HST/COS x1d".
    what : str
        What the file is when ``identify`` accepts it, for messages ("an HST/COS x1d").
    identify : callable or None
        ``identify(hdulist) -> bool`` on the open FITS file; None accepts any file,
        FITS or not.
    function : str
        ``"module:function"``; the function takes ``(path, hdulist)`` (``hdulist`` is None for
        a file astropy cannot open as FITS) and returns a list of `ProductContent`.
    """

    name: str
    what: str
    identify: Callable | None
    function: str

    def load(self, path, hdulist):
        module, attr = self.function.split(":")
        return getattr(importlib.import_module(module), attr)(path, hdulist)


READERS = (
    Reader(
        "lightkurve",
        "a Kepler/K2/TESS light curve or pixel file",
        identify.is_kepler_tess,
        "glue_mast.io.lightcurves:read_lightkurve",
    ),
    Reader(
        "glue-mast: MAST VO spectrum",
        "a MAST VO spectrum",
        identify.is_mast_vo_spectrum,
        "glue_mast.io.vo:read_vo_content",
    ),
    Reader(
        "glue-mast: IUE NEWSIPS",
        "an IUE mxlo/mxhi spectrum",
        identify.is_iue_newsips,
        "glue_mast.io.iue:read_iue_newsips",
    ),
    Reader(
        "glue-mast: HLSP spectrum",
        "a high-level science product spectrum",
        identify.is_hlsp_spectrum,
        "glue_mast.io.hlsp:read_hlsp",
    ),
    Reader(
        "glue-mast: HLA grism spectrum",
        "an HLA grism spectrum (HSC spectra)",
        identify.is_hla_grism_spectrum,
        "glue_mast.io.hla_grism:read_hla_grism",
    ),
    Reader(
        "glue-mast: HST/COS x1d",
        "an HST/COS x1d spectrum",
        identify.is_hst_cos_x1d,
        "glue_mast.io.hst:read_cos_x1d",
    ),
    Reader(
        "specutils: HST/STIS",
        "an HST/STIS x1d spectrum",
        identify.is_hst_stis_x1d,
        "glue_mast.io.hst:read_stis_x1d",
    ),
    Reader(
        "specutils: JWST x1d",
        "a JWST x1d/c1d spectrum",
        identify.is_jwst_spec1d,
        "glue_mast.io.jwst:read_spec1d",
    ),
    Reader(
        "glue-mast: JWST s2d",
        "a JWST s2d spectrum",
        identify.is_jwst_s2d,
        "glue_mast.io.jwst:read_s2d",
    ),
    Reader(
        "specutils: JWST s3d",
        "a JWST s3d cube",
        identify.is_jwst_s3d,
        "glue_mast.io.jwst:read_s3d",
    ),
    Reader(
        "specutils",
        "a spectrum in a format specutils identifies",
        None,
        "glue_mast.io.generic:read_with_specutils",
    ),
    Reader(
        "glue-mast: FITS image",
        "a FITS image",
        identify.is_fits_image,
        "glue_mast.io.images:read_image",
    ),
)


def _open_fits(path):
    from astropy.io import fits

    try:
        hdulist = fits.open(path, memmap=False)
        hdulist[0]
    except (OSError, ValueError, IndexError, TypeError):
        return None
    return hdulist


def read(path, readers=READERS):
    """Read a MAST product file into spectra, cubes, light curves or pixel files.

    Parameters
    ----------
    path : str or pathlib.Path
        The file: an HST COS/STIS x1d, a JWST x1d/c1d/s2d/s3d, an IUE or FUSE VO spectrum,
        an HLSP spectrum, a Kepler/K2/TESS light curve or target pixel file, anything else
        specutils reads, or a FITS image.
    readers : sequence of Reader
        Tried in order; the first whose ``identify`` accepts the file reads it.

    Returns
    -------
    list of ProductContent
        One item per spectrum, segment, order, slit or light curve in the file.

    Raises
    ------
    UnreadableProduct
        The file is missing, no reader takes it, or the reader that takes it fails; the
        message names the file and the readers tried.
    InputError
        A reader needs a package that is not installed (lightkurve).
    """
    path = Path(path)
    if not path.is_file():
        raise UnreadableProduct(
            f"Cannot read {path}: there is no such file.", path=path, readers=()
        )
    hdulist = _open_fits(path)
    tried = []
    try:
        for reader in readers:
            if reader.identify is not None:
                if hdulist is None or not _accepts(reader, hdulist):
                    continue
            tried.append(reader.name)
            try:
                items = reader.load(path, hdulist)
            except NotThisReader:
                continue
            except InputError:
                raise
            except Exception as exc:  # a reader's failure becomes one clear message
                raise UnreadableProduct(
                    f"Cannot read {path.name}: it looks like {reader.what}, but {reader.name} "
                    f"failed: {_reason(exc)}",
                    path=path,
                    readers=tried,
                ) from exc
            if items:
                return items
    finally:
        if hdulist is not None:
            hdulist.close()
    names = ", ".join(reader.name for reader in readers)
    kind = "FITS file" if hdulist is not None else "file (not FITS)"
    raise UnreadableProduct(
        f"Cannot read {path.name}: no reader recognises this {kind} as a spectrum, light curve, "
        f"pixel file or image (tried {names}).",
        path=path,
        readers=[reader.name for reader in readers],
    )


def _accepts(reader, hdulist):
    try:
        return bool(reader.identify(hdulist))
    except Exception:  # a malformed header is a file this reader does not take
        return False


def _reason(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
