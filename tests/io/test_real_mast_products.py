"""Real MAST products, downloaded and read. Skipped unless ``--remote-data=any``.

No real HST, JWST, IUE or FUSE spectrum can be shipped with the tests, so these check the
readers against the files MAST serves today, for users with the network.
"""

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from specutils import Spectrum

import glue_mast
from glue_mast import config
from glue_mast.io import ContentKind, read
from glue_mast.io.units import FLAM

pytestmark = pytest.mark.remote_data


@pytest.fixture(autouse=True)
def real_mast(monkeypatch):
    for name in ("GLUE_MAST_SERVER", "MAST_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    config.reset()
    config.configure(server="https://mast.stsci.edu", timeout=300)
    yield
    config.reset()


def fetch_one(tmp_path, **search):
    extension = search.pop("extension", None)
    subgroup = search.pop("subgroup", None)
    rows = glue_mast.search(**search).all(limit=20)
    fields = {"productSubGroupDescription": subgroup} if subgroup else {}
    prods = glue_mast.products(rows, extension=extension, **fields)
    assert len(prods) >= 1
    result = glue_mast.fetch(prods[:1], tmp_path)
    assert result.ok
    return result.paths[0]


def test_iue_vo_spectrum(tmp_path):
    path = fetch_one(tmp_path, obs_collection="IUE", obs_id="lwp13058", extension="_vo.fits")
    (item,) = read(path)
    assert item.reader == "glue-mast: MAST VO spectrum"
    assert item.data.spectral_axis.unit.is_equivalent(u.AA)
    assert item.data.flux.unit.is_equivalent(FLAM)
    assert 1700 < item.data.spectral_axis[0].to_value(u.AA) < item.data.spectral_axis[-1].to_value(
        u.AA
    ) < 3500
    assert len(Spectrum.read(path).flux) == len(item.data.flux)


def test_hst_cos_x1dsum_segments_and_masks(tmp_path):
    path = fetch_one(tmp_path, obs_collection="HST", obs_id="ldxn01010", subgroup="X1DSUM")
    items = read(path)
    with fits.open(path) as hdul:
        rows, sdqflags = hdul[1].data, hdul[1].header["SDQFLAGS"]
        assert [item.part for item in items] == [s.strip() for s in rows["SEGMENT"]]
        for item, row in zip(items, rows, strict=True):
            assert item.data.mask.sum() == np.count_nonzero(row["DQ"][: row["NELEM"]] & sdqflags)
            assert item.data.flux.unit == FLAM


def test_tess_light_curve(tmp_path):
    path = fetch_one(
        tmp_path,
        obs_collection="TESS",
        obs_id="tess2018206045859-s0001-0000000358108509-0120-s",
        subgroup="LC",
    )
    (item,) = read(path)
    assert item.kind is ContentKind.LIGHTCURVE
    assert item.data.time.format == "btjd"
    assert item.data.flux.unit == u.electron / u.s


def test_jwst_nirspec_x1d(tmp_path):
    path = fetch_one(
        tmp_path,
        obs_collection="JWST",
        proposal_id="1366",
        instrument_name="NIRSPEC/SLIT",
        subgroup="X1D",
    )
    items = read(path)
    assert {item.kind for item in items} == {ContentKind.SPECTRUM}
    assert items[0].data.spectral_axis.unit == u.um
    assert items[0].data.mask is not None
