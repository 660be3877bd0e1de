"""What each kind of dataset needs to reach the right Jdaviz viewer through Jdaviz's importers.

Jdaviz 5's App picks the viewer from the importer (the ``format`` of ``app.load``): a 1-D
spectrum goes to a spectrum viewer, a 2-D spectrum to a 2-D spectrum viewer (and its
extraction to the spectrum viewer), a cube to the cube viewers (flux, uncertainty, mask) with
its collapsed spectrum in the spectrum viewer, an image to an image viewer. lcviz's importers
("Light Curve", "TPF") put light curves in a flux-vs-time viewer and target pixel files in a
pixel viewer, once lcviz has patched the app for time series.

Units: a Jdaviz app has one flux unit and one solid angle for all its data, set by the first
dataset that reaches a viewer. A surface brightness (MJy/sr: JWST s2d, s3d, i2d) sets the
angle to sr; a flux (Jy: an x1d of a point source) sets it to pix^2, after which a per-sr
dataset no longer converts. So :func:`order` loads surface brightnesses first, and
:func:`fit_units` gives a per-sr dataset to an app already on pix^2 in per-pix^2 units, through
the pixel's solid angle ``PIXAR_SR`` (the keyword Jdaviz's own plugins read from the meta).
"""

from __future__ import annotations

import contextlib
import importlib.util

import astropy.units as u

__all__ = [
    "FORMATS",
    "LCVIZ_KINDS",
    "enable_lcviz",
    "fit_units",
    "lcviz_available",
    "listed",
    "order",
    "pixel_solid_angle",
    "plural",
    "product_kind",
    "viewers_on_their_own_axes",
]

#: The Jdaviz importer (``app.load(..., format=...)``) of each kind glue-mast reads.
FORMATS = {
    "spectrum": "1D Spectrum",
    "2-D spectrum": "2D Spectrum",
    "spectral cube": "3D Spectrum",
    "image": "Image",
    "light curve": "Light Curve",
    "target pixel file": "TPF",
}
#: Kinds that only lcviz's importers load.
LCVIZ_KINDS = ("light curve", "target pixel file")
# Loaded first, in this order: they set the app's display units to what they are (see the
# module doc); images last of them, because once Jdaviz aligns images by WCS it tries to link
# a 2-D spectrum loaded after them by WCS too, and fails.
_FIRST = ("spectral cube", "2-D spectrum", "image")


def lcviz_available():
    """True if lcviz (Jdaviz's time-series importers and viewers) is installed."""
    return importlib.util.find_spec("lcviz") is not None


def enable_lcviz(helper):
    """Give the app lcviz's importers, viewers and plugins for time series.

    Importing lcviz 2 registers a Jdaviz new-app hook that patches every app ``jdaviz.gca()``
    knows; an app built directly (``jdaviz.App()``) is not among them, so the same patch is
    applied to it here (idempotent: lcviz marks a patched app).
    """
    import lcviz  # noqa: F401  (registers lcviz's importers, viewers and hook)
    from lcviz.helper import _apply_lcviz_patches  # the function lcviz's own hook calls

    state = helper._app.state
    opened = _open_tray_items(state)
    _apply_lcviz_patches(helper._app)
    # The patch rebuilds the tray (lcviz's plugins join it), and the open panels are kept by
    # position: the plugin a person was loading from (MAST Search) would close under them.
    # Reopen the same plugins by name.
    names = [item["name"] for item in state.tray_items]
    reopened = [names.index(name) for name in opened if name in names]
    if sorted(reopened) != sorted(state.tray_items_open):
        state.tray_items_open = reopened


@contextlib.contextmanager
def viewers_on_their_own_axes(helper):
    """While a cube or a 2-D spectrum loads, its viewers keep their own (pixel) axes.

    Jdaviz gives every image-like viewer it creates the Orientation plugin's alignment
    (``linked_by_wcs``), but that plugin aligns Imviz image viewers only. A cube viewer or a
    2-D spectrum viewer made after images were aligned by WCS would compute its limits
    through a celestial WCS its data has not (a 3-D or a spectral one), and Jdaviz would
    refuse the dataset ("WCS projection has 3 dimensions ..."). Made before the images, as in
    one load with both, they are on pixels: the same here, for viewers made meanwhile and any
    left on WCS by an earlier attempt.
    """
    from glue.core.hub import HubListener
    from jdaviz.core.events import ViewerAddedMessage

    app = helper._app

    def unalign(viewer):
        from jdaviz.configs.imviz.plugins.viewers import ImvizImageView

        state = getattr(viewer, "state", None)
        if isinstance(viewer, ImvizImageView) or not getattr(state, "linked_by_wcs", False):
            return
        state.linked_by_wcs = False
        item = app._get_viewer_item(viewer.reference)
        if item is not None:
            item["linked_by_wcs"] = False

    for viewer in list(app._viewer_store.values()):
        unalign(viewer)
    listener = HubListener()  # held here: the hub keeps its subscribers weakly
    app.hub.subscribe(listener, ViewerAddedMessage,
                      handler=lambda msg: unalign(app._viewer_store.get(msg.viewer_id)))
    try:
        yield
    finally:
        app.hub.unsubscribe(listener, ViewerAddedMessage)


def _open_tray_items(state):
    """The names of the plugins open in the app's tray."""
    names = [item["name"] for item in state.tray_items]
    return [names[i] for i in state.tray_items_open if 0 <= i < len(names)]


