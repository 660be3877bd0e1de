"""A new viewer named through ``app.load(..., unc_viewer="Uncertainty")`` keeps that name.

Jdaviz's way to name a viewer an importer creates is the importer's viewer choice
(``ViewerSelectCreateNew``): give it a name no viewer has, as ``app.load``'s keyword
(``unc_viewer="Uncertainty"``) or as ``importer.unc_viewer.new_label = "Uncertainty"``, and the
importer creates a viewer of that name. Its user API (``UserApiWrapper.__setattr__``) sets the
label's value for the keyword but leaves the label on "automatic" (``new_label.auto``), which
for every other label it turns off ("Setting ``value`` will set ``auto`` to False", Jdaviz's
``AutoTextField``). An automatic label follows its default, which the viewer choice recomputes
whenever the app's viewers change: a cube's flux viewer, created in the same load before the
uncertainty and mask viewers, turns "Uncertainty" and "Mask" into "3D Spectrum (1)" and
"3D Spectrum (2)".

:func:`install` puts a wrapper in front of ``UserApiWrapper.__setattr__`` that, after Jdaviz's
own code named a new viewer so, turns the label's ``auto`` off, as the same method does for a
plain label; nothing else changes. It is made only when the method is the code this was
written against (the SHA-256 of its source: Jdaviz 5.0) and while the ``named_new_viewers``
setting is on (the default); otherwise Jdaviz's own method runs, and a declined replacement is
logged once (logger ``glue_mast``). Upstream, the method's ``ViewerSelectCreateNew`` branch
would set ``exp_obj.new_label.auto = False`` before the value.
"""

from __future__ import annotations

from ..util import decline, source_sha256

__all__ = ["JDAVIZ_SETATTR_SHA256", "SETTING", "install", "installed", "uninstall"]

#: SHA-256 of the source of ``jdaviz.core.user_api.UserApiWrapper.__setattr__`` (Jdaviz 5.0).
JDAVIZ_SETATTR_SHA256 = "151d8b7a4547e5c667dcc5a18e3f36d6cf1c54325f9bbcbfdef69127eb3f1cc5"

SETTING = "named_new_viewers"
_WHAT = "jdaviz.core.user_api.UserApiWrapper.__setattr__"

_original = None  # Jdaviz's own method while the wrapper is in place


def _keeping_names(own):
    def __setattr__(self, attr, value):
        own(self, attr, value)
        _keep_name(self, attr, value)

    __setattr__.__wrapped__ = own
    __setattr__.__doc__ = own.__doc__
    return __setattr__


def _keep_name(api, attr, value):
    """Turn off the automatic label of a viewer choice just told to create ``value``."""
    from jdaviz.core.template_mixin import ViewerSelectCreateNew

    if not isinstance(value, str):
        return
    try:
        chosen = getattr(object.__getattribute__(api, "_obj"), attr)
    except AttributeError:
        return
    if not isinstance(chosen, ViewerSelectCreateNew) or not chosen.create_new.selected:
        return
    label = chosen.new_label
    if label.value == value and value != label.default:
        label.auto = False


def installed():
    """True while the wrapper is in front of Jdaviz's ``UserApiWrapper.__setattr__``."""
    return _original is not None


def install():
    """Keep the names given to new viewers (idempotent); returns whether the wrapper is in place.

    False when the ``named_new_viewers`` setting is off (which puts Jdaviz's own method back)
    or when Jdaviz's method is not the code this was written against.
    """
    global _original
    from jdaviz.core.user_api import UserApiWrapper

    from ..config import conf

    if not getattr(conf, SETTING):
        uninstall()
        return False
    if _original is not None:
        return True
    own = UserApiWrapper.__dict__["__setattr__"]
    if source_sha256(own) != JDAVIZ_SETATTR_SHA256:
        return decline(
            _WHAT, "its source is not the one glue-mast was written against", SETTING
        )
    _original = own
    UserApiWrapper.__setattr__ = _keeping_names(own)
    return True


def uninstall():
    """Put Jdaviz's own ``UserApiWrapper.__setattr__`` back."""
    global _original
    if _original is None:
        return
    from jdaviz.core.user_api import UserApiWrapper

    UserApiWrapper.__setattr__ = _original
    _original = None
