"""Jdaviz's file parsers (specutils and FITS), answering at once for a spectrum in memory.

``app.load(spectrum, format="1D Spectrum")`` builds Jdaviz's "object" loader, which asks every
registered parser whether it takes the input, three to four times per load (the loader's
format list is worked out when it is made, with no input yet, and again for the input).
Jdaviz's ``specutils.Spectrum`` and ``specutils.SpectrumList`` parsers answer by trying
``Spectrum.read(input)`` / ``SpectrumList.read(input)``: astropy's I/O registry runs every
specutils format's identifier on the input, finds none, and builds an error message listing
them all. For an input that is a ``Spectrum`` or ``SpectrumList`` object (or nothing), the
answer is always "no" -- it is neither a path nor a file, and specutils' readers take only
those (or an open FITS file) -- and the attempt costs about 30 % of Jdaviz's own load of 20
small spectra in one batch. Jdaviz's ``fits`` parser answers with ``astropy.io.fits.open(input)``,
which opens HDUs lazily and so does not fail on a spectrum object: the parser says yes, and the
loader builds a 1-D spectrum importer for its output (a widget, about a tenth of a spectrum's
load) only to find it invalid.

:func:`install` makes the three parsers' ``is_valid`` answer False at once for such inputs, and
answer as before for any other (a path, a file, an ``HDUList``, an array). Only when the
parsers are the code this was written against (the SHA-256 of their ``is_valid`` and ``output``
sources: Jdaviz 5.0), and while the ``fast_spectrum_parsing`` setting is on (the default);
otherwise Jdaviz's own runs, and the declined replacement is logged once (logger
``glue_mast``). The same format list results: the "object" parser, which passes the spectrum
through, is the one that takes it, as before (the loader's list of refused importers names the
``fits`` parser instead of its importer).

Upstream, Jdaviz's ``SpecutilsSpectrumParser.is_valid`` and ``FITSParser.is_valid`` could return
False before reading when the input is not a ``str``, ``os.PathLike``, file object, ``bytes`` or
``HDUList``.
"""

from __future__ import annotations

import sys

from ..util import decline, source_sha256

__all__ = ["install", "installed", "uninstall"]

#: SHA-256 of the sources of ``SpecutilsSpectrumParser.is_valid`` and ``.output``,
#: ``SpecutilsSpectrumListParser.is_valid`` and ``.output`` (``jdaviz.core.loaders.parsers.
#: specutils``) and ``FITSParser.is_valid`` and ``.output`` (``...parsers.fits``), Jdaviz 5.0,
#: one after the other.
JDAVIZ_PARSERS_SHA256 = "43c35a5cd4318e01274309c73caa73f9aa758833fcac1d4f49524c9994c428a3"

SETTING = "fast_spectrum_parsing"

_originals: dict = {}  # parser class -> its own is_valid property, while ours is in place


def _parsers():
    module = sys.modules.get("jdaviz.core.loaders.parsers.specutils")
    fits = sys.modules.get("jdaviz.core.loaders.parsers.fits")
    if module is None or fits is None:
        return None
    return module.SpecutilsSpectrumParser, module.SpecutilsSpectrumListParser, fits.FITSParser


def _own(cls):
    return _originals.get(cls, cls.__dict__["is_valid"])


def _host_sha256(classes):
    functions = []
    for cls in classes:
        functions += [_own(cls).fget, cls.__dict__["output"].func]
    return source_sha256(*functions)


def _never_read(value):
    """True for what no specutils reader takes: nothing, or a spectrum object already."""
    if value is None:
        return True
    from specutils import Spectrum, SpectrumList

    return isinstance(value, (Spectrum, SpectrumList))


def _answering_at_once(own):
    def is_valid(self):
        if _never_read(self.input):
            return False
        return own.fget(self)

    is_valid.__wrapped__ = own.fget
    is_valid.__doc__ = (
        "The parser's own ``is_valid``, False at once for a spectrum object or nothing "
        "(glue_mast.jdaviz.spectrum_parsers)."
    )
    return property(is_valid)


def install():
    """Put the quick answer in place (see the module doc); calling it again changes nothing.

    Returns
    -------
    bool
        Whether Jdaviz's specutils parsers answer at once now: False when the setting is off
        (which puts Jdaviz's own back), when Jdaviz's parsers are not imported, or when they
        are not the code this was written against.
    """
    from ..config import conf

    if not getattr(conf, SETTING):
        uninstall()
        return False
    classes = _parsers()
    if classes is None:
        return False
    if all(cls in _originals for cls in classes):
        return True
    sha = _host_sha256(classes)
    if sha != JDAVIZ_PARSERS_SHA256:
        return decline(
            "jdaviz.core.loaders.parsers.specutils.SpecutilsSpectrumParser.is_valid",
            f"its source is not the one glue-mast was written against (SHA-256 {sha})",
            SETTING,
        )
    for cls in classes:
        own = cls.__dict__["is_valid"]
        _originals[cls] = own
        cls.is_valid = _answering_at_once(own)
    return True


def installed():
    """True while Jdaviz's specutils parsers answer at once for spectrum objects."""
    classes = _parsers()
    return classes is not None and all(cls in _originals for cls in classes)


def uninstall():
    """Put Jdaviz's own ``is_valid`` back."""
    for cls, own in list(_originals.items()):
        cls.is_valid = own
        del _originals[cls]
