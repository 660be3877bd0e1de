"""glue_mast.glue.link_update and serializer_labels: many linked datasets, linear in their number,
with what glue-core's link manager and session writer give."""

import json
import logging
import random

import numpy as np
import pytest
from astropy import units as u
from glue.core import Data, DataCollection, link_manager
from glue.core.component_link import ComponentLink
from glue.core.hub import HubListener
from glue.core.link_helpers import LinkSame
from glue.core.message import ExternallyDerivableComponentsChangedMessage
from glue.core.state import GlueSerializer, GlueUnSerializer

from glue_mast import util
from glue_mast.config import conf
from glue_mast.glue import link_discovery, link_update, serializer_labels
from glue_mast.glue import links as glue_links
from glue_mast.glue.link_update import DerivableComponents

from .conftest import make_spectrum
from .test_link_discovery import depths, glue_core_discover_links, glue_core_update, snapshot


@pytest.fixture
def glue_core_only():
    was = link_discovery.installed()
    link_discovery.uninstall()
    yield
    if was:
        link_discovery.install()


def _random_link(rng, dc):
    a, b = rng.sample(list(dc), 2)
    kind = rng.random()
    if kind < 0.4:
        return LinkSame(rng.choice(a.pixel_component_ids), rng.choice(b.pixel_component_ids))
    if kind < 0.6:
        return LinkSame(rng.choice(a.main_components), rng.choice(b.main_components))
    source, target = rng.choice(a.main_components), rng.choice(b.main_components)
    return [ComponentLink([source], target, using=lambda value: 2 * value)]


def _derivable_keys(dc):
    """What glue-core's discovery finds for each dataset now, from the manager's links."""
    manager = dc._link_manager
    links = manager._links | manager._inverse_links
    original = glue_core_discover_links()
    return [set(original(data, links)) for data in dc]


def test_incremental_webs_end_as_glue_core_and_message_every_change():
    """Datasets and links added step by step, nothing read in between (so the update keeps
    what no change reaches, and works nothing out): at the end each dataset derives, with the
    same links, what glue-core's update gives, and every dataset whose derivable components
    changed at a step was told so at that step."""
    assert link_discovery.install()
    kept = changed = 0
    for seed in range(60):
        rng = random.Random(seed)
        dc = DataCollection()
        told = []
        listener = HubListener()  # the hub holds its subscribers weakly
        dc.hub.subscribe(listener, ExternallyDerivableComponentsChangedMessage, handler=told.append)
        before = []
        for step in range(rng.randint(3, 8)):
            told.clear()
            if step < 2 or rng.random() < 0.3:
                shape = rng.choice([(4,), (3, 4)])
                dc.append(Data(x=np.zeros(shape), y=np.ones(shape), label=f"d{step}"))
            else:
                for _ in range(rng.randint(1, 3)):
                    links = _random_link(rng, dc)
                    if rng.random() < 0.2 and dc.external_links:
                        dc.remove_link(rng.choice(dc.external_links))
                    dc.add_link(links)
            now = _derivable_keys(dc)
            messaged = {id(m.sender) for m in told}
            for data, keys, old in zip(dc, now, before + [set()] * len(dc), strict=False):
                if keys != old:
                    assert id(data) in messaged, (seed, step, data.label)
                    changed += 1
                elif isinstance(data._externally_derivable_components, DerivableComponents):
                    kept += not data._externally_derivable_components.read
            before = now
        # The same components at the same depths (where two links derive one at the same
        # depth, either may be kept, as in glue-core) and the same pixel alignment.
        ours = [
            (depths(comps, d), pixel) for d, (comps, pixel) in zip(dc, snapshot(dc), strict=True)
        ]
        glue_core_update()(dc._link_manager)
        theirs = [
            (depths(comps, d), pixel) for d, (comps, pixel) in zip(dc, snapshot(dc), strict=True)
        ]
        assert ours == theirs, seed
    assert changed > 100 and kept > 50


def _spectra(m):
    from glue_mast.glue.data import spectrum_to_data

    out = []
    for i in range(m):
        spectrum = make_spectrum(np.linspace(4000 + i, 7000 + i, 16) * u.AA, mask=False)
        (data,) = spectrum_to_data(spectrum, label=f"s{i}")
        data.meta["glue_mast"] = {"label": f"s{i}"}
        out.append(data)
    return out


class Work:
    """Counts of what the link manager and the session writer do, not time."""

    def __init__(self, monkeypatch):
        self.discovered = self.compared = self.names_tried = 0
        discover = link_discovery.LinkIndex.discover
        compare = link_discovery._equivalent_pixel_cids

        def counted_discover(index, data):
            self.discovered += 1
            return discover(index, data)

        def counted_compare(*args):
            self.compared += 1
            return compare(*args)

        monkeypatch.setattr(link_discovery.LinkIndex, "discover", counted_discover)
        monkeypatch.setattr(link_discovery, "_equivalent_pixel_cids", counted_compare)

    def names(self):
        work = self

        class CountingNames(dict):
            def __contains__(self, name):
                work.names_tried += 1
                return super().__contains__(name)

        return CountingNames()


def _load_and_save(m, work, glue_core=False):
    dc = DataCollection()
    datasets = _spectra(m)
    if glue_core:  # unlinked: glue-core's link manager is cubic in the links
        dc.extend(datasets)
    else:  # as glue_mast.load does
        glue_links.link_datasets(dc, adding=datasets)
        dc.extend(datasets)
    serializer = GlueSerializer(dc)
    serializer._objs = work.names()
    serializer._objs["__main__"] = dc
    serializer.dumps()
    return dc


