"""Behind the council's proxy: the client's address (for the sign-in limit and the audit log)
comes from X-Forwarded-For only when CPD_PROXY_HOPS says a proxy is there; otherwise a client
cannot forge it."""
from __future__ import annotations

import re

import pytest

from dashboard import state


def failed_sign_in_source(monkeypatch, hops: str | None) -> str:
    from dashboard.app import create_app

    if hops is None:
        monkeypatch.delenv("CPD_PROXY_HOPS", raising=False)
    else:
        monkeypatch.setenv("CPD_PROXY_HOPS", hops)
    client = create_app().server.test_client()
    forged = {"X-Forwarded-For": "203.0.113.9"}
    token = re.search(r'name="csrf" value="([^"]+)"',
                      client.get("/sign-in", headers=forged).text).group(1)
    response = client.post("/sign-in", headers=forged, data={
        "csrf": token, "name": "nobody-here", "password": "not a password at all"})
    assert response.status_code == 401
    return state.audit_entries(limit=1)[0]["source"]


def test_a_forwarded_address_is_believed_only_behind_a_proxy(sample_env, monkeypatch):
    assert failed_sign_in_source(monkeypatch, None) == "127.0.0.1"
    assert failed_sign_in_source(monkeypatch, "1") == "203.0.113.9"


def test_a_bad_proxy_setting_stops_the_start(sample_env, monkeypatch):
    from dashboard.app import create_app
    from dashboard.auth import StartupRefused

    monkeypatch.setenv("CPD_PROXY_HOPS", "one")
    with pytest.raises(StartupRefused, match="CPD_PROXY_HOPS"):
        create_app()
