"""Jdaviz's unit choices, remembered: the same answers without recomputing them per layer.

Whenever a layer is added to a Jdaviz spectrum viewer, glue's profile viewer state lists the
display units the viewer may offer (``glue.core.units.find_unit_choices``), asking the unit
converter Jdaviz registers with glue (``jdaviz.app.UnitConverterWithSpectral``, ``custom-jdaviz``)
for the units equivalent to each layer's, again for every layer already there. Each answer is
astropy's ``find_equivalent_units`` (a ``compose`` over every enabled unit) and, for fluxes,
about twenty surface-brightness units parsed from strings. Twenty spectra loaded in one
``batch_load()`` ask 422 times, for the same two or three units: on a 2-core machine that is
about 12 s of a 25 s load.

The answer depends only on which of the converter's three branches a component takes (an
image importer's surface brightness, a component labelled like ``flux``, or a spectral axis),
on the unit, and on astropy's enabled units, equivalencies and aliases (the current unit
registry, which ``astropy.units.add_enabled_units`` and the like replace). Jdaviz's flux
branch does pass an equivalency built from a value, ``spectral_density(1 * u.m)``, but which
units it makes equivalent does not depend on that value (Jdaviz's own comment: "Value does not
matter here"); it never looks at the data's values or spectral axis. :func:`equivalent_units`
keys its memo on exactly those things (the branch, the unit, the registry object and its
sizes, its equivalencies and aliases, and Jdaviz's list of flux units), computes a missing
answer with Jdaviz's own method, and hands every caller a copy of the set, so no caller can
change what the next one gets. lcviz's converter (``custom-lcviz``, which replaces Jdaviz's
for the whole process once lcviz is imported) is remembered the same way, keyed on the unit
and the registry.

:func:`install` puts the memo in place of the converters' own ``equivalent_units``, for every
app of the process, only when each is the code this was written against (the SHA-256 of its
source and of the Jdaviz functions it calls: Jdaviz 5.0, lcviz 2.0), and only while the
``fast_unit_choices`` setting is on (the default). Otherwise the host's own method runs, and a
declined replacement is logged once (logger ``glue_mast``).

Jdaviz's Line Lists plugin asks for the same kind of answer once per spectrum added to a viewer
(``jdaviz.core.unit_conversion_utils.create_equivalent_spectral_axis_units_list``: the spectral
units its custom-line dropdown offers, again astropy's ``find_equivalent_units``, 10 ms each).
That list too depends only on the unit, the units it leaves out (the same default list in every
call Jdaviz makes) and astropy's registry: :func:`install` remembers it the same way, under the
same guard (the SHA-256 of its source, Jdaviz 5.0) and the same setting, in the modules that
imported it by name, and hands every caller its own copy of the list.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from ..util import source_sha256

__all__ = ["cache_info", "clear", "install", "installed", "uninstall"]

logger = logging.getLogger("glue_mast")

#: SHA-256 of the sources, one after the other, of Jdaviz's
#: ``UnitConverterWithSpectral.equivalent_units`` and the two functions it calls for the
#: surface-brightness units (``combine_flux_and_angle_units``, ``supported_sq_angle_units``),
#: in Jdaviz 5.0.
JDAVIZ_SHA256 = "8ad0f1d206f668157670507461fce41c6f1cba2d943dde5e55f14da06556f014"
#: SHA-256 of the source of lcviz's ``UnitConverter.equivalent_units`` (lcviz 2.0).
LCVIZ_SHA256 = "039193b43aadfb71aeba89693d6cafe798f27b7be37f1f33d00dd167c34d6a4a"

#: SHA-256 of the source of ``create_equivalent_spectral_axis_units_list`` (Jdaviz 5.0).
SPECTRAL_LIST_SHA256 = "7a8da99e0c4cb9b5dafabe807076a47415ddf2b65a9d64e0ae5d78aed4d79536"
#: The modules that import it by name (each keeps its own reference to the function).
_SPECTRAL_LIST_USERS = (
    "jdaviz.core.unit_conversion_utils",
    "jdaviz.configs.default.plugins.line_lists.line_lists",
    "jdaviz.configs.specviz.plugins.unit_conversion.unit_conversion",
)
_SPECTRAL_LIST = "create_equivalent_spectral_axis_units_list"

#: Most answers kept: a session sees a few units per kind of data, so this is never reached
#: in practice; it only bounds the memory of a process that cycles through unit registries.
MAX_ENTRIES = 1024

_memo: OrderedDict = OrderedDict()
_hits = 0
_misses = 0
_originals: dict = {}  # converter class -> its own equivalent_units, while ours is in place
_declined: set = set()  # (converter name, source SHA-256) already logged


def _registry_key():
    """What of astropy's current unit registry decides ``find_equivalent_units``' answer.

    astropy's functions that change the enabled units, equivalencies or aliases push a new
    registry (a copy) and change that one, so the registry object tells them apart; the key
    holds the object itself, so its ``id`` cannot be reused while the answer is kept. Its
    sizes, equivalencies and aliases are part of the key too, for code that changes a
    registry in place.
    """
    from astropy.units.core import get_current_unit_registry

    registry = get_current_unit_registry()
    return (
        registry,
        len(registry._all_units),
        len(registry._registry),
        frozenset(registry._equivalencies),
        frozenset(registry._aliases.items()),
    )


def _jdaviz_key(data, cid, units):
    """The branch of Jdaviz's ``UnitConverterWithSpectral.equivalent_units`` that answers,
    decided as it decides it, and what the answer depends on there."""
    import astropy.units as u
    from jdaviz import app as jdaviz_app

    if (
        data.meta.get("_importer") == "ImageImporter"
        and u.Unit(data.get_component(cid).units).physical_type == "surface brightness"
    ):
        branch = "surface brightness"
    elif cid.label in ("flux"):  # Jdaviz's own test: a substring of "flux"
        branch = "flux"
    else:
        branch = "spectral"
    flux_units = () if branch == "spectral" else tuple(jdaviz_app.SPEC_PHOTON_FLUX_DENSITY_UNITS)
    return ("custom-jdaviz", branch, type(units), units, flux_units, _registry_key())


def _lcviz_key(data, cid, units):
    """lcviz's ``UnitConverter.equivalent_units`` depends on the unit alone."""
    return ("custom-lcviz", type(units), units, _registry_key())


