"""Every product file the local archive serves, downloaded over HTTP and read."""

import collections
import json

import pytest
import requests

from glue_mast.errors import UnreadableProduct
from glue_mast.io import ContentKind, read
from glue_mast.testing.server import DOWNLOAD_PATH

#: What each product subgroup of the local archive's named observations reads as.
EXPECTED = {
    "X1D": ContentKind.SPECTRUM,  # HST COS and STIS, JWST
    "X1DSUM": ContentKind.SPECTRUM,
    "MXLO_VO": ContentKind.SPECTRUM,
    "VO": ContentKind.SPECTRUM,
    "S2D": ContentKind.SPECTRUM_2D,
    "S3D": ContentKind.SPECTRAL_CUBE,
    "I2D": ContentKind.IMAGE,
    "LLC": ContentKind.LIGHTCURVE,
    "LC": ContentKind.LIGHTCURVE,
    "LPD-TARG": ContentKind.PIXELS,
    # The archive's placeholders for these are plain images; HST raw is one as well.
    "RAW": ContentKind.IMAGE,
    "ASN": ContentKind.IMAGE,
    "JIT": ContentKind.IMAGE,
    "FFIC": ContentKind.IMAGE,
    "INT": ContentKind.IMAGE,
}
#: Products with no spectrum, light curve or image in them.
UNREADABLE = {"PREVIEW", "RAWTAG_A", "UNCAL"}


def test_every_named_product_reads_as_its_kind(mast_archive, tmp_path):
    mast_archive.clear_log()
    catalog = mast_archive.catalog
    rows = [
        row
        for obs in catalog.named
        for row in catalog.products([obs.row["obsid"]])
        if not catalog.is_exclusive(row["dataURI"])
    ]
    readers = collections.Counter()
    for row in rows:
        response = requests.get(
            mast_archive.url + DOWNLOAD_PATH, params={"uri": row["dataURI"]}, timeout=30
        )
        response.raise_for_status()
        path = tmp_path / row["productFilename"]
        path.write_bytes(response.content)
        group = row["productSubGroupDescription"]
        if group in UNREADABLE:
            with pytest.raises(UnreadableProduct, match=f"^Cannot read {path.name}: "):
                read(path)
            continue
        items = read(path)
        assert {item.kind for item in items} == {EXPECTED[group]}, path.name
        assert all(item.path == path for item in items)
        # Headers go into glue sessions and manifests: plain JSON, and round-tripping as such.
        assert all(json.loads(json.dumps(item.header)) == item.header for item in items)
        assert all(item.header.get("TELESCOP") for item in items), path.name
        readers.update(item.reader for item in items)
    assert len(mast_archive.requests(path=DOWNLOAD_PATH)) == len(rows)
    assert set(readers) == {
        "glue-mast: HST/COS x1d",
        "specutils: HST/STIS",
        "glue-mast: MAST VO spectrum",
        "specutils: JWST x1d",
        "glue-mast: JWST s2d",
        "glue-mast: JWST s3d",
        "lightkurve",
        "glue-mast: FITS image",
    }
