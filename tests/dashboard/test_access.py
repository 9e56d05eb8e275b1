"""The data layer decides who sees what, whatever page or request asks: members never reach
child-level data and see small numbers suppressed; every child-level view and export is
audited, without the children's identifiers."""
from __future__ import annotations


import pytest

from dashboard import access
from dashboard.access import AccessDenied, User
from dashboard.pages import drill
from dashboard.view import View
from etl.cli import main
from etl.config import default_code
from tests.etl.test_derive import P2, year_2

LA = default_code()


@pytest.fixture
def warehouse(data_dir, tmp_path):
    assert main(["load", str(year_2().write(tmp_path / "y2")), "--period-end", P2]) == 0
    access._indicators.cache_clear()
    return data_dir


def audit_rows(data_dir):
    """Every audit entry, oldest first: (user, role, action, what, rows, outcome)."""
    from dashboard import state

    return [(e["user"], e["role"], e["action"], e["what"], e["rows"], e["outcome"])
            for e in reversed(state.audit_entries(limit=1000))]


def test_members_cannot_reach_children_however_they_ask(warehouse):
    member = User("councillor", "member")
    with pytest.raises(AccessDenied):
        access.child_list(member, LA, "cla_at_period_end", access.periods(LA)[-1])
    view = View.for_request(member, "?indicator=cla_at_period_end&team=Fostering+North")
    with pytest.raises(AccessDenied):
        drill.export(view, "csv")  # a forged export request
    with pytest.raises(AccessDenied):
        access.indicators(member, LA, None, "social_worker")
    # every refusal is in the audit log, and nothing was shown
    assert {outcome for *_, outcome in audit_rows(warehouse)} == {"refused"}
    assert len(audit_rows(warehouse)) == 3


def test_members_see_small_numbers_suppressed_and_managers_do_not(warehouse):
    member, manager = User("councillor", "member"), User("head", "manager")
    latest = access.periods(LA)[-1]
    assert access.figures_for(member, LA, latest)["cla_at_period_end"]["value"] == "c"
    assert access.figures_for(manager, LA, latest)["cla_at_period_end"]["value"] == 5


def test_child_list_is_audited_without_identifiers(warehouse):
    manager = User("team manager", "manager")
    frame = access.child_list(manager, LA, "cla_at_period_end", access.periods(LA)[-1],
                              {"team": "Fostering North"})
    assert list(frame["Child"]) == ["A"]
    [(user, role, action, what, rows, outcome)] = audit_rows(warehouse)
    assert (user, role, action, rows, outcome) == ("team manager", "manager",
                                                   "children viewed", 1, "shown")
    assert what == {"la": LA, "indicator": "cla_at_period_end", "period_end": P2,
                    "team": "Fostering North"}
    assert "A" not in what.values()


def test_a_manager_is_kept_to_their_remit(warehouse):
    manager = User("team manager", "manager", teams=frozenset({"Fostering North"}))
    with pytest.raises(AccessDenied):
        access.child_list(manager, LA, "cla_at_period_end", access.periods(LA)[-1],
                          {"team": "Unallocated team"})
    with pytest.raises(AccessDenied):  # never the whole council at once
        access.child_list(manager, LA, "cla_at_period_end", access.periods(LA)[-1])
    mine = access.child_list(manager, LA, "cla_at_period_end", access.periods(LA)[-1],
                             {"team": "Fostering North"})
    assert set(mine["Team"]) == {"Fostering North"}
    latest = access.periods(LA)[-1]
    # their figures: their team only; another team's, or a service area with another
    # team in it, refused
    by_team = access.indicators(manager, LA, latest, "team")["indicators"]
    assert {r["group"] for r in by_team} == {"Fostering North"}
    with pytest.raises(AccessDenied):
        access.figures_for(manager, LA, latest, ("team", "Unallocated team"))
    assert audit_rows(warehouse)[-1][5] == "refused"


def test_children_cannot_be_filtered_by_anything_but_a_breakdown(warehouse):
    with pytest.raises(AccessDenied):
        access.child_list(User("a", "analyst"), LA, "cla_at_period_end",
                          access.periods(LA)[-1], {"child; DROP TABLE x": "1"})
