"""glue-mast datasets in a glue-qt application (offscreen): the stock add_datasets path runs
every registered autolinker, glue-core's WCS one included, which crashes on glue-astronomy's
spectra (glue-viz/glue#2595) but not on these."""

import pytest

import glue_mast

pytest.importorskip("glue_qt")


@pytest.fixture
def glue_app(monkeypatch):
    monkeypatch.setenv("GLUE_TESTING", "True")  # no modal dialogs
    from glue.config import settings
    from glue.main import load_plugins
    from glue_qt.app import GlueApplication

    from glue_mast.glue import AUTOLINKER_LABELS

    load_plugins()
    # The link preview is a modal dialog: accept suggestions instead.
    for label in (AUTOLINKER_LABELS["spectral"], "Astronomy WCS"):
        monkeypatch.setitem(settings.AUTOLINK, label, "always_accept")
    app = GlueApplication()
    yield app
    app.close()


def test_glue_qt_links_saves_and_restores_with_a_profile_viewer(glue_app, fetched_tw_hya, tmp_path):
    from glue_qt.viewers.profile import ProfileViewer

    from glue_mast.glue.links import SpectralAxisLink
    from glue_mast.glue.loading import read_datasets

    read = read_datasets(fetched_tw_hya)
    glue_app.add_datasets(read.datasets)  # glue-qt runs the autolinkers here
    dc = glue_app.data_collection
    assert len(dc) == 3
    assert [type(link) for link in dc.external_links] == [SpectralAxisLink] * 2
    viewer = glue_app.new_data_viewer(ProfileViewer, data=dc[0])
    viewer.add_data(dc[1])
    saved = glue_mast.save_session(glue_app, tmp_path / "analysis" / "qt.glu")
    assert len(saved.manifest) == 3
    restored = glue_mast.restore_session(tmp_path / "analysis" / "qt.glu")
    try:
        assert type(restored).__name__ == "GlueApplication"
        assert [d.label for d in restored.data_collection] == [d.label for d in dc]
        assert len(restored.data_collection.external_links) == 2
        viewers = [v for tab in restored.viewers for v in tab]
        assert [type(v) for v in viewers] == [ProfileViewer]
        assert len(viewers[0].layers) == 2
    finally:
        restored.close()
