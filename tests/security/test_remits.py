"""A manager's remit is the teams of one service area (MANAGER_AREA): they get their own
teams' children and figures, and nothing of another team, another area's social worker or
another area, whether through a page, a filter or the export. An export needs a team or a
social worker for everyone, analysts included. Every refusal is audited."""
from __future__ import annotations

import urllib.parse

import pytest

from tests.live import MANAGER_AREA, USERS
from tests.security import support

INDICATOR = "cla_at_period_end"


def q(**params) -> str:
    return "?" + urllib.parse.urlencode(params)


@pytest.fixture(scope="module")
def manager(live_server):
    return support.as_role(live_server, "manager")


def _refused_since(folder, first, role="manager") -> list[dict]:
    return support.audit_since(folder, first, user=USERS[role], outcome="refused")


def _teams_shown(response, names) -> set[str]:
    """The sample's team names that appear in any table row of a page."""
    every = set(names["own_teams"]) | set(names["other_teams"])
    shown = set()
    for _, (_, rows) in support.tables(response).items():
        for row in rows:
            shown |= {cell for cell in row if cell in every}
    return shown


def test_a_manager_gets_their_own_teams_children(manager, names, child_ids,
                                                 sample_warehouse):
    first = support.last_audit_id(sample_warehouse)
    team = names["own_team"]
    response = manager.page("/drill", q(indicator=INDICATOR, team=team))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = support.ids_in(response, child_ids)
    assert shown, "the manager's own team shows no child"
    assert shown <= names["children_of"][team], "children of another team are listed"
    [viewed] = [e for e in support.audit_since(sample_warehouse, first, user=USERS["manager"])
                if e["action"] == "children viewed"]
    assert viewed["outcome"] == "shown" and viewed["rows"] == len(shown)
    assert viewed["what"]["team"] == team
    export = support.download(manager, q(indicator=INDICATOR, team=team))
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    assert support.ids_in(export, child_ids) == shown


@pytest.mark.parametrize("case", ["other team", "other area's worker",
                                  "own team with another area's worker",
                                  "other team in another council"])
def test_a_manager_gets_no_child_outside_their_remit(manager, names, child_ids,
                                                     sample_warehouse, case):
    search = {
        "other team": q(indicator=INDICATOR, team=names["other_team"]),
        "other area's worker": q(indicator=INDICATOR, sw=names["other_worker"]),
        "own team with another area's worker": q(indicator=INDICATOR, team=names["own_team"],
                                                 sw=names["other_worker"]),
        "other team in another council": q(la=names["second_la"], indicator=INDICATOR,
                                           team=names["other_team"]),
    }[case]
    first = support.last_audit_id(sample_warehouse)
    response = manager.page("/drill", search)
    assert response.status_code == 200
    assert support.child_hits(response, child_ids) == 0, f"{case}: children listed"
    assert "outside your remit" in support.page_text(response)
    refused = _refused_since(sample_warehouse, first)
    assert [e for e in refused if e["action"] == "children viewed"], case
    assert all(e["rows"] == 0 for e in refused)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_manager_cannot_export_another_teams_children(manager, names, child_ids,
                                                        sample_warehouse, kind):
    first = support.last_audit_id(sample_warehouse)
    clicks = {"csv_clicks": 1, "xlsx_clicks": None} if kind == "csv" else \
        {"csv_clicks": None, "xlsx_clicks": 1}
    for search in (q(indicator=INDICATOR, team=names["other_team"]),
                   q(indicator=INDICATOR, sw=names["other_worker"]),
                   q(indicator=INDICATOR, area=names["other_area"],
                     team=names["other_team"])):
        response = support.download(manager, search, **clicks)
        assert response.status_code == 403, search
        assert support.child_hits(response, child_ids) == 0
        assert support.download_data(response) is None
    refused = _refused_since(sample_warehouse, first)
    assert len([e for e in refused if e["action"] == f"children export {kind}"]) == 3


@pytest.mark.parametrize("path", ["/", "/principle/1", "/outcome/stay-safe",
                                  f"/indicator/{INDICATOR}",
                                  "/indicator/placement_stability_short"])
