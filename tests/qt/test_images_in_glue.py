"""A JWST image and cube through File > Import data > MAST into a real glue-qt application, and
into glue's image viewer on the sky: AU Mic's JWST observation on the local archive."""

import pytest
from astropy.wcs import WCS
from qtpy import QtCore, QtWidgets

from glue_mast.qt.dialog import fitting_size
from glue_mast.qt.registration import IMPORTER_LABEL

from .conftest import LAPTOP_SCREEN

I2D = "jw02925001001_02101_00001_nrs1_i2d.fits"
S3D = "jw02925-o001_t001_nirspec_g395h-f290lp_s3d.fits"
JWST_OBS = "jw02925-o001_t001_nirspec_g395h-f290lp"


@pytest.fixture
def glue_app(qtbot, local_mast, tmp_path, monkeypatch):
    from glue.main import load_plugins
    from glue_qt.app.application import GlueApplication

    from glue_mast.qt.dialog import forget_form

    monkeypatch.chdir(tmp_path)  # downloads go to ./mast_data
    forget_form()
    load_plugins()
    app = GlueApplication()
    app.resize(1100, 700)
    app.show()
    qtbot.waitExposed(app)
    yield app
    app.close()
    forget_form()


def _of_file(data_collection, name):
    (found,) = [d for d in data_collection if d.meta["glue_mast"].get("file") == name]
    return found


def test_importing_a_jwst_image_and_cube_shows_them_on_the_sky_in_glue(
    glue_app, qtbot, person, tmp_path, shoot
):
    from glue.plugins.wcs_autolinking.wcs_autolinking import WCSLink
    from glue_qt.viewers.image import ImageViewer

    action = next(a for a in glue_app._actions["data_importers"] if a.text() == IMPORTER_LABEL)
    seen = {}

    def drive():
        dialog = QtWidgets.QApplication.activeModalWidget()
        dialog.resize(*fitting_size(*LAPTOP_SCREEN))
        dialog.product_state.mrp_only = False  # every calibrated product, not the x1d alone
        person.search(dialog, "AU Mic", "0.1 deg")
        model = dialog.results.table.model()
        rows = [r for r in range(model.rowCount()) if model.index(r, 4).data() == JWST_OBS]
        person.click_rows(dialog.results.table, rows)
        person.settle(dialog)
        person.click(dialog.load_button)
        person.settle(dialog)
        seen["summary"] = dialog.load_status.text()
        seen["error"] = dialog.load_error.text() if not dialog.load_error.isHidden() else ""
        person.click(dialog.close_button)

    QtCore.QTimer.singleShot(0, drive)
    action.trigger()  # returns when the dialog has loaded and was closed
    assert seen["error"] == ""
    assert seen["summary"].startswith(
        "4 files downloaded; 4 datasets (1 spectrum, 1 2-D spectrum, 1 spectral cube and 1"
        " image) loaded into glue and linked: "
    )
    dc = glue_app.data_collection
    assert len(dc) == 4
    image, cube = _of_file(dc, I2D), _of_file(dc, S3D)
    assert isinstance(image.coords, WCS) and isinstance(cube.coords, WCS)
    assert image.meta["glue_mast"]["dataset"]["dataURI"].startswith("mast:JWST/")
    assert any(isinstance(link, WCSLink) and {link.data1, link.data2} == {image, cube}
               for link in dc.external_links)

    # glue's image viewer draws the image on RA and Dec; the cube, linked on the sky, joins it.
    viewer = glue_app.new_data_viewer(ImageViewer, data=image)
    qtbot.waitUntil(lambda: len(viewer.layers) == 1, timeout=5000)
    labels = {viewer.axes.coords[i].get_axislabel() for i in (0, 1)}
    assert labels == {"Right Ascension", "Declination"}
    assert viewer.add_data(cube)
    # A cube of its own: glue's image viewer slices it along the spectral axis.
    cube_viewer = glue_app.new_data_viewer(ImageViewer, data=cube)
    assert len(cube_viewer.state.slices) == 3
    cube_viewer.state.slices = (60, 0, 0)
    assert cube_viewer.state.slices[0] == 60
    shoot(glue_app, "glue-image-and-cube")
