"""DataCollectionSink.add_in_steps: the datasets added one step at a time, as add() adds them.

glue-qt's data panel answers every dataset added (some 5 ms each on the GUI thread), so the
dialog adds them in steps with its event loop running between; what ends in the collection
(labels, colours, links, order) must be what one ``add`` makes.
"""

from glue.core import DataCollection

from glue_mast.glue.loading import read_datasets
from glue_mast.glue.sink import DataCollectionSink


def _loaded_by_add(fetched):
    dc = DataCollection()
    added = DataCollectionSink(dc).add(read_datasets(fetched))
    return dc, added


def test_adding_in_steps_yields_between_datasets_and_ends_as_one_add(fetched_tw_hya):
    dc_once, once = _loaded_by_add(fetched_tw_hya)

    dc = DataCollection()
    queued, progress, ended = [], [], []
    sink = DataCollectionSink(
        dc, dispatch_next=queued.append, progress=lambda k, n: progress.append((k, n)),
        step_seconds=0,
    )
    sink.add_in_steps(read_datasets(fetched_tw_hya), lambda added, error: ended.append(
        (added, error)))
    n = len(once.datasets)
    assert n == 3
    # Labelled and linked at once; then one dataset a step, the loop's turn between.
    seen = [len(dc)]
    while queued:
        queued.pop(0)()
        seen.append(len(dc))
    assert seen == list(range(0, n + 1))
    assert progress == [(k, n) for k in range(1, n + 1)]
    [(added, error)] = ended
    assert error is None
    assert added.labels == once.labels == [d.label for d in dc]
    assert added.phrase == once.phrase
    assert [d.style.color for d in dc] == [d.style.color for d in dc_once]
    assert [(link.data1.label, link.data2.label) for link in added.links] == [
        (link.data1.label, link.data2.label) for link in once.links
    ]
    assert len(dc.external_links) == len(dc_once.external_links) == 2


def test_without_a_dispatcher_it_adds_everything_at_once(fetched_tw_hya):
    dc = DataCollection()
    ended = []
    DataCollectionSink(dc).add_in_steps(
        read_datasets(fetched_tw_hya), lambda added, error: ended.append((added, error))
    )
    [(added, error)] = ended
    assert error is None and added.labels == [d.label for d in dc] and len(dc) == 3


def test_a_step_that_fails_reports_the_error_once(fetched_tw_hya):
    dc = DataCollection()
    queued, ended = [], []

    def broken(k, n):
        if k == 2:
            raise RuntimeError("the viewer went away")

    sink = DataCollectionSink(dc, dispatch_next=queued.append, progress=broken,
                              step_seconds=0)
    sink.add_in_steps(read_datasets(fetched_tw_hya), lambda a, e: ended.append((a, e)))
    while queued:
        queued.pop(0)()
    [(added, error)] = ended
    assert added is None and str(error) == "the viewer went away" and len(dc) == 1
