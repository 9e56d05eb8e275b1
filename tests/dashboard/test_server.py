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

