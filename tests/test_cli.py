"""The glue-mast command line: output formats, and one clear line for every mistake."""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from glue_mast.cli import main


@pytest.fixture
def run(local_mast, capsys):
    """Run the CLI in-process against the local archive: (status, stdout, stderr)."""

    def run(*args, server=True):
        argv = [str(a) for a in args]
        if server:
            argv += ["--server", local_mast.url]
        status = main(argv)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_count(run):
    assert run("search", "TW Hya", "--count") == (0, "8\n", "")


def test_json_page_shape(run):
    status, out, err = run("search", "TW Hya", "--page", 2, "--page-size", 3, "--format", "json")
    assert status == 0 and err == ""
    answer = json.loads(out)
    assert set(answer) == {"count", "page", "page_size", "rows"}
    assert (answer["count"], answer["page"], answer["page_size"]) == (8, 2, 3)
    assert len(answer["rows"]) == 3
    row = answer["rows"][0]
    assert {"obs_collection", "obsid", "obs_id", "s_ra", "t_min", "dataRights"} <= set(row)
    assert row["srcDen"] is None  # missing values are null, never NaN


def test_count_json(run):
    _status, out, _ = run(
        "search", "--criteria", "obs_collection=IUE", "--count", "--format", "json"
    )
    assert json.loads(out) == {"count": 3}


def test_csv(run):
    _status, out, _ = run("search", "AU Mic", "--format", "csv")
    lines = out.splitlines()
    assert lines[0].split(",")[:3] == ["intentType", "obs_collection", "provenance_name"]
    assert len(lines) == 6


def test_table(run):
    status, out, _ = run("search", "AU Mic", "--sort=-t_min")
    assert status == 0
    assert out.splitlines()[0].startswith("AU Mic (311.28971 -31.34245, radius 0.2 deg): 5 ")
    assert "jw02925-o001_t001_nirspec_g395h-f290lp" in out


def test_criteria_lists_and_ranges(run):
    _status, out, _ = run(
        "search",
        "--coordinates",
        "165.46627 -34.70473",
        "--radius",
        "1 arcmin",
        "--criteria",
        "obs_collection=HST,IUE",
        "t_min=1995-01-01..2011-01-01",
        "--format",
        "json",
    )
    answer = json.loads(out)
    assert answer["count"] == 6
    assert {r["obs_collection"] for r in answer["rows"]} == {"HST", "IUE"}


def test_large_result_pages_from_the_server(run, local_mast):
    _status, out, _ = run(
        "search",
        "--criteria",
        "obs_collection=SYNTHETIC",
        "--page",
        400,
        "--page-size",
        250,
        "--format",
        "json",
    )
    answer = json.loads(out)
    assert answer["count"] == 100_000 and len(answer["rows"]) == 250
    assert answer["rows"][-1]["obs_id"] == "syn099999"
    pages = [r.request["page"] for r in local_mast.requests(service="Mast.Caom.Filtered")]
    assert pages == [400]


def test_list_fields_and_collections(run):
    status, out, _ = run("search", "--list-fields")
    assert status == 0 and "calib_level" in out and "em_min" in out and "[nm]" in out
    status, out, _ = run("search", "--list-collections")
    assert {"HST", "IUE", "JWST", "SYNTHETIC"} <= set(out.split())


def test_misspelt_collection_gets_a_hint(run):
    status, out, err = run("search", "--criteria", "obs_collection=HTS", "--count")
    assert (status, out) == (0, "0\n")
    assert "'HTS' is not a collection this server holds; did you mean HST" in err


