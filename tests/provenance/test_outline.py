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
                "proposal_id": "11533", "provenance_name": "CALCOS", "prvversion": "3.4.3",
                "parent_obsid": "2003520267", "t_obs_release": 55079.0,
                "origin": "https://stpubdata.s3.amazonaws.com/hst/public/lb4m/lb4m01010_x1dsum.fits"},
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
    assert list(tree) == ["Dataset", "Observation", "File", "Query", "MAST record", "Header"]
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
    # what no other section shows: MAST's other fields, under their own names
    assert tree["MAST record"][2] == {"parent_obsid": ("2003520267", "", {})}
    assert tree["Observation"][2]["Public from"][0] == "2009-09-05 00:00 UTC"
    assert files["Pipeline"][0] == "CALCOS 3.4.3"
    # bytes fetched from elsewhere than the server's download (a cloud copy) say where
    origin = RECORD["dataset"]["origin"]
    assert files["Fetched from"][:2] == (origin, origin)


def test_a_query_of_any_kind_shows_every_field_and_no_dict_whole():
    record = {"queries": [
        {"service": "multiple cone search (one Mast.Caom.Cone per source)",
         "sources": [{"source": "a", "ra": 1.0, "dec": 2.0}, {"source": "b", "ra": 3.0,
                                                             "dec": 4.0}],
         "radius_deg": 0.01, "criteria_given": {"obs_collection": "HST"},
         "criteria_sent": {"obs_collection": ["HST", "HLA"]}, "count": 5, "counts": [2, 3]},
        {"service": "Mast.Caom.Products", "obsids": [str(i) for i in range(12)], "listed": 30,
         "kept": 12, "product_filter": {"calibrated_only": True}},
    ]}
    search, listing = _flat(outline(record))["Query"][2].values()
    fields = search[2]
    assert fields["Sources"][0] == "2"
    assert fields["Sources"][2]["1"][0] == "source = a, ra = 1, dec = 2"
    assert fields["Count per source"][0] == "2, 3"
    assert fields["Sent to MAST as"][0] == "obs_collection = HST, HLA"
    assert listing[2]["Observations listed"][0] == "12 (0, 1, 2, 3, 4, …)"

    def values(nodes):
        for node in nodes:
            yield node["value"]
            yield from values(node["children"])

    assert not [v for v in values(outline(record)) if "{" in v]


def test_an_empty_record_has_no_sections_and_links_need_a_server():
    assert outline({}) == [] and outline(None) == []
    assert download_link(None, "mast:HST/product/x.fits") == ""
    assert download_link("http://h/", "mast:a b.fits") == (
        "http://h/api/v0.1/Download/file?uri=mast:a%20b.fits"
    )
