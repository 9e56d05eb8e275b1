"""The app as gunicorn serves it (Procfile `web`): offline, and in English, to a signed-in
user."""
from __future__ import annotations

import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import requests

from tests.live import SECRET_KEY, free_port
from tests.http import signed_in


def test_index_is_served_with_nothing_from_elsewhere(live_server):
    client = signed_in(live_server, "member")
    page = client.get("/").text
    assert '<html lang="en-GB">' in page
    assert "<title>Corporate parenting dashboard</title>" in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:  # every script and stylesheet comes from the app itself
        assert client.get(source).status_code == 200


# the session was made by requests: the same client headers keep it valid (Flask-Login ties a
# session to the address and the user agent)
HEADERS = {"User-Agent": requests.utils.default_user_agent()}


def test_a_fresh_threaded_worker_serves_its_first_burst_of_scripts(live_server,
                                                                    sample_warehouse):
    """A browser asks for all the scripts at once. On a worker that has not served anything
    yet, under threaded gunicorn, those concurrent first requests raced Dash's setup and got
    500 "not a registered library" (plotly/dash#3971; it failed CI once). Every one must be
    200, on several fresh workers in a row."""
    client = signed_in(live_server, "member")
    scripts = re.findall(r'<script src="(/_dash-component-suites/[^"]+)"', client.get("/").text)
    assert len(scripts) > 5
    # the fresh servers share the key and the state database: the session is good there
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

    def status(url):
        request = urllib.request.Request(url, headers={"Cookie": cookie, **HEADERS})
        try:
            return urllib.request.urlopen(request, timeout=10).status
        except urllib.error.HTTPError as err:
            return err.code

    for _ in range(3):
        port = free_port()
        fresh = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "8", "dashboard.app:server"],
            env={**os.environ, "CPD_DATA_DIR": str(sample_warehouse),
                 "CPD_SECRET_KEY": SECRET_KEY},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:  # wait for the port only: no request may reach the worker first
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.02)
            with concurrent.futures.ThreadPoolExecutor(len(scripts)) as pool:
                statuses = list(pool.map(status, [f"http://127.0.0.1:{port}{s}"
                                                  for s in scripts]))
            assert statuses == [200] * len(scripts)
        finally:
            fresh.terminate()
            fresh.wait(timeout=10)
