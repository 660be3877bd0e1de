"""glue_mast.util: the helpers every layer shares."""

import pytest

from glue_mast.util import format_size


@pytest.mark.parametrize(
    "nbytes, text",
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (342_720, "342.7 kB"),
        (999_949, "999.9 kB"),
        (999_999, "1.0 MB"),  # rounded before the unit is chosen
        (1_900_000, "1.9 MB"),
        (16_035_840, "16.0 MB"),
        (5 * 10**12, "5.0 TB"),
        (2 * 10**18, "2000.0 PB"),
    ],
)
def test_sizes_are_decimal_si(nbytes, text):
    assert format_size(nbytes) == text


def test_the_progress_bar_counts_in_the_same_units(monkeypatch):
    # tqdm shows 1,900,000 bytes as "1.90M" only with unit_divisor=1000, as the summary line's
    # "1.9 MB"; with its default of 1024 it would show "1.81M".
    import io

    from glue_mast.archive.fetch import events, progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)  # where the bar draws, and a terminal
    bar = progress.ProgressBar()
    bar(events.FetchStarted(files=1, bytes=1_900_000))
    bar(
        events.FetchEnded(
            downloaded=1,
            cached=0,
            skipped=0,
            failed=0,
            cancelled=False,
            bytes_done=1_900_000,
            seconds=1.0,
            manifest=None,
        )
    )
    assert "| 1.90M/1.90M [" in screen.getvalue()
    assert format_size(1_900_000) == "1.9 MB"
