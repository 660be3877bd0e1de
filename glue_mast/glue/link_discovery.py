"""glue's link manager updates, in time linear in the links where glue-core's is cubic.

When links change, glue-core's ``LinkManager.update_externally_derivable_components`` asks
``glue.core.link_manager.discover_links`` which components each dataset can derive through the
links (chains of them included), then compares every pair of datasets for pixel alignment.
``discover_links`` rescans every link after each component it finds, so with ``n`` datasets
linked on one axis (``n - 1`` links and their inverses) an update costs of order ``n^3`` set
tests; the update itself builds the set of all links twice for every dataset, and rebuilds two
datasets' component lists for every pair it compares. Adding ``n - 1`` of glue's ``LinkSame``
links to ``n`` one-dimensional datasets, on a 2-CPU machine: 42 datasets take 0.057 s and 220
(five STIS echelle files of 44 orders) 6.3 s; with :func:`discover_links` alone, 0.012 s and
0.40 s; with :func:`update_externally_derivable_components` too, 0.004 s and 0.10 s.

:func:`discover_links` returns the same thing -- for each component the dataset can derive,
a link that derives it at the least depth (number of links chained), which is what glue-core's
rescanning settles on -- by a breadth-first search over an index of the links by their inputs,
in time proportional to the links. Where two links derive a component at the same depth,
either may be chosen, as in glue-core (which takes whichever its set of links yields first).
:func:`update_externally_derivable_components` gives each dataset the same derivable
components and the same pixel-aligned datasets as glue-core's method, building the link set
once and looking each dataset's components up in a table made once per update.

:func:`install` puts them in place of glue-core's, for every data collection of the process.
It replaces each only when glue-core's is the code it was written against (the SHA-256 of its
source: the same from glue-core 1.20 to 1.28), and only when the ``fast_link_discovery``
setting of glue-mast's configuration is on (the default); otherwise glue-core's own runs.
glue-mast installs them when glue loads it as a plugin, and before it links datasets itself.
glue-core's own link-manager tests pass with them in place (``tests/glue/test_link_discovery.py``
runs them).
"""

from __future__ import annotations

from collections import defaultdict, deque

from ..util import decline, source_sha256
from .link_update import update_externally_derivable_components

__all__ = [
    "discover_links",
    "install",
    "installed",
    "uninstall",
    "update_externally_derivable_components",
]

#: SHA-256 of the source of ``glue.core.link_manager.discover_links`` in glue-core 1.20-1.28.
GLUE_DISCOVER_LINKS_SHA256 = "8263ae13d137e0b8d0ce98a97fd06983c82f597e5e4c48092090c3af8a22f3fa"

#: SHA-256 of the sources, one after the other, of glue-core's
#: ``LinkManager.update_externally_derivable_components`` and the three functions of
#: ``glue/core/link_manager.py`` it uses for pixel alignment, whose logic
#: :func:`update_externally_derivable_components` repeats (the same in glue-core 1.20-1.28).
GLUE_UPDATE_SHA256 = "4a5e6e4c35a4469075238da727350a4b921efedcc0c98c2fa040f854c17d5450"

_glue_discover_links = None  # glue-core's function, kept while ours is installed
_glue_update = None  # glue-core's LinkManager method, kept while ours is installed
_glue_disambiguate = None  # glue-core's GlueSerializer method, kept while ours is installed

# Why a replacement is declined, in the line logged.
_CHANGED = "its source is not the one glue-mast's replacement was written against"


class LinkIndex:
    """Links indexed by their inputs, made once and used for every dataset.

    Parameters
    ----------
    links : set of `~glue.core.component_link.ComponentLink`
    """

    def __init__(self, links):
        self.links = links
        self.needed_by = defaultdict(list)  # component -> links that take it as an input
        self.inputs = {}  # link -> how many distinct inputs it has
        self.sourceless = []
        for link in links:
            inputs = set(link.get_from_ids())
            if not inputs:
                self.sourceless.append(link)
                continue
            self.inputs[link] = len(inputs)
            for cid in inputs:
                self.needed_by[cid].append(link)

    def discover(self, data):
        """:func:`discover_links` of ``data`` through these links."""
        own = list(data.main_components) + list(data.coordinate_components)
        depth = dict.fromkeys(own, 0)
        derived = {}
        missing = {}  # link -> how many of its inputs are not derivable yet (once reached)
        queue = deque(own)

        def reach(link, at_depth):
            target = link.get_to_id()
            if target not in depth:
                depth[target] = at_depth
                derived[target] = link
                queue.append(target)

        # Depth order: the queue holds depth d, then depth d + 1, so a component is first
        # reached through a shortest chain, and a link's last input to arrive is its deepest.
        for link in self.sourceless:
            reach(link, 1)
        while queue:
            cid = queue.popleft()
            for link in self.needed_by.get(cid, ()):
                left = missing.get(link, self.inputs[link]) - 1
                missing[link] = left
                if left == 0:
                    reach(link, depth[cid] + 1)
        return derived

    def derives_any(self, own):
        """Whether a dataset whose main and coordinate components are ``own`` derives at least
        one component through these links (one link whose inputs are all its own, or none)."""
        own = set(own)
        if any(link.get_to_id() not in own for link in self.sourceless):
            return True
        for cid in own:
            for link in self.needed_by.get(cid, ()):
                if link.get_to_id() not in own and own.issuperset(link.get_from_ids()):
                    return True
        return False


