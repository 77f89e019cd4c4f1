"""`make serve`: saving a diagram module re-renders it and the served page changes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from test_check import copy_repository


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if text in urllib.request.urlopen(url, timeout=2).read().decode("utf-8"):
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def test_saving_a_module_rerenders_the_served_page(tmp_path):
    root = copy_repository(tmp_path / "repo")  # rendered output included: no full render
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(root / "scripts"),
        "NO_MKDOCS_2_WARNING": "1",
        "SERVE_ADDRESS": f"127.0.0.1:{port}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "sitekit", "watch"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/patterns/backend-api/"
    try:
        assert _wait_for(url, "Order function", 60), "the page was not served"
        module = root / "diagrams" / "patterns" / "backend-api.py"
        module.write_text(module.read_text().replace('"Order function"', '"Order handler"'))
        assert _wait_for(url, "Order handler", 30), "the saved change never reached the page"
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "rendered patterns/backend-api" in output
