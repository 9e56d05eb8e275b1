"""Single sign-on over OpenID Connect against a real provider run here (oidc-provider-mock on
localhost; no internet): the app, under gunicorn with CPD_OIDC_* pointing at it, fetches the
provider's metadata, keys and tokens over HTTP with Authlib. The role and teams come from the
group claims; someone in none of the dashboard's groups is refused with a 403 page and an
audit row; a disabled single sign-on user stays out; a council account never takes over a
local user."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from tests.live import LOGS, SECRET_KEY, free_port
from tests.security import support

INDICATOR = "cla_at_period_end"
SUFFIX = secrets.token_hex(3)
MANAGER = f"sso-manager-{SUFFIX}"
MEMBER = f"sso-member-{SUFFIX}"
NOBODY = f"sso-nobody-{SUFFIX}"
NO_TEAM = f"sso-no-team-{SUFFIX}"
# the provider imports Authlib's older modules
pytestmark = pytest.mark.filterwarnings(
    "ignore::authlib.deprecate.AuthlibDeprecationWarning")
ANALYST = f"sso-analyst-{SUFFIX}"


@pytest.fixture(scope="module")
def provider(names):
    from oidc_provider_mock import User, run_server_in_thread

    people = [
        User(sub="manager", claims={"preferred_username": MANAGER, "groups": [
            "staff", "cpd-managers", f"cpd-team:{names['own_team']}"]}),
        User(sub="member", claims={"preferred_username": MEMBER, "groups": [
            "cpd-members", f"cpd-team:{names['own_team']}"]}),
        User(sub="analyst", claims={"preferred_username": ANALYST, "groups": ["cpd-analysts"]}),
        User(sub="nobody", claims={"preferred_username": NOBODY, "groups": [
            "staff", f"cpd-team:{names['own_team']}"]}),
        User(sub="no-team", claims={"preferred_username": NO_TEAM,
                                    "groups": ["cpd-managers"]}),
        User(sub="takeover", claims={"preferred_username": "analyst",
                                     "groups": ["cpd-admins"]}),
    ]
    with run_server_in_thread(user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def sso_server(provider, sample_warehouse):
    """The production app under gunicorn, signing in through the provider."""
    port = free_port()
    LOGS.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CPD_DATA_DIR": str(sample_warehouse), "CPD_SECRET_KEY": SECRET_KEY,
           "CPD_OIDC_ISSUER": provider, "CPD_OIDC_CLIENT_ID": "cpd-dashboard",
           "CPD_OIDC_CLIENT_SECRET": secrets.token_urlsafe(24)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "4", "dashboard.app:server"],
        env=env, stdout=subprocess.DEVNULL, stderr=LOGS.open("ab"))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/sign-in", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        else:
            pytest.fail("gunicorn with single sign-on did not start")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def sso(base: str, provider: str, sub: str, next_page: str = "/drill"):
    """Sign in through the council's sign-in: the app sends the browser to the provider,
    the person (here `sub`) signs in there, the provider sends them back with a code.
    (client, the app's answer to the way back)."""
    made = support.client(base)
    start = made.get("/sso/start?next=" + urllib.parse.quote(next_page, safe=""))
    assert start.status_code == 302, start.status_code
    authorize = start.headers["Location"]
    assert authorize.startswith(provider + "/"), authorize
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]
    back = urllib.parse.urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}" == base and back.path == "/sso/callback"
    return made, made.get(f"{back.path}?{back.query}")


def users(folder) -> dict[str, dict]:
    code, out, err = support.cpd(folder, "users", "list", "--format", "json")
    assert code == 0, err
    return {u["name"]: u for u in json.loads(out)["users"]}


def test_the_sign_in_page_offers_the_council_account(sso_server):
    form = support.client(sso_server).get("/sign-in")
    assert form.status_code == 200 and "/sso/start" in form.text


def test_a_manager_from_the_group_claims_gets_their_team(sso_server, provider,
                                                         sample_warehouse, names, child_ids):
    first = support.last_audit_id(sample_warehouse)
    made, back = sso(sso_server, provider, "manager")
    assert back.status_code == 302 and back.headers["Location"] == "/drill"
    page = made.page("/", "")
    assert page.status_code == 200
    assert f"Signed in as {MANAGER} (manager)" in support.page_text(page)
    record = users(sample_warehouse)[MANAGER]
    assert record["source"] == "sso" and record["role"] == "manager"
    assert record["teams"] == [names["own_team"]]
    own = made.page("/drill", f"?indicator={INDICATOR}&team="
                              f"{urllib.parse.quote(names['own_team'])}")
    shown = support.ids_in(own, child_ids)
    assert shown and shown <= names["children_of"][names["own_team"]]
    other = made.page("/drill", f"?indicator={INDICATOR}&team="
                                f"{urllib.parse.quote(names['other_team'])}")
    assert support.child_hits(other, child_ids) == 0
    signed = support.audit_since(sample_warehouse, first, user=MANAGER)
    assert signed[0]["action"] == "sign in" and signed[0]["outcome"] == "signed in"
    assert signed[0]["session"]