def test_linking_and_saving_m_spectra_is_linear_work(monkeypatch):
    assert link_discovery.install()
    counts = {}
    for m in (40, 160):
        work = Work(monkeypatch)
        _load_and_save(m, work)
        counts[m] = (work.discovered, work.compared, work.names_tried)
    # Nothing is worked out, and no pair compared, until something reads it.
    assert counts[40][:2] == counts[160][:2] == (0, 0)
    # Names: four times the spectra, four times the tries (glue-core's: about sixteen).
    assert 3.5 < counts[160][2] / counts[40][2] < 4.5, counts


def test_glue_core_names_objects_with_quadratic_work(glue_core_only, monkeypatch):
    tried = [Work(monkeypatch) for _ in range(2)]
    _load_and_save(40, tried[0], glue_core=True)
    _load_and_save(160, tried[1], glue_core=True)  # as many names of each label: 4x, 16x
    assert not link_discovery.installed()
    assert tried[1].names_tried / tried[0].names_tried > 10  # what the replacement removes


def test_names_are_glue_cores():
    """Random labels (including ones that look like glue's own suffixes): the same names."""
    original = serializer_labels_original()
    for seed in range(100):
        rng = random.Random(seed)
        pool = ["flux", "flux_0", "flux_1", "flux_0_0", "x", "x_2", "Wavelength"]

        class Named:
            def __init__(self, label):
                self.label = label

        objects = [Named(rng.choice(pool)) for _ in range(rng.randint(1, 60))]
        names = []
        for method in (original, serializer_labels.disambiguate):
            serializer = GlueSerializer(None)
            serializer._disambiguate = method.__get__(serializer)
            names.append([serializer.id(obj) for obj in objects])
        assert names[0] == names[1], seed


def serializer_labels_original():
    method = link_discovery._glue_disambiguate or GlueSerializer._disambiguate
    assert method is not serializer_labels.disambiguate
    return method


def test_a_session_of_linked_spectra_is_glue_cores_byte_for_byte(glue_core_only):
    dc = DataCollection()
    datasets = _spectra(30)
    dc.extend(datasets)
    dc.add_link(glue_links.spectral_axis_autolink(dc))
    theirs = GlueSerializer(dc).dumps(indent=2)
    assert link_discovery.install()
    assert GlueSerializer._disambiguate is serializer_labels.disambiguate
    assert GlueSerializer(dc).dumps(indent=2) == theirs
    assert '"flux_28"' in theirs  # the names were disambiguated


def test_a_thousand_linked_spectra_load_link_save_and_restore(tmp_path):
    m = 1000
    dc = DataCollection()
    datasets = _spectra(m)
    links = glue_links.link_datasets(dc, adding=datasets)
    dc.extend(datasets)
    assert len(links) == m - 1
    # A subset on the first spectrum's axis reaches the last one through the links.
    first, last = dc[0], dc[m - 1]
    beyond = int(np.sum(last.get_data(last.id["Wavelength"]) > 6990))  # its own axis
    assert 0 < beyond < 16
    assert last.get_mask(first.id["Wavelength"] > 6990).sum() == beyond
    session = tmp_path / "many.glu"
    session.write_text(GlueSerializer(dc, include_data=False).dumps(indent=2))
    restored = GlueUnSerializer.loads(session.read_text()).object("__main__")
    assert [d.label for d in restored] == [d.label for d in dc]
    assert len(restored.external_links) == m - 1
    again = restored[m - 1]
    axis = restored[0].id["Wavelength"]
    assert again.get_mask(axis > 6990).sum() == beyond
    record = json.loads(session.read_text())
    assert sum(1 for key in record if key.startswith("SpectralAxisLink")) == m - 1


def test_the_guard_declines_and_logs_a_changed_glue_core(glue_core_only, monkeypatch, caplog):
    def changed(self, name):  # not the source this was written against
        return name

    monkeypatch.setattr(GlueSerializer, "_disambiguate", changed)
    monkeypatch.setattr(util, "_declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert link_discovery.install()  # the link manager's replacements still go in
        link_discovery.install()
    assert GlueSerializer._disambiguate is changed
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and "GlueSerializer._disambiguate" in messages[0], messages


def test_the_setting_off_gives_glue_cores_own(glue_core_only):
    naming = GlueSerializer._disambiguate
    update = link_manager.LinkManager.update_externally_derivable_components
    assert link_discovery.install()
    assert GlueSerializer._disambiguate is serializer_labels.disambiguate
    assert update is not link_update.update_externally_derivable_components
    with conf.set_temp("fast_link_discovery", False):
        assert link_discovery.install() is False
        assert GlueSerializer._disambiguate is naming
        assert link_manager.LinkManager.update_externally_derivable_components is update
        dc = DataCollection(_spectra(3))
        dc.add_link(glue_links.spectral_axis_autolink(dc))
        assert not isinstance(dc[1]._externally_derivable_components, DerivableComponents)


def test_a_changed_mapping_is_worked_out_again():
    """glue-core's own tests add to a dataset's derivable components by hand; the next update
    must not keep that addition."""
    assert link_discovery.install()
    dc = DataCollection(_spectra(3))
    dc.add_link(glue_links.spectral_axis_autolink(dc))
    comps = dc[2]._externally_derivable_components
    stray = next(iter(comps.values()))
    comps[dc[2].id["flux"]] = stray  # by hand, as glue-core's test does
    dc._link_manager.update_externally_derivable_components()
    assert dc[2].id["flux"] not in dc[2]._externally_derivable_components
