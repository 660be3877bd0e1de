"""A quick look at one product before anything is loaded: small arrays, or MAST's preview image.

:func:`preview` fetches the product's file into glue-mast's download cache (one file; nothing
is sent when it is there already), and makes the points of a quick plot with
:func:`glue_mast.io.preview_arrays`: wavelength/flux for a spectrum, time/flux for a light
curve, at most 2000 points, with units, axis labels and a title; and for a cube, a 2-D
spectrum or a sky image a small picture of it (white-light image, the slit with its trace, the
image). Where no reader takes the file (raw data), the observation's preview image (a jpg/png
product MAST lists beside it) is fetched instead, and the quick look is that image's path.
:class:`PreviewState` holds the result for a front end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from echo import CallbackProperty, delay_callback

from ..errors import GlueMastError, InputError, JobTimeout, ServerTimeout
from ..jobs import Job
from .base import JobState, ObjectProperty

__all__ = ["MAX_POINTS", "PREVIEW_TIMEOUT_S", "PreviewState", "ProductPreview", "preview"]

#: Points of a preview plot at most: enough to see a spectrum's lines, small for a widget.
MAX_POINTS = 2000
#: Seconds a preview may take before it is stopped and says so: a quick look that has not
#: come in a minute is better loaded (or tried again) than waited for.
PREVIEW_TIMEOUT_S = 60.0
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif")


@dataclass(frozen=True)
class ProductPreview:
    """The quick look of one product.

    Attributes
    ----------
    product : str
        The product's file name.
    path : pathlib.Path
        The file in the cache the quick look was made from (the image, for an image).
    arrays : `glue_mast.io.Preview` or None
        The points, units, labels and title of the plot; None for an image.
    image : pathlib.Path or None
        MAST's preview image, when no reader takes the product's own file.
    """

    product: str
    path: Path
    arrays: object = None
    image: Path | None = None

    @property
    def kind(self):
        """``"image"``, or what the file holds: ``"spectrum"``, ``"light curve"``, ..."""
        return "image" if self.arrays is None else self.arrays.kind.value

    @property
    def title(self):
        """The plot's title (telescope, instrument, setting, target), or the file name."""
        return (self.arrays.title if self.arrays is not None else "") or self.product


def _one_row(product):
    from astropy.table import Row, Table

    if isinstance(product, Row):
        return product.table[product.index : product.index + 1]
    if isinstance(product, Table) and len(product) == 1:
        return product
    raise InputError("preview takes one product: a row of the products table", field="product")


def _fetch_one(rows, cache_dir, job, progress=None, deadline=None, timeout=None):
    """Path of the one product in ``rows`` in the cache, fetching it if it is not there."""
    from .products import fetch_within

    try:
        result = fetch_within(job, rows, cache_dir, progress=progress, deadline=deadline)
    except JobTimeout:
        raise ServerTimeout(
            f"no preview of {rows['productFilename'][0]} after {timeout:g} s: MAST had not "
            "sent the whole file; click it again to go on (what arrived is kept), or load it"
        ) from None
    if result.paths:
        return Path(result.paths[0])
    name = str(rows["productFilename"][0])
    if result.skipped:
        raise InputError(
            f"{name} is exclusive access: give a MAST token to preview it", field="product"
        )
    reason = result.failed[0].message if result.failed else "not fetched"
    raise GlueMastError(f"could not fetch {name} for a preview: {reason}")


def _preview_image_rows(rows, products):
    """The observation's preview image among ``products``, or None."""
    import numpy as np

    if products is None or not len(products) or "obsID" not in products.colnames:
        return None
    obsid = str(rows["obsID"][0]) if "obsID" in rows.colnames else None
    names = np.char.lower(np.asarray(products["productFilename"], dtype=str))
    image = np.zeros(len(products), dtype=bool)
    for ext in IMAGE_EXTENSIONS:
        image |= np.char.endswith(names, ext)
    hits = np.flatnonzero(image & (np.asarray(products["obsID"], dtype=str) == obsid))
    return products[hits[:1]] if len(hits) else None


