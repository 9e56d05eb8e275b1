"""Fixtures of the security tests: the warehouse's real names and children. The sample
warehouse, the production gunicorn and Chromium are the session's own (tests/live.py), shared
with the browser journeys."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.live import MANAGER_AREA, SECOND_LA
from tests.security import support

SAMPLE_LA = "E06000015"


def pytest_collection_modifyitems(session, config, items):
    """The scan of what has been logged runs after the other security tests."""
    last = [item for item in items if item.nodeid.startswith("tests/security/test_logs.py")]
    if last:
        items[:] = [item for item in items if item not in last] + last


@pytest.fixture(scope="session")
def child_ids(sample_warehouse) -> frozenset[str]:
    """Every child identifier in the published warehouse the live server serves."""
    ids = support.every_child(sample_warehouse)
    assert len(ids) > 100, "the sample warehouse has no children to look for"
    return ids


@pytest.fixture(scope="session")
def names(sample_warehouse) -> dict:
    """Real names of the sample council at its latest period end: the manager's teams (the
    teams of MANAGER_AREA) and someone else's; social workers inside and outside the remit;
    service areas; a load id; the children of each team."""
    con = support.warehouse(sample_warehouse)
    try:
        latest = con.execute("SELECT max(period_end) FROM int_child_attributes "
                             "WHERE la_code = ?", [SAMPLE_LA]).fetchone()[0]
        rows = con.execute(
            "SELECT service_area, team, social_worker, child FROM int_child_attributes "
            "WHERE la_code = ? AND period_end = ?", [SAMPLE_LA, latest]).fetchall()
        loads = [r[0] for r in con.execute(
            "SELECT load_id FROM load_log WHERE la_code = ? ORDER BY loaded_at",
            [SAMPLE_LA]).fetchall()]
        workers = {r[0] for r in con.execute(
            "SELECT DISTINCT social_worker FROM int_child_attributes "
            "WHERE social_worker LIKE 'SW%'").fetchall()}
    finally:
        con.close()
    own_teams = sorted({team for area, team, _, _ in rows if area == MANAGER_AREA})
    other_teams = sorted({team for area, team, _, _ in rows if area != MANAGER_AREA})
    other_areas = sorted({area for area, _, _, _ in rows if area != MANAGER_AREA})
    team_of_worker: dict[str, set] = {}
    children_of: dict[str, set] = {}
    for _, team, worker, child in rows:
        team_of_worker.setdefault(worker, set()).add(team)
        children_of.setdefault(team, set()).add(child)
    own_workers = sorted(w for w, t in team_of_worker.items()
                         if w.startswith("SW") and t <= set(own_teams))
    other_workers = sorted(w for w, t in team_of_worker.items()
                           if w.startswith("SW") and not t & set(own_teams))
    busiest_other = max(other_teams, key=lambda t: len(children_of[t]))
    return {
        "la": SAMPLE_LA, "second_la": SECOND_LA, "latest": latest,
        "own_area": MANAGER_AREA, "own_teams": own_teams, "own_team": own_teams[0],
        "other_teams": other_teams, "other_team": busiest_other,
        "other_area": next(a for a in other_areas if "Unallocated" not in a),
        "own_workers": own_workers, "other_workers": other_workers,
        "own_worker": own_workers[0], "other_worker": other_workers[0],
        "all_workers": frozenset(workers), "children_of": children_of, "load": loads[-1],
        "period": latest.isoformat() if isinstance(latest, dt.date) else str(latest),
    }
