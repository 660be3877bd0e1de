"""``python -m glue_mast.testing``: the local archive on its own, as a user starts it."""

import json
import signal
import socket
import subprocess
import sys

import requests


def test_help_explains_every_option_with_its_default():
    out = subprocess.run(
        [sys.executable, "-m", "glue_mast.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    text = " ".join(out.stdout.split())
    for expected in (
        "port to listen on; 0 picks a free one (default: 8765)",
        "delay added to every request, to imitate a distant server (default: 0.0)",
        "rows of the SYNTHETIC collection, for paging large results (default: 100000)",
        "(default: 65536)",
        "loopback address to bind (default: 127.0.0.1)",
    ):
        assert expected in text


def test_serves_says_so_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "glue_mast.testing", "--port", "0", "--synthetic-rows", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        url = banner[1].split()[1]
        assert banner[0].startswith(f"Local MAST-compatible archive serving at {url} (")
        assert "10 synthetic); Ctrl-C stops it" in banner[0]
        assert "stopped" not in "".join(banner)
        request = {"service": "Mast.Name.Lookup", "params": {"input": "TW Hya"}, "format": "json"}
        answer = requests.post(
            url + "/api/v0/invoke", data={"request": json.dumps(request)}, timeout=30
        )
        assert answer.json()["resolvedCoordinate"][0]["canonicalName"] == "V* TW Hya"
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in err


def test_a_busy_port_is_one_line_and_a_non_zero_exit():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "glue_mast.testing", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"python -m glue_mast.testing: cannot listen on 127.0.0.1:{port}: the port is in use "
        "(another archive may be serving there); stop it or choose another --port (0 picks a "
        "free one)"
    ]
