"""The one load pipeline: selection -> fetch -> read -> describe -> a viewer's sink."""

import ast
import contextlib
import time
from pathlib import Path

import pytest
from glue.core import DataCollection

import glue_mast
from glue_mast.errors import InputError
from glue_mast.glue.sink import DataCollectionSink
from glue_mast.state import ProductState, SearchState
from glue_mast.state.load import ListSink, start_load


@pytest.fixture
def tw_hya(local_mast):
    """A search for TW Hya (8 observations: HST COS/STIS, IUE, FUSE, one exclusive)."""
    state = SearchState(target="TW Hya", radius="0.1 deg")
    state.search().result()
    return state


def _select_all(search, settle):
    products = ProductState(search=search)
    search.selected_obsids = [str(o) for o in search.rows["obsid"]]
    settle(products)
    return products


def _run(products, sink, tmp_path, **kwargs):
    ended = []
    job = start_load(products, sink, download_dir=tmp_path, done=ended.append, **kwargs)
    job.wait(60)
    deadline = time.monotonic() + 20
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)
    [outcome] = ended
    return outcome


def test_every_file_gets_one_verdict_and_the_datasets_reach_the_sink(
    tw_hya, settle, tmp_path
):
    products = _select_all(tw_hya, settle)
    dc = DataCollection()
    outcome = _run(products, DataCollectionSink(dc), tmp_path, note="chosen for you")
    fetched = outcome.fetch
    assert fetched.skipped, "TW Hya has an exclusive-access observation"
    assert outcome.labels == [d.label for d in dc] and len(dc) > len(fetched.paths) - 1
    # Each file not loaded is named once, with its reason: skipped by the fetch (exclusive),
    # or not readable; none twice.
    names = [p.name for p in outcome.not_loaded if p.name]
    assert len(names) == len(set(names))
    assert {p.name for p in outcome.not_loaded if p.reason == "exclusive"} == {
        Path(o.file.path).name for o in fetched.skipped
    }
    summary = outcome.summary()
    assert summary.startswith("chosen for you; ")
    assert summary.count("exclusive access") == 1
    assert f"{len(dc)} datasets loaded into glue and linked" in summary


def test_a_list_sink_gets_described_spectra(tw_hya, settle, tmp_path):
    products = _select_all(tw_hya, settle)
    sink = ListSink()
    outcome = _run(products, sink, tmp_path)
    assert outcome.labels == [d.label for d in sink] and sink
    for dataset in sink:
        assert dataset.provenance["dataset"]["dataURI"].startswith("mast:")
        assert dataset.provenance["label"] == dataset.label
    assert len({d.label for d in sink}) == len(sink)


def test_labels_differ_from_those_already_in_the_viewer(tw_hya, settle, tmp_path):
    products = _select_all(tw_hya, settle)
    first, second = ListSink(), ListSink()
    _run(products, first, tmp_path)
    second.extend(first)  # a viewer that already holds the same datasets
    outcome = _run(products, second, tmp_path)
    assert not set(outcome.labels) & {d.label for d in first}


def test_a_viewer_gets_no_second_copy_of_what_it_holds_and_is_told(tw_hya, settle, tmp_path):
    products = _select_all(tw_hya, settle)
    everything = list(products.selected["dataURI"])
    products.selected_uris = everything[:1]  # one file first
    dc = DataCollection()
    first = _run(products, DataCollectionSink(dc), tmp_path)
    held = [d.label for d in dc]
    assert first.labels == held and held
    products.selected_uris = everything  # then all of them, that one among them
    again = _run(products, DataCollectionSink(dc), tmp_path)
    assert not set(again.labels) & set(held)  # the new ones only: no "..._01" copies
    assert [d.label for d in dc] == held + again.labels
    already = [p for p in again.not_loaded if p.reason == "already loaded"]
    assert sorted(p.name for p in already) == sorted(held)
    n = len(held)
    assert f"{n} dataset{'s' if n != 1 else ''} {'was' if n == 1 else 'were'} already loaded, " \
        "not added again: " in again.summary()
    # the same selection once more: nothing new, and the summary says why
    last = _run(products, DataCollectionSink(dc), tmp_path)
    assert last.labels == [] and len(dc) == len(held) + len(again.labels)
    assert "nothing loaded" in last.summary() and "already loaded" in last.summary()


