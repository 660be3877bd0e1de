"""An interrupted ``glue-mast fetch``: verify says which files are incomplete and exits 1;
reproduce finishes them and judges every file once."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from glue_mast.cli import main

EXE = str(Path(sys.executable).with_name("glue-mast"))


def test_an_interrupted_fetch_does_not_verify_clean(local_mast, tmp_path, capsys):
    local_mast.faults.bandwidth = 300_000  # several seconds in all
    proc = subprocess.Popen(
        [EXE, "fetch", "TW Hya", "--no-mrp-only", "--out", tmp_path, "--no-progress",
         "--parallel", "3",
         "--server", local_mast.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.rglob("*.fits")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until at least one file is complete
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    local_mast.faults.bandwidth = None
    complete = len(list(tmp_path.rglob("*.fits")))
    assert 0 < complete < 9

    status = main(["verify", str(tmp_path / "manifest.json")])
    out = capsys.readouterr().out
    assert status == 1
    assert out.count("incomplete: ") == 9 - complete
    assert out.endswith(
        f"{complete} of 9 files match the manifest (sizes and sha256); {9 - complete} "
        "incomplete\n"
    )

    status = main(["reproduce", str(tmp_path / "manifest.json"), "--no-progress",
                   "--server", local_mast.url])
    out, err = capsys.readouterr()
    assert status == 0, out + err
    assert "skipped" not in out + err  # the 2 exclusive files were never planned here
    assert (
        f"{complete} files verified identical to the manifest; {9 - complete} finished that "
        "an earlier fetch left incomplete\n"
    ) in out
    assert main(["verify", str(tmp_path / "manifest.json")]) == 0
    assert "9 of 9 files match" in capsys.readouterr().out
    assert not list(tmp_path.rglob("*.part"))
