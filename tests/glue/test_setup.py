"""glue_mast.setup(): glue's registries, the plugin entry point, and glue's own loaders."""

import pytest
from glue.config import autolinker, data_factory, link_helper
from glue.core import DataCollection
from glue.core.autolinking import find_possible_links
from glue.core.data_factories import find_factory, load_data

import glue_mast
from glue_mast.glue import AUTOLINKER_LABELS
from glue_mast.glue.factory import is_mast_product, read_mast_product
from glue_mast.glue.links import SpectralAxisLink, TimeAxisLink


def _counts():
    return (
        sum(f.function is read_mast_product for f in data_factory.members),
        sum(h.helper in (SpectralAxisLink, TimeAxisLink) for h in link_helper.members),
        sum(label in AUTOLINKER_LABELS.values() for label, _ in autolinker.members),
    )


def test_setup_registers_once_however_often_it_is_called():
    glue_mast.setup()
    assert _counts() == (1, 2, 2)
    glue_mast.setup()
    glue_mast.setup()
    assert _counts() == (1, 2, 2)
    categories = {h.helper: h.category for h in link_helper.members}
    assert categories[SpectralAxisLink] == categories[TimeAxisLink] == "Astronomy"


def test_glue_loads_glue_mast_as_a_plugin():
    from glue.main import list_loaded_plugins, load_plugins

    load_plugins()
    assert "glue_mast" in list_loaded_plugins()
    assert _counts() == (1, 2, 2)


@pytest.mark.parametrize(
    ("name", "ours"),
    [
        ("lb4m01010_x1dsum.fits", True),
        ("lb4m0101q_x1d.fits", True),
        ("swp54419mxlo_vo.fits", True),
        ("kplr010002792-2009259160929_llc.fits", True),
        ("tess2018206045859-s0001-0000000358108509-0120-s_lc.fits", True),
        ("jw02925-o001_t001_nirspec_g395h-f290lp_x1d.fits", True),
        ("hlsp_muscles_multi_multi_gj176_broadband_v22_adapt-const-res-sed.fits", True),
        ("/data/hlsp_x/image_raw.fits", False),
        ("image_drz.fits", True),
        ("jw02925001001_02101_00001_nrs1_i2d.fits", True),
        ("ktwo211983544-c18_lpd-targ.fits", True),
        ("tess2018206045859-s0001-0000000358108509-0120-s_tp.fits", True),
        ("jw01366-o004_t001_nirspec_clear-prism-s1600a1-sub512_s2d.fits", True),
        ("jw01366-o004_t001_nirspec_clear-prism-s1600a1-sub512_s3d.fits", True),
        ("obf501020_raw.fits", False),
        ("catalog.csv", False),
    ],
)
def test_identifier_claims_only_what_glue_mast_loads(name, ours):
    assert is_mast_product(name) is ours


def test_glue_open_file_uses_the_factory_and_finds_the_manifest(fetched_tw_hya):
    glue_mast.setup()
    path = next(p for p in fetched_tw_hya.paths if p.name == "swp54419mxlo_vo.fits")
    assert find_factory(str(path)) is read_mast_product
    data = load_data(str(path))  # what glue's File > Open does
    assert data.label == "swp54419 (IUE SWP)"
    assert data.meta["glue_mast"]["dataset"]["dataURI"].endswith("swp54419mxlo_vo.fits")


def test_all_registered_autolinkers_suggest_only_ours_and_do_not_crash(fetched_tw_hya):
    # glue-core's WCS autolinker crashes on specutils' GWCS spectra; it ignores these.
    from glue.main import load_plugins

    load_plugins()
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc, link=False)
    suggestions = find_possible_links(dc)
    assert list(suggestions) == [AUTOLINKER_LABELS["spectral"]]
    assert len(suggestions[AUTOLINKER_LABELS["spectral"]]) == 2