def discover_links(data, links):
    """The components ``data`` can derive through ``links``, each with the link that derives it.

    A drop-in for ``glue.core.link_manager.discover_links``.

    Parameters
    ----------
    data : `~glue.core.data.Data`
        Its main and coordinate components are what it starts from.
    links : iterable of `~glue.core.component_link.ComponentLink`

    Returns
    -------
    dict
        ``{ComponentID: ComponentLink}``: every component derivable from ``data``'s own
        through a chain of ``links`` (and not one of them), with a last link of a shortest
        chain. A link's depth is one more than the deepest of its inputs; a link without
        inputs has depth one.
    """
    return LinkIndex(links).discover(data)


def _equivalent_pixel_cids(reference, target, identical):
    """glue-core's ``equivalent_pixel_cids(reference, target)``, with the identical
    components of ``reference`` found through ``identical`` (see :func:`_identical_in`)."""
    if target.ndim > reference.ndim:
        return None
    if target is reference:
        return list(range(reference.ndim))
    if id(reference) not in identical:
        identical[id(reference)] = _identical_in(reference)
    find = identical[id(reference)]
    order = []
    for tar_cid in target.pixel_component_ids:
        tar_ref = find(tar_cid)
        for iref, ref_cid in enumerate(reference.pixel_component_ids):
            if find(ref_cid) is tar_ref:  # glue-core's is_equivalent_cid
                order.append(iref)
                break
        else:
            return None
    return order


def _identical_in(data):
    """glue-core's ``_find_identical_reference_cid(data, cid)`` as a function of ``cid``,
    remembering what it found, for a dataset whose components do not change meanwhile.

    A component ID is compared by identity (``ComponentID.__eq__`` with another ID is ``is``,
    and its hash is the object's), so a set of them answers ``in`` as glue-core's lists do.
    """
    own = set(data.main_components) | set(data.coordinate_components)
    own |= set(data.derived_components)
    found = {}

    def find(cid):
        if cid not in found:
            if cid in own:
                found[cid] = cid
            else:
                link = data._get_external_link(cid)
                if link is not None and link.identity:
                    found[cid] = find(link.get_from_ids()[0])
                else:
                    found[cid] = None
        return found[cid]

    return find


def installed():
    """True when glue's link manager uses :func:`discover_links`."""
    from glue.core import link_manager

    return link_manager.discover_links is discover_links


def install():
    """Put glue-mast's replacements in place of glue-core's; calling it again changes nothing.

    - :func:`discover_links` for ``glue.core.link_manager.discover_links``;
    - :func:`~glue_mast.glue.link_update.update_externally_derivable_components` for
      ``LinkManager.update_externally_derivable_components``;
    - :func:`~glue_mast.glue.serializer_labels.disambiguate` for
      ``glue.core.state.GlueSerializer._disambiguate`` (how a saved session names objects).

    Each replaces glue-core's own only when that is the code it was written against (the
    SHA-256 of its source), independently of the others; where it is not, glue-core's is
    kept and one line is logged (once per process) on the ``glue_mast`` logger.

    Returns
    -------
    bool
        Whether :func:`discover_links` is in place: False when the ``fast_link_discovery``
        setting is off (which puts glue-core's own back, if this had replaced them), or when
        glue-core's function is not the one this replaces (a glue-core that changed it).
    """
    global _glue_discover_links, _glue_update, _glue_disambiguate
    from glue.core import link_manager
    from glue.core.state import GlueSerializer

    from ..config import conf
    from .serializer_labels import GLUE_DISAMBIGUATE_SHA256, disambiguate

    if not conf.fast_link_discovery:
        uninstall()
        return False
    current = GlueSerializer._disambiguate
    if current is not disambiguate:
        if source_sha256(current) == GLUE_DISAMBIGUATE_SHA256:
            _glue_disambiguate = current
            GlueSerializer._disambiguate = disambiguate
        else:
            decline("glue.core.state.GlueSerializer._disambiguate", _CHANGED, "fast_link_discovery")
    manager = link_manager.LinkManager
    current = manager.update_externally_derivable_components
    if current is not update_externally_derivable_components:
        if _update_sha256() == GLUE_UPDATE_SHA256:
            _glue_update = current
            manager.update_externally_derivable_components = update_externally_derivable_components
        else:
            decline(
                "glue.core.link_manager.LinkManager.update_externally_derivable_components",
                _CHANGED,
                "fast_link_discovery",
            )
    if installed():
        return True
    current = link_manager.discover_links
    if source_sha256(current) != GLUE_DISCOVER_LINKS_SHA256:
        return decline("glue.core.link_manager.discover_links", _CHANGED, "fast_link_discovery")
    _glue_discover_links = current
    link_manager.discover_links = discover_links
    return True


def _update_sha256():
    """SHA-256 of glue-core's update method and pixel-alignment helpers (see GLUE_UPDATE_SHA256)."""
    from glue.core import link_manager

    return source_sha256(
        link_manager.LinkManager.update_externally_derivable_components,
        link_manager.equivalent_pixel_cids,
        link_manager.is_equivalent_cid,
        link_manager._find_identical_reference_cid,
    )


def uninstall():
    """Put glue-core's own ``discover_links``, update method and session naming back, where
    :func:`install` replaced them."""
    global _glue_discover_links, _glue_update, _glue_disambiguate
    from glue.core import link_manager
    from glue.core.state import GlueSerializer

    from .serializer_labels import disambiguate

    manager = link_manager.LinkManager
    if _glue_update is not None:
        if manager.update_externally_derivable_components is update_externally_derivable_components:
            manager.update_externally_derivable_components = _glue_update
        _glue_update = None
    if _glue_disambiguate is not None:
        if GlueSerializer._disambiguate is disambiguate:
            GlueSerializer._disambiguate = _glue_disambiguate
        _glue_disambiguate = None
    if installed() and _glue_discover_links is not None:
        link_manager.discover_links = _glue_discover_links
        _glue_discover_links = None
