"""HSC grism spectra: listed by region or match, fetched (verified, with a manifest), read."""

import pytest

import glue_mast
from glue_mast.errors import InputError
from glue_mast.io import read


def test_spectra_of_a_match_are_fetched_verified_and_read_as_spectra(local_mast, tmp_path):
    spectra = glue_mast.hsc_spectra(match=19657846)
    assert len(spectra) == 2 and set(spectra["MatchID"].astype(str)) == {"19657846"}
    assert all(u.startswith("mast:HLA/url/cgi-bin/ecfproxy?file_id=") for u in spectra["dataURI"])
    result = glue_mast.fetch(spectra, tmp_path)
    assert result.ok and len(result.downloaded) == 2
    manifest = glue_mast.Manifest.read(tmp_path / "manifest.json")
    assert {d["dataURI"] for d in manifest.datasets} == set(spectra["dataURI"])
    assert all(len(d["sha256"]) == 64 for d in manifest.datasets)
    for path in result.paths:
        (item,) = read(path)
        assert item.kind.name == "SPECTRUM" and item.reader == "glue-mast: HLA grism spectrum"
        spectrum = item.data
        assert spectrum.spectral_axis.unit == "Angstrom" and len(spectrum.flux) == 113
        assert spectrum.uncertainty is not None


def test_spectra_of_a_region_come_from_one_list_fetched_once(local_mast):
    near = glue_mast.hsc_spectra(coordinates="111.732 69.28", radius="1 arcmin")
    assert 0 < len(near) < 26
    lists = local_mast.requests(service="Mast.HscSpectra.Db.All")
    glue_mast.hsc_spectra(coordinates="111.732 69.28", radius="2 arcmin")
    assert local_mast.requests(service="Mast.HscSpectra.Db.All") == lists
    assert near.meta["query"]["radius_deg"] == pytest.approx(1 / 60)


def test_spectra_need_one_of_region_or_match(local_mast):
    with pytest.raises(InputError) as e:
        glue_mast.hsc_spectra()
    assert e.value.field == "target"
    with pytest.raises(InputError) as e:
        glue_mast.hsc_spectra(match="M10")
    assert e.value.field == "match"
