"""The glue-qt dialog's preview while it comes (progress, Cancel, time limit), and the line
saying what MAST says of the token beside the exclusive-access note.

Against the local archive over real HTTP; a slow transfer is the archive's bandwidth limit.
"""

import pytest

import glue_mast
from glue_mast import config
from glue_mast.testing import VALID_TOKEN

from .test_dialog import obs_row, select_exclusive_observation

MAKING = "Making the preview\N{HORIZONTAL ELLIPSIS}"
CANCELLED = "Preview cancelled: click the file again to go on"


@pytest.fixture
def own_cache(tmp_path):
    """A download cache of the test's own, so that the file previewed is fetched."""
    config.configure(cache_dir=tmp_path / "cache")


def _list_products(d, person, obs_id):
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, obs_id)])
    person.settle(d)


def test_a_slow_preview_shows_its_progress_and_is_cancelled_from_beside_it(
    dialog, person, local_mast, qtbot, own_cache, stall_meter, shoot
):
    d = dialog
    progress = d.preview_progress
    _list_products(d, person, "LB4M01010")
    assert not progress.isVisible() and d.preview_note.isVisible()
    name = str(d.product_state.filtered["productFilename"][0])
    selected = list(d.product_state.selected["dataURI"])
    local_mast.faults.bandwidth = 20_000
    meter = stall_meter.start()
    person.click_rows(d.products.table, [0])
    qtbot.waitUntil(lambda: progress.bar.value() > 50, timeout=15000)
    # Which file, how much of it, and a Cancel beside them, in place of the note.
    assert progress.isVisible() and not d.preview_note.isVisible()
    status = progress.status.toolTip()  # whole; the line shortens the name to fit
    assert status.startswith(f"{name}: ") and " kB of " in status
    shown = progress.status.text()
    assert shown.endswith(status.rpartition(": ")[2]) and progress.status.sizeHint().width() <= (
        progress.status.width() + 8
    )
    assert progress.cancel_button.isVisible() and d.preview.drawn == ("message", MAKING)
    shoot(d.preview.parentWidget(), "preview-progress")
    person.click(progress.cancel_button)
    # Said at once, though the transfer stops at its next piece.
    assert d.preview.drawn == ("message", CANCELLED)
    assert not progress.isVisible() and progress.bar.value() == 0
    qtbot.waitUntil(lambda: not d.preview_state.busy, timeout=15000)
    assert meter.stop() < 0.5 and meter.longest_cpu < 0.1
    assert d.preview_error.isHidden() and d.preview_state.error == ""
    assert list(d.product_state.selected["dataURI"]) == selected  # the selection stays
    # Clicking the file again goes on, and draws it.
    local_mast.faults.bandwidth = None
    person.click_rows(d.products.table, [0])
    qtbot.waitUntil(lambda: d.preview.drawn and d.preview.drawn[0] == "spectrum", timeout=20000)
    assert not progress.isVisible()


def test_a_preview_over_its_time_limit_says_so_and_leaves_no_progress(
    dialog, person, local_mast, qtbot, own_cache
):
    d = dialog
    _list_products(d, person, "LB4M01010")
    d.preview_state.timeout = 1.0
    local_mast.faults.bandwidth = 5_000
    person.click_rows(d.products.table, [0])
    qtbot.waitUntil(lambda: d.preview_progress.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: not d.preview_error.isHidden(), timeout=15000)
    local_mast.faults.bandwidth = None
    assert d.preview_error.text().startswith("no preview of ")
    assert "after 1 s" in d.preview_error.text()
    assert not d.preview_progress.isVisible() and d.preview_progress.bar.value() == 0
    assert d.preview.drawn == ("message", "No preview (the reason is below)")


def _token_line(d):
    return d.products.token_line


def _count_checks(line):
    """Counts this dialog's questions to MAST about the token (Jdaviz plugins of earlier
    tests, still in memory, ask about a new token too: the archive's log counts theirs)."""
    asked = []
    check = line.token_state.check

    def counted():
        asked.append(1)
        return check()

    line.token_state.check = counted
    return asked


def test_with_a_token_the_exclusive_note_says_what_mast_says_of_it_never_the_token(
    dialog, person, local_mast, qtbot, shoot
):
    d = dialog
    glue_mast.configure(token=VALID_TOKEN)
    d.product_state.mrp_only = False
    local_mast.clear_log()
    line = _token_line(d)
    asked = _count_checks(line)
    note = select_exclusive_observation(d, person)
    qtbot.waitUntil(lambda: line.isVisible() and line.text().startswith("MAST token of"),
                    timeout=10000)
    assert "A MAST token is set" in note.text()
    assert line.text() == (
        "MAST token of Local Archive User: exclusive access, MAST does not say when it expires."
    )
    shoot(d.products, "token-status")
    # Asked once: another selection with exclusive files does not ask again.
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010"), obs_row(d, "LF7Z01010")])
    person.settle(d)
    assert line.isVisible() and len(asked) == 1 and local_mast.requests(path="/whoami")
    labels = d.findChildren(type(line))
    assert not any(VALID_TOKEN in w.text() + w.toolTip() for w in labels)
    # Public files only: no note, no token line.
    person.click_rows(d.results.table, [obs_row(d, "LB4M01010")])
    person.settle(d)
    assert not line.isVisible() and note.isHidden()


def test_a_token_mast_does_not_accept_is_said_and_no_token_asks_nothing(
    dialog, person, local_mast, qtbot
):
    d = dialog
    local_mast.clear_log()
    line = _token_line(d)
    asked = _count_checks(line)
    select_exclusive_observation(d, person)
    assert not line.isVisible() and asked == []
    glue_mast.configure(token="not-a-token-mast-knows")
    qtbot.waitUntil(lambda: line.isVisible() and line.text().startswith("MAST does not"),
                    timeout=10000)
    assert "not-a-token-mast-knows" not in line.text()
    # A token given later is asked about anew.
    glue_mast.configure(token=VALID_TOKEN)
    qtbot.waitUntil(lambda: line.text().startswith("MAST token of"), timeout=10000)
    assert len(asked) == 2
    glue_mast.config.set_token(None)
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=5000)
