"""The consistent snapshot of MAST that the local archive serves.

Everything here is plain data: the names the resolver knows, the CAOM observation rows, and the
product rows of each observation together with where its bytes come from (a real file shipped
in ``data/real`` or a file generated in its real MAST layout by :mod:`glue_mast.testing.files`).
Obsids of products always match their observation, dataURIs always serve a file, and product
sizes are measured from the bytes at start-up, so a query, its product list and the downloaded
files always agree, as they do at MAST.

A large synthetic collection (``SYNTHETIC``, 100,000 rows by default) lives in a sky patch of its
own around the COSMOS field (RA 145..155, Dec -3..7), where no named target lies, so it exercises
paging without disturbing the named-target searches. Its rows and products are computed from
the row index, never stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = [
    "OBSERVATION_FIELDS",
    "PRODUCT_FIELDS",
    "SYNTHETIC_COLLECTION",
    "TARGETS",
    "ProductSpec",
    "observations",
]

#: CAOM observation fields in the order MAST returns them, with the Mashup type of each.
OBSERVATION_FIELDS = {
    "intentType": "string",
    "obs_collection": "string",
    "provenance_name": "string",
    "instrument_name": "string",
    "project": "string",
    "filters": "string",
    "wavelength_region": "string",
    "target_name": "string",
    "target_classification": "string",
    "obs_id": "string",
    "s_ra": "float",
    "s_dec": "float",
    "dataproduct_type": "string",
    "proposal_pi": "string",
    "calib_level": "int",
    "t_min": "float",
    "t_max": "float",
    "t_exptime": "float",
    "em_min": "float",
    "em_max": "float",
    "obs_title": "string",
    "t_obs_release": "float",
    "proposal_id": "string",
    "proposal_type": "string",
    "sequence_number": "int",
    "s_region": "string",
    "jpegURL": "string",
    "dataURL": "string",
    "dataRights": "string",
    "mtFlag": "boolean",
    "srcDen": "float",
    "obsid": "string",
    "objID": "string",
}

#: Product fields of ``Mast.Caom.Products``, in MAST's order, with their Mashup types.
PRODUCT_FIELDS = {
    "obsID": "string",
    "obs_collection": "string",
    "dataproduct_type": "string",
    "obs_id": "string",
    "description": "string",
    "type": "string",
    "dataURI": "string",
    "productType": "string",
    "productGroupDescription": "string",
    "productSubGroupDescription": "string",
    "productDocumentationURL": "string",
    "project": "string",
    "prvversion": "string",
    "proposal_id": "string",
    "productFilename": "string",
    "size": "int",
    "parent_obsid": "string",
    "dataRights": "string",
    "calib_level": "int",
    "filters": "string",
}

MRP = "Minimum Recommended Products"

#: Names the resolver knows: lower-cased search string -> list of resolver answers, first is
#: the default. The M-objects and TIC 307210830 are MAST's own answers recorded by astroquery
#: (astroquery/mast/tests/data/resolver.json).
TARGETS: dict[str, list[dict]] = {}


def _target(names, canonical, ra, dec, object_type, resolver="SIMBAD"):
    entry = {
        "resolver": resolver,
        "cached": True,
        "resolverTime": 12,
        "searchRadius": -1.0,
        "canonicalName": canonical,
        "ra": ra,
        "decl": dec,
        "objectType": object_type,
    }
    for name in names:
        TARGETS.setdefault(name.lower(), []).append(entry)


_target(["TW Hya", "TW Hydrae", "HIP 53911"], "V* TW Hya", 165.46627, -34.70473, "TTauri*")
_target(["AU Mic", "AU Microscopii", "HD 197481"], "V* AU Mic", 311.28971, -31.34245, "BYDraV*")
_target(["WASP-39", "WASP 39"], "WASP-39", 217.32665, -3.44450, "Star")
_target(["KIC 10002792"], "KIC 10002792", 287.86721, 46.98308, "Star", resolver="KEPLER")
_target(["EPIC 211117077"], "EPIC 211117077", 55.967295, 24.841616, "Star", resolver="K2")
_target(["EPIC 211983544"], "EPIC 211983544", 130.656765, 19.988607, "Star", resolver="K2")
_target(["TIC 358108509"], "TIC 358108509", 51.1119, -77.4515, "Star", resolver="TIC")
_target(["COSMOS", "COSMOS field"], "NAME COSMOS Field", 150.11917, 2.20583, "Field")
_target(["M8"], "M   8", 270.904, -24.387, "OpenCluster")
_target(["M8"], "MESSIER 008", 270.92194, -24.38017, "Neb", resolver="NED")
_target(["M1"], "M   1", 83.6324, 22.0174, "SNRemnant")
_target(["M101"], "M 101", 210.802429, 54.34875, "GinPair")
_target(["M103"], "M 103", 23.339, 60.659, "OpenCluster")
_target(["M10"], "M  10", 254.28771, -4.10031, "GlobCluster")
_target(["Barnard's star"], "NAME Barnard's star", 269.4520769586187, 4.6933649665767, "BYDraV*")
_target(["TIC 307210830"], "TIC 307210830", 124.531756290083, -68.3129998725044, None, "TIC")
_target(["TIC 307210830"], "L   98-59", 124.5317560026638, -68.3130014904408, "HighPM*")


@dataclass
class ProductSpec:
    """One product row and the source of its bytes.

    ``source`` is ``("real", filename)`` for a file in ``data/real`` or
    ``("generate", kind, params)`` for :func:`glue_mast.testing.files.make_file`.
    """

    row: dict
    source: tuple
    content_type: str = "application/fits"


@dataclass
class Observation:
    row: dict
    products: list[ProductSpec] = field(default_factory=list)


def _circle(ra, dec, radius):
    return f"CIRCLE ICRS {ra:.8f} {dec:.8f} {radius}"


def _obs(obsid, **fields):
    row = {name: None for name in OBSERVATION_FIELDS}
    row.update(
        intentType="science",
        project=fields.get("obs_collection"),
        dataRights="PUBLIC",
        mtFlag=False,
        srcDen=math.nan,
        obsid=str(obsid),
        objID=str(obsid + 100_000_000),
    )
    row.update(fields)
    if row["s_region"] is None:
        row["s_region"] = _circle(row["s_ra"], row["s_dec"], 0.001)
    return Observation(row)


def _product(
    obs,
    filename,
    *,
    product_type,
    calib_level,
    subgroup,
    description,
    source,
    uri_prefix=None,
    mrp=False,
    prvversion=None,
    content_type="application/fits",
):
    o = obs.row
    prefix = uri_prefix or f"mast:{o['obs_collection']}/product/"
    row = {
        "obsID": o["obsid"],
        "obs_collection": o["obs_collection"],
        "dataproduct_type": o["dataproduct_type"],
        "obs_id": o["obs_id"],
        "description": description,
        "type": "S",
        "dataURI": prefix + filename,
        "productType": product_type,
        "productGroupDescription": MRP if mrp else None,
        "productSubGroupDescription": subgroup,
        "productDocumentationURL": None,
        "project": o["project"],
        "prvversion": prvversion,
        "proposal_id": o["proposal_id"],
        "productFilename": filename,
        "size": None,  # measured from the bytes when the archive starts
        "parent_obsid": o["obsid"],
        "dataRights": o["dataRights"],
        "calib_level": calib_level,
        "filters": o["filters"],
    }
    obs.products.append(ProductSpec(row, source, content_type))


def _preview(obs, filename, seed):
    _product(
        obs,
        filename,
        product_type="PREVIEW",
        calib_level=obs.row["calib_level"],
        subgroup="PREVIEW",
        description="Preview-Full",
        mrp=False,
        source=("generate", "preview_png", {"width": 64, "height": 48, "seed": seed}),
        content_type="image/png",
    )


# --- HST COS and STIS ---------------------------------------------------------------------


def _hst_spectrum_obs(
    obsid,
    *,
    rootname,
    instrument,
    opt_elem,
    cenwave,
    target,
    ra,
    dec,
    proposal_id,
    pi,
    title,
    t_min,
    exptime,
    em,
    release,
    cal_ver,
    rights="PUBLIC",
    detector=None,
    aperture="PSA",
):
    cos = instrument.startswith("COS")
    obs = _obs(
        obsid,
        obs_collection="HST",
        provenance_name="CALCOS" if cos else "CALSTIS",
        instrument_name=instrument,
        filters=opt_elem,
        wavelength_region="UV" if em[1] < 320 else "OPTICAL",
        target_name=target.upper(),
        target_classification="STAR;T TAURI" if "TW" in target else "STAR",
        obs_id=rootname.upper(),
        s_ra=ra,
        s_dec=dec,
        dataproduct_type="spectrum",
        proposal_pi=pi,
        calib_level=3,
        t_min=t_min,
        t_max=t_min + exptime / 86400 + 0.01,
        t_exptime=exptime,
        em_min=em[0],
        em_max=em[1],
        obs_title=title,
        t_obs_release=release,
        proposal_id=proposal_id,
        proposal_type="GO",
        jpegURL=f"mast:HST/product/{rootname}_x1d.png" if not cos else None,
        dataRights=rights,
    )
    seed = obsid % 100_000
    common = {
        "rootname": rootname,
        "targname": target.upper().replace(" ", ""),
        "ra": ra,
        "dec": dec,
        "proposid": int(proposal_id),
        "exptime": exptime,
        "date_obs": _mjd_to_date(t_min),
        "cal_ver": cal_ver,
    }
    if cos:
        exposure = rootname[:-1] + "q"  # an exposure rootname of this association
        _product(
            obs,
            f"{rootname}_x1dsum.fits",
            product_type="SCIENCE",
            calib_level=3,
            subgroup="X1DSUM",
            description="DADS X1DSUM file - Calibrated combined spectrum",
            mrp=True,
            prvversion=cal_ver,
            source=(
                "generate",
                "hst_cos_x1d",
                {
                    **common,
                    "opt_elem": opt_elem,
                    "cenwave": cenwave,
                    "suffix": "x1dsum",
                    "seed": seed,
                },
            ),
        )
        _product(
            obs,
            f"{exposure}_x1d.fits",
            product_type="SCIENCE",
            calib_level=2,
            subgroup="X1D",
            description="DADS X1D file - Calibrated 1-D spectrum",
            prvversion=cal_ver,
            source=(
                "generate",
                "hst_cos_x1d",
                {
                    **common,
                    "rootname": exposure,
                    "opt_elem": opt_elem,
                    "cenwave": cenwave,
                    "seed": seed + 1,
                },
            ),
        )
        _product(
            obs,
            f"{exposure}_rawtag_a.fits",
            product_type="SCIENCE",
            calib_level=1,
            subgroup="RAWTAG_A",
            description="DADS RAWTAG_A file - Raw TIME-TAG events",
            source=(
                "generate",
                "hst_raw",
                {
                    "rootname": exposure,
                    "instrument": "COS",
                    "targname": common["targname"],
                    "ra": ra,
                    "dec": dec,
                    "seed": seed + 2,
                },
            ),
        )
        _product(
            obs,
            f"{rootname}_asn.fits",
            product_type="AUXILIARY",
            calib_level=1,
            subgroup="ASN",
            description="DADS ASN file - Association table",
            source=(
                "generate",
                "synthetic_fits",
                {"obsid": f"{rootname}_asn", "size_bytes": 8640, "seed": seed + 3},
            ),
        )
        _preview(obs, f"{rootname}_x1dsum.png", seed + 4)
    else:
        _product(
            obs,
            f"{rootname}_x1d.fits",
            product_type="SCIENCE",
            calib_level=3,
            subgroup="X1D",
            description="DADS X1D file - Calibrated 1-D spectrum",
            mrp=True,
            prvversion=cal_ver,
            source=(
                "generate",
                "hst_stis_x1d",
                {
                    **common,
                    "opt_elem": opt_elem,
                    "cenwave": cenwave,
                    "detector": detector,
                    "aperture": aperture,
                    "seed": seed,
                },
            ),
        )
        _product(
            obs,
            f"{rootname}_raw.fits",
            product_type="SCIENCE",
            calib_level=1,
            subgroup="RAW",
            description="DADS RAW file - Raw exposure",
            source=(
                "generate",
                "hst_raw",
                {
                    "rootname": rootname,
                    "instrument": "STIS",
                    "targname": common["targname"],
                    "ra": ra,
                    "dec": dec,
                    "seed": seed + 1,
                },
            ),
        )
        _product(
            obs,
            f"{rootname}_jit.fits",
            product_type="AUXILIARY",
            calib_level=1,
            subgroup="JIT",
            description="DADS JIT file - Jitter file",
            source=(
                "generate",
                "synthetic_fits",
                {"obsid": f"{rootname}_jit", "size_bytes": 11520, "seed": seed + 2},
            ),
        )
        _preview(obs, f"{rootname}_x1d.png", seed + 3)
    return obs


# --- JWST NIRSpec -------------------------------------------------------------------------


def _jwst_obs(
    obsid,
    *,
    stem,
    exposure,
    target,
    ra,
    dec,
    program,
    pi,
    title,
    grating,
    filt,
    exp_type,
    t_min,
    exptime,
    em,
    release,
    cal_ver,
    rights="PUBLIC",
):
    obs = _obs(
        obsid,
        obs_collection="JWST",
        provenance_name="CALJWST",
        instrument_name="NIRSPEC/SLIT",
        filters=f"{filt};{grating}",
        wavelength_region="INFRARED",
        target_name=target.upper(),
        target_classification="STAR",
        obs_id=stem,
        s_ra=ra,
        s_dec=dec,
        dataproduct_type="spectrum",
        proposal_pi=pi,
        calib_level=3,
        t_min=t_min,
        t_max=t_min + exptime / 86400 + 0.01,
        t_exptime=exptime,
        em_min=em[0],
        em_max=em[1],
        obs_title=title,
        t_obs_release=release,
        proposal_id=str(int(program)),
        proposal_type="GO",
        dataRights=rights,
    )
    seed = obsid % 100_000
    meta = {
        "targname": target.upper(),
        "ra": ra,
        "dec": dec,
        "instrument": "NIRSPEC",
        "exp_type": exp_type,
        "grating": grating,
        "filter": filt,
        "program": program,
        "date_obs": _mjd_to_date(t_min),
        "cal_ver": cal_ver,
    }
    _product(
        obs,
        f"{stem}_x1d.fits",
        product_type="SCIENCE",
        calib_level=3,
        subgroup="X1D",
        description="Extracted 1D spectrum",
        mrp=True,
        prvversion=cal_ver,
        source=(
            "generate",
            "jwst_x1d",
            {**meta, "filename": f"{stem}_x1d.fits", "srctype": "POINT", "seed": seed},
        ),
    )
    _product(
        obs,
        f"{stem}_s2d.fits",
        product_type="SCIENCE",
        calib_level=3,
        subgroup="S2D",
        description="Rectified 2D spectrum",
        prvversion=cal_ver,
        source=("generate", "jwst_s2d", {**meta, "filename": f"{stem}_s2d.fits", "seed": seed + 1}),
    )
    _product(
        obs,
        f"{exposure}_nrs1_uncal.fits",
        product_type="SCIENCE",
        calib_level=1,
        subgroup="UNCAL",
        description="Uncalibrated 4D exposure data",
        source=(
            "generate",
            "jwst_uncal",
            {**meta, "filename": f"{exposure}_nrs1_uncal.fits", "seed": seed + 2},
        ),
    )
    _preview(obs, f"{stem}_x1d.png", seed + 3)
    return obs


# --- IUE and FUSE (MAST VO spectra) -------------------------------------------------------


def _iue_obs(obsid, *, image, target, ra, dec, t_min, exptime):
    camera = image[:3].upper()
    em = (115.0, 198.0) if camera == "SWP" else (185.0, 335.0)
    obs = _obs(
        obsid,
        obs_collection="IUE",
        provenance_name="NEWSIPS",
        instrument_name=camera,
        filters="LOW DISP",
        wavelength_region="UV",
        target_name=target.upper(),
        target_classification="STAR",
        obs_id=image.lower(),
        s_ra=ra,
        s_dec=dec,
        dataproduct_type="spectrum",
        proposal_pi="IUE ARCHIVE",
        calib_level=2,
        t_min=t_min,
        t_max=t_min + exptime / 86400,
        t_exptime=exptime,
        em_min=em[0],
        em_max=em[1],
        obs_title=None,
        t_obs_release=t_min + 180,
        proposal_id="OD88K",
    )
    _product(
        obs,
        f"{image.lower()}mxlo_vo.fits",
        product_type="SCIENCE",
        calib_level=2,
        subgroup="MXLO_VO",
        description="Low dispersion VO spectrum",
        mrp=True,
        prvversion="NEWSIPS 2.0",
        uri_prefix="mast:IUE/url/pub/vospectra/iue2/",
        source=(
            "generate",
            "iue_mxlo_vo",
            {
                "image": image.upper(),
                "targname": target,
                "ra": ra,
                "dec": dec,
                "date_obs": _mjd_to_date(t_min),
                "exptime": exptime,
                "seed": obsid % 100_000,
            },
        ),
    )
    _preview(obs, f"{image.lower()}.png", obsid % 100_000 + 1)
    return obs


def _fuse_obs(obsid, *, dataset, target, ra, dec, t_min, exptime):
    obs = _obs(
        obsid,
        obs_collection="FUSE",
        provenance_name="CALFUSE",
        instrument_name="FUSE",
        filters="LWRS",
        wavelength_region="UV",
        target_name=target.upper(),
        target_classification="STAR",
        obs_id=dataset.lower(),
        s_ra=ra,
        s_dec=dec,
        dataproduct_type="spectrum",
        proposal_pi="Linsky",
        calib_level=2,
        t_min=t_min,
        t_max=t_min + exptime / 86400,
        t_exptime=exptime,
        em_min=90.5,
        em_max=118.7,
        obs_title="FUSE spectroscopy of young stars",
        t_obs_release=t_min + 365,
        proposal_id=dataset[:4].upper(),
    )
    filename = f"{dataset.lower()}00nvo4ttagfcal_vo.fits"
    _product(
        obs,
        filename,
        product_type="SCIENCE",
        calib_level=2,
        subgroup="VO",
        description="FUSE VO spectrum",
        mrp=True,
        prvversion="CalFUSE v3.2.3",
        uri_prefix="mast:FUSE/url/pub/vospectra/fuse/",
        source=(
            "generate",
            "fuse_vo",
            {
                "dataset": dataset.upper(),
                "targname": target,
                "ra": ra,
                "dec": dec,
                "date_obs": _mjd_to_date(t_min),
                "exptime": exptime,
                "seed": obsid % 100_000,
            },
        ),
    )
    return obs


# --- Kepler, K2, TESS (real files) --------------------------------------------------------


def _timeseries_obs(
    obsid,
    *,
    collection,
    obs_id,
    target,
    ra,
    dec,
    t_min,
    t_max,
    filename,
    uri_prefix,
    subgroup,
    description,
    provenance,
    sequence=None,
    proposal_id=None,
    calib_level=2,
    prvversion=None,
):
    obs = _obs(
        obsid,
        obs_collection=collection,
        provenance_name=provenance,
        instrument_name="Kepler" if collection in ("Kepler", "K2") else "Photometer",
        filters="Kepler" if collection in ("Kepler", "K2") else "TESS",
        wavelength_region="OPTICAL",
        target_name=target,
        target_classification=None,
        obs_id=obs_id,
        s_ra=ra,
        s_dec=dec,
        dataproduct_type="timeseries",
        proposal_pi=None,
        calib_level=calib_level,
        t_min=t_min,
        t_max=t_max,
        t_exptime=(t_max - t_min) * 86400,
        em_min=420.0 if collection != "TESS" else 600.0,
        em_max=900.0 if collection != "TESS" else 1000.0,
        obs_title=None,
        t_obs_release=t_max + 60,
        proposal_id=proposal_id,
        sequence_number=sequence,
    )
    _product(
        obs,
        filename,
        product_type="SCIENCE",
        calib_level=calib_level,
        subgroup=subgroup,
        description=description,
        mrp=True,
        prvversion=prvversion,
        uri_prefix=uri_prefix,
        source=("real", filename),
    )
    return obs


def _mjd_to_date(mjd):
    # Civil date of an MJD without importing astropy here (proleptic Gregorian, MJD 0 is
    # 1858-11-17).
    import datetime

    day = datetime.date(1858, 11, 17) + datetime.timedelta(days=int(mjd))
    return day.isoformat()


def observations() -> list[Observation]:
    """The named-target observations of the snapshot, with their products."""
    tw = dict(target="TW Hya", ra=165.46627, dec=-34.70473)
    au = dict(target="AU Mic", ra=311.28971, dec=-31.34245)
    wasp = dict(target="WASP-39", ra=217.32665, dec=-3.44450)
    return [
        _hst_spectrum_obs(
            2410001001,
            rootname="lb4m01010",
            instrument="COS/FUV",
            opt_elem="G130M",
            cenwave=1291,
            proposal_id="11533",
            pi="Green, James",
            t_min=55296.31,
            exptime=1720.0,
            em=(113.0, 145.0),
            release=55661.0,
            cal_ver="3.4.4",
            title="COS GTO: Protoplanetary disks",
            **tw,
        ),
        _hst_spectrum_obs(
            2410001002,
            rootname="lb4m01020",
            instrument="COS/FUV",
            opt_elem="G160M",
            cenwave=1600,
            proposal_id="11533",
            pi="Green, James",
            t_min=55296.40,
            exptime=2232.0,
            em=(140.0, 178.0),
            release=55661.0,
            cal_ver="3.4.4",
            title="COS GTO: Protoplanetary disks",
            **tw,
        ),
        _hst_spectrum_obs(
            2410001003,
            rootname="o5cw01010",
            instrument="STIS/FUV-MAMA",
            opt_elem="E140M",
            cenwave=1425,
            detector="FUV-MAMA",
            aperture="0.2X0.2",
            proposal_id="8041",
            pi="Linsky, Jeffrey",
            t_min=51600.52,
            exptime=2300.0,
            em=(114.0, 171.0),
            release=51966.0,
            cal_ver="3.4.2",
            title="Echelle spectroscopy of T Tauri stars",
            **tw,
        ),
        _hst_spectrum_obs(
            2410001004,
            rootname="obf501020",
            instrument="STIS/CCD",
            opt_elem="G430L",
            cenwave=4300,
            detector="CCD",
            aperture="52X2",
            proposal_id="11616",
            pi="Herczeg, Gregory",
            t_min=55310.10,
            exptime=600.0,
            em=(290.0, 570.0),
            release=55675.0,
            cal_ver="3.4.2",
            title="Accretion in TW Hya",
            **tw,
        ),
        _iue_obs(2410001005, image="SWP54419", t_min=49850.62, exptime=9000.0, **tw),
        _iue_obs(2410001006, image="LWP31270", t_min=49850.80, exptime=3600.0, **tw),
        _fuse_obs(2410001007, dataset="P1860101000", t_min=51605.12, exptime=17600.0, **tw),
        _hst_spectrum_obs(
            2410001008,
            rootname="lf7z01010",
            instrument="COS/FUV",
            opt_elem="G130M",
            cenwave=1291,
            proposal_id="17802",
            pi="France, Kevin",
            t_min=61010.25,
            exptime=2100.0,
            em=(113.0, 145.0),
            release=61586.0,
            cal_ver="3.5.0",
            title="TW Hya accretion monitoring",
            rights="EXCLUSIVE_ACCESS",
            **tw,
        ),
        _hst_spectrum_obs(
            2410002001,
            rootname="lc8j01010",
            instrument="COS/FUV",
            opt_elem="G130M",
            cenwave=1291,
            proposal_id="13650",
            pi="France, Kevin",
            t_min=56920.11,
            exptime=3200.0,
            em=(113.0, 145.0),
            release=57285.0,
            cal_ver="3.4.4",
            title="MUSCLES: M dwarf UV spectra",
            **au,
        ),
        _hst_spectrum_obs(
            2410002002,
            rootname="o6l901010",
            instrument="STIS/FUV-MAMA",
            opt_elem="E140M",
            cenwave=1425,
            detector="FUV-MAMA",
            aperture="0.2X0.2",
            proposal_id="8889",
            pi="Pagano, Isabella",
            t_min=51785.33,
            exptime=5400.0,
            em=(114.0, 171.0),
            release=52150.0,
            cal_ver="3.4.2",
            title="Flares on AU Mic",
            **au,
        ),
        _fuse_obs(2410002003, dataset="P1800901000", t_min=51743.70, exptime=22000.0, **au),
        _iue_obs(2410002004, image="SWP36581", t_min=47710.44, exptime=7200.0, **au),
        _jwst_obs(
            2410002005,
            stem="jw02925-o001_t001_nirspec_g395h-f290lp",
            exposure="jw02925001001_03101_00001",
            program="02925",
            pi="Rieke, Marcia",
            title="AU Mic debris disk spectroscopy",
            grating="G395H",
            filt="F290LP",
            exp_type="NRS_FIXEDSLIT",
            t_min=60105.21,
            exptime=1867.0,
            em=(2870.0, 5270.0),
            release=60471.0,
            cal_ver="1.18.0",
            **au,
        ),
        _jwst_obs(
            2410003001,
            stem="jw01366-o004_t001_nirspec_clear-prism-s1600a1-sub512",
            exposure="jw01366004001_04101_00001-seg001",
            program="01366",
            pi="Batalha, Natalie",
            title="JWST-TST DREAMS: WASP-39b transmission",
            grating="PRISM",
            filt="CLEAR",
            exp_type="NRS_BRIGHTOBJ",
            t_min=59790.64,
            exptime=29700.0,
            em=(600.0, 5300.0),
            release=59790.64,
            cal_ver="1.18.0",
            **wasp,
        ),
        _jwst_obs(
            2410003002,
            stem="jw04712-o002_t001_nirspec_g395h-f290lp",
            exposure="jw04712002001_04101_00001-seg001",
            program="04712",
            pi="Espinoza, Nestor",
            title="WASP-39b phase curve",
            grating="G395H",
            filt="F290LP",
            exp_type="NRS_BRIGHTOBJ",
            t_min=61020.20,
            exptime=86400.0,
            em=(2870.0, 5270.0),
            release=61386.0,
            cal_ver="1.19.1",
            rights="EXCLUSIVE_ACCESS",
            **wasp,
        ),
        _hst_spectrum_obs(
            2410003003,
            rootname="od9m99010",
            instrument="STIS/CCD",
            opt_elem="G750L",
            cenwave=7751,
            detector="CCD",
            aperture="52X2",
            proposal_id="14169",
            pi="Wakeford, Hannah",
            t_min=57568.40,
            exptime=2700.0,
            em=(524.0, 1027.0),
            release=57934.0,
            cal_ver="3.4.2",
            title="WASP-39b optical transmission",
            **wasp,
        ),
        _timeseries_obs(
            2410004001,
            collection="Kepler",
            obs_id="kplr010002792_lc_Q111111111111111111",
            target="kplr010002792",
            ra=287.86721,
            dec=46.98308,
            t_min=55002.02,
            t_max=55090.97,
            filename="kplr010002792-2009259160929_llc.fits",
            uri_prefix="mast:KEPLER/url/missions/kepler/lightcurves/0100/010002792/",
            subgroup="LLC",
            description="Lightcurve Long Cadence (CLC) - Q2",
            provenance="Kepler",
            proposal_id="GO20031",
            prvversion="9.3.22",
        ),
        _timeseries_obs(
            2410004002,
            collection="K2",
            obs_id="ktwo211117077-c04_lc",
            target="ktwo211117077",
            ra=55.967295,
            dec=24.841616,
            t_min=57064.39,
            t_max=57139.29,
            filename="ktwo211117077-c04_llc.fits",
            uri_prefix="mast:K2/url/missions/k2/lightcurves/c4/211100000/17000/",
            subgroup="LLC",
            description="Lightcurve Long Cadence (KLC) - C4",
            provenance="K2",
            sequence=4,
            proposal_id="GO4033",
            prvversion="9.3.19",
        ),
        _timeseries_obs(
            2410004003,
            collection="K2",
            obs_id="ktwo211983544-c18_lc",
            target="ktwo211983544",
            ra=130.656765,
            dec=19.988607,
            t_min=58251.55,
            t_max=58302.40,
            filename="ktwo211983544-c18_lpd-targ.fits",
            uri_prefix="mast:K2/url/missions/k2/target_pixel_files/c18/211900000/83000/",
            subgroup="LPD-TARG",
            description="Target Pixel Long Cadence (KTL) - C18",
            provenance="K2",
            sequence=18,
            proposal_id="GO18015",
            prvversion="9.3.93",
        ),
        _timeseries_obs(
            2410004004,
            collection="TESS",
            obs_id="tess2018206045859-s0001-0000000358108509-0120-s",
            target="358108509",
            ra=51.1119,
            dec=-77.4515,
            t_min=58324.79,
            t_max=58352.68,
            filename="tess2018206045859-s0001-0000000358108509-0120-s_lc.fits",
            uri_prefix="mast:TESS/product/",
            subgroup="LC",
            description="Light curves",
            provenance="SPOC",
            sequence=1,
            proposal_id="G011112_G011183",
            calib_level=3,
            prvversion="spoc-3.3.36-20180925",
        ),
        _tess_ffi_obs(2410004005),
        _galex_obs(2410005001),
        _galex_obs(2410005002, band="FUV"),
    ]


def _tess_ffi_obs(obsid):
    # A full-frame-image observation: astroquery drops these from product lists client-side
    # with a warning, so the archive has one to show that behaviour.
    obs = _obs(
        obsid,
        obs_collection="TESS",
        provenance_name="SPOC",
        instrument_name="Photometer",
        filters="TESS",
        wavelength_region="OPTICAL",
        target_name="TESS FFI",
        target_classification=None,
        obs_id="tess-s0001-4-3",
        s_ra=51.40,
        s_dec=-77.20,
        dataproduct_type="image",
        proposal_pi=None,
        calib_level=2,
        t_min=58324.79,
        t_max=58352.68,
        t_exptime=1800.0,
        em_min=600.0,
        em_max=1000.0,
        obs_title=None,
        t_obs_release=58412.0,
        proposal_id=None,
        sequence_number=1,
        s_region=_circle(51.40, -77.20, 6.0),
    )
    _product(
        obs,
        "tess2018206192942-s0001-4-3-0120-s_ffic.fits",
        product_type="SCIENCE",
        calib_level=2,
        subgroup="FFIC",
        description="Calibrated full frame image",
        source=(
            "generate",
            "synthetic_fits",
            {"obsid": "tess-s0001-4-3-ffic", "size_bytes": 57600, "seed": 41},
        ),
    )
    return obs


def _galex_obs(obsid, band="NUV"):
    ra, dec = 210.802429, 54.34875
    obs = _obs(
        obsid,
        obs_collection="GALEX",
        provenance_name="AIS",
        instrument_name="GALEX",
        project="GII",
        filters=band,
        wavelength_region="UV",
        target_name="M101",
        target_classification="GALAXY",
        obs_id=f"2485{obsid % 1000:03d}8841427{obsid % 10}",
        s_ra=ra + 0.01,
        s_dec=dec - 0.01,
        dataproduct_type="image",
        proposal_pi="Bianchi",
        calib_level=2,
        t_min=53137.51,
        t_max=53137.53,
        t_exptime=1652.0,
        em_min=134.0 if band == "FUV" else 169.3,
        em_max=180.6 if band == "FUV" else 300.7,
        obs_title="GALEX nearby galaxies",
        t_obs_release=53500.0,
        proposal_id="GI1_047",
        s_region=_circle(ra + 0.01, dec - 0.01, 0.625),
    )
    letter = "f" if band == "FUV" else "n"
    _product(
        obs,
        f"MESSIER101-{letter}d-int.fits",
        product_type="SCIENCE",
        calib_level=2,
        subgroup="INT",
        description=f"{band} intensity map",
        mrp=True,
        uri_prefix="mast:GALEX/url/data/GR6/pipe/01-vsn/06050-MESSIER101/d/01-main/0001-img/07-try/",
        source=(
            "generate",
            "synthetic_fits",
            {"obsid": f"galex-m101-{band}", "size_bytes": 23040, "seed": obsid % 1000},
        ),
    )
    return obs


# --- the synthetic collection -------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticCollection:
    """A large collection computed from row indexes, for paging and download benchmarks.

    Row ``i`` has obsid ``9000000000 + i``; ``sequence_number = i % 10`` (so
    ``sequence_number=0`` selects a tenth of it) and ``proposal_id = f"{i // 16:05d}"`` (so
    every proposal has exactly 16 observations, each with one calibrated science file).
    """

    name: str = "SYNTHETIC"
    first_obsid: int = 9_000_000_000
    ra_range: tuple = (145.0, 155.0)
    dec_range: tuple = (-3.0, 7.0)
    instruments: tuple = ("SYN-A", "SYN-B", "SYN-C", "SYN-D")
    product_types: tuple = ("spectrum", "image", "timeseries", "spectrum")


SYNTHETIC_COLLECTION = SyntheticCollection()