def test_cancelling_while_downloading_loads_nothing_and_keeps_partial_files(
    tw_hya, local_mast, settle, tmp_path
):
    products = ProductState(search=tw_hya)
    tw_hya.selected_obsids = [str(tw_hya.rows["obsid"][0])]  # COS: 2 x 342,720 bytes
    settle(products)
    local_mast.faults.bandwidth = 20_000
    dc = DataCollection()
    ended = []
    job = start_load(products, DataCollectionSink(dc), download_dir=tmp_path, done=ended.append)
    time.sleep(0.5)
    job.cancel()
    job.wait(10)
    deadline = time.monotonic() + 10
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)
    [outcome] = ended
    assert outcome.cancelled == "downloading" and not len(dc)
    assert "partial files are kept" in outcome.summary()
    assert list(tmp_path.rglob("*.part"))


def test_cancelling_while_reading_adds_nothing(tw_hya, settle, tmp_path):
    products = _select_all(tw_hya, settle)
    dc = DataCollection()

    class SlowReader(DataCollectionSink):
        def read(self, result, *, taken=(), check=None):
            job.cancel()  # the files are on disk: the reading is what gets cancelled
            return super().read(result, taken=taken, check=check)

    ended = []
    job = start_load(products, SlowReader(dc), download_dir=tmp_path, done=ended.append)
    job.wait(60)
    deadline = time.monotonic() + 10
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)
    [outcome] = ended
    assert outcome.cancelled == "reading" and not len(dc)
    assert outcome.summary() == "Cancelled: the files were downloaded but not loaded."


def test_the_state_changes_only_on_the_thread_that_started_the_load(tw_hya, settle, tmp_path):
    # The widgets bound to the product state (a progress bar, Load's enabled state) are
    # touched by its callbacks: a property set from the load's worker thread would touch
    # them there (Qt: "Timers cannot be started from another thread").
    import queue
    import threading

    products = _select_all(tw_hya, settle)
    calls = queue.Queue()
    products.dispatch = calls.put  # the front end's thread: this one, draining the queue
    threads = set()
    for name in ("busy", "fetch_fraction", "fetch_status", "last_fetch"):
        products.add_callback(name, lambda *_: threads.add(threading.get_ident()))
    ended = []
    start_load(products, ListSink(), download_dir=tmp_path, done=ended.append,
               dispatch=calls.put)
    deadline = time.monotonic() + 60
    while not ended and time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            calls.get(timeout=0.05)()
    [outcome] = ended
    assert outcome.fetch.paths and products.fetch_fraction == 1.0
    assert threads == {threading.get_ident()}


def test_nothing_selected_is_an_input_error(local_mast):
    with pytest.raises(InputError, match="select products"):
        start_load(ProductState(), ListSink())


FRONT_ENDS = [
    "glue_mast/qt",
    "glue_mast/jdaviz/plugins",
    "glue_mast/jdaviz/loaders",
    "glue_mast/demo.py",
]
#: What only the pipeline (and the layers below it) may call.
FETCH_AND_READ = {
    "start_fetch",
    "fetch_within",
    "read",
    "read_fetched",
    "read_datasets",
    "add_datasets",
    "load_datasets",
    "run_files",
}


def _calls(path):
    """Names of the functions called; a class's method with its class (``Manifest.read``
    reads a manifest, not data)."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if not isinstance(func, ast.Attribute):
                yield getattr(func, "id", None)
            elif isinstance(func.value, ast.Name) and func.value.id[:1].isupper():
                yield f"{func.value.id}.{func.attr}"
            else:
                yield func.attr


def test_front_ends_call_the_pipeline_not_the_fetch_or_the_readers():
    root = Path(glue_mast.__file__).parent.parent
    offenders = []
    for folder in FRONT_ENDS:
        where = root / folder
        for path in [where] if where.is_file() else where.rglob("*.py"):
            for name in _calls(path):
                if name in FETCH_AND_READ:
                    offenders.append(f"{path.relative_to(root)}: {name}()")
    assert not offenders, offenders


#: Script entries and restores, each with the pipeline stage it must run through.
PIPELINE_ENTRIES = [
    ("glue_mast/glue/loading.py", "load", "load_fetched"),
    ("glue_mast/jdaviz/session.py", "restore_session", "add_read"),
]


@pytest.mark.parametrize(("module", "function", "stage"), PIPELINE_ENTRIES)
def test_script_entries_and_restores_run_the_pipeline(module, function, stage):
    root = Path(glue_mast.__file__).parent.parent
    tree = ast.parse((root / module).read_text())
    body = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function
    )
    calls = set()
    for node in ast.walk(body):
        if isinstance(node, ast.Call):
            func = node.func
            calls.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None))
    assert stage in calls
    # A restore reads its files itself (each dataset keeps its saved label and record); it
    # adds them only through the pipeline.
    assert not calls & (FETCH_AND_READ - {"read"}), calls & FETCH_AND_READ
