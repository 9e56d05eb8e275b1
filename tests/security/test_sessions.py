"""Sessions: a disabled or reset user is out at their next request; signing out ends the
session; sign-in is rate-limited per address and an account locks after ten wrong passwords;
the cookies are Secure, HttpOnly and SameSite; a session ends after 30 idle minutes and after
600 minutes whatever happens. Production will not start without a secret key and a way to
sign in; the demo serves this machine only."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.live import PASSWORD, SECRET_KEY, USERS, free_port
from tests.security import support

INDICATOR = "cla_at_period_end"
NEW_PASSWORD = "a brand new password for this user"


def q(**params) -> str:
    return "?" + urllib.parse.urlencode(params)


# --- a user's record, read again on every request -----------------------------------------------

def test_a_disabled_user_is_out_at_their_next_request(live_server, sample_warehouse, names,
                                                      child_ids):
    name = support.add_user(sample_warehouse, "sec-disabled", "analyst")
    made = support.sign_in(live_server, name)
    search = q(indicator=INDICATOR, team=names["own_team"])
    assert support.child_hits(made.page("/drill", search), child_ids), "the control failed"
    code, _, err = support.cpd(sample_warehouse, "users", "disable", name)
    assert code == 0, err
    response = made.page("/drill", search)
    assert response.status_code == 401
    assert support.child_hits(response, child_ids) == 0
    assert support.download(made, search).status_code == 401
    page = made.get("/drill" + search)
    assert page.status_code == 302 and page.headers["Location"].startswith("/sign-in")
    again = support.client(live_server).sign_in(name)
    assert again.status_code == 401 and "do not match an enabled account" in again.text


def test_a_reset_ends_every_session_of_the_user(live_server, sample_warehouse):
    name = support.add_user(sample_warehouse, "sec-reset")
    first, second = support.sign_in(live_server, name), support.sign_in(live_server, name)
    assert first.page("/", "").status_code == 200
    code, out, err = support.cpd(sample_warehouse, "users", "reset", name, "--password-stdin",
                                 stdin=NEW_PASSWORD + "\n")
    assert code == 0, err
    assert NEW_PASSWORD not in out + err
    for made in (first, second):
        assert made.page("/", "").status_code == 401
        assert made.get("/").status_code == 302
    assert support.client(live_server).sign_in(name).status_code == 401  # the old password
    assert support.sign_in(live_server, name, NEW_PASSWORD).page("/", "").status_code == 200


def test_signing_out_ends_the_session(live_server, sample_warehouse):
    name = support.add_user(sample_warehouse, "sec-sign-out")
    made = support.sign_in(live_server, name)
    first = support.last_audit_id(sample_warehouse)
    # without the form's token (a page of another site) nobody is signed out
    assert made.post("/sign-out", data={}).status_code == 400
    assert made.page("/", "").status_code == 200
    response = made.post("/sign-out", data={"csrf": made.cookies["_csrf_token"]})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?ended=out"
    assert any(line.startswith("cpd_session=;") and "Max-Age=0" in line
               for line in response.raw.headers.getlist("Set-Cookie"))
    assert made.page("/", "").status_code == 401
    assert made.get("/").headers["Location"].startswith("/sign-in")
    assert [e["action"] for e in support.audit_since(sample_warehouse, first, user=name)] \
        == ["sign out"]


def test_a_session_cookie_copied_before_signing_out_is_refused_after(live_server,
                                                                    sample_warehouse, names,
                                                                    child_ids):
    """Signing out ends the session on the server too: a copy of the cookie taken before
    (a shared computer, a proxy log) is refused after it, for pages and callbacks alike."""
    name = support.add_user(sample_warehouse, "sec-replay", "analyst")
    made = support.sign_in(live_server, name)
    copied = support.fresh_copy(made)
    made.post("/sign-out", data={"csrf": made.cookies["_csrf_token"]})
    page = copied.get("/")
    callback = copied.page("/drill", q(indicator=INDICATOR, team=names["own_team"]))
    assert page.status_code == 302, f"GET / with the old cookie: {page.status_code}"
    assert callback.status_code == 401, f"page callback with the old cookie: " \
                                        f"{callback.status_code} (" \
                                        f"{support.child_hits(callback, child_ids)} child ids)"


def test_signing_in_gives_a_new_session(live_server):
    """No session fixation: the cookie from before signing in is not the signed-in one, and
    replaying it signs nobody in."""
    made = support.client(live_server)
    made.get("/sign-in")
    before = dict(made.cookies)
    assert made.sign_in(USERS["member"]).status_code == 302
    assert made.cookies["cpd_session"] != before["cpd_session"]
    old = support.client(live_server, made.address)
    old.cookies = before
    assert old.page("/", "").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/",
                                    "/\\evil.example", "http:/evil.example", "/%0d%0aX: y",
                                    "javascript:alert(1)"])
def test_signing_in_never_sends_anyone_to_another_site(live_server, target):
    made = support.client(live_server)
    token = made.form_token("/sign-in?next=" + urllib.parse.quote(target, safe=""))
    response = made.post("/sign-in", data={"csrf": token, "name": USERS["member"],
                                           "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "evil" not in location and "\r" not in location and "\n" not in location


# --- cookies ---------------------------------------------------------------------------------------

def _set_cookies(response) -> dict[str, str]:
    return {SimpleCookie(line).popitem()[0]: line
            for line in response.raw.headers.getlist("Set-Cookie")}


def test_the_cookies_are_secure_httponly_and_samesite(live_server):
    made = support.client(live_server)
    form = _set_cookies(made.get("/sign-in"))
    signed = _set_cookies(made.sign_in(USERS["member"]))
    for cookies in (form, signed):
        session = cookies["cpd_session"]
        for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert flag in session, f"cpd_session lacks {flag}: " \
                                    f"{re.sub(r'=[^;]+', '=…', session, count=1)}"
    # a browser-session cookie (gone when the browser closes): the time limits are kept on
    # the server, and Flask-Login's strong protection only holds for such sessions
    assert "Expires=" not in signed["cpd_session"] and "Max-Age" not in signed["cpd_session"]
    # Dash's renderer must read the CSRF cookie: Secure and SameSite=Strict, not HttpOnly
    csrf = signed["_csrf_token"]
    assert "Secure" in csrf and "SameSite=Strict" in csrf and "HttpOnly" not in csrf


# --- rate limit and lockout -------------------------------------------------------------------------

def _attempt(made, name: str, password: str = "not the password at all", close=False):
    token = made.form_token()
    return made.post("/sign-in", data={"csrf": token, "name": name, "password": password},
                     headers={"Connection": "close"} if close else None)


def sign_in_rate() -> int:
    """The live server's limit of sign-in attempts per address and minute: CPD_SIGN_IN_RATE
    (README: default "30 per minute"); the live server inherits this process's environment."""
    text = os.environ.get("CPD_SIGN_IN_RATE", "30 per minute")
    found = re.fullmatch(r"\s*(\d+)\s*(?:per|/)\s*(?:1\s*)?minute\s*", text)
    assert found, f"these tests know a rate of 'N per minute' only, not {text!r}"
    return int(found.group(1))


