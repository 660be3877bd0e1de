"""Links between glue-mast datasets: spectra (and spectral cubes) on their spectral axis,
light curves on time, images and cubes on the sky.

glue's ``LinkSame`` ignores units (a spectrum in Angstrom and one in micron select nothing in
common), and glue-core's ``LinkSameWithUnits`` works live but cannot be restored from a session
(it saves its conversion as bound methods of itself, and restoring reports a circular
reference). :class:`SpectralAxisLink` converts with astropy's spectral equivalencies
(wavelength, frequency, energy, wavenumber) and :class:`TimeAxisLink` between time systems
(reference epoch and scale, e.g. Kepler BKJD and TESS BTJD); both are ``BaseMultiLink``
subclasses whose conversion is derived again in ``__init__`` from what a session saves, so they
survive a save and restore.

Images and cubes with a celestial astropy WCS are linked with glue's own ``WCSLink`` (what
glue-qt's WCS autolinker makes), so that a script's data collection has them too.

The autolinkers link every glue-mast spectrum (light curve) in a data collection to the first
one, which links all of them with one another (glue follows chains of links), and suggest only
links that are not there yet.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from glue.core.link_helpers import BaseMultiLink

from .coordinates import TimeCubeCoordinates, spectral_world_id

__all__ = [
    "SpectralAxisLink",
    "TimeAxisLink",
    "lightcurves_in",
    "link_datasets",
    "sky_images_in",
    "spectra_in",
    "spectral_axis_autolink",
    "time_axis_autolink",
    "time_id",
    "time_system",
]

#: Key of glue-mast's record in ``Data.meta``.
from ..provenance.describe import META_KEY  # (one key, in glue and Jdaviz alike)


def _component_unit(data, cid):
    return u.Unit((data or cid.parent).get_component(cid).units or "")


class SpectralAxisLink(BaseMultiLink):
    """Link two spectral axes in any spectral units (Angstrom, nm, um, Hz, eV, cm-1...)."""

    display = "Spectral axis (unit-aware)"
    description = (
        "Links two spectral axes, converting between their units with astropy's spectral"
        " equivalencies (wavelength, frequency, energy, wavenumber)."
    )
    # They must differ: glue's link editor uses them as attribute names.
    labels1 = ["Spectral axis 1"]
    labels2 = ["Spectral axis 2"]

    def __init__(self, data1=None, data2=None, cids1=None, cids2=None):
        self.unit1 = _component_unit(data1, cids1[0])
        self.unit2 = _component_unit(data2, cids2[0])
        # Fail here, with the units in the message, rather than at the first subset.
        try:
            self.forwards(np.ones(1))
        except u.UnitConversionError:
            raise ValueError(
                f"cannot link a spectral axis in {self.unit1} with one in {self.unit2}"
            ) from None
        super().__init__(cids1=cids1, cids2=cids2, data1=data1, data2=data2)

    def forwards(self, values):
        return (np.asarray(values) * self.unit1).to_value(self.unit2, equivalencies=u.spectral())

    def backwards(self, values):
        return (np.asarray(values) * self.unit2).to_value(self.unit1, equivalencies=u.spectral())


def time_system(data):
    """The time system of a glue-mast light curve: ``{"reference_jd", "scale", "format"}``.

    Its ``time`` component holds days since ``reference_jd`` (a Julian date) in ``scale``.
    """
    system = (data.meta.get(META_KEY) or {}).get("time") if data is not None else None
    if not system:
        raise ValueError(f"{getattr(data, 'label', data)!r} has no glue-mast time system")
    return system


class TimeAxisLink(BaseMultiLink):
    """Link the time of two light curves given in different time systems.

    Each side's time is days since its own reference Julian date, in its own scale (TDB for
    Kepler, K2 and TESS); the link shifts the epoch and converts the scale with astropy.
    """

    display = "Time (light curves)"
    description = (
        "Links the time of two light curves, shifting between their reference epochs"
        " (e.g. Kepler BKJD and TESS BTJD) and converting their time scales."
    )
    labels1 = ["Time 1"]
    labels2 = ["Time 2"]

    def __init__(self, data1=None, data2=None, cids1=None, cids2=None, systems=None):
        data1 = data1 or cids1[0].parent
        data2 = data2 or cids2[0].parent
        self.system1, self.system2 = systems or (time_system(data1), time_system(data2))
        super().__init__(cids1=cids1, cids2=cids2, data1=data1, data2=data2)

    @staticmethod
    def _convert(values, source, target):
        values = np.asarray(values, dtype=float)
        if source["scale"] == target["scale"]:
            return values + (source["reference_jd"] - target["reference_jd"])
        from astropy.time import Time

        # Two-part JDs keep the precision a single float would lose near JD 2.4e6.
        t = Time(source["reference_jd"], values, format="jd", scale=source["scale"])
        t = getattr(t, target["scale"])
        return (t.jd1 - target["reference_jd"]) + t.jd2

    def forwards(self, values):
        return self._convert(values, self.system1, self.system2)

    def backwards(self, values):
        return self._convert(values, self.system2, self.system1)

    def __gluestate__(self, context):
        state = super().__gluestate__(context)
        # Saved with the link: when a session is restored, meta may be set after links.
        state["systems"] = [dict(self.system1), dict(self.system2)]
        return state

    @classmethod
    def __setgluestate__(cls, rec, context):
        systems = rec.get("systems")
        return cls(
            data1=context.object(rec["data1"]),
            data2=context.object(rec["data2"]),
            cids1=context.object(rec["cids1"]),
            cids2=context.object(rec["cids2"]),
            systems=tuple(systems) if systems else None,
        )


def spectra_in(data_collection):
    """The glue-mast spectra (1-D and 2-D) of a data collection (or list of Data): Data with a
    saveable spectral axis."""
    return [d for d in data_collection if spectral_world_id(d) is not None]


def time_id(data):
    """The ComponentID of a glue-mast light curve's ``time``, or of a pixel file's time world
    axis; None for other data."""
    meta = getattr(data, "meta", None) or {}
    if not (meta.get(META_KEY) or {}).get("time"):
        return None
    if isinstance(getattr(data, "coords", None), TimeCubeCoordinates):
        return data.world_component_ids[0] if data.world_component_ids else None
    return data.find_component_id("time")


def lightcurves_in(data_collection):
    """The glue-mast light curves and pixel files of a data collection (or list of Data)."""
    return [d for d in data_collection if time_id(d) is not None]


def _linked_pairs(data_collection, cls):
    pairs = set()
    for link in data_collection.external_links:
        if isinstance(link, cls):
            pairs.add((id(link.data1), id(link.data2)))
            pairs.add((id(link.data2), id(link.data1)))
    return pairs


def _link_to_first(data_collection, datasets, cls, cid_of):
    if len(datasets) < 2:
        return []
    linked = _linked_pairs(data_collection, cls)
    first = datasets[0]
    links = []
    for other in datasets[1:]:
        if (id(first), id(other)) in linked:
            continue
        try:
            links.append(
                cls(data1=first, data2=other, cids1=[cid_of(first)], cids2=[cid_of(other)])
            )
        except ValueError:  # units that cannot be converted: leave that pair unlinked
            continue
    return links


def spectral_axis_autolink(data_collection):
    """Suggest a :class:`SpectralAxisLink` from the first glue-mast spectrum to each other."""
    return _link_to_first(
        data_collection,
        spectra_in(data_collection),
        SpectralAxisLink,
        spectral_world_id,
    )


def time_axis_autolink(data_collection):
    """Suggest a :class:`TimeAxisLink` from the first glue-mast light curve (or pixel file) to
    each other."""
    return _link_to_first(
        data_collection,
        lightcurves_in(data_collection),
        TimeAxisLink,
        time_id,
    )


def sky_images_in(data_collection):
    """The glue-mast images and spectral cubes of a data collection (or list of Data): Data
    whose coordinates are an astropy WCS with sky axes."""
    from astropy.wcs import WCS

    return [
        d for d in data_collection
        if META_KEY in d.meta and isinstance(d.coords, WCS) and d.coords.has_celestial
    ]


def _sky_links(data_collection, images):
    """glue ``WCSLink``s from the first image (or cube) to each other one not yet linked to it;
    pairs whose WCS glue cannot relate (no common sky axes) are left unlinked."""
    if len(images) < 2:
        return []
    from glue.plugins.wcs_autolinking.wcs_autolinking import IncompatibleWCS, WCSLink

    linked = _linked_pairs(data_collection, WCSLink)
    first = images[0]
    links = []
    for other in images[1:]:
        if (id(first), id(other)) in linked:
            continue
        try:
            links.append(WCSLink(first, other))
        except IncompatibleWCS:
            continue
    return links


def link_datasets(data_collection, adding=()):
    """Add the links glue-mast's autolinkers suggest to ``data_collection``; return them.

    Parameters
    ----------
    data_collection : `~glue.core.data_collection.DataCollection`
    adding : sequence of `~glue.core.data.Data`
        Datasets about to be added to ``data_collection``, linked with its own now: glue's
        link manager then works out what each dataset derives once, when they are added,
        instead of once for the datasets and again for the links.
    """
    from .link_discovery import install

    install()  # glue-core's own discovery is cubic in the number of linked datasets
    datasets = [*data_collection, *(d for d in adding if d not in data_collection)]
    links = _link_to_first(
        data_collection, spectra_in(datasets), SpectralAxisLink, spectral_world_id
    ) + _link_to_first(data_collection, lightcurves_in(datasets), TimeAxisLink, time_id)
    links += _sky_links(data_collection, sky_images_in(datasets))
    if links:
        data_collection.add_link(links)
    return links
