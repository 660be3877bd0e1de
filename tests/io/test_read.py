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


@pytest.mark.parametrize(
    ("kind", "reader", "n_items"),
    [
        ("iue_mxlo_vo", "glue-mast: MAST VO spectrum", 1),
        ("hst_cos_x1d", "glue-mast: HST/COS x1d", 2),
        ("jwst_x1d", "specutils: JWST x1d", 1),
    ],
)
def test_gzipped_files_read_as_the_plain_ones(make_product, tmp_path, kind, reader, n_items):
    import gzip

    plain = make_product(kind)
    packed = tmp_path / f"{plain.name}.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    items = read(packed)
    assert [item.reader for item in items] == [reader] * n_items
    for a, b in zip(items, read(plain), strict=True):
        assert (a.data.flux == b.data.flux).all()


def test_a_table_specutils_claims_but_cannot_read_names_its_loader(tmp_path):
    # An HST association table: a BinTable specutils' tabular-fits claims, with no spectrum.
    table = fits.BinTableHDU.from_columns(
        [
            fits.Column("MEMNAME", "14A", array=["LB4M01ABQ", "LB4M01010"]),
            fits.Column("MEMTYPE", "14A", array=["EXP-FP", "PROD-FP"]),
        ],
        name="ASN",
    )
    path = tmp_path / "lb4m01010_asn.fits"
    primary = fits.PrimaryHDU(header=fits.Header({"TELESCOP": "HST", "INSTRUME": "WFC3"}))
    fits.HDUList([primary, table]).writeto(path)
    with pytest.raises(UnreadableProduct) as info:
        read(path)
    message = str(info.value)
    assert message.startswith("Cannot read lb4m01010_asn.fits: it looks like a spectrum")
    assert "its 'tabular-fits' loader says:" in message
