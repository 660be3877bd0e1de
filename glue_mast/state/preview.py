"""A quick look at one product before anything is loaded: small arrays, or MAST's preview image.

:func:`preview` fetches the product's file into glue-mast's download cache (one file, no
request when it is there already), reads it, and returns at most ``max_points`` (2000) points
of wavelength/flux for a spectrum or time/flux for a light curve, with units and a title, for
a plot in the form. Where no reader takes the file (raw data, an image), the observation's
preview image (a jpg/png product MAST lists beside it) is fetched instead, and the preview is
its path. :class:`PreviewState` holds the result for a front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from echo import CallbackProperty, delay_callback

from ..errors import GlueMastError, InputError
from ..jobs import Job
from .base import JobState, ObjectProperty

__all__ = ["MAX_POINTS", "Preview", "PreviewState", "preview", "preview_cache_dir"]

#: Points of a preview plot at most: enough to see a spectrum's lines, small for a widget.
MAX_POINTS = 2000
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif")


@dataclass
class Preview:
    """What a form plots for one product.

    Attributes
    ----------
    kind : str
        ``"spectrum"``, ``"light curve"`` or ``"image"``.
    x, y : numpy.ndarray or None
        Wavelength and flux, or time and flux; finite points only, at most ``MAX_POINTS``.
    x_unit, y_unit : str
        Units of ``x`` and ``y`` (for a light curve, ``x_unit`` is the time format, e.g.
        ``"bkjd"``).
    x_label, y_label : str
        Axis labels with their units.
    title : str
        The product's file name (and its part: a COS segment, an echelle order), with the
        target where the file names one.
    n_points : int
        Finite points in the file before decimation.
    image : pathlib.Path or None
        The preview image, for ``kind == "image"``.
    path : pathlib.Path
        The file the preview was made from.
    """

    kind: str
    path: Path
    title: str = ""
    x: object = None
    y: object = None
    x_unit: str = ""
    y_unit: str = ""
    x_label: str = ""
    y_label: str = ""
    n_points: int = 0
    image: Path | None = None


def preview_cache_dir():
    """Where previews fetch files: glue-mast's download cache.

    glue-mast's configured cache directory when the configuration has one, otherwise
    ``glue_mast/products`` in astropy's cache directory.
    """
    from .. import config

    # The configured download cache is being added to glue_mast.config; until a release
    # has it everywhere, fall back to astropy's per-package cache directory.
    current = getattr(config, "current_cache_dir", None)
    if current is not None:
        return Path(current())
    from astropy.config import get_cache_dir_path

    return get_cache_dir_path("glue_mast") / "products"


def read_items(path):
    """``(kind, data, part)`` for each dataset a product file holds (kind: "spectrum", ...)."""
    name = Path(path).name.lower()
    # Kepler/K2/TESS light curves: lightkurve knows their layouts (specutils misreads them).
    if name.endswith(("_llc.fits", "_slc.fits", "_lc.fits", "_lc.fits.gz", "_llc.fits.gz")):
        import lightkurve

        return [("light curve", lightkurve.read(path), None)]
    import warnings

    from specutils import Spectrum

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            spectrum = Spectrum.read(path)
        except Exception as exc:  # specutils raises many types for a file it cannot take
            raise InputError(f"{Path(path).name}: no spectrum reader takes it ({exc})") from None
    return [("spectrum", spectrum, None)]


def _decimate(x, y, max_points):
    import numpy as np

    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = len(x)
    if n > max_points:
        index = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
        x, y = x[index], y[index]
    return x, y, n


def _unit(quantity):
    unit = getattr(quantity, "unit", None)
    return "" if unit is None else unit.to_string()


def _label(name, unit):
    return f"{name} ({unit})" if unit else name


def _target(meta):
    meta = meta or {}
    header = meta.get("header") or meta.get("primary_header") or {}
    for key in ("OBJECT", "TARGNAME", "TARGET"):
        for source in (meta, header):
            try:
                value = source.get(key)
            except AttributeError:
                value = None
            if value:
                return str(value).strip()
    return ""


def arrays(kind, data, path, part=None, max_points=MAX_POINTS):
    """A `Preview` of one dataset (a specutils Spectrum or a lightkurve LightCurve)."""
    import numpy as np

    title = Path(path).name + (f" [{part}]" if part else "")
    target = _target(getattr(data, "meta", None))
    if target:
        title = f"{target}: {title}"
    if kind == "light curve":
        flux = data.flux
        x = np.asarray(data.time.value, dtype=float)
        y = np.asarray(np.ma.filled(np.ma.asarray(flux.value, dtype=float), np.nan))
        x_unit, y_unit = str(data.time.format), _unit(flux)
        x, y, n = _decimate(x, y, max_points)
        x_name = "Time"
    elif kind == "spectrum":
        spectral = data.spectral_axis
        flux = np.ma.asarray(data.flux.value, dtype=float)
        mask = getattr(data, "mask", None)
        if mask is not None:
            flux = np.ma.masked_where(np.asarray(mask, dtype=bool), flux)
        flux = np.ma.filled(flux, np.nan)
        if flux.ndim > 1:  # several rows on one spectral axis: the first is the preview
            flux = flux.reshape(-1, flux.shape[-1])[0]
        x = np.asarray(spectral.value, dtype=float)
        x, y, n = _decimate(x, flux, max_points)
        x_unit, y_unit = _unit(spectral), _unit(data.flux)
        x_name = "Wavelength"
    else:
        raise InputError(f"{Path(path).name} holds a {kind}, which has no quick-look plot")
    return Preview(
        kind=kind,
        path=Path(path),
        title=title,
        x=x,
        y=y,
        x_unit=x_unit,
        y_unit=y_unit,
        x_label=_label(x_name, x_unit),
        y_label=_label("Flux", y_unit),
        n_points=n,
    )


def _one_row(product):
    from astropy.table import Row, Table

    if isinstance(product, Row):
        return product.table[product.index : product.index + 1]
    if isinstance(product, Table) and len(product) == 1:
        return product
    raise InputError("preview takes one product: a row of the products table")


def _fetch_one(rows, cache_dir, job):
    """Path of the one product in ``rows`` in the cache, fetching it if it is not there."""
    from ..archive.fetch import fetch

    if job is not None:
        job.check_cancelled()
    result = fetch(rows, cache_dir)
    if result.paths:
        return Path(result.paths[0])
    name = str(rows["productFilename"][0])
    if result.skipped:
        raise InputError(
            f"{name} is exclusive access: give a MAST token to preview it", field="product"
        )
    reason = result.failed[0].message if result.failed else "not fetched"
    raise GlueMastError(f"could not fetch {name} for a preview: {reason}")


def _preview_image_row(rows, products):
    """The observation's preview image among ``products`` (or the product itself)."""
    import numpy as np

    name = str(rows["productFilename"][0]).lower()
    if name.endswith(IMAGE_EXTENSIONS):
        return rows
    if products is None or not len(products) or "obsID" not in products.colnames:
        return None
    obsid = str(rows["obsID"][0]) if "obsID" in rows.colnames else None
    names = np.char.lower(np.asarray(products["productFilename"], dtype=str))
    same = np.asarray(products["obsID"], dtype=str) == obsid
    image = np.char.endswith(names, IMAGE_EXTENSIONS[0])
    for ext in IMAGE_EXTENSIONS[1:]:
        image |= np.char.endswith(names, ext)
    hits = np.flatnonzero(same & image)
    return products[hits[:1]] if len(hits) else None


