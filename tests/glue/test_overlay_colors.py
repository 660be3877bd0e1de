"""Spectra glue-mast adds get colours of their own, so that overlaid in a glue viewer they are
told apart (as Jdaviz colours each new spectrum); a later load takes the colours still free."""

from glue.core import DataCollection

import glue_mast
from glue_mast.glue.loading import OVERLAY_COLORS


def test_each_loaded_spectrum_has_its_own_colour_in_glue_viewers(fetched_tw_hya, tmp_path):
    import shutil

    from glue.viewers.profile.state import ProfileLayerState, ProfileViewerState

    # Copies of the files with no manifest beside them: other datasets to glue-mast (the same
    # files again would not be added twice).
    copies = []
    for path in fetched_tw_hya.paths:
        copies.append(tmp_path / "copies" / path.name)
        copies[-1].parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copies[-1])

    dc = DataCollection()
    first = glue_mast.load(fetched_tw_hya, dc)
    colors = [d.style.color for d in first]
    assert colors == list(OVERLAY_COLORS[:3])
    # A viewer's layers take the dataset's colour.
    viewer = ProfileViewerState()
    layers = [ProfileLayerState(viewer_state=viewer, layer=d) for d in first]
    assert len({layer.color for layer in layers}) == 3
    # Loading again: the next colours, none of those taken.
    again = glue_mast.load(copies, dc)
    assert [d.style.color for d in again] == list(OVERLAY_COLORS[3:6])
    # A dataset removed frees its colour for the next load.
    dc.remove(first[1])
    third = glue_mast.load(fetched_tw_hya, dc)  # brings back the one removed, only
    assert [d.style.color for d in third] == [OVERLAY_COLORS[1]]
    assert len({d.style.color for d in dc}) == len(dc) == 6

