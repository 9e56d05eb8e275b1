"""The app as gunicorn serves it (Procfile `web`), over a real published warehouse."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from etl.cli import main
from tests.builders import small_extract


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_the_start_page_with_the_loaded_periods(data_dir, tmp_path):
    folder = small_extract().write(tmp_path / "x")
    for period_end in ("2025-03-31", "2025-06-30"):
        assert main(["load", str(folder), "--period-end", period_end]) == 0
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "dashboard.app:server"],
        env={**os.environ, "CPD_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = layout = None
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                layout = urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout",
                                                timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert page is not None, "gunicorn did not answer"
        assert b"<title>Corporate parenting dashboard</title>" in page
        # no script or stylesheet from anywhere but the app itself
        assert b"https://" not in page and b"http://" not in page.replace(b'http://www.w3', b'')
        text = json.dumps(json.loads(layout))
        assert "Synthetic Unitary Council" in text
        assert "2 period(s) loaded" in text and "30 June 2025" in text
        assert "2 children looked after" in text
    finally:
        server.terminate()
        server.wait(timeout=10)