def make_preview(
    product, *, products=None, cache_dir=None, max_points=MAX_POINTS, job=None, progress=None,
    timeout=PREVIEW_TIMEOUT_S,
):
    """(worker thread) The `ProductPreview` of ``product``; see :func:`preview`."""
    import time

    from ..io import preview_arrays

    rows = _one_row(product)
    name = str(rows["productFilename"][0])
    deadline = None if timeout is None else time.monotonic() + float(timeout)

    def fetch(rows):
        return _fetch_one(rows, cache_dir, job, progress, deadline, timeout)

    if name.lower().endswith(IMAGE_EXTENSIONS):
        path = fetch(rows)
        return ProductPreview(name, path, image=path)
    path = fetch(rows)
    if job is not None:
        job.check_cancelled()
    try:
        return ProductPreview(name, path, arrays=preview_arrays(path, max_points))
    except InputError as exc:  # no reader takes it, or it is an image: MAST's preview, then
        unreadable = exc
    image_rows = _preview_image_rows(rows, products)
    if image_rows is None:
        try:  # an image without a sky WCS: its pixels are better than nothing
            arrays = preview_arrays(path, max_points, image_without_wcs=True)
            return ProductPreview(name, path, arrays=arrays)
        except InputError:
            pass
        raise InputError(
            f"{name} has no quick look: {unreadable} MAST lists no preview image for its "
            "observation either",
            field="product",
        )
    image = fetch(image_rows)
    return ProductPreview(name, image, image=image)


def preview(
    product, *, products=None, cache_dir=None, max_points=MAX_POINTS, progress=None,
    timeout=PREVIEW_TIMEOUT_S,
):
    """Start making the quick look of one product; returns a `~glue_mast.jobs.Job`.

    Parameters
    ----------
    product : `~astropy.table.Row`
        One row of a products table (``ProductState.filtered``, :func:`glue_mast.products`).
    products : `~astropy.table.Table`, optional
        Every product of its observation (``ProductState.products``): where its preview image
        is looked for when no reader takes the file.
    cache_dir : path-like, optional
        Where the file is fetched (default: the download cache,
        :func:`glue_mast.config.current_cache_dir`).
    max_points : int
        Points at most in the arrays.
    progress : callable, optional
        Receives the fetch's progress events (:func:`glue_mast.start_fetch`).
    timeout : float or None
        Seconds before the fetch is stopped and the job fails with
        `~glue_mast.errors.ServerTimeout` saying so (None: no limit but each request's own).

    Returns
    -------
    `~glue_mast.jobs.Job`
        Its result is a `ProductPreview`; cancelling it stops the fetch.
    """
    return Job(
        lambda job: make_preview(
            product, products=products, cache_dir=cache_dir, max_points=max_points, job=job,
            progress=progress, timeout=timeout,
        ),
        name="preview",
    )


