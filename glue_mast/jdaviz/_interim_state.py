"""A stand-in for `glue_mast.state` until that layer is installed beside this front end.

It has the same property and method names as ``glue_mast.state.SearchState`` and
``ProductState`` (the subset the Jdaviz plugin binds to), built directly on the archive layer
and `glue_mast.jobs.Job`, so the plugin is written once against those names.
:func:`glue_mast.jdaviz._seams.state_classes` prefers the real classes when they import.
"""

from __future__ import annotations

import math
import threading

from echo import CallbackProperty
from glue.core.state_objects import State

from ..errors import GlueMastError
from ..jobs import Job, JobCancelled

__all__ = ["ProductState", "SearchState"]


def _one_line(exc):
    if isinstance(exc, GlueMastError):
        text = str(exc)
    else:
        text = f"unexpected error ({type(exc).__name__}): {exc}"
    return " ".join(text.split())


class _ObjectProperty(CallbackProperty):
    """A property holding a Table: a change is a different object, never ``old != new``."""

    def __set__(self, instance, value):
        old = self.__get__(instance)
        self._setter(instance, value)
        if old is not value:
            self.notify(instance, old, value)


class _JobState(State):
    busy = CallbackProperty(False)
    error = CallbackProperty("")
    error_field = CallbackProperty("")

    def __init__(self, dispatch=None, **kwargs):
        self._lock = threading.RLock()
        self.dispatch = dispatch or self._call_now
        self._running = set()
        self._tickets = {}
        super().__init__(**kwargs)

    def _call_now(self, fn):
        with self._lock:
            fn()

    def _start(self, work, name, land, key="rows"):
        # A newer request of the same key supersedes an older one: its result is dropped.
        ticket = self._tickets[key] = self._tickets.get(key, 0) + 1
        job = Job(work, name=name, start=False)
        self._running.add(job)
        self.busy = True
        self.error = ""
        self.error_field = ""

        def ended(j):
            def on_ui():
                self._running.discard(j)
                try:
                    if ticket != self._tickets[key]:
                        return
                    exc = j.exception()
                    if isinstance(exc, JobCancelled):
                        return
                    if exc is not None:
                        self.error = _one_line(exc)
                        self.error_field = getattr(exc, "field", None) or ""
                    else:
                        land(j.result())
                finally:
                    self.busy = bool(self._running)

            self.dispatch(on_ui)

        job.add_done_callback(ended)
        job.start()
        return job

    def cancel(self):
        for key in self._tickets:
            self._tickets[key] += 1
        for job in list(self._running):
            job.cancel()


class SearchState(_JobState):
    """The search form and its result pages (interim; see the module docstring)."""

    target = CallbackProperty("")
    coordinates = CallbackProperty("")
    radius = CallbackProperty("0.2 deg")
    obs_collection = CallbackProperty("")
    instrument_name = CallbackProperty("")
    dataproduct_type = CallbackProperty("")
    calib_level = CallbackProperty("")
    extra_criteria = CallbackProperty({})
    page = CallbackProperty(1)
    page_size = CallbackProperty(50)
    count = CallbackProperty(None)
    rows = _ObjectProperty(None)
    n_pages = CallbackProperty(0)
    collection_choices = CallbackProperty([])
    instrument_choices = CallbackProperty([])

    def __init__(self, dispatch=None, **kwargs):
        self._search = None
        super().__init__(dispatch, **kwargs)

    def criteria(self):
        out = {}
        for name in ("obs_collection", "instrument_name", "dataproduct_type", "calib_level"):
            value = getattr(self, name)
            if value not in ("", None, []):
                out[name] = value
        out.update(self.extra_criteria or {})
        return out

    def search(self):
        from ..archive.search import ObservationSearch

        target = (self.target or "").strip() or None
        coordinates = (self.coordinates or "").strip() or None
        radius = self.radius if (target or coordinates) else None
        criteria = self.criteria()
        size = int(self.page_size)
        self.count = None
        self.rows = None
        self.n_pages = 0

        def work(job):
            search = ObservationSearch(target, coordinates=coordinates, radius=radius, **criteria)
            job.check_cancelled()
            count = search.count
            job.check_cancelled()
            rows = search.page(1, size) if count else None
            return search, count, rows

        def land(result):
            self._search, count, rows = result
            self.count = count
            self.page = 1
            self.n_pages = max(1, math.ceil(count / size)) if count else 0
            self.rows = rows

        return self._start(work, "search", land)

    def go_to_page(self, n):
        search = self._search
        if search is None:
            from ..errors import InputError

            raise InputError("search first, then choose a page")
        size = int(self.page_size)

        def land(rows):
            self.page = n
            self.rows = rows

        return self._start(lambda job: search.page(int(n), size), f"page {n}", land)

    def load_choices(self):
        """Fetch the collections the server holds, for :attr:`collection_choices`."""
        from ..archive import collections

        def land(names):
            self.collection_choices = sorted(names)

        return self._start(lambda job: collections(), "collections", land, key="choices")

    def as_dict(self):
        names = ("target", "coordinates", "radius", "obs_collection", "instrument_name",
                 "dataproduct_type", "calib_level", "extra_criteria", "page", "page_size")
        return {name: getattr(self, name) for name in names}

    def update_from_dict(self, values):
        for name, value in values.items():
            setattr(self, name, value)


class ProductState(_JobState):
    """Products of the selected observations, their filters and the selection (interim)."""

    observations = _ObjectProperty(None)
    calibrated_only = CallbackProperty(True)
    mrp_only = CallbackProperty(False)
    extension = CallbackProperty("")
    product_type = CallbackProperty("SCIENCE")
    products = _ObjectProperty(None)
    filtered = _ObjectProperty(None)
    selected = CallbackProperty([])
    selected_count = CallbackProperty(0)
    selected_size = CallbackProperty(0)

    def __init__(self, dispatch=None, **kwargs):
        super().__init__(dispatch, **kwargs)
        for name in ("calibrated_only", "mrp_only", "extension", "product_type"):
            self.add_callback(name, lambda *_: self._refilter())
        self.add_callback("selected", lambda *_: self._count_selected())

    def list_products(self, observations):
        """Fetch the products of ``observations`` (a Table of rows) in a job."""
        from ..archive.products import list_products

        self.observations = observations

        def land(table):
            self.products = table
            self._refilter()

        return self._start(lambda job: list_products(observations), "products", land)

    def _filter(self):
        from ..archive.products import ProductFilter

        return ProductFilter(
            calibrated_only=self.calibrated_only,
            mrp_only=self.mrp_only,
            extension=self.extension or None,
            product_type=self.product_type or None,
        )

    def _refilter(self):
        if self.products is None:
            self.filtered = None
        else:
            self.filtered = self._filter().apply(self.products)
        self.selected = []
        self._count_selected()

    def _count_selected(self):
        table = self.selected_table()
        self.selected_count = 0 if table is None else len(table)
        self.selected_size = 0 if table is None else int(sum(int(s or 0) for s in table["size"]))

    def selected_table(self):
        if self.filtered is None or not self.selected:
            return None
        return self.filtered[sorted(self.selected)]

    def fetch(self, progress=None, download_dir=None):
        from ..archive.fetch import fetch

        table = self.selected_table()
        if table is None:
            from ..errors import InputError

            raise InputError("select products to download first")

        def work(job):
            def on_event(event):
                job.check_cancelled()
                job.report(event, force=event.get("event") in ("start", "file", "end"))

            return fetch(table, download_dir, progress=on_event)

        job = Job(work, name="fetch", start=False)
        if progress is not None:
            job.add_progress_callback(progress)
        job.start()
        return job
