"""glue's check of what changed for a layer, without listing every attribute of its states.

Each layer of a glue viewer (in Jdaviz: glue-jupyter's ``BqplotProfileLayerArtist``, one per
spectrum) listens to every change of its viewer's state, and on each one asks
``LayerArtist.pop_changed_properties`` which properties changed since it last asked. That
method reads the viewer state's and the layer state's properties (``State.as_dict``) twice
each, and ``as_dict`` finds the properties by going over ``dir(state)`` -- about a hundred
names -- asking of each whether it is a callback property. Adding a spectrum to a viewer
changes its state several times, and each change asks every layer already shown: loading 20
spectra asks about 1,200 times, about a tenth of the load, and the cost grows as the square
of the spectra.

:func:`install` puts two equivalents in place:

- ``State.as_dict`` reads the same properties, found once per class: a callback property is
  an attribute of the class (echo's ``is_callback_property`` looks it up on ``type(self)``),
  so the names ``dir(state)`` yields that pass its test are those of ``dir(type(state))`` that
  do. They are listed again whenever a class of the state's MRO gains or loses an attribute
  (the sizes of their ``__dict__`` are part of the memo's key), and never for a class with its
  own ``__dir__`` or ``is_callback_property`` (glue's own method answers for those).
- ``LayerArtist.pop_changed_properties`` reads each state's properties once, not twice: the
  same values, compared and remembered in the same way.

Only when both are the code this was written against (the SHA-256 of their sources and of
echo's ``is_callback_property``: glue-core 1.28, echo 0.16), and while the
``fast_layer_changes`` setting is on (the default); otherwise glue's own methods run, and a
declined replacement is logged once (logger ``glue_mast``).

Upstream, glue's ``State.as_dict`` could use a per-class list of its callback properties (as
echo could offer for ``HasCallbackProperties``), and ``pop_changed_properties`` could call it
once per state.
"""

from __future__ import annotations

from ..util import decline, source_sha256

__all__ = ["install", "installed", "uninstall"]

#: SHA-256 of the sources of glue's ``State.as_dict``, ``LayerArtist.pop_changed_properties``
#: and echo's ``HasCallbackProperties.is_callback_property`` (glue-core 1.28, echo 0.16), one
#: after the other.
HOST_SHA256 = "b9c0517657958884d9eceac3511df953c7168b3ca9421a86623ac7c358f207bd"

SETTING = "fast_layer_changes"

_originals: dict = {}  # (class, name) -> glue's own function, while ours is in place
_names: dict = {}  # class -> (MRO dict sizes, callback property names)


def _hosts():
    from echo import HasCallbackProperties
    from glue.core.state_objects import State
    from glue.viewers.common.layer_artist import LayerArtist

    return State, LayerArtist, HasCallbackProperties


def _own(cls, name):
    return _originals.get((cls, name), cls.__dict__[name])


def _host_sha256():
    state, artist, echo_base = _hosts()
    return source_sha256(
        _own(state, "as_dict"),
        _own(artist, "pop_changed_properties"),
        echo_base.is_callback_property,
    )


def _callback_names(cls):
    """The names ``State.as_dict`` lists for an instance of ``cls``, in its order (sorted, as
    ``dir`` gives them); None when only glue's own method can tell (see the module doc)."""
    from echo import HasCallbackProperties
    from echo.core import CallbackProperty, CallbackPropertyAlias

    sizes = tuple(len(k.__dict__) for k in cls.__mro__)
    known = _names.get(cls)
    if known is not None and known[0] == sizes:
        return known[1]
    if (
        cls.__dir__ is not object.__dir__
        or cls.is_callback_property is not HasCallbackProperties.is_callback_property
    ):
        names = None
    else:
        names = tuple(
            name
            for name in dir(cls)
            if not name.startswith("_")
            and isinstance(getattr(cls, name, None), CallbackProperty | CallbackPropertyAlias)
        )
    _names[cls] = (sizes, names)
    return names


def _as_dict(own):
    def as_dict(self):
        names = _callback_names(type(self))
        if names is None:
            return own(self)
        return {name: getattr(self, name) for name in names}

    as_dict.__wrapped__ = own
    as_dict.__doc__ = own.__doc__
    return as_dict


def _pop_changed_properties(own):
    def pop_changed_properties(self):
        from echo import CallbackDict

        viewer = self._viewer_state.as_dict()
        layer = self.state.as_dict()
        changed = set()
        for now, last in ((viewer, self._last_viewer_state), (layer, self._last_layer_state)):
            for key, value in now.items():
                if value != last.get(key, None):
                    changed.add(key)
            last.update(now)
            # A CallbackDict is copied, or the last and the new value would stay the same.
            for key, value in last.items():
                if isinstance(value, CallbackDict):
                    last[key] = dict(value)
        return changed

    pop_changed_properties.__wrapped__ = own
    pop_changed_properties.__doc__ = own.__doc__
    return pop_changed_properties


def install():
    """Put the equivalents in place (see the module doc); calling it again changes nothing.

    Returns
    -------
    bool
        Whether they are in place now: False when the setting is off (which puts glue's own
        back) or when glue's methods are not the code this was written against.
    """
    from ..config import conf

    if not getattr(conf, SETTING):
        uninstall()
        return False
    if installed():
        return True
    sha = _host_sha256()
    if sha != HOST_SHA256:
        return decline(
            "glue.core.state_objects.State.as_dict and "
            "glue.viewers.common.layer_artist.LayerArtist.pop_changed_properties",
            f"their source is not the one glue-mast was written against (SHA-256 {sha})",
            SETTING,
        )
    state, artist, _ = _hosts()
    for cls, name, make in (
        (state, "as_dict", _as_dict),
        (artist, "pop_changed_properties", _pop_changed_properties),
    ):
        own = cls.__dict__[name]
        _originals[(cls, name)] = own
        setattr(cls, name, make(own))
    return True


def installed():
    """True while the equivalents are in place."""
    return len(_originals) == 2


def uninstall():
    """Put glue's own methods back."""
    for (cls, name), own in list(_originals.items()):
        setattr(cls, name, own)
        del _originals[(cls, name)]
    _names.clear()
