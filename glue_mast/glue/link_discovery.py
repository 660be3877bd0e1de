"""glue's link discovery in time linear in the links, where glue-core's is cubic.

When links change, glue-core's ``LinkManager`` asks ``glue.core.link_manager.discover_links``
which components each dataset can derive through the links (chains of them included). That
function rescans every link after each component it finds, so with ``n`` datasets linked on
one axis (``n - 1`` links and their inverses) an update costs of order ``n^3`` set tests. Adding
``n - 1`` of glue's ``LinkSame`` links to ``n`` datasets, on a 2-CPU machine: 42 datasets take
0.056 s, 100 take 0.72 s and 220 (five STIS echelle files of 44 orders) 6.6 s; with the
function here, 0.014 s, 0.078 s and 0.48 s. The 42 segments and orders of 20 HST, IUE, FUSE and
JWST spectra, linked by glue-mast, spend 0.17 s in glue-core's function and 0.004 s in this one.

:func:`discover_links` returns the same thing -- for each component the dataset can derive,
a link that derives it at the least depth (number of links chained), which is what glue-core's
rescanning settles on -- by a breadth-first search over an index of the links by their inputs,
in time proportional to the links. Where two links derive a component at the same depth,
either may be chosen, as in glue-core (which takes whichever its set of links yields first).

:func:`install` puts it in place of glue-core's function, for every data collection of the
process. It does so only when glue-core's function is the one this was written against (the
SHA-256 of its source, the same from glue-core 1.20 to 1.28), and when the
``fast_link_discovery`` setting of glue-mast's configuration is on (the default); otherwise
glue-core's own runs. glue-mast installs it when glue loads it as a plugin, and before it links
datasets itself. glue-core's own link-manager tests pass with it in place
(``tests/glue/test_link_discovery.py`` runs them).
"""

from __future__ import annotations

import hashlib
import inspect
from collections import defaultdict, deque

__all__ = ["discover_links", "install", "installed", "uninstall"]

#: SHA-256 of the source of ``glue.core.link_manager.discover_links`` in glue-core 1.20-1.28.
GLUE_DISCOVER_LINKS_SHA256 = "8263ae13d137e0b8d0ce98a97fd06983c82f597e5e4c48092090c3af8a22f3fa"

_glue_discover_links = None  # glue-core's function, kept while ours is installed


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
    own = list(data.main_components) + list(data.coordinate_components)
    depth = dict.fromkeys(own, 0)
    derived = {}
    needed_by = defaultdict(list)  # component -> links that take it as an input
    missing = {}  # link -> how many of its inputs are not derivable yet
    queue = deque(own)

    def reach(link, at_depth):
        target = link.get_to_id()
        if target not in depth:
            depth[target] = at_depth
            derived[target] = link
            queue.append(target)

    sourceless = []
    for link in links:
        inputs = set(link.get_from_ids())
        if not inputs:
            sourceless.append(link)
            continue
        missing[link] = len(inputs)
        for cid in inputs:
            needed_by[cid].append(link)
    # Depth order: the queue holds depth d, then depth d + 1, so a component is first reached
    # through a shortest chain, and a link's last input to arrive is its deepest.
    for link in sourceless:
        reach(link, 1)
    while queue:
        cid = queue.popleft()
        for link in needed_by.pop(cid, ()):
            missing[link] -= 1
            if missing[link] == 0:
                reach(link, depth[cid] + 1)
    return derived


def _source_sha256(function):
    try:
        return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()
    except (OSError, TypeError):  # no source to read (a frozen or stripped install)
        return None


def installed():
    """True when glue's link manager uses :func:`discover_links`."""
    from glue.core import link_manager

    return link_manager.discover_links is discover_links


def install():
    """Use :func:`discover_links` in glue's link manager; calling it again changes nothing.

    Returns
    -------
    bool
        Whether it is in place: False when the ``fast_link_discovery`` setting is off (which
        puts glue-core's own back, if this had replaced it), or when glue-core's function is
        not the one this replaces (a glue-core that changed it).
    """
    global _glue_discover_links
    from glue.core import link_manager

    from ..config import conf

    if not conf.fast_link_discovery:
        uninstall()
        return False
    if installed():
        return True
    current = link_manager.discover_links
    if _source_sha256(current) != GLUE_DISCOVER_LINKS_SHA256:
        return False
    _glue_discover_links = current
    link_manager.discover_links = discover_links
    return True


def uninstall():
    """Put glue-core's own ``discover_links`` back, if :func:`install` replaced it."""
    global _glue_discover_links
    from glue.core import link_manager

    if installed() and _glue_discover_links is not None:
        link_manager.discover_links = _glue_discover_links
        _glue_discover_links = None
