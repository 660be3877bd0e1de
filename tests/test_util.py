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


def _sources():
    from pathlib import Path

    import glue_mast

    package = Path(glue_mast.__file__).parent
    return {
        str(path.relative_to(package)): path.read_text()
        for path in package.rglob("*.py")
        if path.relative_to(package).parts[0] != "testing"
    }


def test_sizes_are_formatted_in_one_place():
    # One convention (1 kB = 1000 B, rounded before the unit is chosen) for every front end.
    assert [name for name, text in _sources().items() if '"kB"' in text] == ["util.py"]


def test_lazy_attributes_are_written_once():
    # Every package that names more than it imports uses glue_mast._lazy_attributes.
    lazy = [
        name
        for name, text in _sources().items()
        if "def __getattr__" in text and "import_module" in text
    ]
    assert lazy == ["__init__.py"]
    import re

    users = sorted(
        n for n, t in _sources().items() if re.search(r"_lazy_attributes\(\s*__name__", t)
    )
    assert users == [
        "__init__.py", "archive/__init__.py", "glue/__init__.py", "io/__init__.py",
        "jdaviz/__init__.py", "qt/__init__.py",
    ]


def test_lazy_attributes_import_when_first_used():
    import subprocess
    import sys

    code = (
        "import sys, glue_mast.io as io, glue_mast.archive as a, glue_mast; "
        "assert 'glue_mast.io.preview' not in sys.modules; "
        "assert io.Preview is sys.modules['glue_mast.io.preview'].Preview; "
        "assert 'Preview' in dir(io) and 'search' in dir(a) and 'setup' in dir(glue_mast); "
        "assert a.collections is sys.modules['glue_mast.archive.lookup'].collections; "
        "assert glue_mast.errors is sys.modules['glue_mast.errors']; "
        "print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.strip() == "ok", out.stderr
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        import glue_mast.archive

        glue_mast.archive.nothing  # noqa: B018
