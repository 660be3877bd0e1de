"""glue_mast.glue.link_discovery: glue's link discovery, the same result in linear time."""

import os
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from glue.core import Data, DataCollection, link_manager
from glue.core.component_link import ComponentLink
from glue.core.link_helpers import LinkSame

import glue_mast
from glue_mast.config import conf
from glue_mast.glue import link_discovery
from glue_mast.glue.link_discovery import discover_links

ROOT = Path(__file__).resolve().parents[2]


def glue_core_discover_links():
    """glue-core's own function, whether or not glue-mast's is installed."""
    original = link_discovery._glue_discover_links or link_manager.discover_links
    assert original is not discover_links
    return original


@pytest.fixture
def glue_core_only():
    """glue-core's own discovery for the test; glue-mast's as it was afterwards."""
    was = link_discovery.installed()
    link_discovery.uninstall()
    yield
    if was:
        link_discovery.install()


def depths(derived, data):
    """{cid: number of links chained} of a discover_links result."""
    own = set(data.main_components + data.coordinate_components)

    def depth(cid, seen=()):
        if cid in own:
            return 0
        assert cid not in seen, "a cycle in the chosen links"
        inputs = derived[cid].get_from_ids()
        return 1 + max((depth(f, (*seen, cid)) for f in inputs), default=0)

    return {cid: depth(cid) for cid in derived}


def random_web(rng, n_data, n_links):
    """Datasets with 1-3 components each and random links, some with several inputs."""
    datasets = [
        Data(**{f"c{j}": np.arange(3.0) for j in range(rng.randint(1, 3))}, label=f"d{i}")
        for i in range(n_data)
    ]
    cids = [cid for d in datasets for cid in d.main_components]
    links = set()
    for _ in range(n_links):
        inputs = rng.sample(cids, min(rng.choice([1, 1, 1, 2, 3]), len(cids) - 1))
        target = rng.choice([c for c in cids if c not in inputs])
        link = ComponentLink(inputs, target, using=lambda *values: values[0])
        links.add(link)
        if rng.random() < 0.5 and len(inputs) == 1:
            links.add(ComponentLink([target], inputs[0], using=lambda value: value))
    return datasets, links


def test_same_components_at_the_same_depths_as_glue_core():
    original = glue_core_discover_links()
    compared, deepest, through_several = 0, 0, 0
    for seed in range(200):
        rng = random.Random(seed)
        datasets, links = random_web(rng, n_data=rng.randint(2, 8), n_links=rng.randint(1, 30))
        for data in datasets:
            theirs = original(data, links)
            ours = discover_links(data, links)
            assert set(ours) == set(theirs), seed
            found = depths(ours, data)
            assert found == depths(theirs, data), seed
            for cid, link in ours.items():
                assert link.get_to_id() is cid
            compared += len(ours)
            deepest = max(deepest, *found.values(), 0)
            through_several += sum(len(set(link.get_from_ids())) > 1 for link in ours.values())
    # The webs exercise chains and links with several inputs, not only single hops.
    assert compared > 2000 and deepest >= 4 and through_several > 100


def test_the_datasets_of_a_load_derive_what_glue_core_finds(fetched_tw_hya):
    dc = DataCollection()
    loaded = glue_mast.load(fetched_tw_hya, dc)
    assert link_discovery.installed()
    assert len(loaded.links) == len(glue_mast.glue.links.spectra_in(dc)) - 1 > 1
    manager = dc._link_manager
    links = manager._links | manager._inverse_links
    original = glue_core_discover_links()
    for data in dc:
        ours, theirs = discover_links(data, links), original(data, links)
        assert set(ours) == set(theirs)
        assert depths(ours, data) == depths(theirs, data)
        # What the collection gave each dataset is what glue-core would have found.
        assert set(data._externally_derivable_components) == set(theirs)


def glue_core_update():
    """glue-core's own LinkManager method, whether or not glue-mast's is installed."""
    original = (
        link_discovery._glue_update
        or link_manager.LinkManager.update_externally_derivable_components
    )
    assert original is not link_discovery.update_externally_derivable_components
    return original


