"""The Load button says what it loads, by kind, as the "mast" loader counts them."""

from astropy.table import Table

from glue_mast.jdaviz.kinds import listed, product_kind

from .test_kinds import I2D, S2D, S3D, X1D, _jwst_page


def test_each_kind_is_counted_in_the_order_it_loads():
    assert listed(["image", "spectrum", "spectrum", "spectral cube"]) == (
        "1 spectral cube, 1 image and 2 spectra"
    )
    assert listed(["light curve"] * 3) == "3 light curves"
    assert listed(["file", "2-D spectrum", "2-D spectrum"]) == "2 2-D spectra and 1 file"
    assert listed([]) == ""


def test_a_products_kind_is_its_subgroups_else_its_observations():
    rows = Table(
        {
            "productSubGroupDescription": ["S3D", "X1DSUM", "LLC", "LPD-TARG", "I2D", "", "PNG"],
            "dataproduct_type": ["spectrum", "spectrum", "timeseries", "timeseries", "spectrum",
                                 "image", "measurements"],
        },
        masked=True,
    )
    rows["productSubGroupDescription"].mask[5] = True
    assert [product_kind(row) for row in rows] == [
        "spectral cube", "spectrum", "light curve", "target pixel file", "image", "image",
        "file",
    ]
    assert product_kind({}) == "file"


def test_the_load_button_names_the_kinds_selected(plg, local_mast):
    plugin = plg._obj
    assert plugin.load_text == "Load"
    _jwst_page(plg).select(products=[X1D, S2D, S3D, I2D])
    assert plugin.load_text == "Load 1 spectral cube, 1 2-D spectrum, 1 image and 1 spectrum"
    plg.select(products=[S3D])
    assert plugin.load_text == "Load 1 spectral cube"
    plg.select(products=[I2D])
    assert plugin.load_text == "Load 1 image"


def test_light_curves_and_skipped_exclusive_files(plg, local_mast, monkeypatch):
    plugin = plg._obj
    plg.target = "KIC 10002792"
    plg.criteria = {"obs_collection": "Kepler"}
    plg.search()
    plg.select(observations="all", products="all")
    assert plugin.load_text == "Load 1 light curve"
    # TW Hya's COS observation LF7Z01010 is exclusive access: skipped without a token, so
    # not counted (as the selected total does not count it)
    monkeypatch.delenv("MAST_API_TOKEN", raising=False)
    plg.target = "TW Hya"
    plg.criteria = {"obs_collection": "HST", "instrument_name": "COS/FUV"}
    plg.search()
    keys = [i for i, o in enumerate(plg.results["obs_id"]) if o in ("LB4M01010", "LF7Z01010")]
    plg.select(observations=keys, products="all")
    assert len(plg.products) == 2
    assert plugin.exclusive_text
    assert plugin.load_text == "Load 1 spectrum"
    plg.select(products=[])
    assert plugin.load_text == "Load"