class PreviewState(JobState):
    """State of a quick-look plot: the last product shown.

    Outputs: ``kind`` (``"spectrum"``, ``"light curve"``, ``"image"``..., or ``""``), ``x``,
    ``y`` (numpy arrays, at most ``MAX_POINTS`` points), ``x_unit``, ``y_unit``,
    ``x_label``, ``y_label``, ``title``, ``image`` (path of a preview image, or ``""``),
    ``picture`` (a 2-D array: a cube's white-light image, a 2-D spectrum, an image; or None),
    ``trace`` (a 2-D spectrum's trace row per picture column), ``picture_label``, ``note``
    (what the line joins: "8 echelle orders merged into one line"), ``fraction`` and
    ``status`` (the fetch's progress while ``busy``: 0 to 1, and "12.0 kB of 66.0 kB"),
    ``busy``, ``error``.

    Parameters
    ----------
    products : `~glue_mast.state.ProductState`, optional
        Where preview images are looked for (its ``products``); its ``dispatch`` is used
        unless one is given.
    dispatch : callable, optional
        ``dispatch(fn)`` runs ``fn()`` on the front end's thread.
    cache_dir : path-like, optional
        Where files are fetched (default: the download cache).
    timeout : float or None
        Seconds a preview may take before it is stopped with an error that says so
        (default `PREVIEW_TIMEOUT_S`).
    """

    kind = CallbackProperty("", docstring="What is shown: spectrum, light curve, image or ''")
    x = ObjectProperty(None, docstring="Wavelength or time (numpy array)")
    y = ObjectProperty(None, docstring="Flux (numpy array)")
    x_unit = CallbackProperty("", docstring="Unit of x")
    y_unit = CallbackProperty("", docstring="Unit of y")
    x_label = CallbackProperty("", docstring="Title of the x axis")
    y_label = CallbackProperty("", docstring="Title of the y axis")
    title = CallbackProperty("", docstring="Title of the plot")
    image = CallbackProperty("", docstring="Path of the preview image, for kind 'image'")
    picture = ObjectProperty(
        None, docstring="A 2-D array to show as an image (a cube's white-light image, a 2-D "
        "spectrum, an image), or None"
    )
    trace = ObjectProperty(None, docstring="A 2-D spectrum's trace: its row per picture column")
    picture_label = CallbackProperty("", docstring="What the picture is")
    note = CallbackProperty("", docstring="What the line joins (echelle orders merged...)")
    fraction = CallbackProperty(0.0, docstring="How much of the file has arrived, 0 to 1")
    status = CallbackProperty("", docstring="The fetch's progress, or '' when none is running")

    _SHOWN = ("kind", "x", "y", "x_unit", "y_unit", "x_label", "y_label", "title", "image",
              "picture", "trace", "picture_label", "note")

    def __init__(self, products=None, dispatch=None, cache_dir=None, timeout=PREVIEW_TIMEOUT_S):
        if dispatch is None and products is not None:
            dispatch = products.dispatch
        self._products = products
        self._cache_dir = cache_dir
        self.timeout = timeout
        self._ticket = 0
        super().__init__(dispatch=dispatch)

    def show(self, product):
        """Make and show the quick look of ``product`` (a products row); returns the Job."""
        from .products import _progress_of

        self._ticket = ticket = self._new_ticket()
        self._show(None)
        try:
            name = str(_one_row(product)["productFilename"][0])
        except InputError:  # the job says what is wrong with it, as its error
            name = "the product"
        self._show_progress(ticket, 0.0, f"fetching {name}")

        def progress(event):
            fraction, status = _progress_of(event)
            if fraction is not None or status:
                text = f"{name}: {status}" if status else ""
                self.dispatch(lambda: self._show_progress(ticket, fraction, text))

        listed = self._products.products if self._products is not None else None
        job = preview(
            product, products=listed, cache_dir=self._cache_dir, progress=progress,
            timeout=self.timeout,
        )
        job.add_done_callback(
            lambda j: self.dispatch(lambda: self._show_end(ticket, j.exception() is None))
        )
        return self._start(
            job, name="preview", land=self._show, is_current=lambda: self._ticket == ticket
        )

    def _show_end(self, ticket, fetched):
        if ticket == self._ticket:
            with delay_callback(self, "fraction", "status"):
                self.fraction, self.status = (1.0 if fetched else 0.0), ""

    def _show_progress(self, ticket, fraction, status):
        """The fetch's progress while it runs (of preview ``ticket``)."""
        if ticket != self._ticket:
            return  # a progress event of a preview since replaced or cancelled
        with delay_callback(self, "fraction", "status"):
            if fraction is not None:
                self.fraction = fraction
            if status:
                self.status = status

    def cancel(self):
        """Cancel the preview on its way; its result is dropped."""
        self._ticket = self._new_ticket()
        super().cancel()
        with delay_callback(self, "fraction", "status"):
            self.fraction, self.status = 0.0, ""

    def clear(self):
        """Show nothing, and no error: the product shown (or that failed) left the list."""
        self.cancel()
        self._show(None)
        self.error = self.error_field = ""

    def _show(self, result):
        arrays = result.arrays if result is not None else None
        values = dict.fromkeys(self._SHOWN, "")
        values.update(x=None, y=None, picture=None, trace=None)
        if result is not None:
            values.update(kind=result.kind, title=result.title)
            values["image"] = str(result.image) if result.image is not None else ""
        if arrays is not None:
            for name in ("x", "y", "x_unit", "y_unit", "x_label", "y_label", "picture",
                         "trace", "picture_label", "note"):
                values[name] = getattr(arrays, name)
        with delay_callback(self, *self._SHOWN):
            for name, value in values.items():
                setattr(self, name, value)
