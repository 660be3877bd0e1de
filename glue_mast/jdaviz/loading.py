"""Fetched MAST files into a Jdaviz app: read, label, attach provenance, load in one batch.

Spectra go through the app's own loaders (``app.load(spectrum, format="1D Spectrum")``) inside
one ``app.batch_load()``: jdaviz then links them by physical type and overlays them in one
spectrum viewer, as it does for its own files. The provenance of each dataset (the manifest's
record of its file, the queries that found it, its label: `glue_mast.provenance.describe.provenance`, the
same record the glue front end keeps: the queries are this fetch's, never another search's
that fetched into the shared cache) rides in ``Spectrum.meta`` under :data:`PROVENANCE_KEY`,
which jdaviz's importer keeps in the glue ``Data.meta``; jdaviz's Metadata plugin shows it
(flattened as ``glue_mast.dataset.obs_id`` ...).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

from ..io.described import ReadDataset, read_fetched

__all__ = [
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

SPECTRUM = "spectrum"
LIGHTCURVE = "light curve"

def lcviz_available():
    """True if lcviz (Jdaviz's light-curve configuration) is installed."""
    return importlib.util.find_spec("lcviz") is not None


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


def _attach(dataset):
    dataset.data.meta[PROVENANCE_KEY] = dataset.provenance
    if dataset.path is not None:
        dataset.data.meta[FILE_KEY] = str(Path(dataset.path).resolve())


def load_datasets(app, datasets, *, viewer=None):
    """Load ``datasets`` (from :func:`read_fetched`) into the Jdaviz ``app`` in one batch.

    Spectra go into the spectrum viewer(s), linked and overlaid; light curves are loaded
    only into an lcviz app, and reported otherwise.

    Parameters
    ----------
    app : jdaviz helper (``jdaviz.App``)
    datasets : list of ReadDataset
    viewer : str, optional
        The viewer to show spectra in (default: jdaviz's choice, the spectrum viewer).
    """
    outcome = LoadOutcome()
    spectra = [d for d in datasets if d.kind == SPECTRUM]
    curves = [d for d in datasets if d.kind == LIGHTCURVE]
    other = [d for d in datasets if d.kind not in (SPECTRUM, LIGHTCURVE)]
    is_lcviz = getattr(app._app, "config", "") == "lcviz"
    kwargs = {} if viewer is None else {"viewer": viewer}
    with app.batch_load():
        for dataset in spectra:
            _attach(dataset)
            # loader="object": Jdaviz would otherwise build and try each of its loaders first.
            app.load(dataset.data, loader="object", format="1D Spectrum",
                     data_label=dataset.label, **kwargs)
            outcome.loaded.append(dataset.label)
        if is_lcviz:
            for dataset in curves:
                _attach(dataset)
                app.load(dataset.data, data_label=dataset.label)
                outcome.loaded.append(dataset.label)
    if outcome.loaded:
        _show_everything(app)
    if curves and not is_lcviz:
        outcome.not_loaded += [d.label for d in curves]
        if lcviz_available():
            outcome.messages.append(
                f"{len(curves)} light curve(s) not loaded: open them in an lcviz app "
                "(lcviz.LCviz()), which has glue-mast's MAST Search too"
            )
        else:
            outcome.messages.append(
                f"{len(curves)} light curve(s) not loaded: this app shows spectra; install "
                "lcviz to view light curves (the preview and the downloaded files still work)"
            )
    if other:
        outcome.not_loaded += [d.label for d in other]
        kinds = sorted({d.kind for d in other})
        outcome.messages.append(f"{len(other)} dataset(s) not loaded ({', '.join(kinds)})")
    return outcome


def _show_everything(app):
    """Reset each viewer's limits so every loaded spectrum is in view, not just the first."""
    for viewer in app._app._viewer_store.values():
        reset = getattr(getattr(viewer, "state", None), "reset_limits", None)
        if reset is not None:
            reset()
