"""`glue_mast.io.read`: the reader order, and one clear message for what no reader takes."""

import pytest
from astropy.io import fits

from glue_mast.errors import InputError, UnreadableProduct
from glue_mast.io import READERS, ProductContent, read


def test_a_png_is_unreadable_and_the_message_names_the_file_and_readers(make_product):
    path = make_product("preview_png", name="lb4m01010_preview.png")
    with pytest.raises(UnreadableProduct) as info:
        read(path)
    error = info.value
    assert isinstance(error, InputError)
    message = str(error)
    assert message.startswith("Cannot read lb4m01010_preview.png: no reader recognises")
    assert "(not FITS)" in message
    for reader in READERS:
        assert reader.name in message
    assert error.readers == tuple(reader.name for reader in READERS)
    assert error.path == str(path)
    assert "\n" not in message


def test_a_fits_file_that_is_no_spectrum_is_unreadable(make_product):
    # A JWST uncalibrated ramp: a 4-D SCI, no spectrum in it.
    path = make_product("jwst_uncal", name="jw01366003001_04101_00001-seg001_nrs1_uncal.fits")
    with pytest.raises(UnreadableProduct, match=r"^Cannot read jw01366003001_04101_00001") as info:
        read(path)
    assert "this FITS file" in str(info.value)


def test_a_missing_file(tmp_path):
    with pytest.raises(UnreadableProduct, match=r"there is no such file"):
        read(tmp_path / "nothing_x1d.fits")


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty_x1d.fits"
    path.write_bytes(b"")
    with pytest.raises(UnreadableProduct, match=r"^Cannot read empty_x1d.fits"):
        read(path)


def test_readers_are_tried_in_order_and_the_first_that_takes_the_file_reads_it(make_product):
    path = make_product("iue_mxlo_vo")
    calls = []

    def refuses(hdulist):
        calls.append("refuses")
        return False

    def crashes(hdulist):
        calls.append("crashes")
        raise KeyError("TELESCOP")

    from glue_mast.io.registry import Reader

    readers = (
        Reader("refuses", "nothing", refuses, "glue_mast.io.vo:read_vo_content"),
        Reader("crashes", "nothing", crashes, "glue_mast.io.vo:read_vo_content"),
        *READERS,
    )
    (item,) = read(path, readers=readers)
    assert calls == ["refuses", "crashes"]
    assert isinstance(item, ProductContent)
    assert item.reader == "glue-mast: MAST VO spectrum"
    assert item.label == "iue_mxlo_vo.fits"


def test_header_values_are_plain_json(tmp_path):
    from glue_mast.io.content import header_summary

    header = fits.Header()
    header["TELESCOP"] = "HST     "
    header["EXPTIME"] = 1200.5
    header["PROPOSID"] = 12581
    header["TARGNAME"] = ""
    header["OBJECT"] = fits.card.UNDEFINED
    other = fits.Header({"TARGNAME": "AV-456", "TELESCOP": "ignored"})
    assert header_summary(header, other) == {
        "TELESCOP": "HST",
        "EXPTIME": 1200.5,
        "PROPOSID": 12581,
        "TARGNAME": "AV-456",
    }
