"""Tests for glue_mast.testing.files: the layouts of the MAST products imitated, and determinism."""

import datetime
import hashlib
import io
import json
import struct
import subprocess
import sys
import warnings
import zlib

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits, registry
from astropy.table import Table

from glue_mast.testing import files

FITS_KINDS = [kind for kind in files.KINDS if kind != "preview_png"]
SPECTRUM_KINDS = ["hst_cos_x1d", "hst_stis_x1d", "jwst_x1d", "iue_mxlo_vo", "fuse_vo"]

COS_COLUMNS = {
    "SEGMENT": ("4A", None),
    "EXPTIME": ("1D", "s"),
    "NELEM": ("1J", None),
    "WAVELENGTH": ("D", "angstrom"),
    "FLUX": ("E", "erg /s /cm**2 /angstrom"),
    "ERROR": ("E", "erg /s /cm**2 /angstrom"),
    "ERROR_LOWER": ("E", "erg /s /cm**2 /angstrom"),
    "VARIANCE_FLAT": ("E", None),
    "VARIANCE_COUNTS": ("E", None),
    "VARIANCE_BKG": ("E", None),
    "GROSS": ("E", "count /s"),
    "GCOUNTS": ("E", "count"),
    "NET": ("E", "count /s"),
    "BACKGROUND": ("E", "count /s"),
    "DQ": ("I", None),
    "DQ_WGT": ("E", None),
}
COS_TWOZONE_COLUMNS = {
    "DQ_OUTER": ("I", None),
    "BACKGROUND_PER_PIXEL": ("E", "count /s /pixel"),
    "NUM_EXTRACT_ROWS": ("I", None),
    "ACTUAL_EE": ("D", None),
    "Y_LOWER_OUTER": ("D", None),
    "Y_UPPER_OUTER": ("D", None),
    "Y_LOWER_INNER": ("D", None),
    "Y_UPPER_INNER": ("D", None),
}
STIS_COLUMNS = {
    "SPORDER": ("1I", None),
    "NELEM": ("1I", None),
    "WAVELENGTH": ("1024D", "Angstroms"),
    "GROSS": ("1024E", "Counts/s"),
    "BACKGROUND": ("1024E", "Counts/s"),
    "NET": ("1024E", "Counts/s"),
    "FLUX": ("1024E", "erg/s/cm**2/Angstrom"),
    "ERROR": ("1024E", "erg/s/cm**2/Angstrom"),
    "NET_ERROR": ("1024E", "Counts/s"),
    "DQ": ("1024I", None),
    "A2CENTER": ("1E", "pixel"),
    "EXTRSIZE": ("1E", "pixel"),
    "MAXSRCH": ("1I", None),
    "BK1SIZE": ("1E", "pixel"),
    "BK2SIZE": ("1E", "pixel"),
    "BK1OFFST": ("1E", "pixel"),
    "BK2OFFST": ("1E", "pixel"),
    "EXTRLOCY": ("1024E", "pixel"),
    "OFFSET": ("1E", "pixel"),
}
JWST_X1D_UNITS = {
    "WAVELENGTH": "um",
    "FLUX": "Jy",
    "FLUX_ERROR": "Jy",
    "FLUX_VAR_POISSON": "Jy^2",
    "FLUX_VAR_RNOISE": "Jy^2",
    "FLUX_VAR_FLAT": "Jy^2",
    "SURF_BRIGHT": "MJy/sr",
    "SB_ERROR": "MJy/sr",
    "SB_VAR_POISSON": "(MJy/sr)^2",
    "SB_VAR_RNOISE": "(MJy/sr)^2",
    "SB_VAR_FLAT": "(MJy/sr)^2",
    "DQ": None,
    "BACKGROUND": "MJy/sr",
    "BKGD_ERROR": "MJy/sr",
    "BKGD_VAR_POISSON": "(MJy/sr)^2",
    "BKGD_VAR_RNOISE": "(MJy/sr)^2",
    "BKGD_VAR_FLAT": "(MJy/sr)^2",
    "NPIXELS": None,
}


