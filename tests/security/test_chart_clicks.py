"""A click on a chart (a team on the funnel, a bar, a heatmap cell) becomes a request that
names a team and a measure: it is checked like an address. Only a click's own shape gets past
the callback check; a click naming a team that is not real, or outside a manager's remit,
leads nowhere; a member is taken to the measure for that team, never to children."""
from __future__ import annotations

import urllib.parse

from dashboard.access import User
from dashboard.pages.indicator import drill_address
from dashboard.pages.theme import heatmap_address
from dashboard.security import plain_click
from tests.live import MANAGER_AREA, area_teams

CLICK = {"points": [{"curveNumber": 6, "pointNumber": 0, "x": 65, "y": 20,
                     "customdata": "North 3", "text": "North 3", "bbox": {"x0": 1.0, "y1": 2.0}}],
         "timestamp": 1796153198404}
PATH = "/indicator/placement_stability_short"


def test_only_a_clicks_own_shape_passes():
    assert plain_click(None) and plain_click(CLICK)
    assert plain_click({"points": [{"customdata": ["North 3", "reviews_on_time"]}]})
    for forged in ({}, {"points": []}, {"points": "x"}, {"points": [CLICK["points"][0]] * 5},
                   {"points": [{"customdata": {"deep": {"er": 1}}}]},
                   {"points": [{"customdata": list(range(9))}]},
                   {"points": [{"x": 1}], "extra": 1}, {"points": [{"x": 1}], "timestamp": "x"},
                   [CLICK], "North 3", {"points": [{f"k{i}": 1 for i in range(41)}]}):
        assert not plain_click(forged), forged


def test_a_click_leads_only_where_the_user_may_go(sample_env):
    teams = area_teams(sample_env, MANAGER_AREA)
    manager = User("team-manager", "manager", teams=frozenset(teams))
    analyst, member = User("analyst", "analyst"), User("councillor", "member")

    target = drill_address(manager, PATH, "", "team", teams[0])
    assert target.startswith("/drill?")
    assert dict(urllib.parse.parse_qsl(target.split("?")[1])) == {
        "team": teams[0], "indicator": "placement_stability_short"}
    # with the period chosen, the drill-down opens at that period
    assert "period=2026-03-31" in drill_address(analyst, PATH, "?period=2026-03-31", "team",
                                                 teams[0])
    # a member goes to the measure for that team, never to the children
    assert drill_address(member, PATH, "", "team", teams[0]).startswith(PATH + "?")
    # not real, outside the remit, or not a team: nowhere
    assert drill_address(analyst, PATH, "", "team", "No Such Team") is None
    outside = next(t for t in area_teams(sample_env, "South Locality") if t not in teams)
    assert drill_address(manager, PATH, "", "team", outside) is None
    assert drill_address(analyst, PATH, "", "team", ["North 1"]) is None
    assert drill_address(analyst, "/indicator/nope", "", "team", teams[0]) is None
    assert drill_address(analyst, ["/indicator"], "", "team", teams[0]) is None
    assert drill_address(analyst, PATH, "?breakdown=age_band", None, "Under 1") is None
    assert drill_address(analyst, PATH, "?evil=1", "team", teams[0]) is None

    cell = {"points": [{"x": "reviews_on_time", "y": teams[0]}]}
    assert heatmap_address(manager, "", cell).startswith("/drill?")
    assert heatmap_address(member, "", cell) is None
    assert heatmap_address(manager, "", {"points": [{"x": "reviews_on_time", "y": outside}]}) \
        is None
    assert heatmap_address(analyst, "", {"points": [{"x": ["a"], "y": teams[0]}]}) is None
