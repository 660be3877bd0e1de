"""glue-mast in glue-qt: File > Import Data > "Import from MAST…" and its dialog.

- :class:`MastImportDialog` -- search MAST, pick and preview products, load them into a glue
  data collection, linked and with provenance;
- :func:`setup` -- registers the importer, the "Glue session + MAST provenance" exporter and
  the menu entry that exports the provenance manifest (see `glue_mast.qt.registration`).

Importing this package imports no Qt: the dialog's modules are imported when first used, so
that registering with glue in a Jupyter session never loads a Qt binding.
"""

from __future__ import annotations

from .. import _lazy_attributes

__all__ = ["MastImportDialog", "setup"]


__getattr__, __dir__ = _lazy_attributes(
    __name__, {"MastImportDialog": ("glue_mast.qt.dialog", "MastImportDialog")}
)


def setup():
    """Register glue-mast's glue-qt entries (importer, exporter, menu entry); idempotent."""
    from .registration import register

    register()
