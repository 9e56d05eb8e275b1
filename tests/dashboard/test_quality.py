"""The data-quality page counts what the loads found, by rule and by what was done to each
problem, per load and per council; analysts reach each load's rejects report through the app,
nobody else does, and nothing outside the load log is ever served."""
from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from dashboard import access
from dashboard.access import AccessDenied, NotFound, User
from dashboard.pages import quality
from dashboard.view import View
from etl.config import default_code
from tests.live import ROOT, SECOND_LA

SAMPLE_LA = default_code()
EXTRACTS = {e["path"]: dt.date.fromisoformat(str(e["period_end"])) for e in tomllib.loads(
    (ROOT / "sample_data" / "extracts.toml").read_text())["extract"]}

KEPT_OUT, BLANKED, REPORTED = "row kept out", "value blanked", "reported only"

# What the injected errors of sample_data/INJECTED_ERRORS.md produce, by extract:
# {rule: (what was done, problems)}. An error on a value blanks it and keeps the row, unless
# the value is the row's identity (the child, the row's key date) or the row contradicts
# itself or another row: then the row is kept out. Warnings are reported only.
EXPECTED = {
    "2023-24": {
        "103": (BLANKED, 1),  # header.csv row 681, ETHNIC WBR
        "180": (BLANKED, 1),  # oc2.csv row 91, SDQ_SCORE 45
    },
    "2024-25": {
        "166": (KEPT_OUT, 1),  # reviews.csv row 796, REVIEW 31/02/2025: the review's key date
        "356": (KEPT_OUT, 1),  # episodes.csv row 200 ends before it starts
        # ... so the child's review of 25/07/2024 falls in no episode that was loaded
        "CPD-REVIEW-OUTSIDE-CARE": (REPORTED, 1),
        # episodes.csv row 1065, PLACE " u4": valid once normalised, no problem
    },
    "2025-26": {
        "501": (KEPT_OUT, 1),  # episodes.csv row 709 overlaps the episode before it
        "101": (BLANKED, 1),  # header.csv row 23, SEX 1
        "INT03": (REPORTED, 1),  # episodes.csv row 688: child not in Header
        # ... and the same child's social worker episode (no DfE code for that table)
        "CPD-NOT-IN-HEADER": (REPORTED, 1),
    },
    "2026-27-Q1": {
        # episodes.csv row 135, URN =HYPERLINK(...): a formula, and so not a URN either
        "CPD-FORMULA": (BLANKED, 1),
        "CPD-FORMAT": (BLANKED, 1),
    },
    "2026-27-Q2": {
        "1006": (BLANKED, 1),  # missing.csv row 32, MISSING X
    },
}


def by_rule_shown(la: str, period: dt.date) -> dict[str, tuple[str, int]]:
    """The counts by rule the page shows for a period end's load in use."""
    found = access.data_quality(la)
    load = quality.chosen_load(found["loads"], period, None)
    assert load is not None and load["status"] == "active"
    return {r["rule"]: (r["action"], r["problems"]) for r in found["by_rule"].get(
        load["load_id"], [])}


@pytest.mark.parametrize("folder", list(EXPECTED))
def test_problems_by_rule_are_what_the_injected_errors_produce(sample_env, folder):
    assert by_rule_shown(SAMPLE_LA, EXTRACTS[folder]) == EXPECTED[folder]


def test_each_load_counts_what_was_done(sample_env):
    """The loads table's counts agree with the problems by rule and with the load log."""
    found = access.data_quality(SAMPLE_LA)
    for load in found["loads"]:
        rules = found["by_rule"].get(load["load_id"], [])
        counts = quality.done(load)
        for action in (BLANKED, REPORTED):
            assert counts[action] == sum(r["problems"] for r in rules if r["action"] == action)
        assert load["values_blanked"] == counts[BLANKED]
        assert counts[KEPT_OUT] == load["rows_rejected"] == load["kept_out"]
        assert load["problems"] == sum(r["problems"] for r in rules)
        assert load["warnings"] == load["warnings_found"]


def test_period_ends_are_compared_as_dates(sample_env):
    """The period of the view (a date) finds its load whatever type the warehouse returns."""
    loads = access.data_quality(SAMPLE_LA)["loads"]
    assert all(type(r["period_end"]) is dt.date for r in loads)
    view = View.for_request(User("a", "analyst"), "?period=2025-03-31")
    assert quality.chosen_load(loads, view.period, None)["period_end"] == dt.date(2025, 3, 31)


def test_the_page_names_no_child_and_no_value(sample_env):
    for role in ("member", "manager", "analyst"):
        view = View.for_request(User("x", role), f"?period={EXTRACTS['2025-26']}")
        text = flatten(quality.layout(view))
        # the child of the injected INT03 row: named only in the lists of children the
        # warehouse checks found, which are for analysts (issue 12)
        assert ("C56820271" in text) == (role == "analyst")
        assert "Problems by rule in the load at 31 Mar 2026" in text
        assert ("/reports/" in text) == (role == "analyst")


