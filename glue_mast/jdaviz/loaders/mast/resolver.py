"""The "mast" source of Jdaviz's Load Data dialog, and ``app.load(target, loader="mast")``.

A search through glue-mast (count, pages from the server, calibrated products, verified
downloads with a provenance manifest), then every dataset read from the files of the first
page (spectra by default; cubes, 2-D spectra, images and light curves with
``dataproduct_type``), loaded in one batch, each in its viewer, with its provenance in meta::

    app.load(MastQuery("TW Hya", radius="0.02 deg", obs_collection="HST"))
    app.load("TW Hya", loader="mast", radius="0.02 deg", obs_collection="HST")

Jdaviz tries every registered loader on every ``app.load(x)`` call (its
``find_matching_resolver``), building each with the input; a loader that searched MAST on
each of those calls would send a query for a typo'd file name. This one searches only when
asked for: given glue-mast's own input, a :class:`MastQuery` (no other loader takes one); by
name (``loader="mast"``, see :func:`requested_by_name` for how it knows); from its own Search
button in the dialog; or through ``app.loaders["mast"].search()``. For browsing, paging and
picking products, the "MAST Search" tray plugin shares the same state.

A search asked for that fails (a name MAST cannot resolve, a radius without a unit, a
collection the server does not hold) fails with glue-mast's own one-line error: Jdaviz's
``find_matching_resolver`` would report it as "No valid loaders found ... Input considered
invalid by resolver" among every loader it tried, so its wrapper here (see
:func:`track_requested_name`) raises the search's error itself when this loader was the one
asked for. Without the wrapper the message still reaches Jdaviz's list: ``from_input`` raises
it, and Jdaviz lists a loader that raised while being built with the error's text
("Resolver exception: ..."). The dialog shows it beside the field it concerns.
"""

from __future__ import annotations

import time

from jdaviz.core.loaders.resolvers import BaseResolver
from jdaviz.core.registries import loader_resolver_registry
from jdaviz.core.user_api import LoaderUserApi
from traitlets import Bool, Float, Int, Unicode, observe

from ....errors import AddingCancelled, GlueMastError, InputError, LoaderMatchingChanged
from ....io.sinks import DescribedRead, already_loaded_phrase, skip_loaded
from ....state.load import fetch_and_read
from ...kernel_thread import KernelThread
from ...kinds import plural
from ...sink import JdavizSink
from .matching import (
    ANY_TYPE,
    JDAVIZ_MATCHING_SHA256,
    NAME,
    MastQuery,
    _failures,
    requested_by_name,
    track_requested_name,
)

__all__ = [
    "JDAVIZ_MATCHING_SHA256",
    "LoaderMatchingChanged",
    "MastQuery",
    "MastResolver",
    "requested_by_name",
    "track_requested_name",
]

def _source_text(inp):
    """The search text of an input: a string as it is, a SkyCoord as "RA DEC" in ICRS degrees,
    anything else (an array, a file object...) nothing."""
    if isinstance(inp, str):
        return inp
    from astropy.coordinates import SkyCoord

    if isinstance(inp, SkyCoord) and inp.isscalar:
        return inp.icrs.to_string("decimal", precision=8)
    return ""


def _search_error(exc):
    """``exc`` as the error the loader reports: glue-mast's own errors as they are, anything
    else (a bug) as one line that says what kind of failure it was."""
    from ....state.base import one_line

    if isinstance(exc, GlueMastError):
        return exc
    return GlueMastError(one_line(exc))


def _search_inputs(text):
    """``{"coordinates": text}`` when astropy reads ``text`` as a position, else
    ``{"target": text}`` (a name for MAST's resolver)."""
    from ....archive.search import parse_coordinates
    from ....errors import InputError

    try:
        parse_coordinates(text)
    except InputError:
        return {"target": text}
    return {"coordinates": text}


#: The loader's fields (``app.load(..., loader="mast", **fields)``), besides the source.
_FIELDS = ("radius", "obs_collection", "instrument_name", "dataproduct_type", "page_size")