def _remembering(own, key_of):
    """``own`` (a converter's ``equivalent_units``), remembering its answers by ``key_of``."""

    def equivalent_units(self, data, cid, units):
        global _hits, _misses
        try:
            key = key_of(data, cid, units)
            hash(key)
        except TypeError:  # an unhashable unit: answer as the host does, unremembered
            return own(self, data, cid, units)
        found = _memo.get(key)
        if found is None:
            _misses += 1
            found = own(self, data, cid, units)
            if not isinstance(found, (set, frozenset)):  # not what this was written for
                return found
            _memo[key] = found
            while len(_memo) > MAX_ENTRIES:
                _memo.popitem(last=False)
        else:
            _hits += 1
            _memo.move_to_end(key)
        return set(found)  # a copy: a caller changing it cannot change the next answer

    equivalent_units.__wrapped__ = own
    equivalent_units.__doc__ = (
        "The host's ``equivalent_units``, remembered per unit and unit registry "
        "(glue_mast.jdaviz.unit_choices)."
    )
    return equivalent_units


def _targets():
    """(name, converter class, source SHA-256 now, expected SHA-256, key function) of each
    host converter that is importable without importing anything new."""
    import sys

    out = []
    jdaviz_app = sys.modules.get("jdaviz.app")
    if jdaviz_app is not None and hasattr(jdaviz_app, "UnitConverterWithSpectral"):
        from jdaviz.core import unit_conversion_utils as utils

        cls = jdaviz_app.UnitConverterWithSpectral
        own = _originals.get(cls, cls.equivalent_units)
        sha = source_sha256(
            own, utils.combine_flux_and_angle_units, utils.supported_sq_angle_units
        )
        out.append(("custom-jdaviz", cls, sha, JDAVIZ_SHA256, _jdaviz_key))
    lcviz_helper = sys.modules.get("lcviz.helper")
    if lcviz_helper is not None and hasattr(lcviz_helper, "UnitConverter"):
        cls = lcviz_helper.UnitConverter
        own = _originals.get(cls, cls.equivalent_units)
        out.append(("custom-lcviz", cls, source_sha256(own), LCVIZ_SHA256, _lcviz_key))
    return out


