"""The command line as a new user types it: options before the command, unquoted names,
what ``--help`` tells, and what Ctrl-C says for each command."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glue_mast.cli import main

EXE = str(Path(sys.executable).with_name("glue-mast"))


def test_server_and_timeout_before_the_command(local_mast, capsys):
    status = main(["--server", local_mast.url, "--timeout", "30", "search", "TW Hya", "--count"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert int(out) > 0
    assert local_mast.log  # the local archive was asked, not MAST


def test_the_option_after_the_command_wins(local_mast, other_host, capsys):
    status = main(["--server", other_host.url, "search", "TW Hya", "--count",
                   "--server", local_mast.url])
    assert status == 0, capsys.readouterr().err
    assert not other_host.log


def test_server_before_a_command_that_takes_none(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--server", "http://127.0.0.1:9", "demo"])
    assert exited.value.code == 2
    assert "argument --server: glue-mast demo takes no --server" in capsys.readouterr().err


def test_an_unquoted_name_gets_a_hint(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["search", "TW", "Hya", "--count"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert 'unrecognized arguments: Hya (a name with spaces needs quotes: glue-mast search "TW Hya")' in err


def test_an_unknown_option_gets_no_quoting_hint(capsys):
    with pytest.raises(SystemExit):
        main(["search", "TW Hya", "--colour", "red"])
    err = capsys.readouterr().err
    assert "unrecognized arguments: --colour red" in err and "quotes" not in err


def test_help_names_the_environment_and_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for text in ("MAST_API_TOKEN", "GLUE_MAST_SERVER", "GLUE_MAST_TIMEOUT", "exit status:",
                 "130  interrupted", "for whoami, no token or one MAST refuses"):
        assert text in out


def test_out_naming_a_file_names_the_option(local_mast, tmp_path, capsys):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine\n")
    status = main(["fetch", "TW Hya", "--out", str(taken), "--server", local_mast.url,
                   "--no-progress"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip() == (
        f"glue-mast: error: argument --out: {taken} is a file, not a directory; choose a "
        "directory to download into"
    )
    assert taken.read_text() == "mine\n"


@pytest.mark.parametrize(
    "argv, said",
    [
        (["search", "TW Hya", "--count"], "the search was stopped, nothing was written"),
        (["products", "OBSID"], "the product listing was stopped, nothing was written"),
    ],
)
def test_ctrl_c_says_what_each_command_leaves(local_mast, argv, said):
    if "OBSID" in argv:
        from glue_mast import search

        argv = [str(search("TW Hya").page(1)["obsid"][0]) if a == "OBSID" else a for a in argv]
        local_mast.log.clear()
    local_mast.faults.latency = 3.0  # every request waits: Ctrl-C comes during the first
    proc = subprocess.Popen(
        [EXE, *argv, "--server", local_mast.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not local_mast.log and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip() == f"glue-mast: interrupted; {said}"
    assert "manifest" not in err and ".part" not in err