def open_fits(data):
    """Open FITS bytes, failing on any warning, including a checksum mismatch."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hdul = fits.open(io.BytesIO(data), checksum=True)
        hdul.verify("exception")
    return hdul


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def formats(cls, path):
    return registry.identify_format("read", cls, path, None, [], {})


def check_columns(hdu, expected):
    columns = hdu.columns
    assert columns.names[: len(expected)] == list(expected)
    for name, (tform, unit) in expected.items():
        assert columns[name].format.endswith(tform) or columns[name].format == tform, name
        assert columns[name].unit == unit, name


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------
# Dispatch and common properties


def test_make_file_dispatches_to_the_kind_functions():
    assert files.make_file("iue_mxlo_vo", seed=3) == files.make_iue_mxlo_vo(seed=3)
    assert set(files.KINDS) == {
        "hst_cos_x1d",
        "hst_stis_x1d",
        "hst_raw",
        "jwst_x1d",
        "jwst_s2d",
        "jwst_s3d",
        "jwst_i2d",
        "jwst_uncal",
        "iue_mxlo_vo",
        "fuse_vo",
        "preview_png",
        "synthetic_fits",
    }


def test_unknown_kind_and_params_are_errors():
    with pytest.raises(ValueError, match="unknown file kind 'hst_foo'"):
        files.make_file("hst_foo")
    with pytest.raises(TypeError):
        files.make_file("fuse_vo", colour="red")
    with pytest.raises(ValueError, match="seed"):
        files.make_file("fuse_vo", seed=-1)


@pytest.mark.parametrize("kind", FITS_KINDS)
def test_fits_kinds_are_valid_fits_with_checksums(kind):
    with open_fits(files.make_file(kind)) as hdul:
        if kind != "synthetic_fits":
            for hdu in hdul:
                assert hdu.verify_checksum() == 1
                assert hdu.header.comments["CHECKSUM"] == "HDU checksum"


@pytest.mark.parametrize("kind", [*SPECTRUM_KINDS, "jwst_s2d"])
def test_spectrum_files_stay_small(kind):
    # About 400 KB at most: a COS NUV file keeps the real 1274-element stripes (406 KB).
    assert len(files.make_file(kind)) < 410_000
    if kind == "hst_cos_x1d":
        assert len(files.make_file(kind, opt_elem="G230L")) < 410_000


@pytest.mark.parametrize("kind", FITS_KINDS)
def test_no_current_date_in_files(kind):
    today = datetime.date.today()
    data = files.make_file(kind)
    for text in (today.isoformat(), today.strftime("%d/%m/%y")):
        assert text.encode() not in data


# --------------------------------------------------------------------------------------
# Determinism


@pytest.mark.parametrize("kind", list(files.KINDS))
def test_same_params_give_same_bytes_and_seed_changes_them(kind):
    params = {"size_bytes": 10_000} if kind == "synthetic_fits" else {}
    first = files.make_file(kind, seed=7, **params)
    assert sha256(files.make_file(kind, seed=7, **params)) == sha256(first)
    assert files.make_file(kind, seed=8, **params) != first


def test_bytes_are_identical_in_another_process():
    script = (
        "import hashlib, json\n"
        "from glue_mast.testing import files\n"
        "print(json.dumps({k: hashlib.sha256(files.make_file(k, seed=11)).hexdigest()"
        " for k in files.KINDS}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    other = json.loads(result.stdout.strip().splitlines()[-1])
    here = {kind: sha256(files.make_file(kind, seed=11)) for kind in files.KINDS}
    assert other == here


# --------------------------------------------------------------------------------------
# HST/COS x1d (data.md 3.1)


def test_cos_fuv_layout():
    data = files.make_hst_cos_x1d(
        rootname="lb4m01010", targname="AV-456", opt_elem="G130M", cenwave=1291, proposid=12581
    )
    with open_fits(data) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "SCI"]
        primary = hdul[0].header
        expected = {
            "TELESCOP": "HST",
            "INSTRUME": "COS",
            "NEXTEND": 1,
            "FILENAME": "lb4m01010_x1d.fits",
            "ROOTNAME": "lb4m01010",
            "DETECTOR": "FUV",
            "OBSTYPE": "SPECTROSCOPIC",
            "OPT_ELEM": "G130M",
            "CENWAVE": 1291,
            "APERTURE": "PSA",
            "TARGNAME": "AV-456",
            "PROPOSID": 12581,
            "X1DCORR": "COMPLETE",
            "FLUXCORR": "COMPLETE",
            "CAL_VER": "3.4.4",
        }
        for key, value in expected.items():
            assert primary[key] == value, key
        for key in ("OBSMODE", "EXPTYPE", "LIFE_ADJ", "RA_TARG", "DEC_TARG"):
            assert key in primary
        sci = hdul["SCI"]
        for key in ("EXPTIME", "EXPSTART", "SDQFLAGS", "DATE-OBS"):
            assert key in sci.header
        check_columns(sci, {**COS_COLUMNS, **COS_TWOZONE_COLUMNS})
        table = sci.data
        assert list(table["SEGMENT"]) == ["FUVA", "FUVB"]
        nelem = int(table["NELEM"][0])
        assert table["WAVELENGTH"].shape == (2, nelem)
        # FUVB lies blueward of FUVA, with a gap between them.
        fuva, fuvb = table["WAVELENGTH"]
        assert 1100 < fuvb.min() < fuvb.max() < fuva.min() < fuva.max() < 1460
        flux = table["FLUX"][table["DQ_WGT"] > 0]
        assert 3e-15 < np.median(flux) < 3e-14
        error = table["ERROR"][table["DQ_WGT"] > 0]
        assert np.all(error > 0) and np.median(flux / error) > 5
        assert np.mean(table["DQ"] == 0) > 0.9


@pytest.mark.parametrize(
    ("opt_elem", "lo", "hi"),
    [("G160M", 1390, 1810), ("G140L", 990, 2010), ("G185M", 1650, 1920), ("G230L", 1690, 3210)],
)
def test_cos_gratings(opt_elem, lo, hi):
    with open_fits(files.make_hst_cos_x1d(opt_elem=opt_elem)) as hdul:
        table = hdul["SCI"].data
        nuv = opt_elem in ("G185M", "G230L")
        assert hdul[0].header["DETECTOR"] == ("NUV" if nuv else "FUV")
        expected = ["NUVA", "NUVB", "NUVC"] if nuv else ["FUVA", "FUVB"]
        assert list(table["SEGMENT"]) == expected
        if nuv:
            assert table["NELEM"][0] == 1274
        assert lo < table["WAVELENGTH"].min() < table["WAVELENGTH"].max() < hi


def test_cos_old_calcos_has_no_twozone_columns():
    with open_fits(files.make_hst_cos_x1d(cal_ver="2.21")) as hdul:
        assert hdul["SCI"].columns.names == list(COS_COLUMNS)


@pytest.mark.parametrize("opt_elem", ["G130M", "G230L"])
def test_cos_reads_in_specutils(tmp_path, opt_elem):
    from specutils import Spectrum

    path = write(tmp_path, "lb4m01010_x1d.fits", files.make_hst_cos_x1d(opt_elem=opt_elem))
    assert formats(Spectrum, path) == ["HST/COS"]
    spectrum = Spectrum.read(path)
    rows = 2 if opt_elem == "G130M" else 3
    nelem = 1600 if opt_elem == "G130M" else 1274
    assert spectrum.shape == (rows * nelem,)
    assert spectrum.spectral_axis.unit == u.AA
    assert np.all(np.diff(spectrum.spectral_axis.value) >= 0)
    assert spectrum.flux.unit == u.erg / u.s / u.cm**2 / u.AA
    assert spectrum.uncertainty is not None


# --------------------------------------------------------------------------------------
# HST/STIS x1d (data.md 3.2)


def test_stis_first_order_layout(tmp_path):
    from specutils import Spectrum

    data = files.make_hst_stis_x1d(rootname="o6h001010", opt_elem="G140L", targname="HD-101998")
    with open_fits(data) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "SCI"]
        primary = hdul[0].header
        assert primary["TELESCOP"] == "HST" and primary["INSTRUME"] == "STIS"
        assert primary["X1DCORR"] == "COMPLETE" and primary["NEXTEND"] == 1
        assert primary["DETECTOR"] == "FUV-MAMA" and primary["OPT_ELEM"] == "G140L"
        assert primary["FILENAME"] == "o6h001010_x1d.fits" and primary["ROOTNAME"] == "o6h001010"
        for key in ("CENWAVE", "APERTURE", "OBSMODE", "RA_TARG", "DEC_TARG", "PROPOSID"):
            assert key in primary
        sci = hdul["SCI"]
        assert sci.header["SDQFLAGS"] == 31743 and "EXPTIME" in sci.header
        check_columns(sci, STIS_COLUMNS)
        assert len(sci.data) == 1 and sci.data["SPORDER"][0] == 1
        wave = sci.data["WAVELENGTH"][0]
        assert 1140 < wave[0] < wave[-1] < 1740

    path = write(tmp_path, "o6h001010_x1d.fits", data)
    assert formats(Spectrum, path) == ["HST/STIS"]
    spectrum = Spectrum.read(path)
    assert spectrum.shape == (1024,)
    assert spectrum.spectral_axis.unit == u.AA
    assert spectrum.mask.mean() < 0.05


@pytest.mark.parametrize(("opt_elem", "detector"), [("G230L", "NUV-MAMA"), ("G750L", "CCD")])
def test_stis_detector_follows_grating(opt_elem, detector):
    with open_fits(files.make_hst_stis_x1d(opt_elem=opt_elem)) as hdul:
        assert hdul[0].header["DETECTOR"] == detector


def test_stis_echelle_reads_as_collection(tmp_path):
    from specutils import Spectrum, SpectrumCollection

    data = files.make_hst_stis_x1d(opt_elem="E140M", n_orders=6)
    with open_fits(data) as hdul:
        table = hdul["SCI"].data
        assert hdul[0].header["NEXTEND"] == 1
        assert len(table) == 6
        assert list(np.diff(table["SPORDER"])) == [-1] * 5
        assert np.all(np.diff(table["WAVELENGTH"], axis=1) > 0)

    path = write(tmp_path, "o6h001020_x1d.fits", data)
    assert "HST/STIS" not in formats(Spectrum, path)
    assert formats(SpectrumCollection, path) == ["HST/STIS multi"]
    collection = SpectrumCollection.read(path)
    assert collection.shape == (6,)
    assert collection.flux.shape == (6, 1024)
    assert collection.spectral_axis.unit == u.AA


# --------------------------------------------------------------------------------------
# HST level 1


def test_cos_rawtag():
    with open_fits(files.make_hst_raw(rootname="lb4m01fxq", instrument="COS")) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "EVENTS"]
        assert hdul[0].header["FILENAME"] == "lb4m01fxq_rawtag_a.fits"
        assert hdul[0].header["INSTRUME"] == "COS"
        events = hdul["EVENTS"]
        assert events.columns.names == ["TIME", "RAWX", "RAWY", "XCORR", "YCORR", "PHA"]
        assert len(events.data) == 100
        assert np.all(np.diff(events.data["TIME"]) >= 0)


def test_stis_raw():
    with open_fits(files.make_hst_raw(rootname="o6h001010", instrument="STIS")) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "SCI"]
        assert hdul[0].header["FILENAME"] == "o6h001010_raw.fits"
        sci = hdul["SCI"]
        # 16-bit unsigned counts stored as BITPIX 16 with BZERO, like real raw files.
        assert sci.header["BITPIX"] == 16 and sci.header["BZERO"] == 32768
        assert sci.data.ndim == 2 and sci.data.dtype.type is np.uint16
    with pytest.raises(ValueError, match="instrument"):
        files.make_hst_raw(instrument="ACS")


# --------------------------------------------------------------------------------------
# JWST (data.md 3.3)


def asdf_tree(hdul):
    import asdf

    payload = hdul["ASDF"].data["ASDF_METADATA"][0].tobytes()
    assert hdul["ASDF"].columns.names == ["ASDF_METADATA"]
    assert payload.startswith(b"#ASDF 1.0.0\n")
    with asdf.open(io.BytesIO(payload)) as af:
        return {key: af.tree[key] for key in af.tree if key != "asdf_library"}


def test_jwst_x1d_layout():
    filename = "jw01366-o003_t001_nirspec_clear-prism-s1600a1-sub512_x1d.fits"
    data = files.make_jwst_x1d(filename=filename, program="01366", srctype="POINT")
    with open_fits(data) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "EXTRACT1D", "ASDF"]
        primary = hdul[0].header
        expected = {
            "TELESCOP": "JWST",
            "DATAMODL": "MultiSpecModel",
            "INSTRUME": "NIRSPEC",
            "EXP_TYPE": "NRS_FIXEDSLIT",
            "GRATING": "PRISM",
            "FILTER": "CLEAR",
            "PROGRAM": "01366",
            "OBSERVTN": "003",
            "FILENAME": filename,
            "CAL_VER": "1.18.0",
        }
        for key, value in expected.items():
            assert primary[key] == value, key
        for key in ("DETECTOR", "TARGNAME", "TARG_RA", "TARG_DEC", "DATE-OBS", "EXPSTART"):
            assert key in primary
        extract = hdul["EXTRACT1D"]
        assert extract.header["SRCTYPE"] == "POINT" and extract.header["SLTNAME"]
        assert extract.columns.names == list(JWST_X1D_UNITS)
        assert {c.name: c.unit for c in extract.columns} == JWST_X1D_UNITS
        assert extract.data["DQ"].dtype.type is np.uint32
        wave = extract.data["WAVELENGTH"]
        assert len(wave) == 400 and np.all(np.diff(wave) > 0)
        assert wave[0] == pytest.approx(0.6) and wave[-1] == pytest.approx(5.3)

        tree = asdf_tree(hdul)
    assert tree["meta"]["telescope"] == "JWST"
    assert tree["meta"]["model_type"] == "MultiSpecModel"
    assert tree["meta"]["filename"] == filename
    assert tree["meta"]["instrument"]["name"] == "NIRSPEC"
    assert tree["meta"]["exposure"]["type"] == "NRS_FIXEDSLIT"
    assert len(tree["_fits_hash"]) == 64
    link = tree["spec"][0]["spec_table"]
    assert link._source == "fits:EXTRACT1D,1" and link.shape == (400,)


def test_jwst_x1d_reads_in_specutils(tmp_path):
    from specutils import Spectrum

    path = write(tmp_path, "jw01366-o003_t001_nirspec_x1d.fits", files.make_jwst_x1d())
    assert formats(Spectrum, path) == ["JWST x1d"]
    spectrum = Spectrum.read(path)
    assert spectrum.shape == (400,)
    assert spectrum.spectral_axis.unit == u.um
    assert spectrum.flux.unit == u.Jy
    assert spectrum.uncertainty is not None
    assert np.all(spectrum.flux.value > 0)


def test_jwst_s2d_layout():
    with open_fits(files.make_jwst_s2d(shape=(30, 400))) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "SCI", "DQ", "ERR", "WAVELENGTH", "ASDF"]
        assert hdul[0].header["TELESCOP"] == "JWST"
        assert hdul[0].header["DATAMODL"] == "MultiSlitModel"
        sci = hdul["SCI"]
        assert sci.data.shape == (30, 400) and sci.data.dtype.type is np.float32
        assert sci.header["BUNIT"] == "MJy/sr" and sci.header["DISPAXIS"] == 1
        assert sci.header["SLTNAME"]
        assert hdul["DQ"].data.dtype.type is np.uint32 and hdul["ERR"].data.shape == (30, 400)
        wavelength = hdul["WAVELENGTH"]
        assert wavelength.header["BUNIT"] == "um"
        assert 0.5 < wavelength.data.min() < wavelength.data.max() < 5.4
        # The source trace is brightest at the centre of the slit.
        profile = np.median(sci.data, axis=1)
        assert 12 <= int(np.argmax(profile)) <= 17
        tree = asdf_tree(hdul)
    assert tree["meta"]["model_type"] == "MultiSlitModel"
    assert tree["slits"][0]["data"].shape == (30, 400)


def test_jwst_s3d_layout_and_fits_wcs():
    from astropy.wcs import WCS

    with open_fits(files.make_jwst_s3d(shape=(40, 9, 11))) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "SCI", "ERR", "DQ", "WMAP", "ASDF"]
        assert hdul[0].header["DATAMODL"] == "IFUCubeModel"
        assert hdul[0].header["EXP_TYPE"] == "NRS_IFU"
        sci = hdul["SCI"]
        assert sci.data.shape == (40, 9, 11) and sci.data.dtype.type is np.float32
        assert sci.header["BUNIT"] == "MJy/sr"
        assert sci.header["PIXAR_SR"] == pytest.approx((0.1 / 206264.806) ** 2, rel=1e-6)
        wcs = WCS(sci.header)
        assert wcs.has_celestial and wcs.wcs.ctype[2] == "WAVE"
        ra, dec, wave = wcs.pixel_to_world_values(5, 4, 0)
        assert (ra, dec) == (pytest.approx(311.28971), pytest.approx(-31.34245))
        assert wave == pytest.approx(2.87e-6)  # G395H's blue end, in m
        # The point source at the centre spaxel.
        white = np.nanmean(sci.data, axis=0)
        assert np.unravel_index(np.argmax(white), white.shape) == (4, 5)
        tree = asdf_tree(hdul)
    assert tree["meta"]["model_type"] == "IFUCubeModel"
    assert tree["data"].shape == (40, 9, 11)


def test_jwst_i2d_layout_and_fits_wcs():
    from astropy.wcs import WCS

    with open_fits(files.make_jwst_i2d()) as hdul:
        assert [hdu.name for hdu in hdul] == [
            "PRIMARY", "SCI", "ERR", "CON", "WHT", "VAR_POISSON", "VAR_RNOISE", "VAR_FLAT",
            "ASDF",
        ]
        assert hdul[0].header["DATAMODL"] == "ImageModel"
        sci = hdul["SCI"]
        assert sci.data.shape == (64, 64) and sci.header["BUNIT"] == "MJy/sr"
        wcs = WCS(sci.header)
        assert wcs.pixel_to_world_values(31.5, 31.5) == (
            pytest.approx(311.28971), pytest.approx(-31.34245)
        )
        assert hdul["CON"].data.shape == (1, 64, 64)
        tree = asdf_tree(hdul)
    assert tree["meta"]["model_type"] == "ImageModel"


def test_jwst_uncal_layout():
    filename = "jw01366003001_04101_00001_nrs1_uncal.fits"
    with open_fits(files.make_jwst_uncal(filename=filename)) as hdul:
        assert [hdu.name for hdu in hdul] == ["PRIMARY", "SCI", "ASDF"]
        primary = hdul[0].header
        assert primary["FILENAME"] == filename and primary["DATAMODL"] == "Level1bModel"
        assert (primary["OBSERVTN"], primary["VISIT"], primary["EXPOSURE"]) == (
            "003",
            "001",
            "00001",
        )
        assert hdul["SCI"].data.shape == (1, 2, 16, 16)
        assert hdul["SCI"].data.dtype.type is np.uint16
        assert asdf_tree(hdul)["meta"]["model_type"] == "Level1bModel"


# --------------------------------------------------------------------------------------
# IUE and FUSE VO containers (data.md 3.4, 3.5)


@pytest.mark.parametrize(
    ("image", "n", "lo", "hi"),
    [("SWP12345", 495, 1150, 1980), ("LWP13058", 563, 1850, 3350), ("LWR01024", 563, 1850, 3350)],
)
def test_iue_vo_layout(image, n, lo, hi):
    camera = image[:3]
    data = files.make_iue_mxlo_vo(image=image, targname="HD 147933", exptime=900.0)
    with open_fits(data) as hdul:
        assert len(hdul) == 2
        primary = hdul[0].header
        assert primary["TELESCOP"] == "IUE" and primary["CAMERA"] == camera
        assert primary["IMAGE"] == int(image[3:])
        assert primary["DISPERSN"] == "LOW" and primary["APERTURE"] == "LARGE"
        assert primary["LEXPTIME"] == 900.0 and "LDATEOBS" in primary
        ext = hdul[1]
        assert ext.header["EXTNAME"] == "Spectral Container"
        header = ext.header
        expected = {
            "VOCLASS": "SPECTRUM V1.0",
            "VOSEGT": "SPECTRUM",
            "DATALEN": n,
            "DS_IDENT": f"ads/sa.iue#{image.lower()}mxlo",
            "COLLECT": f"IUE/{camera}",
            "TELESCOP": "IUE",
            "INSTRUME": camera,
            "FILENAME": f"{image.lower()}mxlo_vo.fits",
            "OBJECT": "HD 147933",
            "RADECSYS": "FK4",
            "VOPUB": "MAST",
            "TIMESYS": "UTC",
        }
        for key, value in expected.items():
            assert header[key] == value, key
        for key in ("RA_TARG", "DEC_TARG", "SPECSYS", "MJDREF", "EQUINOX", "SPEC_VAL", "SPEC_BW"):
            assert key in header
        assert ext.columns.names == ["WAVE", "FLUX", "SIGMA", "QUALITY"]
        assert [header[f"TUTYP{i}"] for i in (1, 2)] == [
            "Spectrum.Data.SpectralAxis.Value",
            "Spectrum.Data.FluxAxis.Value",
        ]
        assert all(f"TUCD{i}" in header for i in range(1, 5))
        assert ext.data["QUALITY"].dtype.type is np.int16
        assert np.mean(ext.data["QUALITY"][0] == 0) > 0.9

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = Table.read(io.BytesIO(data), hdu=1)
    assert len(table) == 1
    wave = table["WAVE"].quantity[0]
    assert wave.unit == u.AA and wave.shape == (n,)
    assert wave[0].value == pytest.approx(lo, abs=30) and wave[-1].value == pytest.approx(hi, abs=5)
    flux_unit = u.Unit(table["FLUX"].unit)
    assert flux_unit == u.erg / u.cm**2 / u.s / u.AA == u.Unit(table["SIGMA"].unit)


def test_fuse_vo_layout():
    data = files.make_fuse_vo(dataset="P1860101000", targname="HD 93521")
    with open_fits(data) as hdul:
        assert hdul[0].header["TELESCOP"] == "FUSE" and hdul[0].header["INSTRUME"] == "FUV"
        ext = hdul[1]
        assert ext.name == "Spectral Container"
        assert ext.columns.names == ["WAVE", "FLUX", "SIGMA"]
        assert ext.header["COLLECT"] == "FUSE/FUV"
        assert ext.header["VOCLASS"] == "SPECTRUM V1.0"
        assert ext.header["DS_IDENT"].startswith("ads/sa.fuse#")
        assert ext.header["FILENAME"] == "p186010100000nvo4ttagfcal_vo.fits"
    table = Table.read(io.BytesIO(data), hdu=1)
    wave = table["WAVE"].quantity[0]
    assert wave.unit == u.AA and len(wave) == 5000
    assert 900 < wave.value.min() < 910 and 1180 < wave.value.max() < 1190
    for name in ("FLUX", "SIGMA"):
        assert u.Unit(table[name].unit) == u.erg / u.cm**2 / u.s / u.AA
    assert np.all(table["SIGMA"][0] > 0)


# --------------------------------------------------------------------------------------
# Preview PNG


def png_chunks(data):
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_preview_png_is_valid():
    data = files.make_preview_png(width=120, height=80, seed=2)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks = png_chunks(data)
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    width, height, depth, color = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, color) == (120, 80, 8, 3)
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (width + 1)


def test_preview_png_reads_in_pillow():
    from PIL import Image

    with Image.open(io.BytesIO(files.make_preview_png(width=120, height=80, seed=2))) as image:
        image.load()
        assert (image.format, image.mode, image.size) == ("PNG", "P", (120, 80))
        assert image.getpixel((0, 0)) == 0  # the top of the gradient
        assert 255 in {image.getpixel((x, y)) for x in range(0, 120, 10) for y in range(80)}


def test_large_preview_spans_several_deflate_blocks():
    data = files.make_preview_png(width=400, height=300)
    idat = b"".join(body for kind, body in png_chunks(data) if kind == b"IDAT")
    assert len(zlib.decompress(idat)) == 300 * 401


# --------------------------------------------------------------------------------------
# Synthetic FITS


@pytest.mark.parametrize("size", [0, 1, 2880, 2881, 10_000, 2 * 1024 * 1024])
def test_synthetic_fits_size(size):
    data = files.make_synthetic_fits(obsid="90001234", size_bytes=size)
    assert len(data) == max(2880, -(-size // 2880) * 2880)
    with open_fits(data) as hdul:
        header = hdul[0].header
        assert header["OBSID"] == "90001234" and "90001234" in header["OBJECT"]
        if size > 2880:
            assert hdul[0].data.dtype.type is np.float32
            assert np.all(np.isfinite(hdul[0].data))