def test_a_council_account_in_no_dashboard_group_is_refused(sso_server, provider,
                                                            sample_warehouse):
    first = support.last_audit_id(sample_warehouse)
    made, back = sso(sso_server, provider, "nobody")
    assert back.status_code == 403
    assert "not in any of the dashboard" in back.text
    assert "Traceback" not in back.text
    assert made.page("/", "").status_code == 401
    assert made.get("/").status_code == 302
    refused = support.audit_since(sample_warehouse, first, outcome="refused")
    assert [e for e in refused if e["action"] == "sign in (council account)"]
    assert NOBODY not in users(sample_warehouse)


def test_a_disabled_council_account_stays_out(sso_server, provider, sample_warehouse):
    made, back = sso(sso_server, provider, "member")
    assert back.status_code == 302, back.text[-600:]
    assert made.page("/", "").status_code == 200
    assert users(sample_warehouse)[MEMBER]["source"] == "sso"
    assert support.cpd(sample_warehouse, "users", "disable", MEMBER)[0] == 0
    assert made.page("/", "").status_code == 401  # out at the next request
    first = support.last_audit_id(sample_warehouse)
    again, back = sso(sso_server, provider, "member")
    assert back.status_code == 403 and "disabled" in back.text
    assert again.page("/", "").status_code == 401
    refused = support.audit_since(sample_warehouse, first, user=MEMBER, outcome="refused")
    assert [e for e in refused if e["action"] == "sign in (council account)"]
    assert users(sample_warehouse)[MEMBER]["status"] == "disabled"


def test_a_council_account_never_takes_over_a_local_user(sso_server, provider,
                                                         sample_warehouse):
    before = users(sample_warehouse)["analyst"]
    made, back = sso(sso_server, provider, "takeover")
    assert back.status_code == 403 and "Traceback" not in back.text
    assert made.page("/", "").status_code == 401
    assert users(sample_warehouse)["analyst"] == before


def test_a_manager_without_a_team_group_is_refused_not_500(sso_server, provider,
                                                            sample_warehouse):
    made, back = sso(sso_server, provider, "no-team")
    assert back.status_code == 403 and "Traceback" not in back.text
    assert made.page("/", "").status_code == 401
    assert NO_TEAM not in users(sample_warehouse)


def test_the_role_follows_the_group_claims_at_each_sign_in(sso_server, provider,
                                                           sample_warehouse, names):
    """The council moves the manager to the members' group: their next sign-in is as a
    member, with no teams kept (only a manager's reach is kept to teams)."""
    made, back = sso(sso_server, provider, "manager")
    assert back.status_code == 302
    moved = requests.put(f"{provider}/users/manager", timeout=10, json={
        "preferred_username": MANAGER, "groups": ["cpd-members",
                                                  f"cpd-team:{names['other_team']}"]})
    assert moved.status_code == 204
    made, back = sso(sso_server, provider, "manager")
    assert back.status_code == 302
    assert f"Signed in as {MANAGER} (member)" in support.page_text(made.page("/", ""))
    record = users(sample_warehouse)[MANAGER]
    assert record["role"] == "member" and record["teams"] is None


def test_an_analyst_with_no_team_group_signs_in(sso_server, provider, sample_warehouse,
                                                names, child_ids):
    """A council account in cpd-analysts (or cpd-members, cpd-admins) with no cpd-team:
    group signs in: only a manager is kept to teams, so no team group means no limit."""
    made, back = sso(sso_server, provider, "analyst")
    said = re.sub(r"<[^>]+>", " ", back.text.split("<main", 1)[-1])
    assert back.status_code == 302, f"{back.status_code}: {' '.join(said.split())[:200]}"
    record = users(sample_warehouse)[ANALYST]
    assert record["role"] == "analyst" and record["teams"] is None
    other = made.page("/drill", f"?indicator={INDICATOR}&team="
                                f"{urllib.parse.quote(names['other_team'])}")
    assert support.child_hits(other, child_ids)


@pytest.mark.parametrize("query", ["", "?code=forged&state=forged", "?error=access_denied",
                                   "?code=" + "x" * 3000])
def test_a_forged_return_from_the_provider_is_refused(sso_server, query):
    made = support.client(sso_server)
    made.get("/sso/start")  # a session with a real state, not the one sent back
    response = made.get("/sso/callback" + query)
    assert response.status_code in (403, 414), response.status_code
    assert "Traceback" not in response.text
    assert made.page("/", "").status_code == 401