def test_products(run):
    status, out, _ = run("products", "2410001001", "2410001005", "--format", "json")
    assert status == 0
    answer = json.loads(out)
    # MAST's recommended products by default: the COS x1dsum (not its x1d) and the IUE file
    assert answer["count"] == 2 and answer["listed"] == 7
    assert answer["filter"]["calibrated_only"] is True
    assert answer["filter"]["mrp_only"] is True
    assert {r["productType"] for r in answer["rows"]} == {"SCIENCE"}
    status, out, _ = run("products", "2410001001", "--mrp-only", "--format", "json")
    assert [r["productFilename"] for r in json.loads(out)["rows"]] == ["lb4m01010_x1dsum.fits"]
    status, out, _ = run("products", "2410001001", "--no-mrp-only", "--format", "json")
    assert sorted(r["productFilename"] for r in json.loads(out)["rows"]) == [
        "lb4m01010_x1dsum.fits", "lb4m0101q_x1d.fits"
    ]
    status, out, _ = run(
        "products", "2410001001", "--all-levels", "--no-mrp-only", "--format", "json"
    )
    assert sorted(r["calib_level"] for r in json.loads(out)["rows"]) == [1, 2, 3]
    status, out, _ = run(
        "products",
        "2410003001",
        "--no-mrp-only",
        "--filter",
        "productSubGroupDescription=X1D,S2D",
        "--format",
        "csv",
    )
    assert status == 0 and len(out.splitlines()) == 3
    _status, out, _ = run("products", "2410003001")
    assert out.startswith("1 of 4 products kept (")  # the recommended x1d


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", "Planet Nine"], "argument target: could not resolve 'Planet Nine'"),
        (["search", "--coordinates", "somewhere"], "argument --coordinates: could not read"),
        (["search", "TW Hya", "--radius", "-1 deg"], "argument --radius: radius must be positive"),
        (["search", "TW Hya", "--radius", "0.2"], "argument --radius: radius '0.2' has no unit"),
        (
            ["search", "--criteria", "instrument=COS"],
            "argument --criteria: unknown criteria field 'instrument'; did you mean "
            "instrument_name",
        ),
        (
            ["search", "--criteria", "zzzzzzzz=1"],
            "unknown criteria field 'zzzzzzzz'; no valid name is close to it (glue-mast "
            "search --list-fields lists them)",
        ),
        (
            ["search", "--criteria", "calib_level=high"],
            "argument --criteria: calib_level takes whole numbers",
        ),
        (
            ["search", "--criteria", "t_min=notadate"],
            "argument --criteria: 'notadate' is not a date: t_min takes dates",
        ),
        (["search", "--criteria", "obs_collection"], "argument --criteria: criterion 'obs_"),
        (["search", "TW Hya", "--page", "0"], "argument --page: page 0 does not exist"),
        (
            ["search", "TW Hya", "--page", "3"],
            "argument --page: page 3 is past the end: 8 rows make 1 page",
        ),
        (["search", "AU Mic", "--sort", "tmin"], "argument --sort: unknown sort field 'tmin'"),
        (["search"], "give a target, coordinates or at least one criterion"),
        (["products", "LB4M01010"], "argument OBSID: obsid 'LB4M01010' is not a MAST obsid"),
        (
            ["products", "2410001001", "999"],
            "argument OBSID: MAST knows no observation with obsid 999",
        ),
        (
            ["products", "2410001001", "--filter", "productTipe=SCIENCE"],
            "argument --filter: unknown product field 'productTipe'; did you mean productType",
        ),
        (
            ["search", "TW Hya", "--columns", "obs_idd"],
            "argument --columns: unknown column 'obs_idd'; did you mean obs_id",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run, args, message):
    status, out, err = run(*args)
    assert status == 2
    assert out == ""
    assert err.startswith("glue-mast: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_server_failures_exit_3(run, local_mast):
    local_mast.faults.error(500, times=50, match="/api/v0/invoke")
    status, out, err = run("search", "--criteria", "obs_collection=IUE", "--count")
    assert (status, out) == (3, "")
    assert "HTTP 500" in err and "try again" in err and err.count("\n") == 1


def test_timeout_exit_3(run, local_mast):
    local_mast.faults.stall(5, times=5, match="/api/v0/invoke")
    status, out, err = run(
        "search", "--criteria", "obs_collection=IUE", "--count", "--timeout", "0.5"
    )
    assert (status, out) == (3, "")
    assert "did not answer within 0.5 s" in err


def test_unreachable_server_exit_3(run):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status, out, err = run("search", "M8", "--server", f"http://127.0.0.1:{port}", server=False)
    assert (status, out) == (3, "")
    assert "could not reach MAST" in err and "--server" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["search", "--page", "two"])
    assert exc.value.code == 2
    assert "invalid int value" in capsys.readouterr().err