def make_preview(product, *, products=None, cache_dir=None, max_points=MAX_POINTS, job=None):
    """(worker thread) The `Preview` of ``product``; see :func:`preview`."""
    rows = _one_row(product)
    root = Path(cache_dir) if cache_dir is not None else preview_cache_dir()
    name = str(rows["productFilename"][0])
    if not name.lower().endswith(IMAGE_EXTENSIONS):
        path = _fetch_one(rows, root, job)
        if job is not None:
            job.check_cancelled()
        try:
            items = read_items(path)
        except GlueMastError:
            items = []
        for kind, data, part in items:
            if kind in ("spectrum", "light curve"):
                return arrays(kind, data, path, part, max_points)
    image_rows = _preview_image_row(rows, products)
    if image_rows is None:
        raise InputError(
            f"{name} has no quick look: no reader takes it and MAST lists no preview image "
            "for its observation",
            field="product",
        )
    image = _fetch_one(image_rows, root, job)
    return Preview(kind="image", path=image, title=name, image=image)


def preview(product, *, products=None, cache_dir=None, max_points=MAX_POINTS):
    """Start making the quick look of one product; returns a `~glue_mast.jobs.Job`.

    Parameters
    ----------
    product : `~astropy.table.Row`
        One row of a products table (from ``ProductState.filtered`` or
        :func:`glue_mast.products`).
    products : `~astropy.table.Table`, optional
        Every product of its observation (``ProductState.products``), where its preview
        image is looked for when no reader takes the file.
    cache_dir : path-like, optional
        Where the file is fetched (default :func:`preview_cache_dir`).
    max_points : int
        Points at most in the arrays.

    Returns
    -------
    `~glue_mast.jobs.Job`
        Its result is a `Preview`.
    """
    return Job(
        lambda job: make_preview(
            product, products=products, cache_dir=cache_dir, max_points=max_points, job=job
        ),
        name=f"preview {_name_of(product)}",
    )


