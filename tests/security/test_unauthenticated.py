"""Nobody signed in gets anything but the sign-in page: every page sends them there, and
Dash's own routes, its scripts and the rejects reports are refused with no data. Nothing a
signed-out request does is a 500."""
from __future__ import annotations

import json
import time

import pytest
from flask import Flask

from tests.security import support

PAGES = ["/", "/principle/1", "/outcome/stay-safe", "/indicator/cla_at_period_end",
         "/drill?indicator=cla_at_period_end&team={own_team}", "/data-quality", "/compare",
         "/audit", "/drill?indicator=cla_at_period_end&sw={own_worker}",
         "/indicator/cla_at_period_end?breakdown=team&area={own_area}"]


def _no_data(response, child_ids, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    assert support.child_hits(response, child_ids) == 0, f"{what}: child ids in the answer"
    assert "Traceback" not in response.text, f"{what}: a traceback"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_signed_out_visitor_to_sign_in(live_server, names, child_ids,
                                                          path):
    path = path.format(**names)
    response = support.client(live_server).get(path)
    assert response.status_code == 302, path
    location = response.headers["Location"]
    assert location.startswith("/sign-in?next="), location
    _no_data(response, child_ids, path)
    # and the sign-in page it leads to is served, with nothing else
    landing = support.client(live_server).get(location)
    assert landing.status_code == 200 and 'name="password"' in landing.text
    _no_data(landing, child_ids, location)


def test_dash_routes_scripts_and_reports_are_refused(live_server, names, child_ids,
                                                     sample_warehouse):
    made = support.client(live_server)
    first = support.last_audit_id(sample_warehouse)
    refused = {
        ("GET", "/_dash-layout"), ("GET", "/_dash-dependencies"),
        ("GET", "/_dash-component-suites/dash/dcc/dash_core_components.js"),
        ("GET", "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js"),
        ("GET", "/_dash-component-suites/dash/deps/react@18.3.1.min.js"),
        ("GET", f"/reports/{names['load']}/rejects.csv"),
        ("GET", f"/reports/{names['load']}/rejects.html"),
        ("GET", "/reports/..%2Fstate.sqlite/rejects.csv"), ("GET", "/_reload-hash"),
        ("GET", "/assets/..%2Fstate.sqlite"), ("GET", "/assets/app.js"),
    }
    for method, path in sorted(refused):
        response = made.request(method, path)
        assert response.status_code in (401, 403, 404), f"{method} {path}: " \
                                                         f"{response.status_code}"
        _no_data(response, child_ids, path)
        assert "dash_renderer" not in response.text and "rule" not in response.text.lower()
    # the report's refusal is written to the audit log, without the path as sent
    logged = support.audit_since(sample_warehouse, first, user="anonymous",
                                 outcome="refused")
    assert any(e["action"] == "request without signing in" and
               e["what"].get("path", "").startswith("/reports/") for e in logged)


def test_callbacks_are_refused_before_dash_sees_them(live_server, names, child_ids):
    made = support.client(live_server)
    search = f"?indicator=cla_at_period_end&team={names['own_team'].replace(' ', '+')}"
    page = made.page("/drill", search)
    export = support.download(made, search)
    xlsx = support.download(made, search, csv_clicks=None, xlsx_clicks=1)
    forged_token = support.forge(made, "page.children", [
        {"id": "url", "property": "pathname", "value": "/drill"},
        {"id": "url", "property": "search", "value": search}], csrf="forged-token")
    for what, response in (("page", page), ("csv", export), ("xlsx", xlsx),
                           ("forged token", forged_token)):
        assert response.status_code == 401, f"{what}: {response.status_code}"
        _no_data(response, child_ids, what)
        assert support.download_data(response) is None


def test_a_forged_session_cookie_is_nobody(live_server, names, child_ids):
    """A cookie signed with another key, claiming the analyst, gets nothing."""
    fake = Flask("forger")
    fake.secret_key = "not the dashboard's key, but long enough to look like one"
    now = time.time()
    data = {"_user_id": "analyst", "_fresh": True, "signed_in_at": now, "last_seen": now,
            "csrf": "x", "sid": "forged"}
    cookie = fake.session_interface.get_signing_serializer(fake).dumps(data)
    made = support.client(live_server)
    made.cookies = {"cpd_session": cookie, "_csrf_token": "x"}
    assert made.get("/").status_code == 302
    response = made.page("/drill", f"?indicator=cla_at_period_end&team="
                                   f"{names['own_team'].replace(' ', '+')}")
    assert response.status_code == 401
    _no_data(response, child_ids, "forged cookie")
    # and a cookie that is not a signed session at all
    made.cookies = {"cpd_session": "garbage.garbage.garbage", "_csrf_token": "x"}
    assert made.get("/").status_code == 302
    assert made.page("/", "").status_code == 401


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_no_method_on_any_route_is_a_500_signed_out(live_server, names, child_ids, method):
    made = support.client(live_server)
    for path in ("/", "/drill", "/_dash-update-component", "/_dash-layout",
                 f"/reports/{names['load']}/rejects.csv", "/sign-in", "/sign-out",
                 "/sso/start", "/sso/callback", "/nowhere", "/assets/style.css"):
        body = json.dumps({"output": "page.children"}) if method in ("POST", "PUT") else None
        response = made.request(method, path, data=body,
                                headers={"Content-Type": "application/json"})
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        _no_data(response, child_ids, f"{method} {path}")


def test_only_the_sign_in_pages_and_their_style_sheet_are_public(live_server):
    made = support.client(live_server)
    assert made.get("/sign-in").status_code == 200
    style = made.get("/assets/style.css")
    assert style.status_code == 200 and "text/css" in style.headers["Content-Type"]