def _remembering_list(own):
    """``own`` (Jdaviz's spectral-axis unit list), remembered per unit and registry when it
    is called with its default list of units to leave out."""
    default_exclude = own.__defaults__[0]

    def create_equivalent_spectral_axis_units_list(spectral_axis_unit, exclude=default_exclude):
        global _hits, _misses
        if exclude is not default_exclude:
            return own(spectral_axis_unit, exclude)
        try:
            key = ("spectral-axis list", type(spectral_axis_unit), spectral_axis_unit,
                   _registry_key())
            hash(key)
        except TypeError:
            return own(spectral_axis_unit, exclude)
        found = _memo.get(key)
        if found is None:
            _misses += 1
            found = own(spectral_axis_unit, exclude)
            if not isinstance(found, list):  # not what this was written for
                return found
            _memo[key] = tuple(found)
            while len(_memo) > MAX_ENTRIES:
                _memo.popitem(last=False)
        else:
            _hits += 1
            _memo.move_to_end(key)
        return list(found)  # a copy: a caller changing it cannot change the next answer

    create_equivalent_spectral_axis_units_list.__wrapped__ = own
    create_equivalent_spectral_axis_units_list.__doc__ = own.__doc__
    return create_equivalent_spectral_axis_units_list


def _install_spectral_list():
    import sys

    utils = sys.modules.get(_SPECTRAL_LIST_USERS[0])
    if utils is None or _SPECTRAL_LIST in _originals:
        return
    own = getattr(utils, _SPECTRAL_LIST)
    sha = source_sha256(own)
    if sha != SPECTRAL_LIST_SHA256:
        from ..util import decline

        decline(f"{_SPECTRAL_LIST_USERS[0]}.{_SPECTRAL_LIST}",
                f"its source is not the one glue-mast's memo was written for (SHA-256 {sha})",
                "fast_unit_choices")
        return
    ours = _remembering_list(own)
    _originals[_SPECTRAL_LIST] = own
    for name in _SPECTRAL_LIST_USERS:
        module = sys.modules.get(name)
        if module is not None and getattr(module, _SPECTRAL_LIST, None) is own:
            setattr(module, _SPECTRAL_LIST, ours)


def _uninstall_spectral_list():
    import sys

    own = _originals.pop(_SPECTRAL_LIST, None)
    if own is None:
        return
    for name in _SPECTRAL_LIST_USERS:
        module = sys.modules.get(name)
        current = getattr(module, _SPECTRAL_LIST, None) if module is not None else None
        if getattr(current, "__wrapped__", None) is own:
            setattr(module, _SPECTRAL_LIST, own)


def installed(name="custom-jdaviz"):
    """True when the converter registered with glue as ``name`` answers from the memo."""
    return any(cls_name == name for cls_name, *_ in _installed_targets())


def _installed_targets():
    return [t for t in _targets() if t[1] in _originals]


def spectral_list_installed():
    """True when Jdaviz's spectral-axis unit list (Line Lists) answers from the memo."""
    return _SPECTRAL_LIST in _originals


def install():
    """Remember the answers of Jdaviz's (and lcviz's) unit converters; calling it again
    changes nothing.

    A converter is replaced only when its ``equivalent_units`` (with the functions it calls)
    is the code this was written against; a converter that is not is left alone and logged
    once. Jdaviz's converter is looked for only once Jdaviz is imported, lcviz's once lcviz
    is: call this again after importing lcviz.

    Returns
    -------
    bool
        Whether Jdaviz's converter answers from the memo: False when the
        ``fast_unit_choices`` setting is off (which puts the host's own methods back, if this
        had replaced them), when Jdaviz is not imported, or when its method is not the one
        this replaces.
    """
    from ..config import conf

    if not conf.fast_unit_choices:
        uninstall()
        return False
    for name, cls, sha, expected, key_of in _targets():
        if cls in _originals:
            continue
        if sha != expected:
            if (name, sha) not in _declined:
                _declined.add((name, sha))
                logger.warning(
                    "glue-mast left %s's equivalent_units as it is: its source is not the "
                    "one glue-mast's unit-choice memo was written for (SHA-256 %s), so unit "
                    "choices are computed as the host computes them",
                    name,
                    sha,
                )
            continue
        own = cls.equivalent_units
        _originals[cls] = own
        cls.equivalent_units = _remembering(own, key_of)
    _install_spectral_list()
    return installed("custom-jdaviz")


def uninstall():
    """Put the host converters' own ``equivalent_units`` (and Jdaviz's spectral-axis unit
    list) back and forget every answer."""
    _uninstall_spectral_list()
    for cls, own in list(_originals.items()):
        cls.equivalent_units = own
        del _originals[cls]
    clear()


def clear():
    """Forget the remembered answers (they are computed again when next asked)."""
    global _hits, _misses
    _memo.clear()
    _hits = _misses = 0


def cache_info():
    """``{"hits": n, "misses": n, "entries": n}`` since the memo was last cleared."""
    return {"hits": _hits, "misses": _misses, "entries": len(_memo)}
