"""``glue-mast catalog`` against the local archive."""

import json

import pytest

from glue_mast.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_count_and_a_page_as_table(local_mast, capsys):
    status, out, err = run(capsys, "catalog", "TIC", "M10", "--radius", "0.2 deg", "--count")
    assert (status, out.strip(), err) == (0, "7", "")
    status, out, _ = run(capsys, "catalog", "tic", "M10", "--page", "2", "--page-size", "3")
    assert status == 0
    assert out.splitlines()[0].startswith(
        "TIC v8.2 M10 (254.28771 -4.10031, radius 0.2 deg): 7 rows"
    )
    assert "page 2 of 3" in out


def test_json_with_the_cut_off_warning_on_stderr(local_mast, capsys):
    status, out, err = run(
        capsys, "catalog", "HSC", "--coordinates", "322.5 12.167", "--max-results", "5",
        "--format", "json",
    )  # fmt: skip
    answer = json.loads(out)
    assert status == 0 and answer["count"] == 5 and len(answer["rows"]) == 5
    assert answer["warnings"] and err.count("glue-mast: warning: MAST returns at most 5") == 1


def test_criteria_and_csv(local_mast, capsys):
    status, out, _ = run(
        capsys, "catalog", "tic", "M10", "--criteria", "Tmag=13..16", "--format", "csv"
    )
    assert status == 0 and out.splitlines()[0].startswith("ID,version,")


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["catalog", "Hipparcos", "M10"], "argument CATALOG:"),
        (["catalog", "gaia", "M10", "--version", "DR9"], "argument --version:"),
        (["catalog", "gaia", "M10", "--criteria", "phot_g_mean_mag=1..2"], "argument --criteria:"),
        (["catalog", "panstarrs", "--coordinates", "5.97 -32.53", "--count"], "argument --count:"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(local_mast, capsys, argv, where):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and where in err
