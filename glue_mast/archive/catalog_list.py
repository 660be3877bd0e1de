"""The MAST catalogs glue-mast searches, their versions and how MAST serves each: one place.

Everything else (the search, the command line, the docs' table) reads :data:`CATALOGS`.
The services are those astroquery's ``Catalogs`` calls (``astroquery/mast/collections.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError

__all__ = ["CATALOGS", "CatalogInfo", "Version", "find_catalog"]


@dataclass(frozen=True)
class Version:
    """One version of a catalog: the names astroquery takes for it and the service it calls."""

    label: str
    #: ``catalog=`` for astroquery (``"GaiaDR3"``), and its ``version=`` (None for none).
    astroquery_catalog: str
    astroquery_version: int | None
    service: str


@dataclass(frozen=True)
class CatalogInfo:
    """A MAST catalog as glue-mast searches it.

    Attributes
    ----------
    name : str
        The name shown and accepted (case-insensitively, as are ``aliases``).
    title : str
        What the catalog is.
    versions : tuple of Version
        Its versions; the first is the default unless ``default`` names another.
    criteria : tuple or None
        ``(service without position, service with position, columns config)`` for catalogs
        MAST searches by criteria (astroquery's ``query_criteria``); None for cone-only ones.
    limit : tuple or None
        ``(parameter, MAST's default)`` of a catalog whose answer MAST caps (HSC ``nr``,
        GALEX ``maxrecords``), or None.
    counts : bool
        Whether MAST says the total of an answer (the portal's ``rowsFiltered``). MAST's
        catalogs service (PanSTARRS) answers a page without one.
    passthrough : tuple of str
        Service parameters accepted as criteria as they are (HSC ``magtype``).
    by_match : bool
        Searched by HSC MatchID (``match=``) rather than by position.
    position_columns : tuple of str
        The columns of its rows that hold each source's RA and Dec (ICRS degrees).
    """

    name: str
    title: str
    versions: tuple
    default: str | None = None
    aliases: tuple = ()
    criteria: tuple | None = None
    limit: tuple | None = None
    counts: bool = True
    passthrough: tuple = ()
    by_match: bool = False
    position_columns: tuple = ("ra", "dec")
    notes: str = field(default="", compare=False)

    @property
    def default_version(self):
        return self.default or self.versions[0].label

    def version(self, label=None):
        """The `Version` named ``label`` (``"DR3"``, ``"dr3"``, ``3``, ``"v3"``), or the default."""
        if label is None or (isinstance(label, str) and not label.strip()):
            label = self.default_version
        wanted = _bare(label)
        for v in self.versions:
            if _bare(v.label) == wanted:
                return v
        labels = ", ".join(v.label for v in self.versions)
        raise InputError(
            f"{self.name} has no version {label!r}; its versions are {labels} "
            f"(default {self.default_version})",
            field="version",
            value=label,
        )


def _bare(label):
    text = str(label).strip().lower()
    for prefix in ("dr", "v"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return text[len(prefix) :]
    return text


_TESS_CONFIG = "Mast.Catalogs.Tess.Cone"

#: Every catalog, by lower-case key.
CATALOGS = {
    "tic": CatalogInfo(
        "TIC",
        "TESS Input Catalog",
        (Version("v8.2", "Tic", None, "Mast.Catalogs.Tic.Cone"),),
        criteria=(
            "Mast.Catalogs.Filtered.Tic.Rows",
            "Mast.Catalogs.Filtered.Tic.Position.Rows",
            _TESS_CONFIG,
        ),
    ),
    "ctl": CatalogInfo(
        "CTL",
        "TESS Candidate Target List",
        (Version("v8.01", "Ctl", None, "Mast.Catalogs.Ctl.Cone"),),
        criteria=(
            "Mast.Catalogs.Filtered.Ctl.Rows",
            "Mast.Catalogs.Filtered.Ctl.Position.Rows",
            _TESS_CONFIG,
        ),
    ),
    "gaia": CatalogInfo(
        "Gaia",
        "Gaia source catalogue",
        (
            Version("DR3", "GaiaDR3", None, "Mast.Catalogs.GaiaDR3.Cone"),
            Version("DR2", "Gaia", 2, "Mast.Catalogs.GaiaDR2.Cone"),
        ),
    ),
    "hsc": CatalogInfo(
        "HSC",
        "Hubble Source Catalog",
        (Version("v3", "Hsc", 3, "Mast.Hsc.Db.v3"), Version("v2", "Hsc", 2, "Mast.Hsc.Db.v2")),
        limit=("nr", 50_000),
        passthrough=("magtype",),
        position_columns=("MatchRA", "MatchDec"),
    ),
    "hsc_matches": CatalogInfo(
        "HSC matches",
        "Hubble Source Catalog: every measurement of one match (MatchID)",
        (
            Version("v3", "Hsc", 3, "Mast.HscMatches.Db.v3"),
            Version("v2", "Hsc", 2, "Mast.HscMatches.Db.v2"),
        ),
        aliases=("hscmatches", "hsc-matches", "hsc match"),
        by_match=True,
        position_columns=("SourceRA", "SourceDec"),
    ),
    "galex": CatalogInfo(
        "GALEX",
        "GALEX source catalog",
        (Version("GR6/7", "Galex", None, "Mast.Galex.Catalog"),),
        limit=("maxrecords", 50_000),
    ),
    "panstarrs": CatalogInfo(
        "PanSTARRS",
        "Pan-STARRS1 mean object catalog (MAST's catalogs service)",
        (
            Version("DR2", "Panstarrs", None, "catalogs.mast panstarrs/dr2/mean"),
            Version("DR1", "Panstarrs", None, "catalogs.mast panstarrs/dr1/mean"),
        ),
        aliases=("ps1", "pan-starrs"),
        counts=False,
        position_columns=("raMean", "decMean"),
    ),
    "diskdetective": CatalogInfo(
        "Disk Detective",
        "Disk Detective citizen-science catalog",
        (Version("v1", "DiskDetective", None, "Mast.Catalogs.DiskDetective.Cone"),),
        aliases=("disk detective", "disk-detective", "dd"),
        criteria=(
            "Mast.Catalogs.Filtered.DiskDetective",
            "Mast.Catalogs.Filtered.DiskDetective.Position",
            "Mast.Catalogs.Dd.Cone",
        ),
    ),
}


def find_catalog(name):
    """The `CatalogInfo` called ``name`` (any case, or an alias), or an `InputError`."""
    text = " ".join(str(name or "").split()).lower()
    for key, info in CATALOGS.items():
        if text in (key, info.name.lower(), *info.aliases):
            return info
    names = ", ".join(info.name for info in CATALOGS.values())
    raise InputError(
        f"unknown catalog {name!r}; MAST's catalogs here are {names}",
        field="catalog",
        value=name,
    )
