"""A dataset's provenance record as an outline a person reads."""

from glue_mast.provenance.outline import download_link, outline

#: A record as glue-mast keeps it, reduced to what the outline reads.
RECORD = {
    "schema": "glue-mast/data/1",
    "label": "HST COS/FUV LB4M01010 FUVA",
    "kind": "spectrum",
    "part": "FUVA",
    "file": "lb4m01010_x1dsum.fits",
    "header": {"TELESCOP": "HST", "OPT_ELEM": "G130M"},
    "dataset": {"obs_id": "LB4M01010", "dataURI": "mast:HST/product/lb4m01010_x1dsum.fits",
                "productFilename": "lb4m01010_x1dsum.fits", "size": 342720,
                "proposal_id": "11533"},
    "fetch": {"dataURI": "mast:HST/product/lb4m01010_x1dsum.fits", "sha256": None,
              "doi": "10.17909/t9-test", "checked": "not checked",
              "server": "https://mast.stsci.edu"},
    "server": "https://mast.stsci.edu",
    "queries": [
        {"service": "Mast.Caom.Cone", "coordinates": {"ra": 165.46627, "dec": -34.70473},
         "radius_deg": 0.02, "criteria_given": {"obs_collection": "HST"}, "count": 3},
    ],
}


def _flat(nodes):
    return {n["name"]: (n["value"], n["link"], _flat(n["children"])) for n in nodes}


def test_sections_say_what_the_record_says_with_links():
    tree = _flat(outline(RECORD))
    assert list(tree) == ["Dataset", "Observation", "File", "Query", "Header"]
    files = tree["File"][2]
    assert files["Size"][0] == "342.7 kB"
    assert files["MAST URI"][1] == (
        "https://mast.stsci.edu/api/v0.1/Download/file?uri=mast:HST/product/lb4m01010_x1dsum.fits"
    )
    assert files["DOI"][:2] == ("10.17909/t9-test", "https://doi.org/10.17909/t9-test")
    # a record without a SHA-256 is never called checked
    assert files["Checksum"][0] == "not checked: no SHA-256 was recorded for these bytes"
    assert "SHA-256" not in files
    query = tree["Query"][2]["Search"]
    assert query[0] == "3 observations"
    assert query[2]["Criteria"][0] == "obs_collection = HST"
    assert query[2]["Position"][0] == "RA 165.466, Dec -34.7047 (icrs, deg)"
    assert tree["Header"][2]["OPT_ELEM"][0] == "G130M"


def test_an_empty_record_has_no_sections_and_links_need_a_server():
    assert outline({}) == [] and outline(None) == []
    assert download_link(None, "mast:HST/product/x.fits") == ""
    assert download_link("http://h/", "mast:a b.fits") == (
        "http://h/api/v0.1/Download/file?uri=mast:a%20b.fits"
    )
