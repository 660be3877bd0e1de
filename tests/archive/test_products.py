"""glue_mast.products: MAST's product lists, calibrated science by default."""

import pytest

import glue_mast
from glue_mast.errors import InputError


def test_default_keeps_mast_recommended_products_one_per_observation(local_mast):
    # A COS observation has a combined x1dsum (level 3) and the per-exposure x1d (level 2) it
    # is made of: both calibrated, but only the x1dsum is MAST's recommended product, so the
    # default gives one spectrum per observation rather than two overlapping ones.
    q = glue_mast.search("TW Hya", obs_collection="HST", instrument_name="COS/FUV")
    prods = glue_mast.products(q.page(1))
    assert prods.meta["listed"] == 15  # 3 observations x 5 products
    assert prods.meta["filter"]["mrp_only"] is True
    assert sorted(prods["productSubGroupDescription"]) == ["X1DSUM"] * 3
    assert set(prods["productGroupDescription"]) == {"Minimum Recommended Products"}
    assert sorted(prods["obsID"]) == sorted(q.page(1)["obsid"])


def test_mrp_only_false_widens_to_every_calibrated_science_product(local_mast):
    q = glue_mast.search("TW Hya", obs_collection="HST", instrument_name="COS/FUV")
    prods = glue_mast.products(q.page(1), mrp_only=False)
    assert set(prods["productType"]) == {"SCIENCE"}
    assert min(prods["calib_level"]) >= 2
    assert sorted(prods["productSubGroupDescription"]) == ["X1D"] * 3 + ["X1DSUM"] * 3
    assert set(prods["obsID"]) == set(q.page(1)["obsid"])


def test_default_keeps_a_file_for_every_observation_of_every_collection(local_mast):
    # Every named observation the local archive serves (IUE, FUSE, HST COS/STIS, JWST,
    # Kepler/K2, TESS light curves and full-frame images, GALEX) keeps at least one file
    # under the default filter, as on MAST, where each has a recommended calibrated product.
    from glue_mast.testing import snapshot

    obsids = [o.row["obsid"] for o in snapshot.observations()]
    collections = {o.row["obs_collection"] for o in snapshot.observations()}
    assert {"IUE", "FUSE", "HST", "JWST", "Kepler", "K2", "TESS", "GALEX"} <= collections
    prods = glue_mast.products(obsids)
    assert set(obsids) - {str(o) for o in prods["obsID"]} == set()
    synthetic = glue_mast.products("9000000007")
    assert list(synthetic["productFilename"]) == ["syn000007_cal.fits"]


def test_product_list_is_one_request_for_many_observations(local_mast):
    q = glue_mast.search("AU Mic")
    rows = q.page(1)
    local_mast.clear_log()
    glue_mast.products(rows)
    [request] = local_mast.requests(service="Mast.Caom.Products")
    assert sorted(request.request["params"]["obsid"].split(",")) == sorted(rows["obsid"])


def test_all_levels_mrp_extension_and_filters(local_mast):
    obsid = "2410003001"  # JWST NIRSpec: x1d, s2d (level 3), uncal (1), preview
    everything = glue_mast.products(
        obsid, calibrated_only=False, product_type=None, mrp_only=False
    )
    assert len(everything) == 4
    levels = glue_mast.products(obsid, calibrated_only=False, mrp_only=False)["calib_level"]
    assert sorted(levels) == [1, 3, 3]
    mrp = glue_mast.products(obsid)
    assert list(mrp["productFilename"]) == [
        "jw01366-o004_t001_nirspec_clear-prism-s1600a1-sub512_x1d.fits"
    ]
    assert len(glue_mast.products(obsid, mrp_only=False, extension="_s2d.fits")) == 1
    assert len(glue_mast.products(obsid, extension="_s2d.fits")) == 0  # not recommended
    previews = glue_mast.products(obsid, mrp_only=False, productType="PREVIEW")
    assert list(previews["productType"]) == ["PREVIEW"]
    # astroquery's filter_products semantics: OR within a list, "!" negates, numeric ranges.
    wide = {"mrp_only": False}
    assert len(glue_mast.products(obsid, productSubGroupDescription=["X1D", "S2D"], **wide)) == 2
    assert len(glue_mast.products(obsid, productSubGroupDescription="!X1D", **wide)) == 1
    small = glue_mast.products(obsid, size="<100000", mrp_only=False)
    assert all(s < 100_000 for s in small["size"])


def test_duplicates_are_listed_once(local_mast):
    prods = glue_mast.products(["2410001005", "2410001005"], calibrated_only=False)
    assert len(prods) == len(set(prods["dataURI"])) == 1


def test_tess_ffi_rows_are_left_out_as_astroquery_does(local_mast):
    rows = glue_mast.search(obs_collection="TESS").page(1)
    assert "TESS FFI" in set(rows["target_name"])
    prods = glue_mast.products(rows)
    assert list(prods["productFilename"]) == [
        "tess2018206045859-s0001-0000000358108509-0120-s_lc.fits"
    ]


def test_exclusive_products_are_marked(local_mast):
    prods = glue_mast.products("2410001008")
    assert set(prods["dataRights"]) == {"EXCLUSIVE_ACCESS"}


def test_synthetic_products(local_mast):
    group = glue_mast.search(obs_collection="SYNTHETIC", proposal_id="00042").all()
    prods = glue_mast.products(group)
    assert len(prods) == 16
    assert set(prods["size"]) == {local_mast.catalog.synthetic_size}


@pytest.mark.parametrize(
    "observations, message",
    [
        ("LB4M01010", "not a MAST obsid"),
        ([], "at least one obsid"),
    ],
)
def test_bad_obsids(local_mast, observations, message):
    with pytest.raises(InputError, match=message):
        glue_mast.products(observations)


def test_table_without_obsid_is_explained(local_mast):
    rows = glue_mast.search("TW Hya").page(1)
    rows.remove_column("obsid")
    with pytest.raises(InputError, match="products need obsid"):
        glue_mast.products(rows)


def test_unknown_product_field(local_mast):
    with pytest.raises(InputError, match="unknown product field 'producttyp'; did you mean "):
        glue_mast.products("2410001001", producttyp="SCIENCE")


def test_unknown_obsid_gives_no_products(local_mast):
    assert len(glue_mast.products("1234567")) == 0


def test_a_single_row(local_mast):
    page = glue_mast.search("TW Hya").page(1)
    prods = glue_mast.products(page[0])
    assert set(prods["obsID"]) == {page[0]["obsid"]}
    assert prods.meta["queries"][-1]["obsids"] == [page[0]["obsid"]]
    assert prods.meta["queries"][0]["target"] == "TW Hya"