def _stale(made):
    """A sign-in POST that fails before any password is tried (no form token): it still
    counts towards the limit, and costs the server nothing."""
    return made.post("/sign-in", data={"name": "x", "password": "y"})


def test_more_sign_ins_a_minute_than_the_limit_from_one_address_get_429(live_server,
                                                                        sample_warehouse):
    limit = sign_in_rate()
    name = support.add_user(sample_warehouse, "sec-rate-limit")
    made = support.client(live_server)  # one connection, one address
    first = support.last_audit_id(sample_warehouse)
    statuses = [_stale(made).status_code for _ in range(limit - 1)]
    assert statuses == [400] * (limit - 1)
    assert _attempt(made, name).status_code == 401  # attempt number `limit`
    refused = _attempt(made, name, PASSWORD)  # the right password, one too many
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text and "Traceback" not in refused.text
    assert refused.headers["Cache-Control"] == "no-store"
    logged = support.audit_since(sample_warehouse, first, outcome="refused")
    assert any(e["action"] == "sign in" and e["what"] == {"reason": "rate limit"}
               and e["source"] == made.address for e in logged)
    # the limit is per address: another one signs in at once
    assert support.as_role(live_server, "member").page("/", "").status_code == 200


def test_the_sign_in_limit_holds_across_the_servers_workers(live_server):
    """The sign-in limit holds across the server's workers: the counters are in the state
    database, not in each worker's memory (which let N workers take N times the limit)."""
    limit = sign_in_rate()
    address = support.next_address()
    answered = []
    for _ in range(2 * limit + 1):
        made = support.client(live_server, address)
        answered.append(made.post("/sign-in", data={"name": "x", "password": "y"},
                                  headers={"Connection": "close"}).status_code)
        made.http.close()
    allowed = [s for s in answered if s != 429]
    assert len(allowed) <= limit, f"{len(allowed)} sign-in attempts in a minute from one " \
                                  f"address were let through (limit {limit}): {answered}"


