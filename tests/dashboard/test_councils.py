"""Several councils in one warehouse: every view is one council's, named by `la=` in the URL
(a council not loaded, or not the user's, is refused with a page that says so, never an
error); analysts, and only they, compare the councils side by side."""
from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest

from dashboard import access, app
from dashboard.access import AccessDenied, User
from dashboard.pages import compare
from dashboard.view import View
from etl.config import default_code
from tests.live import SECOND_LA, SECOND_LA_PERIOD
from tests.dashboard.test_quality import flatten

SAMPLE_LA = default_code()
BOTH = dt.date.fromisoformat(SECOND_LA_PERIOD)  # loaded for both councils
ANALYST = User("analyst", "analyst")


def hrefs(component) -> list[str]:
    found = []
    if isinstance(component, (list, tuple)):
        for c in component:
            found += hrefs(c)
    elif component is not None and not isinstance(component, (str, int, float)):
        if getattr(component, "href", None):
            found.append(component.href)
        found += hrefs(getattr(component, "children", None))
    return found


def test_both_councils_are_loaded_and_the_configured_one_is_the_default(sample_env):
    assert access.loaded_las() == [SAMPLE_LA, SECOND_LA]
    view = View.for_request(ANALYST, "")
    assert (view.la, view.las) == (SAMPLE_LA, (SAMPLE_LA, SECOND_LA))
    assert len(view.periods) == 5 and "la" not in view.filters


def test_la_in_the_url_switches_council_periods_and_figures(sample_env):
    view = View.for_request(ANALYST, f"?la={SECOND_LA.lower()}")
    assert view.la == SECOND_LA and view.periods == (BOTH,)
    assert view.filters == {"la": SECOND_LA}
    ours = access.figures_for(ANALYST, SAMPLE_LA, BOTH)
    theirs = access.figures_for(ANALYST, SECOND_LA, BOTH)
    # the same extract loaded twice: the same children, but the second council has no
    # population configured, so no rate per 10,000 (the cache keeps the two apart)
    assert theirs["cla_at_period_end"]["value"] == ours["cla_at_period_end"]["value"]
    assert ours["cla_rate_per_10k"]["value"] is not None
    assert theirs["cla_rate_per_10k"]["value"] is None
    assert access.indicators(ANALYST, SECOND_LA, BOTH)["la_code"] == SECOND_LA
    assert list(access.history(ANALYST, SECOND_LA)["cla_at_period_end"])[0][0] == BOTH
    assert not access.teams(SECOND_LA, BOTH).empty
    teams = access.teams(SECOND_LA, BOTH)["team"].unique()
    children = sum(len(access.child_list(ANALYST, SECOND_LA, "cla_at_period_end", BOTH,
                                         {"team": team})) for team in teams)
    assert children == ours["cla_at_period_end"]["value"]


@pytest.mark.parametrize("asked", ["E06000099", "nonsense", "../../etc", "E06000015' --"])
def test_an_la_that_is_not_loaded_is_refused(sample_env, asked):
    search = "?" + urllib.parse.urlencode({"la": asked, "period": "2025-03-31"})
    with pytest.raises(AccessDenied):
        View.for_request(ANALYST, search)
    text = flatten(app.page("/", search, ANALYST))
    assert "Not available" in text and "council this dashboard does not have" in text
    assert "Corporate parenting scorecard" not in text and "Traceback" not in text


def test_no_la_is_the_default_council(sample_env):
    view = View.for_request(ANALYST, "?la=&period=2025-03-31")
    assert view.la == SAMPLE_LA and view.period == dt.date(2025, 3, 31)


def test_a_user_kept_to_one_council_never_reaches_another(sample_env):
    mine = User("one council", "analyst", councils=frozenset({SECOND_LA}))
    assert View.for_request(mine, "").la == SECOND_LA  # their council is their default
    with pytest.raises(AccessDenied):
        View.for_request(mine, f"?la={SAMPLE_LA}")
    assert [r["la"] for r in access.compare(mine, "cla_at_period_end", BOTH)["rows"]] == [
        SECOND_LA]