def test_installed_console_script(local_mast):
    exe = shutil.which("glue-mast") or str(
        __import__("pathlib").Path(sys.executable).with_name("glue-mast")
    )
    out = subprocess.run(
        [exe, "search", "AU Mic", "--count", "--server", local_mast.url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (out.returncode, out.stdout, out.stderr) == (0, "5\n", "")


def test_demo_runs_offline(tmp_path):
    # As README.md runs it: default --out, relative to the working directory.
    exe = str(__import__("pathlib").Path(sys.executable).with_name("glue-mast"))
    out = subprocess.run([exe, "demo"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "count: 8 observations" in out.stdout
    assert "100,000 rows" in out.stdout
    assert "products kept" in out.stdout
    # MAST's recommended file of each spectrum observation; the exclusive one is skipped
    assert "6 downloaded, 0 already on disk, 1 skipped, 0 failed" in out.stdout
    assert "verify: 6 of 6 files match their size and sha256" in out.stdout
    assert (tmp_path / "glue-mast-demo" / "mast_data" / "manifest.json").exists()


def test_distance_is_printed_to_a_thousandth_of_an_arcsec(run):
    _, out, _ = run("search", "TW Hya")
    table = out.splitlines()[1:]
    assert table[0].split()[-1] == "distance"
    distances = {line.split()[-1] for line in table[2:]}
    assert distances and all(len(d.partition(".")[2]) == 3 for d in distances)
    _, out, _ = run("search", "TW Hya", "--format", "json")
    values = [r["distance"] for r in json.loads(out)["rows"]]
    assert values and all(v == round(v, 3) for v in values)
    _, out, _ = run("search", "TW Hya", "--format", "csv")
    lines = out.splitlines()
    column = lines[0].split(",").index("distance")
    assert all(len(line.split(",")[column].partition(".")[2]) <= 3 for line in lines[1:])


def test_a_closed_pipe_ends_quietly(local_mast):
    # As `glue-mast search ... --format csv | head -3` runs it: the reader leaves early.
    exe = str(__import__("pathlib").Path(sys.executable).with_name("glue-mast"))
    args = ["search", "--criteria", "obs_collection=SYNTHETIC", "--page-size", "5000"]
    process = subprocess.Popen(
        [exe, *args, "--format", "csv", "--server", local_mast.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    head = [process.stdout.readline() for _ in range(3)]
    process.stdout.close()
    err = process.stderr.read().decode()
    status = process.wait(timeout=120)
    assert head[0].startswith(b"intentType,obs_collection,")
    assert status == 141  # 128 + SIGPIPE, as a shell reports a program a pipe ended
    assert err == ""


def _readme_commands():
    import re
    import shlex
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = text.split("## Command line", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [shlex.split(line) for line in block.replace("\\\n", " ").splitlines() if line]


def test_readme_command_lines_run_against_the_bundled_archive(
    local_mast, capsys, monkeypatch, tmp_path
):
    # As README.md says: every line also runs against the bundled archive.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GLUE_MAST_SERVER", local_mast.url)
    commands = _readme_commands()
    assert len(commands) == 7 and all(c[0] == "glue-mast" for c in commands)
    outputs = []
    for argv in commands:
        status = main(argv[1:])
        out, err = capsys.readouterr()
        assert status == 0, (argv, err)
        outputs.append(out)
    page = json.loads(outputs[1])
    assert (page["count"], page["page"], len(page["rows"])) == (4, 2, 2)
    assert outputs[2].splitlines()[1].split(",")[0] == "2410001001"
    # MAST's recommended file of each public observation (the exclusive one is skipped)
    assert outputs[5] == "7 of 7 files match the manifest (sizes and sha256)\n"
    assert (tmp_path / "mast_data_copy" / "manifest.json").exists()


# --- received manifests and sessions: one line, never a traceback or a hang -------------------


def _cli(*args, cwd):
    """The real command in a process of its own: a hang fails on the timeout."""
    done = subprocess.run(
        [sys.executable, "-m", "glue_mast.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )
    return done.returncode, done.stdout, done.stderr


def _not_a_regular_file(kind, path):
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:  # past the 64 MiB limit, sparse
        with open(path, "wb") as f:
            f.truncate(64 * 2**20 + 10)


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "command", [("verify",), ("reproduce", "--out", "x", "--server", "http://127.0.0.1:9")]
)
@pytest.mark.parametrize(
    "kind, message",
    [
        ("dev-zero", "is a character device, not a glue-mast manifest or Jdaviz session"),
        ("fifo", "is a FIFO (named pipe), not a glue-mast manifest or Jdaviz session"),
        ("directory", "is a directory, not a glue-mast manifest or Jdaviz session"),
        ("huge", "is 67.1 MB, more than the 67.1 MB glue-mast reads"),
    ],
)
def test_a_manifest_that_is_no_regular_file_is_refused_at_once(tmp_path, command, kind, message):
    path = tmp_path / "manifest.json"
    _not_a_regular_file(kind, path)
    status, out, err = _cli(command[0], path, *command[1:], cwd=tmp_path)
    assert (status, out) == (2, "")
    assert err == f"glue-mast: error: {path} {message}" + err.split(message, 1)[1]
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()


_SHA = "0" * 64


def _dataset(**fields):
    return {"dataURI": "mast:HST/a.fits", "path": "a.fits", "size": 1, "sha256": _SHA} | fields


def _manifest(*datasets):
    return json.dumps({"schema": "glue-mast/manifest/1", "datasets": list(datasets)})


def _session(*files):
    return json.dumps(
        {
            "schema": "glue-mast/jdaviz-session/1",
            "datasets": [{"label": f"d{i}", "file": f} for i, f in enumerate(files)],
        }
    )


MALFORMED = {
    "surrogate path": (_manifest(_dataset(path="a\ud800.fits")), r"datasets[0].path is"),
    "surrogate dataURI": (_manifest(_dataset(dataURI="mast:\udfff")), r"datasets[0].dataURI is"),
    "session surrogate path": (_session(_dataset(path="\ud800")), "datasets[0].file.path is"),
    "session surrogate dataURI": (
        _session(_dataset(dataURI="mast:\ud800")),
        "datasets[0].file.dataURI is",
    ),
    "nested 900 deep": (
        '{"schema": "glue-mast/manifest/1", "queries": ' + "[" * 900 + "]" * 900 + "}",
        "nested too deeply: queries[0][0] nests more than 64 levels",
    ),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", ["verify", "reproduce"])
@pytest.mark.parametrize("text, named", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_manifest_or_session_is_one_line(run, tmp_path, command, text, named):
    path = tmp_path / "manifest.json"
    path.write_text(text)
    (tmp_path / "a.fits").write_bytes(b"x")
    if command == "verify":
        status, out, err = run("verify", path, server=False)
    else:
        status, out, err = run("reproduce", path, "--out", tmp_path / "out", "--no-progress")
    assert (status, out) == (2, "")
    assert err.startswith(f"glue-mast: error: {path}") and named in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()
