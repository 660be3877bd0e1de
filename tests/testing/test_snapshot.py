"""The snapshot as data (``glue_mast/testing/data/snapshot``) and the local archive's modules."""

import json
from importlib import resources
from pathlib import Path

import pytest

import glue_mast.testing
from glue_mast.testing import files, snapshot

SNAPSHOT = resources.files("glue_mast.testing").joinpath("data", "snapshot")


def entries():
    return json.loads(SNAPSHOT.joinpath("observations.json").read_text(encoding="utf-8"))


def test_no_module_of_the_local_archive_is_over_500_lines():
    package = Path(glue_mast.testing.__file__).parent
    lengths = {
        str(path.relative_to(package)): len(path.read_text(encoding="utf-8").splitlines())
        for path in package.rglob("*.py")
    }
    assert {name: n for name, n in lengths.items() if n > 500} == {}


def test_every_product_has_a_file_the_archive_can_make():
    real = resources.files("glue_mast.testing").joinpath("data", "real")
    uris = []
    for observation in snapshot.observations():
        for product in observation.products:
            uris.append(product.row["dataURI"])
            assert product.row["obsID"] == observation.row["obsid"]
            assert product.row["productFilename"] == product.row["dataURI"].rsplit("/", 1)[1]
            if product.source[0] == "real":
                assert real.joinpath(product.source[1]).is_file()
            else:
                assert product.source[1] in files.KINDS
    assert len(uris) == len(set(uris)) == 65


def test_product_rows_repeat_their_observation_and_keep_their_own_fields():
    entry = entries()[0]
    observation = snapshot.build_observation(entry)
    product, listed = observation.products[0], entry["products"][0]
    assert list(product.row) == list(snapshot.PRODUCT_FIELDS)
    for name in ("obs_collection", "obs_id", "proposal_id", "dataRights", "filters", "project"):
        assert product.row[name] == observation.row[name]
    assert product.row["parent_obsid"] == product.row["obsID"] == observation.row["obsid"]
    for name in ("dataURI", "productType", "calib_level", "description", "prvversion"):
        assert product.row[name] == listed[name]
    assert product.row["size"] is None  # measured from the bytes when the archive starts
    assert product.source == ("generate", listed["file"]["kind"], listed["file"]["params"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda e: e["row"].update(t_minn=1.0),
            r"observation 2410001001: unknown fields \['t_minn'\]",
        ),
        (
            lambda e: e["products"][0].update(productTyp="SCIENCE"),
            r"product mast:HST/product/lb4m01010_x1dsum.fits: unknown fields \['productTyp'\]",
        ),
        (lambda e: e["products"][0].update(file={}), r'"file" needs "real" or "kind"'),
    ],
)
def test_a_mistake_in_the_data_is_named(change, message):
    entry = entries()[0]
    change(entry)
    with pytest.raises(ValueError, match=message):
        snapshot.build_observation(entry)


def test_targets_know_every_name_and_keep_the_default_answer_first():
    assert [a["resolver"] for a in snapshot.TARGETS["m8"]] == ["SIMBAD", "NED"]
    assert snapshot.TARGETS["tw hydrae"] == snapshot.TARGETS["tw hya"]
    assert snapshot.TARGETS["tw hya"][0]["canonicalName"] == "V* TW Hya"
