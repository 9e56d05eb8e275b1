"""The app as gunicorn serves it (Procfile `web`): offline, and in English."""
from __future__ import annotations

import re
import urllib.request


def test_index_is_served_with_nothing_from_elsewhere(live_server):
    page = urllib.request.urlopen(live_server + "/", timeout=5).read().decode()
    assert '<html lang="en-GB">' in page
    assert "<title>Corporate parenting dashboard</title>" in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:  # every script and stylesheet comes from the app itself
        assert urllib.request.urlopen(live_server + source, timeout=5).status == 200



def test_every_worker_serves_the_scripts_before_it_has_written_a_page(live_server,
                                                                       sample_warehouse):
    """gunicorn runs several workers; a browser's script requests can reach one that has not
    served the page yet. Each must still serve them."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from tests.dashboard.conftest import free_port

    page = urllib.request.urlopen(live_server + "/", timeout=5).read().decode()
    scripts = re.findall(r'<script src="(/_dash-component-suites/[^"]+)"', page)
    port = free_port()
    fresh = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "dashboard.app:server"],
        env={**os.environ, "CPD_DATA_DIR": str(sample_warehouse)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                statuses = [urllib.request.urlopen(f"http://127.0.0.1:{port}{s}", timeout=5)
                            .status for s in scripts * 3]
                break
            except ConnectionError:
                time.sleep(0.05)
            except urllib.error.URLError as err:
                if isinstance(err.reason, ConnectionRefusedError):
                    time.sleep(0.05)
                    continue
                raise
        assert scripts and statuses == [200] * len(scripts) * 3
    finally:
        fresh.terminate()
        fresh.wait(timeout=10)
