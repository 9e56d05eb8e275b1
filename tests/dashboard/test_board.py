"""The board's screen in real Chromium over the sample LA: the scorecard with every headline
measure once, the overview with each measure in full once, interactive plotly charts (hover
shows the figures, a team on the funnel opens its drill-down), honest comparisons (the same
point last year, nothing against a part-year figure, directions for a team) and commentary
an analyst writes that a member then reads. The `page` fixture fails a test on any console
error; every page is checked with axe-core."""
from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from dashboard import board
from etl.indicators.catalogue import BY_ID
from tests.live import MANAGER_AREA, area_teams, check_accessibility, sign_in, watch_console

MEASURE = "placement_stability_short"
HEADLINE_TITLES = sorted(BY_ID[i].title for ids in board.headline_homes().values() for i in ids)


def point_at(page, point) -> tuple[float, float]:
    """The middle of a plotted point, for the mouse: plotly's drag layer lies over the points,
    so the pointer goes where a person's would rather than to the element."""
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def query(page) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))


@pytest.mark.parametrize("role", ["member"])
def test_scorecard_shows_every_headline_measure_once(page, live_server):
    page.goto(live_server + "/scorecard")
    expect(page.locator("h1")).to_contain_text("Scorecard")
    shown = page.locator("#scorecard tbody th[scope=row]").all_inner_texts()
    assert sorted(t.strip() for t in shown) == HEADLINE_TITLES
    # grouped by principle: seven group headings, in order
    groups = page.locator("#scorecard th[scope=colgroup]").all_inner_texts()
    assert [g.split(":")[0] for g in groups] == [f"Principle {n}" for n in range(1, 8)]
    # status in words and a symbol in every judged row, never colour alone
    badges = page.locator("#scorecard .rag").all_inner_texts()
    assert badges and all(re.search(r"[✓!✕] (On|Near|Off) target|Not shown|No target|"
                                    r"No data|Context", b) for b in badges)
    # no internal words for members
    main = page.locator("main").inner_text()
    for word in ("to check", "unverified", "indicators.md", "child(ren)", "No benchmark"):
        assert word not in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    check_accessibility(page)


@pytest.mark.parametrize("role", ["member"])
def test_overview_shows_each_measure_in_full_once(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("Corporate parenting scorecard")
    expect(page.locator(".card")).to_have_count(12)  # seven principles, five outcomes
    full = [t.strip() for t in page.locator(".headline > a.headline-title").all_inner_texts()]
    assert sorted(full) == HEADLINE_TITLES  # each once, the repeats are links
    expect(page.locator(".headline-link").first).to_be_visible()
    expect(page.get_by_role("heading", name="What needs attention")).to_be_visible()
    check_accessibility(page)


def test_hovering_a_trend_point_shows_its_figures(page, live_server):
    page.goto(live_server + f"/indicator/{MEASURE}")
    points = page.locator("#indicator-trend .scatterlayer .point")
    expect(points.first).to_be_visible()
    # the chart's table holds the same figures: the newest row is the last point
    last = page.locator("table:has(caption:text('by period')) tbody tr").last
    period, value, numerator, denominator = last.locator("td").all_inner_texts()[:4]
    page.mouse.move(*point_at(page, points.last))
    label = page.locator("#indicator-trend .hoverlayer")
    expect(label).to_contain_text(value)
    expect(label).to_contain_text(f"{numerator} of {denominator}")
    check_accessibility(page)


@pytest.mark.parametrize("role", ["manager"])
def test_clicking_a_team_on_the_funnel_opens_its_drill_down(page, live_server):
    page.goto(live_server + f"/indicator/{MEASURE}")
    funnel = page.locator("#indicator-funnel")
    expect(funnel.locator(".main-svg").first).to_be_visible()
    teams = page.locator("table:has(caption:text('Teams against')) tbody tr td:first-child") \
        .all_inner_texts()
    assert teams
    x, y = point_at(page, funnel.locator(".scatterlayer .point").last)
    page.mouse.move(x, y)
    expect(funnel.locator(".hoverlayer")).to_contain_text("Children")
    hovered = funnel.locator(".hoverlayer").text_content()  # svg text, not an HTML element
    team = next(t for t in teams if t in hovered)
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"/drill\?"))
    assert query(page)["team"] == team and query(page)["indicator"] == MEASURE
    expect(page.locator("main")).to_contain_text(f"Children behind the figure: {team}")


def test_a_quarter_is_not_compared_with_a_year(page, live_server):
    """30 Jun 2026 has no 30 Jun 2025 to compare with: the sample holds annual extracts and
    two quarters, so no direction is shown, and none against the 31 March before it."""
    page.goto(live_server + f"/indicator/{MEASURE}?period=2026-06-30")
    summary = page.locator(".figure-summary")
    expect(summary).to_contain_text("same point last year (30 Jun 2025)")
    assert not re.search(r"Improving|Worse|worsening|No change", summary.inner_text())
    page.goto(live_server + "/scorecard?period=2026-06-30")
    expect(page.locator("#scorecard")).to_contain_text("30 Jun 2026")
    changes = page.locator("#scorecard td.change").all_inner_texts()
    assert changes and all(c.strip() == "Not compared" for c in changes)


def test_with_a_team_chosen_direction_is_still_shown(page, live_server, sample_warehouse):
    team = area_teams(sample_warehouse, MANAGER_AREA)[0]
    page.goto(live_server + "/indicator/reviews_on_time?" + urllib.parse.urlencode(
        {"period": "2026-03-31", "team": team}))
    summary = page.locator(".figure-summary")
    expect(summary).to_contain_text(team)
    expect(summary).to_contain_text("since 31 Mar 2025")
    page.goto(live_server + "/scorecard?" + urllib.parse.urlencode(
        {"period": "2026-03-31", "team": team}))
    expect(page.locator("#scorecard")).to_contain_text(team)
    changes = page.locator("#scorecard td.change").all_inner_texts()
    assert any(re.match(r"[▲▼■]", c.strip()) for c in changes)


def test_commentary_written_by_an_analyst_appears_for_a_member(page, live_server, browser):
    said = "Fewer moves since the new matching panel started in the spring."
    page.goto(live_server + "/indicator/missing_children")
    page.get_by_label("Commentary (at most 1,000 characters)").fill(said)
    page.get_by_label("Action (at most 300 characters)").fill("Report return interviews")
    page.get_by_label("Who owns the action (a name or a role)").fill("Head of service")
    page.locator("#commentary-due").fill("2027-01-31")
    page.get_by_role("button", name="Save commentary").click()
    expect(page.locator("#commentary-status")).to_contain_text("Saved")

    member = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    problems = watch_console(member)
    try:
        sign_in(member, live_server, "member")
        member.goto(live_server + "/scorecard")
        row = member.locator("#scorecard tr.commentary-row", has_text=said)
        expect(row).to_contain_text("Report return interviews")
        expect(row).to_contain_text("Head of service, due 31 Jan 2027")
        member.goto(live_server + "/indicator/missing_children")
        expect(member.locator("#commentary")).to_contain_text(said)
        expect(member.locator("#commentary-save")).to_have_count(0)  # members read only
        check_accessibility(member)
        assert not problems, f"browser console: {problems}"
    finally:
        member.context.close()
