"""CatalogState: counts, pages, cut-off warnings, and observations around selected sources."""

import pytest

from glue_mast.archive.catalogs import CatalogCutOffWarning
from glue_mast.errors import InputError
from glue_mast.state import CatalogState, SearchState
from glue_mast.testing import sky_catalogs

M10 = "254.28771 -4.10031"


def test_search_lands_count_and_page_one_in_one_request(local_mast, invokes):
    state = CatalogState(catalog="Gaia", coordinates=M10, radius="0.2 deg", page_size=7)
    table = state.search().result()
    assert len(invokes("Mast.Catalogs.GaiaDR3.Cone")) == 1
    assert (state.count, state.n_pages, state.page) == (30, 5, 1)
    assert state.rows is table and len(table) == 7
    assert table.meta["query"]["catalog"] == "Gaia" and table.meta["version"] == "DR3"
    assert (state.busy, state.error) == (False, "")

    state.go_to_page(5).result()
    sent = invokes("Mast.Catalogs.GaiaDR3.Cone")[-1].request
    assert (sent["page"], sent["pagesize"]) == (5, 7)  # the server pages
    assert state.page == 5 and len(state.rows) == 2
    assert len(invokes("Mast.Catalogs.GaiaDR3.Cone")) == 2


def test_count_alone_asks_for_one_row(local_mast, invokes):
    state = CatalogState(catalog="TIC", target="M10", radius="0.2 deg")
    assert state.count_rows().result() == 7
    [sent] = invokes("Mast.Catalogs.Tic.Cone")
    assert sent.request["pagesize"] == 1
    assert state.count == 7 and state.rows is None
    assert state.resolved_position.startswith("M10: RA 254.2")
    state.search().result()
    assert len(invokes("Mast.Name.Lookup")) == 1  # the target is resolved once


def test_versions_follow_the_catalog_and_a_change_clears_the_answer(local_mast):
    state = CatalogState(catalog="HSC", version="v2", coordinates="322.5 12.167")
    assert state.version_choices == ["v3", "v2"] and state.version == "v2"
    state.search().result()
    assert state.count == 20
    state.catalog = "Gaia"
    assert state.version_choices == ["DR3", "DR2"] and state.version == ""
    assert (state.count, state.rows) == (None, None)


def test_cut_off_warning_is_shown_with_the_limit(local_mast):
    state = CatalogState(catalog="TIC", coordinates="270.8917 -30.0339", radius="0.2 deg",
                         page_size=10)
    state.search().result()
    assert state.count > sky_catalogs.SYNTHETIC_FIELD_ROWS * 0.99
    assert state.warnings == []  # the TIC is not capped
    capped = CatalogState(catalog="GALEX", coordinates=M10, radius="0.2 deg",
                          criteria={"max_results": 10})
    with pytest.warns(CatalogCutOffWarning):
        capped.search().result()
    [message] = capped.warnings
    assert "at most 10 rows from the GALEX catalog" in message and "max_results=" in message
    capped.radius = "0.1 deg"
    assert capped.warnings == []  # a new question, a new answer


def test_errors_name_their_field(local_mast, settle):
    state = CatalogState(catalog="Gaia", coordinates="not a place")
    state.search()
    settle(state)
    assert state.error_field == "coordinates" and "could not read coordinates" in state.error
    state.update_from_dict({"coordinates": M10, "version": "DR9"})
    state.search()
    settle(state)
    assert state.error_field == "version" and "DR3, DR2" in state.error
    with pytest.raises(InputError, match="unknown catalog input 'colour'"):
        state.update_from_dict({"colour": "red"})


def test_observations_around_selected_sources(local_mast, invokes):
    stars = CatalogState(catalog="Gaia", target="TW Hya", radius="0.05 deg")
    stars.search().result()
    assert stars.count == 6
    nearest = [i for i, d in enumerate(stars.rows["ra"]) if abs(d - 165.46627) < 1e-6]
    far = [i for i in range(len(stars.rows)) if i not in nearest][:2]
    stars.selected = nearest + far
    observations = SearchState(obs_collection="HST, IUE, FUSE", page_size=5)
    with pytest.raises(InputError, match="select one or more") as e:
        CatalogState().search_observations_around(observations)
    assert e.value.field == "selected"

    count, rows = stars.search_observations_around(observations, radius="5 arcsec").result()
    assert len(invokes(columns="COUNT_BIG(*)")) == 3  # one count per source
    # TW Hya's 8 observations lie around the first source, none around the two field stars.
    assert count == observations.count == 8 and observations.n_pages == 2
    assert set(rows["source"]) == {f"Gaia {stars.rows['source_id'][nearest[0]]}"}
    assert observations.target == "" and "around 3 sources" in observations.resolved_position
    assert rows.meta["query"]["counts"] == [8, 0, 0]
    page2 = observations.go_to_page(2).result()
    assert len(page2) == 3 and observations.page == 2
    assert set(rows["obsid"]) | set(page2["obsid"]) == {f"241000100{i}" for i in range(1, 9)}


def test_a_new_page_size_keeps_the_count_and_repaginates(local_mast, invokes):
    """As in the observation form: the count stays, the pages are counted again, page 1 is
    fetched with the new size, and a page past the new end says how many there are."""
    state = CatalogState(catalog="Gaia", coordinates=M10, radius="0.2 deg", page_size=7)
    state.search().result()
    state.go_to_page(2).result()
    state.page_size = 10
    assert (state.count, state.n_pages, state.page, state.rows) == (30, 3, 1, None)
    with pytest.raises(InputError, match="page 4 is past the end: there are 3 pages"):
        state.go_to_page(4).result()
    assert state.error_field == "page"
    state.go_to_page(3).result()
    assert (state.page, len(state.rows)) == (3, 10)
    assert invokes("Mast.Catalogs.GaiaDR3.Cone")[-1].request["pagesize"] == 10