def pixel_web(rng, n_data):
    """A data collection of 1-D and 2-D datasets whose pixel axes are joined by identity links
    (LinkSame) and by links that are not identities, and whose other components too."""
    dc = DataCollection()
    for i in range(n_data):
        shape = rng.choice([(4,), (4,), (3, 4), (4, 3)])
        dc.append(Data(x=np.zeros(shape), y=np.ones(shape), label=f"d{i}"))
    links = []
    for _ in range(rng.randint(0, 2 * n_data)):
        a, b = rng.sample(list(dc), 2)
        pa, pb = rng.choice(a.pixel_component_ids), rng.choice(b.pixel_component_ids)
        kind = rng.random()
        if kind < 0.5:
            links.extend(LinkSame(pa, pb))
        elif kind < 0.7:  # pixels related, but not identical: no alignment through this one
            links.append(ComponentLink([pa], pb, using=lambda value: value + 1))
        else:
            ca, cb = rng.choice(a.main_components), rng.choice(b.main_components)
            links.append(ComponentLink([ca], cb, using=lambda value: 2 * value))
    return dc, links


def snapshot(dc):
    """Each dataset's derivable components (with their links) and pixel-aligned datasets."""
    return [
        (
            {cid: comp.link for cid, comp in data._externally_derivable_components.items()},
            {other.label: order for other, order in data._pixel_aligned_data.items()},
        )
        for data in dc
    ]


def test_the_update_gives_each_dataset_what_glue_cores_gives():
    ours = link_discovery.update_externally_derivable_components
    theirs = glue_core_update()
    aligned = derived = 0
    for seed in range(150):
        rng = random.Random(seed)
        dc, links = pixel_web(rng, rng.randint(2, 9))
        with dc.delay_link_manager_update():
            dc.add_link(links)
        manager = dc._link_manager
        theirs(manager)
        expected = snapshot(dc)
        for data in dc:  # start from nothing, so that ours must find it all
            data._externally_derivable_components = {}
            data._pixel_aligned_data = {}
        ours(manager)
        assert snapshot(dc) == expected, seed
        aligned += sum(len(pixel) for _, pixel in expected)
        derived += sum(len(comps) for comps, _ in expected)
    # The webs exercise pixel alignment (both ways, and for a dataset of fewer dimensions).
    assert aligned > 200 and derived > 1000


def test_a_load_gets_the_pixel_alignment_glue_core_gives(fetched_tw_hya):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    assert link_manager.LinkManager.update_externally_derivable_components is (
        link_discovery.update_externally_derivable_components
    )
    ours = snapshot(dc)
    glue_core_update()(dc._link_manager)
    assert snapshot(dc) == ours


class CountingLinks(list):
    """Links whose ``get_from_ids`` calls are counted: the work discovery does."""

    def __init__(self, links):
        super().__init__(links)
        self.calls = 0
        for link in links:
            inner = link.get_from_ids

            def counted(inner=inner):
                self.calls += 1
                return inner()

            link.get_from_ids = counted


def _work(discover, n):
    datasets = [Data(x=np.arange(4.0), label=f"d{i}") for i in range(n)]
    links = []
    for other in datasets[1:]:
        links.extend(LinkSame(datasets[0].id["x"], other.id["x"]))
    links += [link.inverse for link in links if link.inverse is not None]  # as glue does
    counting = CountingLinks(links)
    found = sum(len(discover(data, counting)) for data in datasets)
    assert found == n * (n - 1)  # each dataset derives every other dataset's x
    return counting.calls


def test_work_grows_with_the_links_not_their_cube():
    ours = _work(discover_links, 20), _work(discover_links, 40)
    theirs = _work(glue_core_discover_links(), 20), _work(glue_core_discover_links(), 40)
    # Each dataset looks at each of the 2 (n - 1) links (and inverses) once.
    assert ours == (20 * 2 * 19, 40 * 2 * 39)
    # glue-core's rescans: about eight times the work (the cube).
    assert theirs[1] > 7 * theirs[0]


