"""glue-qt: the page's footprints as a glue region dataset; a subset of it selects observations."""

import numpy as np
from astropy.wcs import WCS

from glue_mast.glue.footprints import FOOTPRINT_LABEL, is_footprint_data
from glue_mast.io.footprints import collection_colour


def _image(label, ra, dec, degrees_across):
    from glue.core import Data

    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [ra, dec]
    wcs.wcs.crpix = [50.5, 50.5]
    wcs.wcs.cdelt = [-degrees_across / 100, degrees_across / 100]
    return Data(label=label, flux=np.zeros((100, 100)), coords=wcs)


def _footprints(dialog):
    (data,) = [d for d in dialog.data_collection if is_footprint_data(d)]
    return data


def _ra_dec(image):
    from glue_mast.glue.footprints import _sky_components

    return _sky_components(image)


def test_footprints_into_glue_link_to_images_and_a_subset_selects_its_rows(
    dialog, person, qtbot
):
    image = _image("TW Hya image", 165.46627, -34.70473, 0.05)
    dialog.data_collection.append(image)
    person.search(dialog, "TW Hya")
    assert dialog.footprints.button.isEnabled()
    person.click(dialog.footprints.button)
    region = _footprints(dialog)
    rows = dialog.search_state.rows
    assert region.label == FOOTPRINT_LABEL and region.size == len(rows) == 8
    assert list(region["obsid"]) == [str(o) for o in rows["obsid"]]
    assert list(region["colour"]) == [collection_colour(c) for c in rows["obs_collection"]]
    assert dialog.footprints.status.text() == (
        f"8 footprints in glue as {FOOTPRINT_LABEL!r}, linked to 1 image"
    )
    # linked by sky position: the image's RA and Dec are the footprints' centres
    ra, dec = _ra_dec(image)
    assert np.allclose(region[ra], region[region.center_x_id])
    assert np.allclose(region[dec], region[region.center_y_id])
    assert np.allclose(region[ra], 165.46627, atol=0.01)
    # a subset of the footprints selects their observations, shown selected in the table
    iue = [str(r["obsid"]) for r in rows if r["obs_collection"] == "IUE"]
    dialog.data_collection.new_subset_group("IUE", region.id["obs_collection"] == "IUE")
    assert dialog.search_state.selected_obsids == iue
    table = dialog.results.table
    qtbot.waitUntil(lambda: len(table.selectionModel().selectedRows()) == len(iue))
    shown = {
        str(rows["obsid"][dialog.results.proxy.mapToSource(i).row()])
        for i in table.selectionModel().selectedRows()
    }
    assert shown == set(iue)
    # and their products are listed, as for rows clicked
    qtbot.waitUntil(lambda: not dialog.product_state.busy, timeout=20000)
    assert set(str(o) for o in dialog.product_state.filtered["obsID"]) <= set(iue)


def test_a_region_drawn_on_the_image_selects_the_footprints_it_holds_and_paging_replaces_them(
    dialog, person, qtbot
):
    from glue.core.roi import RectangularROI
    from glue.core.subset import RoiSubsetState

    # the large synthetic collection: footprints at many positions around RA 150, Dec 2
    person.type_into(dialog.search_form.radius, "0.1 deg")
    person.type_into(dialog.results.page_size, "25")
    person.search(dialog, "150 2")
    image = _image("COSMOS image", 150.0, 2.0, 0.3)
    dialog.data_collection.append(image)
    person.click(dialog.footprints.button)
    region = _footprints(dialog)
    rows = dialog.search_state.rows
    assert region.size == len(rows) > 10
    # a rectangle on the image, in its RA and Dec: the footprints whose centre it holds
    ra, dec = _ra_dec(image)
    state = RoiSubsetState(xatt=ra, yatt=dec, roi=RectangularROI(149.9, 150.0, 1.9, 2.1))
    dialog.data_collection.new_subset_group("west", state)
    inside = [str(r["obsid"]) for r in rows if 149.9 < r["s_ra"] < 150.0]
    assert 0 < len(inside) < len(rows)
    assert dialog.search_state.selected_obsids == inside
    # the next page replaces the footprints with its own
    assert dialog.search_state.n_pages > 1
    person.click(dialog.results.next_page)
    qtbot.waitUntil(lambda: dialog.search_state.page == 2 and not dialog.search_state.busy)
    region = _footprints(dialog)
    assert list(region["obsid"]) == [str(o) for o in dialog.search_state.rows["obsid"]]
    assert dialog.search_state.selected_obsids == []