def _name_of(product):
    try:
        return str(product["productFilename"])
    except (KeyError, TypeError, IndexError):
        return "product"


class PreviewState(JobState):
    """State of a quick-look plot: the `Preview` fields of the last product shown.

    Outputs: ``kind`` (``"spectrum"``, ``"light curve"``, ``"image"`` or ``""``), ``x``,
    ``y`` (numpy arrays, at most ``MAX_POINTS``), ``x_unit``, ``y_unit``, ``x_label``,
    ``y_label``, ``title``, ``image`` (path of a preview image), ``busy``, ``error``.

    Parameters
    ----------
    products : `~glue_mast.state.ProductState`, optional
        Where preview images are looked for (its ``products``) and whose ``dispatch`` is used
        unless one is given.
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread.
    cache_dir : path-like, optional
        Where files are fetched (default :func:`preview_cache_dir`).
    """

    kind = CallbackProperty("", docstring="What is shown: spectrum, light curve, image or ''")
    x = ObjectProperty(None, docstring="Wavelength or time (numpy array)")
    y = ObjectProperty(None, docstring="Flux (numpy array)")
    x_unit = CallbackProperty("")
    y_unit = CallbackProperty("")
    x_label = CallbackProperty("")
    y_label = CallbackProperty("")
    title = CallbackProperty("")
    image = CallbackProperty("", docstring="Path of the preview image, for kind 'image'")

    def __init__(self, products=None, dispatch=None, cache_dir=None):
        if dispatch is None and products is not None:
            dispatch = products.dispatch
        self._products = products
        self._cache_dir = cache_dir
        self._ticket = 0
        super().__init__(dispatch=dispatch)

    def show(self, product):
        """Make and show the quick look of ``product`` (a products row); returns the Job."""
        self._ticket = ticket = self._new_ticket()
        self._clear()
        listed = self._products.products if self._products is not None else None
        job = preview(product, products=listed, cache_dir=self._cache_dir)
        return self._start(
            job, name="preview", land=self._show, is_current=lambda: self._ticket == ticket
        )

    def cancel(self):
        """Cancel the preview on its way; its result is dropped."""
        self._ticket = self._new_ticket()
        super().cancel()

    def _clear(self):
        self._show(None)

    def _show(self, result):
        names = ("kind", "x", "y", "x_unit", "y_unit", "x_label", "y_label", "title", "image")
        with delay_callback(self, *names):
            for name in names:
                value = getattr(result, name, None) if result is not None else None
                if name == "image":
                    value = str(value) if value is not None else ""
                elif name not in ("x", "y") and value is None:
                    value = ""
                setattr(self, name, value)
