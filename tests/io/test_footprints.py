"""s_region (STC-S) as sky regions, and the local archive's footprints, as MAST writes them."""

import astropy.units as u
import pytest
from astropy.coordinates import SkyCoord
from astropy.table import Table
from regions import CircleSkyRegion, PolygonSkyRegion

from glue_mast.errors import InputError
from glue_mast.io.footprints import (
    COLLECTION_COLOURS,
    collection_colour,
    page_footprints,
    parse_s_region,
)
from glue_mast.testing import snapshot

# Real rows MAST returned (astroquery's recorded caom.json and advSearch.json).
WFPC2_GSC1 = ("POLYGON GSC1  23.17474785  60.66012593  23.15424076  60.61702967  23.06645518  "
              "60.62703769  23.08684334  60.67014825  23.17474785  60.66012593")
GALEX = "CIRCLE ICRS  23.49019638  60.66013142 0.625"


def test_mast_polygon_and_circle_rows_parse():
    (polygon,) = parse_s_region(WFPC2_GSC1)
    assert isinstance(polygon, PolygonSkyRegion)
    assert len(polygon.vertices) == 4  # the repeated closing vertex is dropped
    assert polygon.vertices[0].ra.deg == pytest.approx(23.17474785)
    (circle,) = parse_s_region(GALEX)
    assert isinstance(circle, CircleSkyRegion)
    assert circle.radius.to_value(u.deg) == pytest.approx(0.625)


def test_several_shapes_frames_and_reference_positions():
    shapes = parse_s_region(
        "POLYGON J2000 TOPOCENTER 1.0 2.0 1.1 2.0 1.1 2.1 polygon icrs 3 4 3.1 4 3.1 4.1"
    )
    assert [type(s) for s in shapes] == [PolygonSkyRegion, PolygonSkyRegion]
    assert shapes[0].vertices.frame.name == "fk5"
    assert shapes[1].vertices.frame.name == "icrs"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "s_region is empty"),
        ("BOX ICRS 1 2 3 4", "does not start with POLYGON or CIRCLE"),
        ("CIRCLE ICRS 1 2", "a CIRCLE needs a centre and a positive radius"),
        ("POLYGON ICRS 1 2 3 4", "at least 3 vertices"),
        ("POLYGON GALACTIC 1 2 3 4 5 6", "'GALACTIC' is neither a number nor a frame"),
        ("POLYGON ICRS 1 2 3 nan 5 6", "not finite"),
    ],
)
def test_a_bad_s_region_is_one_clear_message_naming_the_field(text, says):
    with pytest.raises(InputError, match=says) as raised:
        parse_s_region(text)
    assert raised.value.field == "s_region"


def test_a_page_gives_footprints_and_says_which_rows_have_none():
    rows = Table(
        {
            "obsid": ["1", "2", "3"],
            "obs_id": ["a", "b", "c"],
            "obs_collection": ["HST", "GALEX", "HST"],
            "s_region": [WFPC2_GSC1, GALEX, "CIRCLE ICRS 1 2"],
        }
    )
    footprints, missing = page_footprints(rows)
    assert [f.obsid for f in footprints] == ["1", "2"]
    hst, galex = COLLECTION_COLOURS["HST"], COLLECTION_COLOURS["GALEX"]
    assert [f.colour for f in footprints] == [hst, galex]
    assert [m.obsid for m in missing] == ["3"]
    assert str(missing[0]).startswith("c: not drawn, s_region 'CIRCLE ICRS 1 2': a CIRCLE")
    # a circle is drawn as a polygon where only polygons can be drawn
    (ra, dec), = footprints[1].vertex_lists(n_circle=32)
    ring = SkyCoord(ra, dec, unit="deg").separation(SkyCoord(23.49019638, 60.66013142, unit="deg"))
    assert len(ra) == 32 and ring.deg == pytest.approx(0.625)


def test_every_collection_has_one_colour_the_same_everywhere():
    collections = {o.row["obs_collection"] for o in snapshot.observations()}
    colours = {c: collection_colour(c) for c in collections}
    assert len(set(colours.values())) == len(colours)  # told apart on one image
    assert collection_colour("SOMETHING NEW") == collection_colour("SOMETHING NEW")
    assert collection_colour("SOMETHING NEW").startswith("#")


def test_every_local_archive_observation_has_a_footprint_shaped_like_its_instrument():
    kinds = {}
    for observation in snapshot.observations():
        row = observation.row
        shapes = parse_s_region(row["s_region"])
        position = SkyCoord(row["s_ra"], row["s_dec"], unit="deg")
        assert any(_covers(s, position) for s in shapes), row["obsid"]
        kinds.setdefault(row["instrument_name"], set()).add(
            (type(shapes[0]).__name__, len(shapes))
        )
    # slits and apertures as MAST draws them: STIS slits and NIRSpec slits are polygons (a
    # fixed-slit exposure has two), COS's aperture and GALEX's field are circles
    assert kinds["STIS/CCD"] == {("PolygonSkyRegion", 1)}
    assert kinds["NIRSPEC/SLIT"] == {("PolygonSkyRegion", 1), ("PolygonSkyRegion", 2)}
    assert kinds["COS/FUV"] == {("CircleSkyRegion", 1)}
    assert kinds["GALEX"] == {("CircleSkyRegion", 1)}


def _covers(region, position):
    if isinstance(region, CircleSkyRegion):
        return region.center.separation(position) <= region.radius
    from astropy.wcs.utils import celestial_frame_to_wcs

    wcs = celestial_frame_to_wcs(position.frame, projection="TAN")
    wcs.wcs.crval = [position.ra.deg, position.dec.deg]
    wcs.wcs.cdelt = [-1 / 3600, 1 / 3600]
    return bool(region.contains(position, wcs))