def test_the_masthead_names_the_council_and_the_filter_bar_offers_the_others(sample_env):
    page = app.page("/indicator/missing_children", f"?la={SECOND_LA}&breakdown=sex", ANALYST)
    text = flatten(page)
    assert f"{access.config(SECOND_LA).name} ({SECOND_LA})" in text
    links = [urllib.parse.urlparse(h) for h in hrefs(page)]
    council = [dict(urllib.parse.parse_qsl(u.query)) for u in links
               if u.path == "/indicator/missing_children"
               and dict(urllib.parse.parse_qsl(u.query)).get("la") != SECOND_LA]
    # choosing the default council again: area, team and period are dropped, the rest kept
    assert {"breakdown": "sex"} in council


def test_the_nav_offers_comparison_to_analysts_with_two_councils(sample_env):
    def nav(role, search=""):
        return [label for _, label in app.nav_items(View.for_request(User("u", role), search))]

    assert "Compare councils" in nav("analyst") and "Compare councils" in nav("admin")
    assert "Compare councils" not in nav("manager") + nav("member")
    one = View(ANALYST, (BOTH,), BOTH, la=SAMPLE_LA, las=(SAMPLE_LA,))
    assert "Compare councils" not in [label for _, label in app.nav_items(one)]


@pytest.mark.parametrize("role", ["member", "manager"])
def test_comparison_is_refused_to_members_and_managers(sample_env, monkeypatch, role):
    user = User("u", role)
    with pytest.raises(AccessDenied):
        access.compare(user, "cla_at_period_end", BOTH)
    with pytest.raises(AccessDenied):
        access.compare_periods(user)
    with pytest.raises(AccessDenied):
        compare.layout(View.for_request(user, "?indicator=cla_at_period_end"))
    text = flatten(app.page("/compare", "?indicator=cla_at_period_end", user))
    assert "Not available" in text and "council by council" not in text


def test_a_member_let_in_would_see_figures_suppressed(sample_env, monkeypatch):
    asked = []
    monkeypatch.setattr(access, "COMPARE_ROLES", frozenset({"member", "analyst"}))
    real = access._indicators
    monkeypatch.setattr(access, "_indicators", lambda *args: asked.append(args) or real(*args))
    access.compare(User("m", "member"), "cla_at_period_end", BOTH)
    assert asked and all(args[-1] is True for args in asked)  # suppress=True


def test_analysts_compare_councils_side_by_side(sample_env):
    result = access.compare(ANALYST, "cla_at_period_end", BOTH)
    assert [r["la"] for r in result["rows"]] == [SAMPLE_LA, SECOND_LA]
    assert result["lacking"] == []
    assert result["rows"][0]["value"] == result["rows"][1]["value"]
    earlier = access.compare(ANALYST, "cla_at_period_end", dt.date(2025, 3, 31))
    assert [r["la"] for r in earlier["rows"]] == [SAMPLE_LA]
    assert earlier["lacking"] == [SECOND_LA]

    periods = access.compare_periods(ANALYST)
    assert periods[BOTH] == [SAMPLE_LA, SECOND_LA] and len(periods) == 5
    # by default the latest period end every council has
    assert compare.choose_period(periods, None, 2) == BOTH
    assert compare.choose_period(periods, "2025-03-31", 2) == dt.date(2025, 3, 31)
    assert compare.choose_period(periods, "1999-03-31", 2) == BOTH

    text = flatten(compare.layout(View.for_request(
        ANALYST, "?indicator=placement_stability_short&period=2025-03-31")))
    assert "Compare councils: Three or more placements in the year" in text
    assert f"No extract with this period end is loaded for {access.config(SECOND_LA).name}" \
        in text
    assert "(1 of 2 councils)" in text
