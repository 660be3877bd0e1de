"""Catalog pages in glue: a table linked by WCS to an image and to the observations around it.

The catalog and the observations come from the local archive through the real astroquery
client; the image is a FITS file with a celestial WCS centred on TW Hya, read by glue's own
``load_data``.
"""

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from glue_mast.provenance.tables import record_of, rows_sha256
from glue_mast.state import CatalogState, SearchState

TW_HYA = (165.46627, -34.70473)


def _image(path, size=200, arcsec_per_pixel=1.0):
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = list(TW_HYA)
    wcs.wcs.crpix = [size / 2 + 0.5, size / 2 + 0.5]
    wcs.wcs.cdelt = [-arcsec_per_pixel / 3600, arcsec_per_pixel / 3600]
    fits.PrimaryHDU(np.ones((size, size)), header=wcs.to_header()).writeto(path)
    return path


@pytest.fixture
def sky(local_mast, tmp_path):
    """An image around TW Hya, the Gaia stars on it, and the observations around them."""
    from glue.core import DataCollection
    from glue.core.data_factories import load_data

    from glue_mast.glue.tables import load_catalog, load_observations

    dc = DataCollection()
    image = load_data(str(_image(tmp_path / "twhya.fits")))
    dc.append(image)
    stars = CatalogState(catalog="Gaia", target="TW Hya", radius="0.05 deg")
    stars.search().result()
    catalog = load_catalog(dc, stars.rows)
    stars.selected = list(range(len(stars.rows)))
    observations = SearchState(page_size=50)
    stars.search_observations_around(observations, radius="5 arcsec").result()
    observed = load_observations(dc, observations.rows)
    return dc, image, catalog, observed, stars


def test_a_subset_on_the_image_selects_its_stars_and_their_observations(sky):
    from glue.core.roi import RectangularROI
    from glue.core.subset import RoiSubsetState

    dc, image, catalog, observed, stars = sky
    # Ten pixels (ten arcsec) around the centre of the image, where TW Hya is.
    x, y = image.pixel_component_ids[1], image.pixel_component_ids[0]
    dc.new_subset_group("around TW Hya", RoiSubsetState(x, y, RectangularROI(95, 105, 95, 105)))
    on_catalog = catalog.subsets[0].to_mask()
    ra = catalog["ra"]
    assert on_catalog.sum() == 1 and abs(ra[on_catalog][0] - TW_HYA[0]) < 1e-6
    on_observations = observed.subsets[0].to_mask()
    assert on_observations.all() and len(on_observations) == 8  # TW Hya's observations

    # Everything but the centre: the five field stars, and no observation.
    dc.new_subset_group("field", RoiSubsetState(x, y, RectangularROI(0, 199, 0, 90)))
    assert 1 <= catalog.subsets[1].to_mask().sum() < 5
    assert not observed.subsets[1].to_mask().any()


def test_a_subset_of_stars_shows_on_the_image_and_selects_observations(sky):
    from glue.core.roi import RectangularROI
    from glue.core.subset import RoiSubsetState

    dc, image, catalog, observed, _ = sky
    ra, dec = catalog.id["ra"], catalog.id["dec"]
    box = RectangularROI(TW_HYA[0] - 0.002, TW_HYA[0] + 0.002, TW_HYA[1] - 0.002, TW_HYA[1] + 0.002)
    dc.new_subset_group("TW Hya box", RoiSubsetState(ra, dec, box))
    pixels = image.subsets[0].to_mask()
    # 0.004 deg of RA at Dec -34.7 is 11.8 arcsec, of Dec 14.4 arcsec: about 170 pixels.
    assert 120 < pixels.sum() < 220 and pixels[100, 100]
    assert observed.subsets[0].to_mask().all()
    assert catalog.subsets[0].to_mask().sum() == 1


def test_the_catalog_table_keeps_its_provenance(sky):
    _, _, catalog, observed, stars = sky
    record = record_of(catalog)
    assert (record["catalog"], record["version"], record["kind"]) == ("Gaia", "DR3", "catalog")
    assert record["count"] == 6 and record["rows"] == 6 and record["page"] == 1
    assert record["query"]["target"] == "TW Hya" and record["query"]["radius_deg"] == 0.05
    assert record["server"].startswith("http://127.0.0.1") and record["when"][:2] == "20"
    assert record["rows_sha256"] == rows_sha256(stars.rows)
    assert catalog.label == "Gaia DR3 around TW Hya, page 1"
    assert catalog.get_component("ra").units == "deg"
    obs = record_of(observed)
    assert obs["kind"] == "observations" and obs["query"]["counts"][0] == 8


def test_an_image_added_later_is_linked_too(sky, tmp_path):
    from glue.core.data_factories import load_data

    from glue_mast.glue.tables import link_sky

    dc, _, catalog, _, _ = sky
    wide = load_data(str(_image(tmp_path / "wide.fits", size=50, arcsec_per_pixel=4.0)))
    before = len(dc.external_links)
    dc.append(wide)  # linked as it is added: nothing left for link_sky to add
    assert len(dc.external_links) == before + 2 and link_sky(dc) == []
    px = catalog[wide.pixel_component_ids[1]]
    assert np.isfinite(px).all()
    # A table is not an image: adding one links nothing more.
    from glue.core import Data

    dc.append(Data(x=[1.0, 2.0], label="not an image"))
    assert len(dc.external_links) == before + 2


def test_images_added_to_a_restored_session_are_linked(sky, tmp_path):
    from glue.core.data_factories import load_data

    from glue_mast.glue.session import restore_session, save_session

    dc = sky[0]
    path = tmp_path / "catalog.glu"
    save_session(dc, path)
    restored = restore_session(path)
    catalog = next(d for d in restored if d.label == sky[2].label)
    wide = load_data(str(_image(tmp_path / "wide.fits", size=50, arcsec_per_pixel=4.0)))
    restored.append(wide)
    assert np.isfinite(catalog[wide.pixel_component_ids[1]]).all()