def test_install_is_idempotent_and_uninstall_puts_glue_core_back(glue_core_only):
    original = link_manager.discover_links
    manager = link_manager.LinkManager
    original_update = manager.update_externally_derivable_components
    assert not link_discovery.installed()
    assert link_discovery.install() and link_discovery.install()
    assert link_manager.discover_links is discover_links
    assert manager.update_externally_derivable_components is (
        link_discovery.update_externally_derivable_components
    )
    link_discovery.uninstall()
    assert link_manager.discover_links is original
    assert manager.update_externally_derivable_components is original_update
    link_discovery.uninstall()
    assert link_manager.discover_links is original
    assert manager.update_externally_derivable_components is original_update


def test_a_glue_core_that_changed_its_update_keeps_it(glue_core_only, monkeypatch):
    def changed(self, data=None):  # not the source this was written against
        return None

    monkeypatch.setattr(link_manager.LinkManager, "update_externally_derivable_components", changed)
    assert link_discovery.install()  # discover_links is still the one it replaces
    assert link_manager.LinkManager.update_externally_derivable_components is changed


def test_the_setting_turns_it_off(glue_core_only):
    original = link_manager.discover_links
    with conf.set_temp("fast_link_discovery", False):
        assert link_discovery.install() is False
        glue_mast.setup()
        assert not link_discovery.installed()
    glue_mast.setup()
    assert link_discovery.installed()
    # Turned off later: the next install (a load, a setup) puts glue-core's own back.
    with conf.set_temp("fast_link_discovery", False):
        assert link_discovery.install() is False
        assert link_manager.discover_links is original


def test_a_glue_core_that_changed_its_function_keeps_it(glue_core_only, monkeypatch):
    def changed(data, links):  # not the source this was written against
        return {}

    monkeypatch.setattr(link_manager, "discover_links", changed)
    assert link_discovery.install() is False
    assert link_manager.discover_links is changed


def test_declining_logs_one_line_per_replacement(glue_core_only, monkeypatch, caplog):
    from glue_mast import util

    def changed(data, links):  # not the source this was written against
        return {}

    def changed_update(self, data=None):
        return None

    monkeypatch.setattr(util, "_declined", set())
    monkeypatch.setattr(link_manager, "discover_links", changed)
    monkeypatch.setattr(
        link_manager.LinkManager, "update_externally_derivable_components", changed_update
    )
    with caplog.at_level("WARNING", logger="glue_mast"):
        for _ in range(3):
            assert link_discovery.install() is False
    lines = [r.getMessage() for r in caplog.records if r.name == "glue_mast"]
    assert len(lines) == 2
    assert lines[0].startswith(
        "glue-mast does not replace "
        "glue.core.link_manager.LinkManager.update_externally_derivable_components: its source"
    )
    assert lines[1].startswith("glue-mast does not replace glue.core.link_manager.discover_links")
    assert all("glue_mast.conf.fast_link_discovery" in line for line in lines)


def test_glue_cores_own_tests_pass_with_it(tmp_path):
    # glue-core's own test suite (links, subsets, data collections, sessions), run with
    # glue-mast's discover_links and update method in place, in a subprocess. One test is
    # left out: it lists the subset translators registered, and glue-astronomy (a glue-mast
    # dependency) registers one more; it fails the same without glue-mast's change.
    code = textwrap.dedent(
        """
        import sys
        import pytest
        from glue_mast.glue import link_discovery

        assert link_discovery.install()
        status = pytest.main([
            "--pyargs", "glue.core.tests", "-q", "-p", "no:cacheprovider", "-W", "ignore",
            "-o", "addopts=", "-k", "not test_get_selection_invalid",
        ])
        from glue.core.tests import test_link_manager
        assert test_link_manager.discover_links is link_discovery.discover_links
        assert test_link_manager.LinkManager.update_externally_derivable_components is (
            link_discovery.update_externally_derivable_components
        )
        sys.exit(status)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"1\d{3} passed, 1 deselected, \d+ xfailed in [\d.]+s", last), last