def test_data_quality_is_per_council(sample_env):
    second = access.data_quality(SECOND_LA)
    assert [r["period_end"] for r in second["loads"]] == [EXTRACTS["2025-26"]]
    assert by_rule_shown(SECOND_LA, EXTRACTS["2025-26"]) == EXPECTED["2025-26"]
    assert len(access.data_quality(SAMPLE_LA)["loads"]) == len(EXPECTED)


def test_loads_made_before_actions_were_recorded_say_so():
    load = {"rows_rejected": 3, "problems": 4, "kept_out": 0, "blanked": 0, "reported": 0,
            "not_recorded": 4, "values_blanked": None}
    assert quality.done(load) == {KEPT_OUT: 3, BLANKED: "not recorded",
                                  REPORTED: "not recorded"}
    assert "before what was done" in quality.summary(load)


# The rejects report, served by the app to analysts only.

@pytest.fixture
def client(sample_env):
    """Flask's test client on the production app, able to sign in as any role's user."""
    from dashboard.app import create_app

    return create_app().server.test_client()


def sign_in(client, role: str) -> None:
    import re

    from tests.live import PASSWORD, USERS

    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/sign-in").text).group(1)
    response = client.post("/sign-in", data={"csrf": token, "name": USERS[role],
                                             "password": PASSWORD})
    assert response.status_code == 302, f"{role} could not sign in"


def audit_rows(count: int) -> list[tuple]:
    """The newest `count` audit entries, oldest first: (role, action, what, outcome)."""
    from dashboard import state

    return [(e["role"], e["action"], e["what"], e["outcome"])
            for e in reversed(state.audit_entries(limit=count))]


def a_load(sample_env) -> str:
    return access.data_quality(SAMPLE_LA)["loads"][0]["load_id"]


def test_an_analyst_gets_the_report_uncached_and_audited(sample_env, client):
    sign_in(client, "analyst")
    load_id = a_load(sample_env)
    for name, kind in (("rejects.html", "text/html"), ("rejects.csv", "text/csv")):
        response = client.get(f"/reports/{load_id}/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(kind)
        assert response.headers["Cache-Control"] == "no-store"
        assert b"rule" in response.data
    assert audit_rows(2) == [
        ("analyst", "report rejects.html", {"load_id": load_id, "file": "rejects.html"},
         "shown"),
        ("analyst", "report rejects.csv", {"load_id": load_id, "file": "rejects.csv"},
         "shown")]


def test_nobody_signed_out_gets_a_report(sample_env, client):
    response = client.get(f"/reports/{a_load(sample_env)}/rejects.csv")
    assert response.status_code == 401 and b"rule" not in response.data


@pytest.mark.parametrize("role", ["member", "manager"])
def test_members_and_managers_are_refused_the_report(sample_env, client, role):
    sign_in(client, role)
    load_id = a_load(sample_env)
    response = client.get(f"/reports/{load_id}/rejects.html")
    assert response.status_code == 403
    assert response.headers["Cache-Control"] == "no-store"
    assert b"Traceback" not in response.data and b"C8" not in response.data
    assert audit_rows(1)[0][:2] == (role, "rejects report")
    assert audit_rows(1)[0][3] == "refused"


@pytest.mark.parametrize("path", [
    "/reports/20990101T000000Z-deadbeef/rejects.html",  # looks like a load, is not one
    "/reports/{load}/rejects.txt",  # not a report's file
    "/reports/{load}/..%2F..%2Fstate.sqlite",
    "/reports/..%2Fwarehouse/rejects.html",
    "/reports/%2E%2E/rejects.csv",
    "/reports/{load}%27%20OR%20%271%27=%271/rejects.html",
])
def test_a_forged_load_or_file_is_not_found(sample_env, client, path):
    sign_in(client, "admin")
    response = client.get(path.format(load=a_load(sample_env)))
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert b"Traceback" not in response.data
    role, action, what, outcome = audit_rows(1)[0]
    assert (role, action, outcome) == ("admin", "rejects report", "refused")
    # the request's own text never reaches the log
    assert "OR" not in str(what) and ".." not in str(what)


def test_the_data_layer_refuses_a_report_outside_the_load_log(sample_env):
    with pytest.raises(NotFound):
        access.rejects_report(User("a", "analyst"), "../warehouse", "rejects.html")
    with pytest.raises(AccessDenied):
        access.rejects_report(User("m", "member"), a_load(sample_env), "rejects.csv")


def flatten(component) -> str:
    """Every string and link target in a Dash component tree, for assertions on a page."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(flatten(c) for c in component)
    parts = [flatten(getattr(component, "children", None))]
    for attribute in ("href", "alt"):
        parts.append(str(getattr(component, attribute, "") or ""))
    return " ".join(p for p in parts if p)
