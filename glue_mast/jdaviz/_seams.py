"""Where the Jdaviz front end meets the layers below it: the shared state and the readers.

Each function prefers glue-mast's own layer (``glue_mast.state``, ``glue_mast.io``) and falls
back to a minimal equivalent while that layer is not installed, so the plugin and the loader
call one name whatever is present.
"""

from __future__ import annotations

import importlib.util

__all__ = ["read_product", "state_classes"]


def _has(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def state_classes():
    """``(SearchState, ProductState)``: glue-mast's shared state, or the interim one."""
    if _has("glue_mast.state"):
        try:
            from ..state import ProductState, SearchState

            return SearchState, ProductState
        except ImportError:
            pass
    from ._interim_state import ProductState, SearchState

    return SearchState, ProductState


class Content:
    """One dataset read from a file (the fields of ``glue_mast.io.ProductContent`` used here)."""

    def __init__(self, kind, data, part, path, header=None):
        self.kind = kind
        self.data = data
        self.part = part
        self.path = path
        self.header = header or {}


def read_product(path):
    """The datasets in the file at ``path``: a list of objects with kind/data/part/header.

    ``kind`` is a string: ``"spectrum"``, ``"light curve"`` or another
    ``glue_mast.io.ContentKind`` value.
    """
    from pathlib import Path

    path = Path(path)
    if _has("glue_mast.io"):
        from .. import io

        return [
            Content(item.kind.value, item.data, item.part, item.path, item.header)
            for item in io.read(path)
        ]
    return _read_with_specutils(path)


def _read_with_specutils(path):
    import warnings

    from specutils import Spectrum, SpectrumList

    from ..errors import GlueMastError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            spectra = SpectrumList.read(path)
        except Exception as exc:
            try:
                spectra = [Spectrum.read(path)]
            except Exception:
                first_line = (str(exc).strip().splitlines() or [""])[0]
                raise GlueMastError(f"no reader for this file ({first_line})") from None
    items = []
    for i, spectrum in enumerate(spectra):
        if spectrum.flux.ndim == 2 and spectrum.flux.shape[0] > 1:
            rows = [spectrum[j] for j in range(spectrum.flux.shape[0])]
        else:
            rows = [spectrum if spectrum.flux.ndim == 1 else spectrum[0]]
        for j, one in enumerate(rows):
            part = None if len(spectra) == 1 and len(rows) == 1 else f"{i + 1}.{j + 1}"
            items.append(Content("spectrum", one, part, path))
    return items