def _to_load(datasets):
    """'2 spectra, 1 spectral cube and 1 image to load': the datasets by kind, in the order
    they load."""
    from ...kinds import listed

    return f"{listed(d.kind for d in datasets) or 'nothing'} to load"


@loader_resolver_registry(NAME)
class MastResolver(KernelThread, BaseResolver):
    """Search MAST and load the calibrated datasets of the first page (glue-mast).

    The dialog's Import button adds the datasets one a step, each in its own turn of the
    kernel's event loop, with "loading k of n" in the status (and its progress bar, with a
    Cancel beside it); :meth:`load` (``app.load(..., loader="mast")``) adds them in one call
    and returns their labels.
    """

    template_file = __file__, "resolver.vue"
    default_input = "source"

    title = Unicode("MAST (glue-mast)").tag(sync=True)
    source = Unicode("").tag(sync=True)
    radius = Unicode("0.2 deg").tag(sync=True)
    obs_collection = Unicode("").tag(sync=True)
    instrument_name = Unicode("").tag(sync=True)
    dataproduct_type = Unicode("spectrum").tag(sync=True)
    page_size = Int(50).tag(sync=True)
    status = Unicode("").tag(sync=True)
    searching = Bool(False).tag(sync=True)
    # the last search's error (one line) and the field it concerns ("target", "radius",
    # "obs_collection"...), shown beside that field
    error = Unicode("").tag(sync=True)
    error_field = Unicode("").tag(sync=True)
    # spectra the last search found, ready to load (the dialog's Import button shows then)
    n_to_load = Int(0).tag(sync=True)
    importing = Bool(False).tag(sync=True)
    import_progress = Float(0).tag(sync=True)  # percent of the datasets added, while importing

    def __init__(self, *args, **kwargs):
        self._init_kernel_thread()
        self._cancel_import = False
        self._imported = 0  # datasets the Import on its way has added, its last step's too
        self._datasets = None
        self._fetch_result = None
        self._armed = False
        self._failure = None  # the error of the last search asked for, until the input changes
        super().__init__(*args, **kwargs)
        # Asked for a format (format=...), the loader offers that one; otherwise the importer
        # of the first dataset found (parse_input).
        self._format_asked = self._restrict_to_formats is not None
        if not self._format_asked:
            self._restrict_to_formats = ["1D Spectrum"]

    @classmethod
    def from_input(cls, app, inp, format=None, **kwargs):
        if isinstance(inp, MastQuery):  # glue-mast's own input: asked for by its type
            armed = True
            kwargs = {**inp.fields(), **kwargs}
            inp = inp.source
        else:
            armed = requested_by_name()  # first: a loader that cannot tell is not even built
        self = cls(app=app, format=format)
        with self.defer_resolver_input_updated():
            # a target name or coordinates; any other object (an array...) is not for MAST
            self.source = _source_text(inp)
            for name, value in kwargs.items():
                if name in _FIELDS:
                    setattr(self, name, value if name == "page_size" else str(value))
            self._armed = armed
        if self._failure is not None:
            # Jdaviz lists a loader that raises while it is built with the error's text: the
            # search's own message reaches the user even without the wrapper of its matching.
            raise self._failure
        return self

    @observe("source", *_FIELDS)
    def _inputs_changed(self, change):
        # A new input makes the last search stale; nothing is sent until asked.
        self._datasets = None
        self._armed = False
        self._fail(None)
        self.n_to_load = 0
        # Jdaviz's note on the last input (its user API raises it on the next setting): stale
        self.parsed_input_is_resolvable = ""

    def _fail(self, exc):
        """Keep the search's error (None: no error) and show it beside its field."""
        self._failure = exc
        self.error = "" if exc is None else " ".join(str(exc).split())
        self.error_field = "" if exc is None else (getattr(exc, "field", None) or "")
        if exc is not None:
            failures = _failures.get()
            if failures is not None:
                failures.append(exc)

    @property
    def user_api(self):
        return LoaderUserApi(
            self,
            expose=["source", *_FIELDS, "search"],
            readonly=["status"],
        )

    def _loadable(self, datasets):
        """Those of ``datasets`` this app shows, in the order they load."""
        from ...kinds import FORMATS, order
        from ...loading import not_shown

        datasets = [d for d in datasets or [] if d.kind in FORMATS]
        hidden = set(not_shown(self._app._jdaviz_helper, datasets)[0])
        return [d for d in order(datasets) if d.label not in hidden]

    @property
    def is_valid(self):
        return bool(self.source.strip()) and self._datasets is not None and bool(
            self._loadable(self._datasets)
        )

    def search(self):
        """Search, fetch the calibrated products of page 1 and read them.

        Waits for the answer (for notebooks); the dialog's button runs the same in a job.
        Returns the status line; a search that fails raises glue-mast's error (an
        `~glue_mast.errors.InputError` naming its ``field`` for a mistake in the input).
        """
        self._fail(None)  # asked again: a failure (a server's) is not kept as the answer
        self._armed = True
        self._resolver_input_updated()
        if self._failure is not None:
            raise self._failure
        return self.status

    def vue_search(self, *args):
        from ....jobs import Job

        self.searching = True
        self.status = "searching MAST..."
        self._fail(None)
        self.n_to_load = 0

        def done(job):
            exc = job.exception()
            self._datasets = None if exc is not None else job.result()
            self._armed = exc is None
            if exc is not None:
                self.status = ""
                self._fail(_search_error(exc))
            try:
                self._resolver_input_updated()
            finally:
                self.searching = False  # last: whoever waits on it sees the formats

        job = Job(lambda job: self._run_search(), name="mast loader search", start=False)
        job.add_done_callback(done)
        job.start()
        return job

    def _run_search(self):
        from ....state import ProductState, SearchState
        from ...loading import not_shown

        product_type = self.dataproduct_type.strip()
        search = SearchState(
            **_search_inputs(self.source.strip()), radius=self.radius.strip(),
            obs_collection=self.obs_collection.strip(),
            instrument_name=self.instrument_name.strip(),
            dataproduct_type="" if product_type.lower() == ANY_TYPE else product_type,
            page_size=int(self.page_size),
        )
        search.search().result()  # raises the search's own error (InputError, ServerError...)
        products = ProductState(search=search)
        if search.rows is None or not len(search.rows):
            raise self._nothing_found(search, product_type)
        search.selected_obsids = [str(o) for o in search.rows["obsid"]]  # lists their products
        while products.busy:
            time.sleep(0.01)
        if products.error:
            raise GlueMastError(products.error, field=products.error_field or None)
        sink = JdavizSink(self._app._jdaviz_helper)
        result, read = fetch_and_read(products, sink, taken=sink.taken())
        datasets = read.datasets if read is not None else []
        self._fetch_result = result
        problems = [p.message for p in read.problems] if read is not None else []
        # Every kind this app shows, counted (what Import loads); what it does not, said so.
        problems += not_shown(self._app._jdaviz_helper, datasets)[1]
        loadable = self._loadable(datasets)
        self.status = "; ".join([
            plural(search.count, "observation"), plural(len(result.paths), "file"),
            _to_load(loadable), *problems,
        ])
        self.n_to_load = len(loadable)
        return datasets

    def _nothing_found(self, search, product_type):
        """The error for a search with no rows: a collection the server does not hold, said
        as such (with the closest names), else that MAST has no such observations there."""
        from ....archive.lookup import unknown_collections

        problems = unknown_collections(
            [c.strip() for c in search.obs_collection.split(",") if c.strip()]
        )
        if problems:
            return problems[0]
        where = self.source.strip()
        what = "observations" if product_type.lower() in ("", ANY_TYPE) else \
            f"{product_type} observations"
        return InputError(
            f"MAST has no {what} for {where!r} within {self.radius.strip()}"
            + (f" in {search.obs_collection}" if search.obs_collection else "")
            + (f" from {search.instrument_name}" if search.instrument_name else "")
            + ": try a larger radius or fewer criteria",
            field="radius",
            value=self.radius.strip(),
        )

    def parse_input(self):
        if not self._armed or not self.source.strip():
            self._datasets = None
            return None
        if self._datasets is None:
            if self._failure is not None:
                raise self._failure  # asked again with the same input: the same answer
            try:
                self._datasets = self._run_search()
            except Exception as exc:
                self._fail(_search_error(exc))
                raise self._failure from None
        loadable = self._loadable(self._datasets)
        if not loadable:
            return None
        from ...kinds import FORMATS, LCVIZ_KINDS, enable_lcviz

        if loadable[0].kind in LCVIZ_KINDS:  # lcviz's importers take time series
            enable_lcviz(self._app._jdaviz_helper)
        # Jdaviz offers the formats of this one object (Import loads them all, see load)
        if not self._format_asked:
            self._restrict_to_formats = [FORMATS[loadable[0].kind]]
        return loadable[0].data

    def load(self):
        """Load every dataset found, in one batch, each in its viewer with its provenance;
        returns their labels.

        A dataset already in the app (the same file and part, loaded before) is not added
        again: the status says which.
        """
        if self._datasets is None:
            self.search()
        if self._failure is not None:
            raise self._failure
        sink = JdavizSink(self._app._jdaviz_helper)
        read, already = skip_loaded(DescribedRead(self._datasets or []), sink.present())
        added = sink.add(read)
        self._say_added(added, already)
        return added.labels

    def _say_added(self, added, already):
        """The status after a load: what was added, not shown, or already there."""
        said = already_loaded_phrase(already)
        self.status = "; ".join(p for p in [added.phrase, *added.not_shown, said] if p)
        if said:  # app.load returns only the labels added: say why some are missing
            from jdaviz.core.events import SnackbarMessage

            self._app.hub.broadcast(SnackbarMessage(said, color="warning", sender=self))

    def vue_import_spectra(self, *args):
        """The dialog's Import button: add what the search found one dataset a step, each in
        its own turn of the kernel's event loop ("loading k of n"), so that the kernel answers
        clicks meanwhile; an error shows in the form."""
        if self.importing:
            return
        self.importing = True
        self._cancel_import = False
        self._imported = 0
        self.import_progress = 0.0
        try:
            if self._datasets is None:
                raise InputError("search MAST first: nothing was found to import",
                                 field="source")
            sink = JdavizSink(
                self._app._jdaviz_helper,
                dispatch_next=self._dispatch_next,
                progress=self._show_importing,
            )
            read, already = skip_loaded(DescribedRead(self._datasets), sink.present())
            sink.add_in_steps(read, lambda added, error: self._imported_all(added, already,
                                                                            error))
        except Exception as exc:
            self._imported_all(None, [], exc)

    def _show_importing(self, k, n):
        """Before each step of an Import: "loading k of n", or stop after a Cancel."""
        if self._cancel_import:
            raise AddingCancelled(
                f"Import cancelled: {self._imported} of {n} "
                f"dataset{'s were' if n != 1 else ' was'} loaded.",
                loaded=self._imported, of=n,
            )
        self._imported = k  # added once this step ends (a Cancel stops before the next)
        self.import_progress = 100.0 * k / n if n else 100.0
        self.status = f"loading {k} of {n}"

    def _imported_all(self, added, already, error):
        """(the kernel's thread) The end of an Import: its status, or its error."""
        try:
            if isinstance(error, AddingCancelled):
                self.status = str(error)
            elif error is not None:
                self.status = ""
                self._fail(_search_error(error))
            else:
                self._say_added(added, already)
        finally:
            self._cancel_import = False
            self.import_progress = 0.0
            self.importing = False

    def vue_cancel_import(self, *args):
        """Cancel beside the Import's progress bar: no dataset is added after the one being
        added (those added stay)."""
        if self.importing:
            self._cancel_import = True


# With the loader registered, before any app.load can build it.
track_requested_name()
