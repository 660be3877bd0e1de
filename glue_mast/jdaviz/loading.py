"""Fetched MAST files into a Jdaviz app: every kind, each through Jdaviz's own importer.

Each dataset goes through ``app.load(data, format=...)`` with the importer of its kind
(`glue_mast.jdaviz.kinds.FORMATS`), so Jdaviz picks its viewer, links it and converts its
units as it does for its own files: 1-D spectra overlaid in one spectrum viewer (inside one
``app.batch_load()``), 2-D spectra in a 2-D spectrum viewer with a 1-D spectrum beside them,
a spectral cube in the flux, uncertainty and mask cube viewers with its collapsed spectrum,
images in an image viewer aligned by WCS, and (with lcviz) light curves and target pixel files
in lcviz's time-series viewers.

The provenance of each dataset (the manifest's record of its file, the queries that found it,
its label: `glue_mast.provenance.describe.provenance`, the same record the glue front end
keeps) is put in the glue ``Data.meta`` under :data:`PROVENANCE_KEY` of every dataset the load
made; Jdaviz's Metadata plugin shows it (flattened as ``glue_mast.dataset.obs_id`` ...). The
datasets Jdaviz derives from one file (a cube's uncertainty and mask, an extracted spectrum,
an image's uncertainty) also carry :data:`DERIVED_KEY`, the label of the one they come from,
so that a session records the file once.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from ..io.described import ReadDataset, read_fetched
from .kinds import FORMATS, LCVIZ_KINDS, enable_lcviz, fit_units, lcviz_available, order

__all__ = [
    "DERIVED_KEY",
    "FILE_KEY",
    "PROVENANCE_KEY",
    "LoadOutcome",
    "ReadDataset",
    "lcviz_available",
    "load_datasets",
    "read_fetched",
]

#: Key of the provenance record in each loaded dataset's meta (as in the glue front end).
PROVENANCE_KEY = "glue_mast"
#: Key of the local file a dataset was read from (for sessions). A leading underscore keeps
#: it out of Jdaviz's Metadata plugin, which must show no local paths on a remote server.
FILE_KEY = "_glue_mast_file"
#: Key of the label a derived dataset (a cube's uncertainty, an extracted spectrum) comes from.
DERIVED_KEY = "_glue_mast_derived_from"

SPECTRUM = "spectrum"
CUBE = "spectral cube"
SPECTRUM_2D = "2-D spectrum"
IMAGE = "image"

# Viewer names for the cube's uncertainty and mask (created when missing).
_CUBE_VIEWERS = {"unc_viewer": "Uncertainty", "mask_viewer": "Mask"}


@dataclass
class LoadOutcome:
    """What :func:`load_datasets` did."""

    loaded: list = field(default_factory=list)
    not_loaded: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @property
    def message(self):
        """One line for a person: what was loaded and what was not, and why."""
        parts = []
        if self.loaded:
            n = len(self.loaded)
            parts.append(f"loaded {n} dataset{'s' if n != 1 else ''}")
        return "; ".join(parts + self.messages) or "nothing to load"


def _labels(helper):
    return [data.label for data in helper._app.data_collection]


def _attach(helper, dataset, before):
    """Provenance on every dataset the load of ``dataset`` made (see the module doc).

    Returns the label of the main one: the dataset's label, or for an image Jdaviz's
    ``label[DATA]`` (it loads an image's uncertainty as ``label[UNCERTAINTY]``). Data Jdaviz
    makes for itself meanwhile (an orientation layer) are not the file's and keep no record.
    """
    collection = helper._app.data_collection
    made = [d for d in collection if d.label not in before and d.label.startswith(dataset.label)]
    main = next((d for d in made if d.label == dataset.label), made[0] if made else None)
    for data in made:
        data.meta[PROVENANCE_KEY] = dataset.provenance
        data.meta.pop(FILE_KEY, None)
        if data is not main:
            data.meta[DERIVED_KEY] = main.label
    if main is None:
        return dataset.label
    if dataset.path is not None:
        main.meta[FILE_KEY] = str(Path(dataset.path).resolve())
    return main.label


def _extracted_alongside(dataset, datasets, taken):
    """Whether the pipeline's own extraction of a 2-D spectrum (its x1d) is loaded with it."""
    if dataset.path is None or "_s2d" not in dataset.path.name:
        return False
    x1d = dataset.path.name.replace("_s2d", "_x1d")
    names = {d.path.name for d in datasets if d.kind == SPECTRUM and d.path is not None}
    return x1d in names or any(label.startswith(x1d) for label in taken)


def _load_one(helper, dataset, data, kwargs):
    """``app.load`` with the importer of the dataset's kind; returns the label it has."""
    before = set(_labels(helper))
    # In the object too, so Jdaviz's importer shows it from the start (Metadata plugin); a
    # target pixel file's meta is read-only, and it gets its record on the Data only.
    with contextlib.suppress(TypeError):
        data.meta[PROVENANCE_KEY] = dataset.provenance
    helper.load(data, format=FORMATS[dataset.kind], data_label=dataset.label, **kwargs)
    return _attach(helper, dataset, before)


def _has_cube(helper):
    flux_cube = getattr(helper, "_loaded_flux_cube", None)
    return flux_cube is not None and flux_cube in helper._app.data_collection


def _load_beside(helper, dataset, datasets, taken, outcome):
    """A cube, a 2-D spectrum or an image, each by itself (Jdaviz extracts from them)."""
    data = fit_units(helper, dataset.data)
    if data is None:
        outcome.not_loaded.append(dataset.label)
        outcome.messages.append(
            f"{dataset.label} not loaded: it is in surface brightness and this app already "
            "shows fluxes per pixel; without the pixel's solid angle (PIXAR_SR) Jdaviz cannot "
            "show both. Load it into a new App"
        )
        return
    kwargs = {}
    if dataset.kind == CUBE:
        if _has_cube(helper):
            outcome.not_loaded.append(dataset.label)
            outcome.messages.append(
                f"{dataset.label} not loaded: Jdaviz shows one spectral cube at a time; "
                f"remove {helper._loaded_flux_cube.label!r} from the data first"
            )
            return
        if data.uncertainty is not None:
            kwargs["unc_viewer"] = _CUBE_VIEWERS["unc_viewer"]
        if data.mask is not None:
            kwargs["mask_viewer"] = _CUBE_VIEWERS["mask_viewer"]
    elif dataset.kind == SPECTRUM_2D:
        kwargs["auto_extract"] = not _extracted_alongside(dataset, datasets, taken)
    elif dataset.kind == IMAGE and getattr(data, "wcs", None) is not None:
        kwargs["align_by"] = "WCS"
    from .kinds import viewers_on_their_own_axes

    own_axes = viewers_on_their_own_axes(helper) if dataset.kind != IMAGE else \
        contextlib.nullcontext()
    try:
        with own_axes:
            outcome.loaded.append(_load_one(helper, dataset, data, kwargs))
    except Exception as exc:  # Jdaviz refuses it: one line, and the others still load
        outcome.not_loaded.append(dataset.label)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        outcome.messages.append(f"{dataset.label} not loaded: Jdaviz says {first}")


def not_shown(app, datasets):
    """``(labels, messages)`` of the datasets this app shows no viewer for: light curves and
    pixel files without lcviz, and kinds no Jdaviz importer takes (one line per kind)."""
    series = [d for d in datasets if d.kind in LCVIZ_KINDS]
    other = [d for d in datasets if d.kind not in FORMATS]
    labels, messages = [], []
    if series and not lcviz_available():
        labels += [d.label for d in series]
        messages.append(
            f"{len(series)} light curve(s) or pixel file(s) not loaded: Jdaviz shows time "
            "series with lcviz, which is not installed (pip install lcviz); the preview and "
            "the downloaded files still work"
        )
    if other:
        labels += [d.label for d in other]
        kinds = sorted({d.kind for d in other})
        messages.append(f"{len(other)} dataset(s) not loaded ({', '.join(kinds)})")
    return labels, messages


def load_datasets(app, datasets, *, viewer=None, context=None, batch=True, show=True):
    """Load ``datasets`` (from :func:`read_fetched`) into the Jdaviz ``app``.

    Cubes, 2-D spectra and images first (their surface brightness sets the app's units), one
    by one; then the 1-D spectra in one batch, linked and overlaid; then light curves and
    target pixel files through lcviz's importers when lcviz is installed (reported once
    otherwise).

    Parameters
    ----------
    app : jdaviz helper (``jdaviz.App``)
    datasets : list of ReadDataset
    viewer : str, optional
        The viewer to show 1-D spectra in (default: Jdaviz's choice, the spectrum viewer).
    context : list of ReadDataset, optional
        Every dataset of the load these are part of (a load in steps gives a few at a time):
        a 2-D spectrum whose extracted spectrum comes in the same load is not extracted again.
    batch : bool
        Load the 1-D spectra inside an ``app.batch_load()`` of their own. False when the
        caller holds one open (`glue_mast.jdaviz.batch_steps.SteppedBatch`): a nested batch
        would show each spectrum at once instead of leaving it to the open one's end.
    show : bool
        Reset each viewer's limits afterwards so that every dataset is in view (a load in
        steps does it once, after its last step).
    """
    outcome = LoadOutcome()
    taken = _labels(app)
    datasets = order(datasets)
    context = datasets if context is None else list(context)
    spectra = [d for d in datasets if d.kind == SPECTRUM]
    series = [d for d in datasets if d.kind in LCVIZ_KINDS]
    for dataset in datasets:
        if dataset.kind in (CUBE, SPECTRUM_2D, IMAGE):
            _load_beside(app, dataset, context, taken, outcome)
    if spectra:
        # loader="object": Jdaviz would otherwise build and try each of its loaders first.
        kwargs = {"loader": "object"} if viewer is None else {"loader": "object", "viewer": viewer}
        with app.batch_load() if batch else contextlib.nullcontext():
            for dataset in spectra:
                outcome.loaded.append(_load_one(app, dataset, dataset.data, kwargs))
    if series and lcviz_available():
        enable_lcviz(app)
        for dataset in series:
            outcome.loaded.append(_load_one(app, dataset, dataset.data, {}))
    labels, messages = not_shown(app, datasets)
    outcome.not_loaded += labels
    outcome.messages += messages
    if outcome.loaded and show:
        show_everything(app)
    return outcome


def show_everything(app):
    """Reset each viewer's limits so every loaded dataset is in view, not just the first."""
    for viewer in app._app._viewer_store.values():
        reset = getattr(getattr(viewer, "state", None), "reset_limits", None)
        if reset is not None:
            reset()