def test_ten_wrong_passwords_lock_the_account(live_server, sample_warehouse):
    name = support.add_user(sample_warehouse, "sec-lockout")
    first = support.last_audit_id(sample_warehouse)
    for _ in range(10):  # each from an address of its own: the lock is the account's
        assert _attempt(support.client(live_server), name).status_code == 401
    locked = _attempt(support.client(live_server), name, PASSWORD)
    assert locked.status_code == 401, "the right password got in to a locked account"
    code, out, _ = support.cpd(sample_warehouse, "users", "list", "--format", "json")
    [record] = [u for u in json.loads(out)["users"] if u["name"] == name]
    assert record["status"] == "locked"
    failed = support.audit_since(sample_warehouse, first, user=name, outcome="failed")
    assert len(failed) == 11 and all(e["action"] == "sign in" for e in failed)
    assert support.cpd(sample_warehouse, "users", "enable", name)[0] == 0
    assert support.sign_in(live_server, name).page("/", "").status_code == 200


def test_a_failed_sign_in_with_an_unknown_name_logs_no_name(live_server, sample_warehouse):
    """What someone types as a name could be anything, even a child's id: the audit log
    records only names of real users."""
    first = support.last_audit_id(sample_warehouse)
    typed = "C99999999-not-a-user"
    assert _attempt(support.client(live_server), typed).status_code == 401
    logged = support.audit_since(sample_warehouse, first)
    assert logged and all(typed not in json.dumps(e) for e in logged)
    assert logged[-1]["user"] == "unknown name"


# --- idle and absolute expiry, in this process with the clock moved on -----------------------------

class Clock:
    def __init__(self, monkeypatch):
        from dashboard import auth

        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(auth.time, "time", lambda: real() + self.offset)

    def forward(self, minutes: float) -> None:
        self.offset += minutes * 60


def _in_process(monkeypatch, idle: int | None = None, longest: int | None = None):
    from dashboard.app import create_app

    for name, value in (("CPD_SESSION_IDLE_MINUTES", idle),
                        ("CPD_SESSION_MAX_MINUTES", longest)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, str(value))
    made = create_app().server.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', made.get("/sign-in").text).group(1)
    response = made.post("/sign-in", data={"csrf": token, "name": USERS["analyst"],
                                           "password": PASSWORD})
    assert response.status_code == 302
    return made


def _page_callback(made):
    return made.post("/_dash-update-component", json={
        "output": "page.children", "outputs": {"id": "page", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": "/"},
                   {"id": "url", "property": "search", "value": ""}],
        "state": [], "changedPropIds": ["url.pathname"]},
        headers={"X-CSRFToken": made.get_cookie("_csrf_token").value})


def test_a_session_ends_after_30_idle_minutes(sample_env, monkeypatch):
    clock = Clock(monkeypatch)
    made = _in_process(monkeypatch)
    first = support.last_audit_id(sample_env)
    for _ in range(3):  # in use: 29 minutes between requests, 87 in all
        clock.forward(29)
        assert made.get("/").status_code == 200
    assert _page_callback(made).status_code == 200
    clock.forward(31)
    response = made.get("/indicator/cla_at_period_end")
    assert response.status_code == 302
    assert "ended=idle" in response.headers["Location"]
    assert "next=%2Findicator%2Fcla_at_period_end" in response.headers["Location"]
    assert _page_callback(made).status_code == 401
    ended = support.audit_since(sample_env, first, user=USERS["analyst"])
    assert any(e["action"] == "session ended" and e["what"] == {"reason": "idle"}
               for e in ended)


def test_a_session_ends_after_600_minutes_however_busy(sample_env, monkeypatch):
    clock = Clock(monkeypatch)
    made = _in_process(monkeypatch)
    for _ in range(23):  # a request every 26 minutes: 598 minutes
        clock.forward(26)
        assert made.get("/").status_code == 200
    clock.forward(3)
    response = made.get("/")
    assert response.status_code == 302 and "ended=expired" in response.headers["Location"]
    assert _page_callback(made).status_code == 401


def test_the_session_limits_come_from_the_environment(sample_env, monkeypatch):
    clock = Clock(monkeypatch)
    made = _in_process(monkeypatch, idle=5, longest=12)
    clock.forward(4)
    assert made.get("/").status_code == 200
    clock.forward(6)
    assert "ended=idle" in made.get("/").headers["Location"]
    made = _in_process(monkeypatch, idle=5, longest=12)
    for _ in range(3):  # 10.5 minutes, never 5 idle
        clock.forward(3.5)
        assert made.get("/").status_code == 200
    clock.forward(2)
    assert "ended=expired" in made.get("/").headers["Location"]


# --- production will not start unsafely ------------------------------------------------------------

