"""The columns of the observation and product tables, for every front end: GUI-free.

MAST's observation table has some 35 columns and its product table some 20, in archive units
(MJD dates, wavelengths in nm, exposure in s, sizes in bytes). A `Column` says which MAST
field(s) it reads, its heading, its tooltip (MAST's own field descriptions:
https://mast.stsci.edu/api/v0/_c_a_o_mfields.html and
https://mast.stsci.edu/api/v0/_productsfields.html), the text a person reads (ISO dates,
"113-145 nm", "1,720 s", "1.2 MB") and the value the column sorts by (the number itself).

`OBSERVATION_COLUMNS` and `PRODUCT_COLUMNS` are everything a person can choose from (what the
MAST Portal's results grid offers); each table of each front end (a *place*: ``"qt"`` or
``"jdaviz"``, ``"observations"`` or ``"products"``) has a default shown set that tells rows
apart (two COS observations differ by their grating, in ``filters``), and a person's choice
is kept for later sessions in glue-mast's astropy configuration (``glue_mast.cfg``,
`glue_mast.config.remember`): the file glue-mast's other settings live in, read the same way
by glue, Jdaviz and the command line, and by a kernel on a remote server.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

from ..config import conf, remember
from ..errors import InputError
from .products import human_size

__all__ = [
    "OBSERVATION_COLUMNS",
    "PRODUCT_COLUMNS",
    "Column",
    "cell",
    "choose",
    "chosen",
    "chosen_names",
    "default_names",
    "field_columns",
    "iso_date",
    "plain_rows",
    "table_columns",
]

logger = logging.getLogger("glue_mast")
_MJD_ZERO = datetime.datetime(1858, 11, 17)


def plain_rows(table, names):
    """The rows of ``table`` as dicts of plain Python values of the columns ``names`` it has.

    A masked or NaN cell is None. One pass per column (numpy's ``tolist``), not per cell:
    a page of 500 rows is ready in milliseconds, where reading cell by cell through astropy
    Rows took half a second on the GUI thread.
    """
    import numpy as np

    values = {}
    for name in dict.fromkeys(names):
        if name not in table.colnames:
            continue
        column = table[name]
        data = np.asarray(column).tolist()
        mask = np.ma.getmaskarray(column) if hasattr(column, "mask") else None
        if mask is not None and mask.any():
            data = [None if m else v for v, m in zip(data, mask.tolist(), strict=True)]
        values[name] = [
            v.decode() if isinstance(v, bytes)
            else None if isinstance(v, float) and math.isnan(v) else v
            for v in data
        ]
    if not values:
        return [{} for _ in range(len(table))]
    names = list(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*values.values(), strict=True)]


def cell(row, name):
    """A row's cell as a plain Python value, or None (a missing column, masked, NaN).

    ``row`` is an astropy Row, or a dict made by :func:`plain_rows`.
    """
    import numpy as np

    if isinstance(row, dict):
        return row.get(name)
    if name not in row.colnames:
        return None
    value = row[name]
    if value is None or np.ma.is_masked(value):  # a masked cell is np.ma.masked, not True
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def iso_date(mjd, *, time=True):
    """An MJD as an ISO date (UTC), e.g. ``55296.31`` -> ``"2010-04-13 07:26"``; "" for None."""
    if mjd is None:
        return ""
    try:
        moment = _MJD_ZERO + datetime.timedelta(days=float(mjd))
    except (TypeError, ValueError, OverflowError):
        return str(mjd)
    return moment.strftime("%Y-%m-%d %H:%M" if time else "%Y-%m-%d")


def _number(value, digits=0):
    if value is None:
        return ""
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def _wavelengths(row):
    lo, hi = cell(row, "em_min"), cell(row, "em_max")
    if lo is None and hi is None:
        return ""
    # Below 100 nm a tenth of a nanometre matters (FUSE starts at 90.5 nm).
    ends = [_number(v, 1 if v is not None and float(v) < 100 else 0) for v in (lo, hi)]
    return f"{ends[0]}\N{EN DASH}{ends[1]} nm"


@dataclass(frozen=True)
class Column:
    """One column a table can show.

    Attributes
    ----------
    name : str
        What a stored choice names it by, and the key of its cells in Jdaviz's rows: the MAST
        field it shows, or a name of its own when it shows several (``wavelengths``).
    heading, tip : str
        The heading, and its tooltip (MAST's description of the field).
    fields : tuple of str
        The MAST fields it reads.
    text : callable
        ``text(row) -> str``: what a person reads.
    sort : callable
        ``sort(row)``: the value the column sorts by (None for a blank cell).
    numeric : bool
        Whether the text is a number (right-aligned).
    """

    name: str
    heading: str
    tip: str
    fields: tuple
    text: Callable
    sort: Callable
    numeric: bool = False

    def present(self, colnames):
        """Whether a table with columns ``colnames`` has any of this column's fields."""
        return any(field in colnames for field in self.fields)


def _plain(name, heading, tip):
    return Column(
        name, heading, tip, (name,),
        lambda row: "" if cell(row, name) is None else str(cell(row, name)),
        lambda row: cell(row, name),
    )


def _short_float(value):
    """A catalog's float as a person reads it: at most 7 decimals (0.00004 deg is 0.1 mas),
    ``1.2766774`` rather than the ``1.27667735640912`` a computed distance carries."""
    if value is None:
        return ""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if v != v:  # NaN: an empty cell, as a masked one
        return ""
    if v and not 1e-4 <= abs(v) < 1e9:
        return f"{v:.7g}"
    text = f"{v:.7f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def field_columns(table):
    """Every one-dimensional column of ``table``, shown as MAST gives it (floats to at most 7
    decimals), headed by its name: the columns of a catalog page, whose fields differ from
    catalog to catalog."""
    columns = []
    for name in table.colnames:
        if getattr(table[name], "ndim", 1) != 1:
            continue
        kind = getattr(table[name].dtype, "kind", "")
        column = _plain(name, name, table[name].description or "")
        fields = {**column.__dict__, "numeric": kind in "iuf"}
        if kind == "f":
            fields["text"] = lambda row, name=name: _short_float(cell(row, name))
        columns.append(Column(**fields))
    return columns


def _count(name, heading, tip):
    return Column(
        name, heading, tip, (name,),
        lambda row: "" if cell(row, name) is None else str(cell(row, name)),
        lambda row: cell(row, name),
        numeric=True,
    )


def _measure(name, heading, tip, unit, digits=0):
    def text(row):
        value = cell(row, name)
        return "" if value is None else f"{_number(value, digits)}{unit}"

    return Column(name, heading, tip, (name,), text, lambda row: cell(row, name), numeric=True)


def _date(name, heading, tip, time=True):
    return Column(
        name, heading, tip, (name,),
        lambda row: iso_date(cell(row, name), time=time),
        lambda row: cell(row, name),
    )


_CALIB_TIP = "Calibration level: 0 raw, 1 uncalibrated, 2 calibrated, 3 science, 4 contributed"

#: Every observation column a person can choose, in the order tables show them.
OBSERVATION_COLUMNS = (
    _plain("obs_collection", "Mission", "Mission: the collection (HST, IUE, JWST, ...)"),
    _plain("instrument_name", "Instrument", "Instrument name (e.g. COS/FUV, STIS/CCD)"),
    _plain("filters", "Filters", "Instrument filters or grating (e.g. G130M, F469N, LOW DISP)"),
    _plain("target_name", "Target", "Target name, as the observer gave it"),
    _plain("target_classification", "Target class", "Type of target"),
    _plain("obs_id", "Obs ID", "Observation identifier, given by mission"),
    _measure("s_ra", "RA", "Observation Right Ascension (degrees, ICRS)", "", 5),
    _measure("s_dec", "Dec", "Observation Declination (degrees, ICRS)", "", 5),
    _measure(
        "distance", "Distance", "Angular separation between the searched position and the "
        "centre of the observation (arcsec)", "\N{DOUBLE PRIME}", 1,
    ),
    _date("t_min", "Start (UTC)", "Observation start datetime (t_min), in UTC"),
    _date("t_max", "End (UTC)", "Observation end datetime (t_max), in UTC"),
    _measure("t_exptime", "Exposure", "Exposure time (t_exptime), in seconds", " s"),
    Column(
        "wavelengths", "Wavelengths", "Minimum to maximum wavelength (em_min to em_max)",
        ("em_min", "em_max"), _wavelengths, lambda row: cell(row, "em_min"), numeric=True,
    ),
    _plain("wavelength_region", "Waveband", "Energy band (UV, OPTICAL, INFRARED, ...)"),
    _plain("dataproduct_type", "Type", "Type of product: spectrum, timeseries, image, cube, ..."),
    _count("calib_level", "Calib.", _CALIB_TIP),
    _plain("intentType", "Intent", "Whether the observation is for science or calibration"),
    _plain("project", "Project", "Processing project (e.g. HST, HLA, hlsp_ullyses)"),
    _plain("provenance_name", "Provenance", "Provenance name, or source of data (e.g. CALCOS)"),
    _plain("proposal_id", "Proposal", "Proposal ID"),
    _plain("proposal_pi", "PI", "Principal investigator's last name"),
    _plain("proposal_type", "Proposal type", "Type of telescope proposal (GO, GTO, ...)"),
    _plain("obs_title", "Title", "Observation description from proposal"),
    _count(
        "sequence_number", "Sequence",
        "Sequence number, e.g. Kepler quarter, K2 campaign or TESS sector",
    ),
    _plain("dataRights", "Data rights", "Data rights: PUBLIC, EXCLUSIVE_ACCESS or RESTRICTED"),
    _date(
        "t_obs_release", "Release date", "Dataset release date: before it, the data are "
        "exclusive access (a MAST token of someone with rights fetches them)", time=False,
    ),
    _plain("obsid", "Product group ID", "Database identifier for obs_id (obsid)"),
)

#: Every product column a person can choose, in the order tables show them.
PRODUCT_COLUMNS = (
    _plain("productFilename", "File", "The product's file name"),
    _plain("obs_id", "Obs ID", "The observation the product belongs to (obs_id)"),
    _plain("obs_collection", "Mission", "Mission: the collection"),
    _plain("description", "Description", "Product description"),
    _plain(
        "productSubGroupDescription", "Kind",
        "Product subgroup, usually the file suffix (X1D, FLT, ...)",
    ),
    _plain("productType", "Type", "SCIENCE, CALIBRATION, AUXILIARY, PREVIEW, INFO or THUMBNAIL"),
    _plain(
        "productGroupDescription", "Group",
        "Minimum Recommended Products, or empty (MAST's recommendation)",
    ),
    _plain("dataproduct_type", "Product type", "Data product type: spectrum, image, ..."),
    _count("calib_level", "Calib.", _CALIB_TIP),
    Column(
        "size", "Size", "File size, as MAST lists it", ("size",),
        lambda row: "" if cell(row, "size") is None else human_size(cell(row, "size")),
        lambda row: cell(row, "size"), numeric=True,
    ),
    _plain("filters", "Filters", "Instrument filters or grating"),
    _plain("proposal_id", "Proposal", "Proposal ID"),
    _plain("project", "Project", "Processing project (e.g. HST, HLA)"),
    _plain("prvversion", "Pipeline version", "Version of the pipeline that made the product"),
    _plain("dataRights", "Data rights", "Data rights: PUBLIC, EXCLUSIVE_ACCESS or RESTRICTED"),
    _plain("dataURI", "Data URI", "URI of the product, used to download it"),
    _plain("obsID", "Product group ID", "Product Group ID of the observation (obsID)"),
)

_TABLES = {"observations": OBSERVATION_COLUMNS, "products": PRODUCT_COLUMNS}

#: The columns each place shows until a person chooses: enough to tell rows apart (two COS
#: observations differ by grating, in Filters); the Jdaviz tray is narrow, so fewer there.
_DEFAULTS = {
    ("qt", "observations"): (
        "obs_collection", "instrument_name", "filters", "target_name", "obs_id", "t_min",
        "t_exptime", "wavelengths", "dataproduct_type", "calib_level", "proposal_id",
        "proposal_pi", "dataRights",
    ),
    ("qt", "products"): (
        "productFilename", "obs_id", "productSubGroupDescription", "productType",
        "calib_level", "size", "dataRights",
    ),
    ("jdaviz", "observations"): ("obs_collection", "instrument_name", "filters", "obs_id"),
    ("jdaviz", "products"): ("productFilename", "size"),
}


def _place(front_end, table):
    """The configuration item that keeps the choice of ``front_end``'s ``table``."""
    if (front_end, table) not in _DEFAULTS:
        raise InputError(
            f"no table {table!r} in {front_end!r}: give 'qt' or 'jdaviz', and 'observations' "
            "or 'products'",
            field="table",
            value=table,
        )
    return f"{front_end}_{table[:-1]}_columns"  # e.g. qt_observation_columns


def table_columns(table):
    """Every column of ``table`` (``"observations"`` or ``"products"``) a person can choose."""
    return _TABLES[table]


def default_names(front_end, table):
    """The names ``front_end`` (``"qt"`` or ``"jdaviz"``) shows in ``table`` by default."""
    _place(front_end, table)
    return _DEFAULTS[front_end, table]


def chosen_names(front_end, table):
    """The names of the columns ``front_end`` shows in ``table``: the kept choice, or the
    default; a kept name no column has (from another version) is left out, with a log line."""
    item = _place(front_end, table)
    stored = list(getattr(conf, item) or [])
    known = {c.name for c in _TABLES[table]}
    unknown = [name for name in stored if name not in known]
    if unknown:
        logger.warning(
            "glue-mast: ignoring unknown column name(s) %s in the %s setting (glue_mast.cfg)",
            ", ".join(repr(n) for n in unknown), item,
        )
    names = [name for name in stored if name in known]
    return tuple(names) if names else default_names(front_end, table)


def chosen(front_end, table):
    """The `Column` objects ``front_end`` shows in ``table``, in the table's order."""
    names = set(chosen_names(front_end, table))
    return tuple(c for c in _TABLES[table] if c.name in names)


def choose(front_end, table, names):
    """Show columns ``names`` in ``front_end``'s ``table`` from now on, in later sessions too.

    ``names=None`` goes back to the default set. Returns the names now shown.

    Raises
    ------
    InputError
        For a name no column of the table has, or no name at all (field ``columns``).
    """
    item = _place(front_end, table)
    if names is None:
        remember(item, None)
        return default_names(front_end, table)
    names = [str(n) for n in names]
    known = [c.name for c in _TABLES[table]]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise InputError(
            f"no {table} column {unknown[0]!r}; choose among {', '.join(known)}"
            if unknown else f"choose at least one {table} column",
            field="columns",
            value=unknown[0] if unknown else names,
        )
    ordered = [n for n in known if n in names]
    remember(item, ordered)
    return tuple(ordered)