def test_a_manager_gets_no_figures_of_another_area_or_team(manager, names, sample_warehouse,
                                                           path):
    first = support.last_audit_id(sample_warehouse)
    for search in (q(area=names["other_area"]), q(team=names["other_team"]),
                   q(area=names["other_area"], team=names["other_team"])):
        response = manager.page(path, search)
        assert response.status_code == 200
        text = support.page_text(response)
        assert "Not available" in text and "outside your remit" in text, (path, search)
        assert not _teams_shown(response, names) & set(names["other_teams"])
    refused = _refused_since(sample_warehouse, first)
    assert len(refused) >= 3 and all(e["rows"] == 0 for e in refused)


@pytest.mark.parametrize("path,search", [
    (f"/indicator/{INDICATOR}", q(breakdown="team")),
    (f"/indicator/{INDICATOR}", q(breakdown="service_area")),
    ("/indicator/placement_stability_short", q(breakdown="team")),  # the teams' funnel
    ("/drill", q(indicator=INDICATOR)),
    ("/drill", q(indicator=INDICATOR, area=MANAGER_AREA)),
])
def test_breakdowns_show_a_manager_only_their_own_teams(manager, names, path, search):
    response = manager.page(path, search)
    assert response.status_code == 200
    shown = _teams_shown(response, names)
    assert not shown & set(names["other_teams"]), f"{path}{search}: other teams' figures"
    if "breakdown=service_area" not in search:
        assert shown & set(names["own_teams"]), f"{path}{search}: not even their own teams"


def test_the_drill_down_of_another_area_lists_none_of_its_teams(manager, names):
    response = manager.page("/drill", q(indicator=INDICATOR, area=names["other_area"]))
    assert response.status_code == 200
    assert not _teams_shown(response, names) & set(names["other_teams"])


@pytest.mark.parametrize("role", ["manager", "analyst", "admin"])
def test_an_export_without_a_team_or_worker_is_refused_for_everyone(
        live_server, manager, names, child_ids, sample_warehouse, role):
    made = manager if role == "manager" else support.as_role(live_server, role)
    first = support.last_audit_id(sample_warehouse)
    for search in (q(indicator=INDICATOR), q(indicator=INDICATOR, area=names["own_area"]),
                   "", q(la=names["second_la"], indicator=INDICATOR),
                   q(indicator=INDICATOR, period=names["period"])):
        for kind in ("csv", "xlsx"):
            clicks = {"csv_clicks": 1, "xlsx_clicks": None} if kind == "csv" else \
                {"csv_clicks": None, "xlsx_clicks": 1}
            response = support.download(made, search, **clicks)
            assert response.status_code == 403, f"{role} {search} {kind}"
            assert support.child_hits(response, child_ids) == 0
    refused = _refused_since(sample_warehouse, first, role)
    assert len([e for e in refused if e["action"].startswith("children export")]) == 10


def test_a_user_kept_to_one_council_gets_nothing_of_another(live_server, names, child_ids,
                                                            sample_warehouse):
    """`cpd users add --la CODE`: another council's children and figures are refused."""
    name = support.add_user(sample_warehouse, "sec-one-council", "analyst",
                            councils=[names["la"]])
    made = support.sign_in(live_server, name)
    first = support.last_audit_id(sample_warehouse)
    search = q(la=names["second_la"], indicator=INDICATOR, team=names["own_team"])
    page = made.page("/drill", search)
    assert support.child_hits(page, child_ids) == 0
    assert "Not available" in support.page_text(page)
    export = support.download(made, search)
    assert export.status_code == 403 and support.child_hits(export, child_ids) == 0
    assert made.get("/drill" + search).status_code == 403
    assert support.audit_since(sample_warehouse, first, user=name, outcome="refused")
    # their own council is fine
    own = made.page("/drill", q(indicator=INDICATOR, team=names["own_team"]))
    assert support.child_hits(own, child_ids)


@pytest.mark.parametrize("role", ["member", "manager"])
def test_rejects_reports_are_for_analysts_only(live_server, manager, names, child_ids,
                                               sample_warehouse, role):
    """A load's rejects report holds children's ids and values: members and managers get a
    403 page, audited, whichever report they ask for."""
    made = manager if role == "manager" else support.as_role(live_server, role)
    first = support.last_audit_id(sample_warehouse)
    for name in ("rejects.csv", "rejects.html"):
        response = made.get(f"/reports/{names['load']}/{name}")
        assert response.status_code == 403, f"{role} {name}: {response.status_code}"
        assert support.child_hits(response, child_ids) == 0
        assert response.headers["Cache-Control"] == "no-store"
    refused = _refused_since(sample_warehouse, first, role)
    assert [e["action"] for e in refused] == ["rejects report", "rejects report"]
