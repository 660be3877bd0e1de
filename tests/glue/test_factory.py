"""read_mast_product: what glue's load_data calls for a MAST file."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from astropy import units as u

from glue_mast.errors import UnreadableProduct
from glue_mast.glue import factory
from glue_mast.io import ContentKind, ProductContent

#: A kind of content no reader makes (yet): what glue-mast skips with a message.
UNKNOWN_KIND = SimpleNamespace(name="EVENTS", value="event list")


@pytest.fixture
def mixed_file(monkeypatch, tmp_path, new_spectrum):
    """A file whose reader gives a spectrum and a kind glue-mast does not load (io.read stands
    in: every kind MAST serves loads)."""
    path = tmp_path / "mixed_x1d.fits"
    path.write_bytes(b"")
    spectrum = new_spectrum(np.linspace(1, 2, 5) * u.um)
    items = [
        ProductContent(ContentKind.SPECTRUM, spectrum, "SCI 1", "test reader", path, {}),
        ProductContent(UNKNOWN_KIND, None, "SCI 2", "test reader", path, {}),
    ]
    monkeypatch.setattr("glue_mast.io.read", lambda p: items)
    return path


def test_skipped_content_is_collected_or_warned(mixed_file):
    with factory.collect_skipped() as skipped:
        (data,) = factory.read_mast_product(str(mixed_file))
    assert data.label == "mixed_x1d SCI 1"
    assert skipped == [
        "Not loaded from mixed_x1d.fits: it holds an event list (SCI 2), which glue-mast does"
        " not load into glue."
    ]
    with pytest.warns(factory.SkippedContent, match="it holds an event list"):
        factory.read_mast_product(str(mixed_file))


def test_a_file_with_nothing_to_load_is_unreadable(monkeypatch, tmp_path):
    path = tmp_path / "events_only.fits"
    item = ProductContent(UNKNOWN_KIND, None, None, "test reader", path, {})
    monkeypatch.setattr("glue_mast.io.read", lambda p: [item])
    with pytest.raises(UnreadableProduct) as caught:
        factory.read_mast_product(str(path))
    assert str(caught.value) == (
        "Cannot load events_only.fits into glue: it holds an event list, which glue-mast does"
        " not load into glue."
    )
    assert caught.value.readers == ("test reader",)
    assert Path(caught.value.path) == path
