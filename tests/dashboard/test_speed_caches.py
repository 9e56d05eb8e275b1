"""What the web workers remember to serve pages fast (issue 14) never crosses from one role or
remit to another, never outlives the warehouse it was worked out from, and never spares a
view its audit entry: a member after an analyst sees the member's figures, the next request
after a publish sees the new warehouse, and every view of children is in the audit log."""
from __future__ import annotations

import json
import re

import pytest
from plotly.io.json import to_json_plotly

from dashboard import access, rendered, state
from dashboard.access import User
from etl.cli import main
from etl.warehouse import publish
from tests.etl.test_derive import P1, P2, year_1, year_2
from tests.live import MANAGER_AREA, PASSWORD, SECOND_LA, SECRET_KEY, USERS, own_copy

# the pages the bench times, and a few views of a team, an earlier period and a breakdown
PAGES = [("/", ""), ("/scorecard", ""), ("/principle/6", ""), ("/outcome/be-healthy", ""),
         ("/indicator/placement_stability_short", ""),
         ("/indicator/placement_stability_short", "?breakdown=team"),
         ("/drill", "?indicator=placement_stability_short"), ("/data-quality", ""),
         ("/", "?area=North+Locality"), ("/scorecard", "?period=2025-03-31"),
         ("/principle/6", "?area=South+Locality"), ("/", f"?la={SECOND_LA}"),
         ("/indicator/placement_stability_short", f"?la={SECOND_LA}")]


@pytest.fixture
def app(sample_warehouse, tmp_path, monkeypatch):
    """The production app over a data folder of its own holding the sample's warehouse and
    users (its audit log is this test's alone)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CPD_DATA_DIR", str(folder))
    monkeypatch.setenv("CPD_SECRET_KEY", SECRET_KEY)
    own_copy(sample_warehouse, folder)
    from dashboard.app import create_app

    return create_app()


def signed_in(app, name: str, password: str = PASSWORD):
    client = app.server.test_client()
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/sign-in").text).group(1)
    response = client.post("/sign-in", data={"csrf": token, "name": name,
                                             "password": password})
    assert response.status_code == 302, f"{name} could not sign in"
    client.get("/")  # the page sets the cookie the callbacks echo
    return client


def view(client, path: str, search: str = "") -> list:
    """The page's callback, as the browser sends it: [masthead, main] as JSON data."""
    body = {"output": "page.children", "outputs": {"id": "page", "property": "children"},
            "inputs": [{"id": "url", "property": "pathname", "value": path},
                       {"id": "url", "property": "search", "value": search}],
            "state": [], "changedPropIds": ["url.pathname", "url.search"]}
    response = client.post("/_dash-update-component", json=body,
                           headers={"X-CSRFToken": client.get_cookie("_csrf_token").value})
    assert response.status_code == 200, response.text[:300]
    assert "cpd-part-" not in response.text  # every shared part is in place
    return json.loads(response.text)["response"]["page"]["children"]


def user(name: str) -> User:
    record = state.get_user(name)
    return User(record.name, record.role,
                None if record.teams is None else frozenset(record.teams),
                None if record.councils is None else frozenset(record.councils))


def drawn_afresh(path: str, search: str, who: User):
    """The page's main part as it is drawn for `who` alone, sharing nothing drawn for
    anyone else (the app's page function, outside a request)."""
    from dashboard.app import page

    return json.loads(to_json_plotly(page(path, search, who)[1]))


