"""glue-mast in glue-qt: File > Import Data > "Import from MAST…" and its dialog.

- :class:`MastImportDialog` -- search MAST, pick and preview products, load them into a glue
  data collection, linked and with provenance;
- :func:`setup` -- registers the importer, the "Glue session + MAST provenance" exporter and
  the menu entry that exports the provenance manifest (see `glue_mast.qt.registration`).

Importing this package imports no Qt: the dialog's modules are imported when first used, so
that registering with glue in a Jupyter session never loads a Qt binding.
"""

from __future__ import annotations

__all__ = ["MastImportDialog", "setup"]


def __getattr__(name):
    if name == "MastImportDialog":
        from .dialog import MastImportDialog

        return MastImportDialog
    raise AttributeError(f"module 'glue_mast.qt' has no attribute {name!r}")


def setup():
    """Register glue-mast's glue-qt entries (importer, exporter, menu entry); idempotent."""
    from .registration import register

    register()