def _rank(kind):
    """Where a kind loads: cubes, 2-D spectra, images, 1-D spectra, time series, the rest."""
    if kind in _FIRST:
        return _FIRST.index(kind)
    if kind in LCVIZ_KINDS:
        return len(_FIRST) + 1
    return len(_FIRST) if kind in FORMATS else len(_FIRST) + 2


def order(datasets):
    """The datasets in the order they load: cubes, 2-D spectra, images (surface brightnesses),
    1-D spectra, time series; by label within a kind (the fetch's order is not fixed)."""
    return sorted(datasets, key=lambda dataset: (_rank(dataset.kind), dataset.label))


def plural(n, kind):
    """``"1 spectrum"``, ``"2 spectra"``, ``"3 2-D spectra"``, ``"2 images"``."""
    if n == 1:
        return f"1 {kind}"
    if kind.endswith("spectrum"):
        return f"{n} {kind[: -len('spectrum')]}spectra"
    return f"{n} {kind}s"


def listed(kinds):
    """``"2 spectra, 1 spectral cube and 1 image"``: each kind counted, in the order they load
    (anything not a kind, e.g. ``"file"``, last); ``""`` for none."""
    counts = {}
    for kind in sorted(kinds, key=_rank):
        counts[kind] = counts.get(kind, 0) + 1
    parts = [plural(n, kind) for kind, n in counts.items()]
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


#: What MAST's product subgroups (``productSubGroupDescription``) hold, as the readers read
#: them: JWST's x1d/s2d/s3d/i2d, HST's extracted spectra and images, IUE's and the VO
#: containers' spectra, Kepler/K2/TESS light curves and target pixel files, GALEX and TESS
#: full-frame images.
_SUBGROUP_KINDS = {
    **dict.fromkeys(("X1D", "X1DSUM", "X1DINTS", "SX1", "C1D", "MXLO", "MXHI", "MXLO_VO",
                     "MXHI_VO", "VO"), "spectrum"),
    "S2D": "2-D spectrum",
    "S3D": "spectral cube",
    **dict.fromkeys(("I2D", "DRZ", "DRC", "FLT", "FLC", "INT", "FFIC"), "image"),
    **dict.fromkeys(("LC", "LLC", "SLC", "FAST-LC"), "light curve"),
    **dict.fromkeys(("TP", "TPF", "LPD-TARG", "SPD-TARG", "FAST-TP"), "target pixel file"),
}
#: The kind of an observation's ``dataproduct_type``, for products of other subgroups.
_TYPE_KINDS = {
    "spectrum": "spectrum",
    "timeseries": "light curve",
    "image": "image",
    "cube": "spectral cube",
}


def product_kind(product):
    """The kind of dataset a product row (of MAST's product list) will load as, or ``"file"``.

    From the product's subgroup (``productSubGroupDescription``: an s3d is a spectral cube
    whatever its observation is), else its observation's ``dataproduct_type``. What a file
    holds is known only once read (a COS x1d holds two segments): this names the product.
    """
    import numpy as np

    def value(name):
        try:
            text = product[name]
        except (KeyError, ValueError, IndexError):
            return ""
        return "" if text is None or np.ma.is_masked(text) else str(text)

    subgroup = value("productSubGroupDescription").strip().upper()
    if subgroup in _SUBGROUP_KINDS:
        return _SUBGROUP_KINDS[subgroup]
    return _TYPE_KINDS.get(value("dataproduct_type").strip().lower(), "file")


def pixel_solid_angle(data):
    """The pixel's solid angle in sr (``PIXAR_SR``) from the meta or its header, or None."""
    meta = getattr(data, "meta", None) or {}
    for source in (meta, meta.get("header") or {}):
        value = source.get("PIXAR_SR") if hasattr(source, "get") else None
        if value:
            return float(value)
    return None


def _per_solid_angle(unit):
    return unit is not None and any(
        base.physical_type == "solid angle" for base in u.Unit(unit).bases
    )


def _unit_of(data):
    flux = getattr(data, "flux", None)
    return getattr(flux, "unit", None) if flux is not None else getattr(data, "unit", None)


def app_angle(helper):
    """The solid angle the app's display units are per ("sr", "pix^2"), or "" before any."""
    try:
        plugin = helper.plugins["Unit Conversion"]
    except KeyError:
        return ""
    return str(getattr(plugin._obj, "angle_unit_selected", "") or "")


def fit_units(helper, data):
    """``data`` in units the app can show beside what it holds; None when it cannot.

    Unchanged unless ``data`` is per steradian and the app is already on pix^2; then it is
    given per pix^2 through ``PIXAR_SR`` (None without one).
    """
    unit = _unit_of(data)
    if not _per_solid_angle(unit) or app_angle(helper) != "pix^2":
        return data
    pixar = pixel_solid_angle(data)
    if pixar is None:
        return None
    from jdaviz.core.custom_units_and_equivs import PIX2

    unit = u.Unit(unit)
    per_pixel = unit * u.sr / PIX2
    if hasattr(data, "with_flux_unit"):  # a Spectrum: flux and uncertainty together
        scale = [(unit, per_pixel, lambda x: x * pixar, lambda x: x / pixar)]
        return data.with_flux_unit(per_pixel, equivalencies=scale)
    from astropy.nddata import NDData, StdDevUncertainty

    uncertainty = data.uncertainty
    if uncertainty is not None:
        uncertainty = StdDevUncertainty(uncertainty.array * pixar)
    return NDData(data.data * pixar, uncertainty=uncertainty, mask=data.mask, wcs=data.wcs,
                  unit=per_pixel, meta=data.meta)