def texts(data) -> list[str]:
    """Every string in a page's JSON: its words, and what its charts draw."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [t for item in data for t in texts(item)]
    if isinstance(data, dict):
        return [t for value in data.values() for t in texts(value)]
    return []


def test_a_member_after_an_analyst_sees_the_members_figures(app):
    analyst, member = signed_in(app, USERS["analyst"]), signed_in(app, USERS["member"])
    councillor = user(USERS["member"])
    for path, search in PAGES:
        first = view(analyst, path, search)[1]
        assert view(analyst, path, search)[1] == first  # the analyst's, shared the second time
        seen = view(member, path, search)[1]
        assert seen == drawn_afresh(path, search, councillor), (path, search)
        assert seen != first, (path, search)
    # small numbers are hidden from the member, shown to the analyst
    overview = [view(member, "/")[1], view(analyst, "/")[1]]
    assert "c" in texts(overview[0]) and "c" not in texts(overview[1])
    # and the member is refused the drill-down, shared or not
    assert "Not available" in texts(view(member, "/drill",
                                         "?indicator=placement_stability_short"))


def test_each_manager_sees_their_own_remit_whoever_came_before(app, sample_warehouse):
    from tests.live import area_teams

    north = set(area_teams(sample_warehouse, MANAGER_AREA))
    south = set(area_teams(sample_warehouse, "South Locality"))
    state.add_user("south.manager", "manager", teams=sorted(south), password=PASSWORD)
    analyst = signed_in(app, USERS["analyst"])
    managers = [(signed_in(app, USERS["manager"]), user(USERS["manager"]), south),
                (signed_in(app, "south.manager"), user("south.manager"), north)]
    for path, search in PAGES:
        view(analyst, path, search)
        for client, head, others in managers:
            seen = view(client, path, search)[1]
            assert seen == drawn_afresh(path, search, head), (head.name, path, search)
            assert not others & set(texts(seen)), (head.name, path, search)
    # another service area's team is refused each time it is asked for, and audited
    client = managers[0][0]
    before = state.audit_count()
    for _ in range(2):
        assert "Not available" in texts(view(client, "/", "?team=South+1"))
    refused = state.audit_entries(limit=state.audit_count() - before)
    assert [e["outcome"] for e in refused] == ["refused", "refused"]


def test_the_history_behind_trends_is_the_viewers_own(app, sample_warehouse):
    """Worked out once per warehouse, the history each page's trends and sparklines read is,
    for each viewer, what the engine gives their role: members' small numbers hidden."""
    import duckdb

    from etl.config import config_for
    from etl.indicators.engine import compute
    from etl.warehouse.publish import current_path
    from tests.live import area_teams

    la = access.loaded_las()[0]
    team = sorted(area_teams(sample_warehouse, MANAGER_AREA))[0]
    con = duckdb.connect(str(current_path()), read_only=True)
    try:
        viewers = [(user(USERS["analyst"]), None), (user(USERS["member"]), None),
                   (user(USERS["manager"]), ("team", team)), (user(USERS["member"]), None),
                   (user(USERS["analyst"]), ("team", team)),
                   (user(USERS["member"]), ("team", team))]
        hidden = 0
        for who, group in viewers:
            trends = access.history(who, la, group)
            for period in access.periods(la):
                truth = {r["id"]: r for r in compute(
                    con, config_for(la), period, group and group[0], who.suppressed)[
                    "indicators"] if group is None or r["group"] == group[1]}
                shown = {i: dict(trend)[period] for i, trend in trends.items()
                         if period in dict(trend)}
                assert shown == truth, (who.role, group, period)
                hidden += sum(r["value"] == "c" for r in shown.values())
        assert hidden > 0  # the member's figures: some hidden
    finally:
        con.close()


def test_every_view_is_audited_though_its_page_is_shared(app):
    analyst = signed_in(app, USERS["analyst"])
    failed = sum(r["success"] is False for r in access.quality_checks(
        user(USERS["analyst"]), access.loaded_las()[0])["results"][
        access.data_quality(access.loaded_las()[0])["loads"][0]["load_id"]])
    assert failed > 0, "the sample's latest load fails some checks"
    counts = []
    for _ in range(3):
        before = state.audit_count()
        page = texts(view(analyst, "/data-quality"))
        entries = state.audit_entries(limit=state.audit_count() - before)
        counts.append(sum(e["action"] == access.QUALITY_ROWS_ACTION for e in entries))
        assert "Children involved" in page or "What it found" in page
    assert counts == [failed] * 3  # every view of the rows a check found, each time
    manager = signed_in(app, USERS["manager"])
    team = sorted(access.known_values(access.loaded_las()[0])["team"] & set(
        user(USERS["manager"]).teams))[0]
    before = state.audit_count()
    for _ in range(2):
        view(manager, "/drill", f"?indicator=cla_at_period_end&team={team.replace(' ', '+')}")
    viewed = state.audit_entries(limit=state.audit_count() - before)
    assert [e["action"] for e in viewed] == ["children viewed", "children viewed"]
    assert state.verify_audit() == []  # written together, the chain holds


