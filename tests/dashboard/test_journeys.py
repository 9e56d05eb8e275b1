"""The journeys people take, in real Chromium over the sample LA: a councillor reading the
board, a manager drilling to a team's children and exporting them, an analyst checking data
quality. Each page is checked with axe-core; any console error fails the test (conftest)."""
from __future__ import annotations

import csv
import io
import re
import urllib.parse

from playwright.sync_api import expect

from tests.live import check_accessibility


def choose(page, legend: str, option: str | None = None) -> str:
    """Follow a filter link (the named one, or the first other than the current and All);
    returns its text."""
    choices = page.get_by_role("navigation", name=legend).locator("li")
    expect(choices.first).to_be_visible()
    if option is None:
        option = next(t.strip() for t, current in zip(
            choices.all_inner_texts(), [c.get_attribute("aria-current") for c in choices.all()])
            if not current and t.strip() != "All")
    page.get_by_role("navigation", name=legend).get_by_role("link", name=option,
                                                            exact=True).click()
    expect(page.get_by_role("navigation", name=legend).locator("li[aria-current]")) \
        .to_contain_text(option)
    return option


def query(page) -> dict:
    return {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).items()}


def test_board_to_principle_to_indicator_with_period_and_filter(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("Corporate parenting scorecard")
    expect(page.locator(".card")).to_have_count(12)  # seven principles, five outcomes
    expect(page.locator(".rag").first).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name=re.compile("^Principle 6")).click()
    expect(page.locator("h1")).to_contain_text("Principle 6")
    expect(page.locator(".small-multiple").first).to_be_visible()
    check_accessibility(page)

    page.locator(".small-multiple a", has_text="Three or more placements in the year").click()
    expect(page.locator("h1")).to_have_text("Three or more placements in the year")
    for chart, kind in (("#indicator-trend", "Line chart"), ("#indicator-funnel", "Funnel plot")):
        # an interactive plotly graph, drawn, named by its text alternative
        expect(page.locator(chart + " .main-svg").first).to_be_visible()
        expect(page.locator(chart + "-alt")).to_have_text(re.compile(f"^{kind}: "))
        expect(page.get_by_role("figure", name=re.compile(f"^{kind}: "))).to_have_count(1)
    check_accessibility(page)

    periods = page.get_by_role("navigation", name="Period end").locator("li") \
        .all_inner_texts()
    assert len(periods) == 5  # three annual extracts and two quarters, newest first
    assert periods[0].startswith("✓ ")
    choose(page, "Period end", periods[2].strip())
    expect(page).to_have_url(re.compile(r"period=\d{4}-\d{2}-\d{2}"))
    expect(page.locator(".figure-summary")).to_contain_text(periods[2].strip())
    area = choose(page, "Service area")
    expect(page).to_have_url(re.compile("area="))
    assert query(page)["area"] == area and "period" in query(page)
    expect(page.locator(".figure-summary")).to_contain_text(area)
    team = choose(page, "Team")
    expect(page).to_have_url(re.compile("team="))
    expect(page.locator(".figure-summary")).to_contain_text(team)

    # the URL alone reopens the same view
    shared = page.url
    page.goto(live_server + "/")
    page.goto(shared)
    expect(page.locator(".figure-summary")).to_contain_text(team)
    expect(page.get_by_role("navigation", name="Service area").locator("li[aria-current]")) \
        .to_have_text("✓ " + area)


def test_breakdowns_and_disproportionality(page, live_server):
    page.goto(live_server + "/indicator/missing_children?breakdown=ethnic_group")
    expect(page.locator("h1")).to_have_text("Children who went missing")
    expect(page.get_by_role("table", name=re.compile("Disproportionality by ethnic group"))) \
        .to_be_visible()
    page.get_by_role("link", name="Sex", exact=True).click()
    expect(page).to_have_url(re.compile("breakdown=sex"))
    expect(page.get_by_role("table", name=re.compile("by sex")).first).to_be_visible()
    check_accessibility(page)


