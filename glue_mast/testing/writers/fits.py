"""FITS helpers: headers in STScI's layout, tables, images, and bytes with checksums."""

from __future__ import annotations

import io

from astropy.io import fits

__all__ = [
    "FITS_BLOCK",
    "bin_column",
    "bin_table",
    "fits_bytes",
    "image_hdu",
    "titled_header",
    "trimmed_card",
]

FITS_BLOCK = 2880

# The comments of the CHECKSUM and DATASUM cards. astropy's default comments carry the time
# of writing; fixed ones keep the bytes of a file the same on every day.
CHECKSUM_COMMENT = "HDU checksum"
DATASUM_COMMENT = "data unit checksum"


def fits_bytes(hdus):
    """Serialize HDUs to FITS bytes with correct CHECKSUM/DATASUM cards on every HDU.

    The HDUs are written once and read back, so that astropy computes the checksums over the
    headers and data exactly as they are written; ``add_datasum`` then ``add_checksum`` with
    ``when=`` is astropy's documented way to fixed comments.
    """
    for hdu in hdus:
        # Placeholders in the place the cards take in STScI's files: the end of the header.
        hdu.header.append(fits.Card("CHECKSUM", "0" * 16, CHECKSUM_COMMENT), end=True)
        hdu.header.append(fits.Card("DATASUM", "0", DATASUM_COMMENT), end=True)
    first = io.BytesIO()
    fits.HDUList(hdus).writeto(first)
    out = io.BytesIO()
    with fits.open(io.BytesIO(first.getvalue())) as written:
        for hdu in written:
            hdu.add_datasum(when=DATASUM_COMMENT)
            hdu.add_checksum(when=CHECKSUM_COMMENT, override_datasum=True)
        written.writeto(out)
    return out.getvalue()


def titled_header(*sections):
    """Build a header from ``(title, cards)`` sections, titled the way STScI does.

    ``title`` is the text of a blank-keyword card set between blank cards (as in HST
    and JWST headers), or None for no title. ``cards`` are ``(key, value, comment)``.
    """
    header = fits.Header()
    for title, cards in sections:
        if title:
            for text in ("", title, ""):
                # end=True: plain append would reuse trailing blank cards.
                header.append(fits.Card("", text), end=True)
        for key, value, comment in cards:
            header.append(trimmed_card(key, value, comment), end=True)
    return header


def trimmed_card(key, value, comment):
    """A card whose comment is cut to fit 80 columns, as STScI's writers cut them."""
    # A value fills at least columns 11-30; " / " precedes the comment.
    used = max(30, len(fits.Card(key, value).image.rstrip()))
    return fits.Card(key, value, comment[: max(0, 80 - used - 3)])


def bin_column(name, fmt, array, unit=None, **kwargs):
    return fits.Column(name=name, format=fmt, unit=unit, array=array, **kwargs)


def bin_table(columns, name, header_cards=(), ver=None):
    hdu = fits.BinTableHDU.from_columns(columns, name=name)
    # astropy upper-cases names; MAST's VO containers say 'Spectral Container'.
    hdu.header["EXTNAME"] = name
    if ver is not None:
        hdu.ver = ver
    for key, value, comment in header_cards:
        hdu.header.append(trimmed_card(key, value, comment), end=True)
    return hdu


def image_hdu(data, name, header_cards=(), ver=1):
    hdu = fits.ImageHDU(data=data, name=name, ver=ver)
    for key, value, comment in header_cards:
        hdu.header.append(trimmed_card(key, value, comment), end=True)
    return hdu