@pytest.fixture
def small(data_dir, tmp_path, monkeypatch):
    """The hand-built first year loaded, an analyst and a member to sign in."""
    monkeypatch.setenv("CPD_SECRET_KEY", SECRET_KEY)
    assert main(["load", str(year_1().write(tmp_path / "y1")), "--period-end", P1]) == 0
    state.add_user("analyst.one", "analyst", password=PASSWORD)
    state.add_user("member.one", "member", password=PASSWORD)
    from dashboard.app import create_app

    return create_app()


def test_the_next_request_after_a_publish_reads_the_new_warehouse(small, tmp_path):
    analyst = signed_in(small, "analyst.one")
    member = signed_in(small, "member.one")
    for client in (analyst, member, analyst):  # remembered for both roles
        assert "Corporate parenting scorecard, 31 Mar 2024" in texts(view(client, "/"))
        assert not any("31 Mar 2025" in t for t in texts(view(client, "/data-quality")))
    loads_before = access.data_quality(access.loaded_las()[0])["loads"]
    assert main(["load", str(year_2().write(tmp_path / "y2")), "--period-end", P2]) == 0
    for client in (analyst, member):
        shown = texts(view(client, "/"))
        assert "Corporate parenting scorecard, 31 Mar 2025" in shown
        assert "31 Mar 2024" in shown  # the earlier period, now in the filters
        assert any("31 Mar 2025" in t for t in texts(view(client, "/data-quality")))
    assert len(access.data_quality(access.loaded_las()[0])["loads"]) == len(loads_before) + 1


def test_what_a_worker_keeps_is_bounded_and_let_go_at_a_publish(small):
    from dashboard.warehouse import PerWarehouse, published

    kept = PerWarehouse(3)
    made = []

    def make(key):
        made.append(key)
        return {"key": key, "file": published().path.name}

    for key in (1, 2, 3, 4, 1):  # 1 was the least recently used when 4 came
        kept.get(key, lambda: make(key))
    assert made == [1, 2, 3, 4, 1]
    for key in (3, 4, 1):
        kept.get(key, lambda: make(key))
    assert made == [1, 2, 3, 4, 1]
    old = kept.get(1, lambda: make(1))["file"]
    with publish.load_lock():  # a new file published, as a load publishes one
        publish.publish(publish.start_building(), publish.new_name() + "-test")
    assert kept.get(1, lambda: make(1))["file"] != old
    assert made == [1, 2, 3, 4, 1, 1]
    assert kept.weight == 1  # the old file's answers are let go
    weighed = PerWarehouse(10, weigh=lambda answer: answer)
    for key, size in (("a", 4), ("b", 4), ("too big", 11), ("c", 3)):
        weighed.get(key, lambda: size)
    assert list(weighed.answers) == ["b", "c"]  # "a" went when "c" came; 11 never kept


def test_parts_are_never_kept_for_a_view_that_was_audited(small):
    """A part whose drawing wrote to the audit log is drawn afresh for every view."""
    from dashboard.view import View

    analyst = User("analyst.one", "analyst")
    drawn = []

    def draw():
        drawn.append(1)
        access.audit(analyst, "children viewed", {"la": "test"}, 1)
        return []

    with small.server.test_request_context("/_dash-update-component", method="POST"):
        with state.audits_together(), rendered.sharing():
            page_view = View.for_request(analyst, "")
            for _ in range(2):
                rendered.part("audited", page_view, draw)
    assert drawn == [1, 1]
    assert [e["action"] for e in state.audit_entries(limit=2)] == ["children viewed"] * 2
