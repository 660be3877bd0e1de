"""A glue session round trip with a catalog: the table, its links and provenance come back,
and a copy that is not the table loaded is refused (by its SHA-256)."""

import pytest

from glue_mast.errors import InputError
from glue_mast.glue.session import restore_session, save_session
from glue_mast.glue.tables import load_catalog, load_observations
from glue_mast.provenance.tables import record_of
from glue_mast.state import CatalogState, SearchState

TW_HYA = (165.46627, -34.70473)


@pytest.fixture
def saved(local_mast, tmp_path):
    from glue.core import DataCollection

    dc = DataCollection()
    stars = CatalogState(catalog="Gaia", target="TW Hya", radius="0.05 deg")
    stars.search().result()
    load_catalog(dc, stars.rows)
    stars.selected = list(range(len(stars.rows)))
    observations = SearchState()
    stars.search_observations_around(observations, radius="5 arcsec").result()
    load_observations(dc, observations.rows)
    path = tmp_path / "analysis.glu"
    save_session(dc, path)
    return path, stars


def test_the_catalog_comes_back_linked_with_its_provenance(saved):
    from glue.core.roi import RectangularROI
    from glue.core.subset import RoiSubsetState

    path, stars = saved
    restored = restore_session(path)
    catalog, observed = restored
    assert catalog.label == "Gaia DR3 around TW Hya, page 1"
    assert list(catalog["source_id"]) == list(stars.rows["source_id"])  # 19-digit IDs exact
    record = record_of(catalog)
    assert (record["catalog"], record["version"], record["count"]) == ("Gaia", "DR3", 6)
    assert record["query"]["target"] == "TW Hya"
    # The sky links came back: a box of stars selects the observations around it.
    box = RectangularROI(TW_HYA[0] - 0.001, TW_HYA[0] + 0.001, TW_HYA[1] - 0.001,
                         TW_HYA[1] + 0.001)
    restored.new_subset_group("TW Hya", RoiSubsetState(catalog.id["ra"], catalog.id["dec"], box))
    assert catalog.subsets[0].to_mask().sum() == 1
    assert observed.subsets[0].to_mask().sum() == 8


def test_a_changed_copy_is_refused(saved):
    path, _ = saved
    recorded = record_of(restore_session(path)[0])["columns_sha256"]
    # A session whose copy of the catalog no longer hashes to what was recorded at loading.
    text = path.read_text()
    assert text.count(recorded) == 1
    path.write_text(text.replace(recorded, "0" * 64))
    with pytest.raises(InputError, match="copy of 'Gaia DR3 around TW Hya, page 1' is not the"):
        restore_session(path)