def test_drill_to_a_team_and_its_children_then_export(page, live_server):
    page.goto(live_server + "/indicator/placement_stability_short")
    page.get_by_role("link", name="See the children behind this figure").click()
    expect(page.locator("h1")).to_have_text("Drill-down: Three or more placements in the year")
    check_accessibility(page)
    levels = page.get_by_role("navigation", name="Drill-down level")
    for level in ("team", "social worker"):  # a service area, then one of its teams
        chosen = page.locator("table.data-table tbody a").first
        name = chosen.inner_text()
        chosen.click()
        expect(levels).to_contain_text(name)  # the next level has been drawn
        if level == "team":
            expect(page.locator("table.data-table caption")).to_contain_text("by team")
    expect(page).to_have_url(re.compile("area=.*team="))
    expect(page.locator("h2", has_text="Children behind the figure")).to_be_visible()
    rows = page.locator("#drill-children .ag-center-cols-container [role=row]")
    expect(rows.first).to_be_visible()
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    path = download.value.path()
    table = list(csv.DictReader(io.StringIO(open(path, encoding="utf-8").read())))
    assert table and set(table[0]) >= {"Child", "Team", "Counted in the figure"}
    assert {r["Team"] for r in table} == {query(page)["team"]}
    assert not any(v.startswith(("=", "+", "@")) for r in table for v in r.values())

    with page.expect_download() as download:
        page.get_by_role("button", name="Download Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_data_quality_page(page, live_server):
    page.goto(live_server + "/data-quality")
    expect(page.locator("h1")).to_have_text("Data quality")
    by_rule = page.get_by_role("table", name=re.compile("Problems by rule"))
    expect(by_rule).to_be_visible()
    expect(by_rule).to_contain_text("1006")  # the latest extract's injected error
    expect(by_rule).to_contain_text("value blanked")
    loads = page.get_by_role("table", name=re.compile("Every extract loaded"))
    expect(loads).to_contain_text("active")
    expect(page.get_by_role("table", name=re.compile("each period end's load"))) \
        .to_be_visible()
    check_accessibility(page)

    # an earlier load's problems, by following its time in the loads table
    loads.locator("tbody tr").nth(2).get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("load=.*"))
    expect(by_rule).to_contain_text("501")  # 2025/26's overlapping episode
    expect(by_rule).to_contain_text("row kept out")
    check_accessibility(page)

    # the analyst's rejects report, served by the app
    report = page.get_by_role("link", name=re.compile(r"^HTML rejects report")).first
    href = report.get_attribute("href")
    response = page.request.get(live_server + href)
    assert response.status == 200 and response.headers["cache-control"] == "no-store"
    assert "Problems by rule" in response.text()
    assert page.request.get(live_server + "/reports/nothing/rejects.html").status == 404


def test_switch_council_then_compare_councils(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("Corporate parenting scorecard")
    first = page.locator("#la-name").inner_text()
    other = choose(page, "Council")
    expect(page).to_have_url(re.compile("la=E06"))
    expect(page.locator("#la-name")).not_to_have_text(first)
    expect(page.locator("#la-name")).to_contain_text(other.strip())
    assert len(page.get_by_role("navigation", name="Period end").locator("li")
               .all_inner_texts()) == 1  # one extract loaded for the second council
    check_accessibility(page)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Compare councils").click()
    expect(page.locator("h1")).to_contain_text("Compare councils")
    table = page.get_by_role("table", name=re.compile("council by council"))
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#compare-chart .main-svg").first).to_be_visible()
    expect(page.locator("#compare-chart-alt")).to_have_text(re.compile("^Bar chart: "))
    check_accessibility(page)

    page.get_by_text("Choose another measure").click()
    page.get_by_role("link", name="Three or more placements in the year").click()
    expect(page.locator("h1")).to_have_text(
        "Compare councils: Three or more placements in the year")
    page.get_by_role("navigation", name="Period end").get_by_role(
        "link", name=re.compile(r"1 of 2 councils")).first.click()
    expect(page.locator(".warning")).to_contain_text("No extract with this period end")
    expect(table.locator("tbody tr")).to_have_count(1)
    check_accessibility(page)


def test_keyboard_skip_link_and_navigation(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "main")
    # the main navigation is reachable and works from the keyboard
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Sign out")  # in the header, before the nav
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Scorecard")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Drill-down")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Drill-down")