def _serve(env: dict, command: list[str], timeout: float = 60) -> tuple[int, str]:
    """Start a server as production would; (exit code, everything it printed). A server
    that starts is stopped and reported as exit code None."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("CPD_SECRET", "CPD_OIDC"))}
    process = subprocess.Popen(command, env={**clean, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
        out, _ = process.communicate(timeout=10)
        return None, out
    return process.returncode, out


def _gunicorn() -> list[str]:
    return [str(Path(sys.executable).with_name("gunicorn")), "--bind",
            f"127.0.0.1:{free_port()}", "--workers", "1", "dashboard.app:server"]


def test_production_will_not_start_without_a_secret_key(sample_warehouse):
    code, out = _serve({"CPD_DATA_DIR": str(sample_warehouse)}, _gunicorn())
    assert code not in (None, 0), "gunicorn served without a secret key"
    assert "CPD_SECRET_KEY is not set" in out
    short = "short-secret-value-xyz"
    code, out = _serve({"CPD_DATA_DIR": str(sample_warehouse), "CPD_SECRET_KEY": short},
                       _gunicorn())
    assert code not in (None, 0), "gunicorn served with a 22-character secret key"
    assert "at least 32 characters" in out and short not in out


def test_production_will_not_start_without_a_way_to_sign_in(tmp_path):
    code, out = _serve({"CPD_DATA_DIR": str(tmp_path / "data"),
                        "CPD_SECRET_KEY": SECRET_KEY}, _gunicorn())
    assert code not in (None, 0), "gunicorn served with nobody able to sign in"
    assert "there is no way to sign in" in out and SECRET_KEY not in out


def test_half_configured_single_sign_on_is_refused_without_printing_its_secret(tmp_path):
    client_secret = "oidc-client-secret-that-must-not-be-printed"
    code, out = _serve({"CPD_DATA_DIR": str(tmp_path / "data"), "CPD_SECRET_KEY": SECRET_KEY,
                        "CPD_OIDC_ISSUER": "http://127.0.0.1:9",
                        "CPD_OIDC_CLIENT_SECRET": client_secret}, _gunicorn())
    assert code not in (None, 0)
    assert "CPD_OIDC_CLIENT_ID" in out
    assert client_secret not in out and SECRET_KEY not in out


def test_cpd_serve_refuses_plainly_without_a_secret_key(sample_warehouse):
    """`cpd serve` says why in plain words (no traceback) and exits non-zero."""
    cpd = Path(sys.executable).with_name("cpd")
    code, out = _serve({"CPD_DATA_DIR": str(sample_warehouse)},
                       [str(cpd), "serve", "--port", str(free_port())], timeout=30)
    assert code not in (None, 0), "cpd serve served without a secret key"
    assert "CPD_SECRET_KEY is not set" in out
    assert "Traceback" not in out, "cpd serve refused with a traceback"


def test_the_demo_will_not_listen_beyond_this_machine(tmp_path):
    code, _, err = support.cpd(tmp_path / "data", "serve", "--demo", "--host", "0.0.0.0")
    assert code == 2 and "loopback" in err and "Traceback" not in err


# --- the demo serves this machine only ---------------------------------------------------------------

@pytest.fixture
def demo(tmp_path, monkeypatch):
    from dashboard import state
    from dashboard.app import create_app

    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "demo-data"))
    monkeypatch.delenv("CPD_SECRET_KEY", raising=False)
    state.ensure_demo_users(["North 1"])
    return create_app(demo=True).server.test_client()


ELSEWHERE = {"REMOTE_ADDR": "10.0.0.5"}


def test_the_demo_refuses_anyone_not_on_this_machine(demo):
    for method, path in (("GET", "/sign-in"), ("GET", "/"), ("GET", "/_dash-layout"),
                         ("POST", "/sign-in/demo"), ("GET", "/assets/style.css")):
        response = demo.open(path, method=method, environ_base=ELSEWHERE,
                             data={"role": "analyst"} if method == "POST" else None)
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
        assert "serves this machine only" in response.text
        assert 'name="role"' not in response.text
    # a forwarded-for header claiming this machine changes nothing
    response = demo.get("/sign-in", environ_base=ELSEWHERE,
                        headers={"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"})
    assert response.status_code == 403


def test_the_demo_signs_in_from_this_machine_with_a_banner(demo):
    form = demo.get("/sign-in")
    assert form.status_code == 200
    assert "Demo" in form.text and "Sign in as the demo member" in form.text
    assert 'name="password"' not in form.text  # no passwords in the demo
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    assert demo.post("/sign-in/demo", data={"csrf": token, "role": "member"}).status_code \
        == 302
    assert demo.get("/").status_code == 200
    page = _page_callback(demo)
    assert page.status_code == 200 and "demo-banner" in page.text
    assert "Signed in as demo-member (member)" in page.text
    # the signed-in session is refused from elsewhere just the same
    assert demo.get("/", environ_base=ELSEWHERE).status_code == 403
    assert demo.get("/sign-in", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_production_has_no_demo_sign_in(sample_env):
    from dashboard.app import create_app

    made = create_app().server.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', made.get("/sign-in").text).group(1)
    response = made.post("/sign-in/demo", data={"csrf": token, "role": "admin"})
    assert response.status_code == 404
    assert made.get("/").status_code == 302
