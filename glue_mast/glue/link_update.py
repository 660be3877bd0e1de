"""glue's link-manager update, in time linear in the datasets and links.

Whenever links or datasets change, glue-core's
``LinkManager.update_externally_derivable_components`` gives every dataset of the
collection a ``DerivedComponent`` for every component of the other datasets it can derive
through the links, then compares every pair of datasets for pixel alignment. With M spectra
linked on their spectral axes (whatever the shape of the links: a star of links to one
spectrum, as glue-mast makes, or a chain), each spectrum derives every
other one's spectral and pixel axes, so the update builds 2 M (M - 1) derived components
(79,600 for M = 200) and compares M (M - 1) pairs: its cost grows as M^2, and it is paid each
time a link or a dataset is added.

:func:`update_externally_derivable_components` gives each dataset the same derivable components
and the same pixel-aligned datasets as glue-core's method, with three changes of *when* the
work is done:

- each dataset's derivable components are a :class:`DerivableComponents` mapping, worked out
  (by :meth:`~glue_mast.glue.link_discovery.LinkIndex.discover`) the first time something
  reads it -- a subset computed on it, a viewer listing its components -- rather than at every
  update; the links are indexed by their inputs once per update, for all datasets;
- a dataset that no changed link can reach (its components and the added or removed links are
  not connected by any link) keeps what it had, untouched, as glue-core's comparison would
  find; one that a changed link can reach gets a new mapping and glue's
  ``ExternallyDerivableComponentsChangedMessage``. Where the old mapping had been read, the
  new one is worked out and compared, as glue-core does, and the message is sent only when
  they differ; where it had never been read, the message is sent without comparing (nothing
  can have seen the old content; glue-core would compare and might find nothing changed);
- a dataset is compared for pixel alignment only with the datasets that can hold its pixel
  axes identically: every pixel axis of the dataset must be the other one's own component, or
  the target of an identity link (glue's ``LinkSame``); datasets whose pixel axes are linked
  by no identity link are compared with no other (glue-core compares them with all, and finds
  none aligned).

With M spectra linked by glue-mast, an update then costs O(M) (see
``benchmarks/bench_scale.py``). :func:`glue_mast.glue.link_discovery.install` puts it in
place, guarded by the SHA-256 of glue-core's method.
"""

from __future__ import annotations

from collections.abc import MutableMapping

__all__ = ["DerivableComponents", "update_externally_derivable_components"]


class DerivableComponents(MutableMapping):
    """The components a dataset can derive through links, worked out when first read.

    A mapping ``{ComponentID: DerivedComponent}``, what glue-core's link manager gives
    ``Data._externally_derivable_components``: the same keys, in the same order, and for each
    a ``DerivedComponent`` of the link :func:`~glue_mast.glue.link_discovery.discover_links`
    returns for it. It can be changed as glue-core's dict can (glue-core's own tests add to
    it); a changed one is never kept by a later update.

    Parameters
    ----------
    data : `~glue.core.data.Data`
    index : `~glue_mast.glue.link_discovery.LinkIndex`
        The links of the update that made this mapping.
    own : tuple
        ``data``'s main and coordinate components when it was made.
    """

    __slots__ = ("_data", "_found", "changed", "index", "own")

    def __init__(self, data, index, own):
        self._data = data
        self.index = index
        self.own = own
        self._found = None
        self.changed = False

    @property
    def read(self):
        """Whether the components have been worked out (something read this mapping)."""
        return self._found is not None

    def _components(self):
        if self._found is None:
            from glue.core.component import DerivedComponent

            derived = self.index.discover(self._data)
            self._found = {cid: DerivedComponent(self._data, link) for cid, link in derived.items()}
        return self._found

    def __getitem__(self, cid):
        return self._components()[cid]

    def __iter__(self):
        return iter(self._components())

    def __len__(self):
        return len(self._components())

    def __contains__(self, cid):
        return cid in self._components()

    def __setitem__(self, cid, component):
        self._components()[cid] = component
        self.changed = True

    def __delitem__(self, cid):
        del self._components()[cid]
        self.changed = True

    def derives_any(self):
        """Whether the dataset can derive at least one component, without working them out."""
        if self._found is not None:
            return bool(self._found)
        return self.index.derives_any(self.own)

    def __repr__(self):
        state = f"{len(self._found)} components" if self._found is not None else "not read yet"
        return f"<DerivableComponents of {self._data.label!r}: {state}>"


def _own(data):
    return tuple(data.main_components) + tuple(data.coordinate_components)


def _touched(previous, index):
    """A function telling whether a component is connected, through the links before or after
    the update, to a link that was added or removed; None when nothing can be told (no
    previous update of this link manager)."""
    if previous is None:
        return None
    changed = previous.links ^ index.links
    if not changed:
        return lambda cid: False
    parent = {}

    def root(cid):
        top = parent.setdefault(cid, cid)
        while top is not parent[top]:
            top = parent[top]
        while parent[cid] is not top:  # path compression
            parent[cid], cid = top, parent[cid]
        return top

    for link in previous.links | index.links:
        first = root(link.get_to_id())
        for cid in link.get_from_ids():
            other = root(cid)
            if other is not first:
                parent[other] = first
    marked = {root(link.get_to_id()) for link in changed}
    return lambda cid: cid in parent and root(cid) in marked


def _set_derivable(data, index, previous, touched, hub_message):
    """Give ``data`` its derivable components for ``index``, glue-core's way where it is
    observable (see the module's docstring)."""
    from glue.core.data import BaseCartesianData

    own = _own(data)
    new = DerivableComponents(data, index, own)
    old = getattr(data, "_externally_derivable_components", None)
    if old is None or type(data)._set_externally_derivable_components is not (
        BaseCartesianData._set_externally_derivable_components
    ):
        # Not glue-core's Data (a subclass with its own way, a mock in glue-core's tests):
        # given its components through its method, which compares them as glue-core does.
        data._set_externally_derivable_components(new)
        return
    if isinstance(old, DerivableComponents):
        same_start = old.own == own and not old.changed
        reached = previous is None or old.index is not previous
        if same_start and not (reached or any(touched(cid) for cid in own)):
            old.index = index  # the same result under the new links: nothing changed
            return
        if old.read:  # someone has seen its content: compare, as glue-core does
            data._set_externally_derivable_components(new)
            if data._externally_derivable_components is old:  # found unchanged: kept
                old.index, old.own, old.changed = index, own, False
        elif old.derives_any() or new.derives_any():
            data._externally_derivable_components = new
            hub_message(data)
        else:
            data._externally_derivable_components = new
        return
    if len(old) == 0:  # a dataset new to the links (glue-core's empty OrderedDict)
        if new.derives_any():
            data._externally_derivable_components = new
            hub_message(data)
        else:
            data._externally_derivable_components = new  # empty: glue-core sends nothing
        return
    data._set_externally_derivable_components(new)  # set by glue-core's own update


def _send_changed(data):
    from glue.core.message import ExternallyDerivableComponentsChangedMessage

    if data.hub:
        data.hub.broadcast(ExternallyDerivableComponentsChangedMessage(data))


def update_externally_derivable_components(self, data=None):
    """A drop-in for glue-core's ``LinkManager.update_externally_derivable_components``.

    Each dataset gets the same derivable components (a :class:`DerivableComponents` mapping,
    worked out when first read) and the same pixel-aligned datasets as glue-core's method
    gives it; see the module's docstring for what is done when.
    """
    from glue.core import link_manager
    from glue.core.component import DerivedComponent
    from glue.core.data import BaseCartesianData

    from .link_discovery import LinkIndex, discover_links

    if self.data_collection is None:
        if data is None:
            return
        data_collection = [data]
    else:
        data_collection = self.data_collection
    # Only actual Data instances support links, as in glue-core.
    data_collection = [d for d in data_collection if isinstance(d, BaseCartesianData)]

    links = self._links | self._inverse_links
    if link_manager.discover_links is not discover_links:
        # glue-core's own discovery (a glue-core whose function changed): its result, now.
        for item in data_collection:
            found = link_manager.discover_links(item, links)
            comps = {cid: DerivedComponent(item, link) for cid, link in found.items()}
            item._set_externally_derivable_components(comps)
        self._glue_mast_links = None
    else:
        previous = getattr(self, "_glue_mast_links", None)
        index = LinkIndex(links)
        touched = _touched(previous, index)
        for item in data_collection:
            _set_derivable(item, index, previous, touched, _send_changed)
        self._glue_mast_links = index  # what the next update compares its links with
    _align_pixels(data_collection, links)


def _align_pixels(data_collection, links):
    """Each dataset's pixel-aligned datasets, as glue-core's update sets them, comparing a
    dataset only with those that can hold its pixel axes identically."""
    from .link_discovery import _equivalent_pixel_cids

    identity_targets = {link.get_to_id() for link in links if link.identity}
    owners = {}  # component -> positions of the datasets that own it
    for position, item in enumerate(data_collection):
        own = set(item.main_components) | set(item.coordinate_components)
        own |= set(item.derived_components)
        for cid in own:
            owners.setdefault(cid, []).append(position)
    identical = {}  # id(dataset) -> its _find_identical_reference_cid, remembered
    everyone = range(len(data_collection))
    for data1 in data_collection:
        # A pixel axis that no identity link leads to is found in another dataset only if
        # that dataset owns it (glue-core's _find_identical_reference_cid).
        alone = [cid for cid in data1.pixel_component_ids if cid not in identity_targets]
        candidates = owners.get(alone[0], ()) if alone else everyone
        equivalent = {}
        for position in candidates:
            data2 = data_collection[position]
            if data1 is not data2:
                order = _equivalent_pixel_cids(data2, data1, identical)
                if order is not None:
                    equivalent[data2] = order
        data1._set_pixel_aligned_data(equivalent)
