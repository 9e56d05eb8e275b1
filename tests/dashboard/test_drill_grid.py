"""The manager's child list in AG Grid, in real Chromium over the sample LA: it lists the
team's children (only those), sorts from the keyboard, filters, hides and shows columns with
the chooser, fits a 1366 px screen, comes after the table of the team's social workers (with
target and status), never exports on its own (exports are the server's, audited), and passes
axe-core. Any console error or warning fails a test (tests/live.py)."""
from __future__ import annotations

import csv
import io
import re
import time
import urllib.parse

import pytest
from playwright.sync_api import expect

from dashboard.pages import drill
from etl.indicators.catalogue import BY_ID
from tests.live import MANAGER_AREA, area_teams, check_accessibility
from tests.security import support

INDICATOR = "placement_stability_short"  # a measure with a target, so a status
GRID = "#drill-children"
ROWS = f"{GRID} .ag-center-cols-container [role=row]"
SAMPLE_LA = "E06000015"


@pytest.fixture
def role():
    """These tests are the manager's (their remit: the teams of MANAGER_AREA)."""
    return "manager"


@pytest.fixture(scope="module")
def team(sample_warehouse) -> str:
    return area_teams(sample_warehouse, MANAGER_AREA)[0]


def open_team(page, live_server, team: str, **extra) -> None:
    query = urllib.parse.urlencode({"indicator": INDICATOR, "team": team, **extra})
    page.goto(f"{live_server}/drill?{query}")
    expect(page.locator(ROWS).first).to_be_visible()


def column(page, name: str) -> list[str]:
    """The cells of a column as shown, top to bottom (the grid keeps its rows in the DOM in
    display order: ensureDomOrder)."""
    return [t.strip() for t in page.locator(f"{ROWS} [col-id='{name}']").all_inner_texts()]


def grid_rows(page) -> list[dict]:
    """Every row the grid holds (its data, whatever the filter), from AG Grid's own API."""
    return page.evaluate("""() => { const rows = [];
        dash_ag_grid.getApi('drill-children').forEachNode(n => rows.push(n.data));
        return rows; }""")


def stated_count(page) -> int:
    text = page.locator("p", has_text="children. 'Counted in the figure'").inner_text()
    return int(re.match(r"(\d+) children", text).group(1))


def toggle(page, name: str):
    return page.locator(".column-chooser").get_by_role("button", name=name, exact=True)


def header(page, name: str):
    return page.locator(GRID).get_by_role("columnheader", name=name, exact=True)


def test_the_grid_lists_the_teams_children_and_only_them(page, live_server, team,
                                                         sample_warehouse):
    started = time.monotonic()
    open_team(page, live_server, team)
    expect(page.locator(ROWS)).to_have_count(stated_count(page))
    # (a measurement, not a limit: the 60-odd rows of a team, navigation to every row drawn)
    print(f"\n{stated_count(page)} rows drawn {time.monotonic() - started:.2f} s after "
          "navigation")
    rows = grid_rows(page)
    assert len(rows) == stated_count(page) == page.locator(ROWS).count() >= 20
    assert {r["Team"] for r in rows} == {team}
    con = support.warehouse(sample_warehouse)
    try:
        in_team = {r[0] for r in con.execute(
            "SELECT child FROM int_child_attributes WHERE la_code = ? AND team = ? AND "
            "period_end = (SELECT max(period_end) FROM int_child_attributes WHERE la_code = ?)",
            [SAMPLE_LA, team, SAMPLE_LA]).fetchall()}
    finally:
        con.close()
    shown = set(column(page, "Child"))
    assert shown == {r["Child"] for r in rows} and shown <= in_team
    # the same children as the server's (audited) export
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    exported = list(csv.DictReader(io.StringIO(
        open(download.value.path(), encoding="utf-8").read())))
    assert {r["Child"] for r in exported} == shown
    # a team's own team and service area say the same on every row: hidden at first
    expect(header(page, "Team")).to_have_count(0)
    expect(header(page, "Service area")).to_have_count(0)
    expect(header(page, "Placement")).to_be_visible()
    check_accessibility(page)


def test_sorting_from_the_keyboard(page, live_server, team):
    open_team(page, live_server, team)
    # from the control before the grid, Tab reaches the first heading; arrows move along
    page.locator(".column-details summary").focus()
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("col-id", "Child")
    page.keyboard.press("ArrowRight")
    expect(page.locator(":focus")).to_have_attribute("col-id", "Age")
    age = header(page, "Age")
    expect(age).to_have_attribute("aria-sort", "none")
    page.keyboard.press("Enter")
    expect(age).to_have_attribute("aria-sort", "ascending")
    ages = [int(a) for a in column(page, "Age")]
    assert ages == sorted(ages) and ages[0] < ages[-1]
    page.keyboard.press("Enter")
    expect(age).to_have_attribute("aria-sort", "descending")
    ages = [int(a) for a in column(page, "Age")]
    assert ages == sorted(ages, reverse=True)


def test_filtering_text_and_number_columns(page, live_server, team):
    open_team(page, live_server, team)
    total = page.locator(ROWS).count()
    page.get_by_role("textbox", name="Sex Filter Input").fill("Female")
    expect(page.locator(ROWS)).not_to_have_count(total)
    # the grid filters after a pause and redraws its rows: wait until no "Male" is shown
    expect(page.locator(f"{ROWS} [col-id='Sex']", has_text=re.compile(r"^\s*Male\s*$"))
           ).to_have_count(0)
    assert set(column(page, "Sex")) == {"Female"}
    females = page.locator(ROWS).count()
    assert 0 < females < total
    page.get_by_role("textbox", name="Sex Filter Input").fill("")
    expect(page.locator(ROWS)).to_have_count(total)
    # Age has a number filter: "15" is 15, not 150 or 115
    age_filter = page.locator(GRID).get_by_role("spinbutton", name="Age Filter Input")
    age_filter.fill("15")
    expect(page.locator(ROWS)).not_to_have_count(total)
    assert set(column(page, "Age")) == {"15"}


def test_the_column_chooser_hides_and_shows_columns_from_the_keyboard(page, live_server,
                                                                       team):
    open_team(page, live_server, team)
    summary = page.locator(".column-details summary")
    summary.focus()
    page.keyboard.press("Enter")
    ethnic = toggle(page, "Ethnic group")
    expect(ethnic).to_have_attribute("aria-pressed", "true")
    ethnic.focus()
    page.keyboard.press("Space")
    expect(ethnic).to_have_attribute("aria-pressed", "false")
    expect(header(page, "Ethnic group")).to_have_count(0)
    expect(page.locator(f"{ROWS} [col-id='Ethnic group']")).to_have_count(0)
    expect(header(page, "Sex")).to_be_visible()
    # a sort survives a change of columns
    header(page, "Age").click()
    expect(header(page, "Age")).to_have_attribute("aria-sort", "ascending")
    ethnic.press("Enter")
    expect(ethnic).to_have_attribute("aria-pressed", "true")
    expect(header(page, "Ethnic group")).to_be_visible()
    expect(header(page, "Age")).to_have_attribute("aria-sort", "ascending")
    # a column hidden at first is shown by its button
    team_toggle = toggle(page, "Team")
    expect(team_toggle).to_have_attribute("aria-pressed", "false")
    team_toggle.press("Enter")
    expect(team_toggle).to_have_attribute("aria-pressed", "true")
    expect(header(page, "Team")).to_be_visible()
    assert set(column(page, "Team")) == {team}
    check_accessibility(page)


def test_every_column_fits_a_1366_by_768_screen(page, live_server, team):
    page.set_viewport_size({"width": 1366, "height": 768})
    open_team(page, live_server, team)
    page.locator(".column-details summary").click()
    for name in ("Team", "Service area"):  # every column shown: the widest the list gets
        toggle(page, name).click()
        expect(header(page, name)).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    box = page.locator(GRID).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366


def test_the_workers_table_comes_first_with_target_and_status(page, live_server, team):
    open_team(page, live_server, team)
    workers = page.get_by_role("table", name=re.compile("by social worker"))
    expect(workers).to_be_visible()
    headings = [h.strip() for h in workers.locator("thead th").all_inner_texts()]
    assert headings == ["Social worker", "Value", "Numerator", "Denominator", "Target",
                        "Status"]
    targets = {t.strip() for t in workers.locator("tbody td:nth-child(5)").all_inner_texts()}
    assert len(targets) == 1 and re.fullmatch(r"\d+\.\d%", targets.pop())
    # status in words and a symbol, never colour alone
    for status in workers.locator("tbody td:nth-child(6)").all_inner_texts():
        assert re.fullmatch(r"(✓ On target|! Near target|✕ Off target|No data)",
                            status.strip()), status
    first = page.evaluate("""() => {
        const table = [...document.querySelectorAll('table')].find(
            t => /by social worker/.test(t.caption.textContent));
        const grid = document.getElementById('drill-children');
        return !!(table.compareDocumentPosition(grid) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert first, "the social workers' table is not above the list of children"


def test_the_teams_table_has_target_and_status(page, live_server):
    page.goto(f"{live_server}/drill?indicator={INDICATOR}")
    teams = page.get_by_role("table", name=re.compile("by team"))
    expect(teams).to_be_visible()
    assert [h.strip() for h in teams.locator("thead th").all_inner_texts()][-2:] == \
        ["Target", "Status"]
    expect(teams.locator(".rag").first).to_be_visible()
    check_accessibility(page)


def test_the_grids_own_export_is_off(page, live_server, team):
    with page.expect_response(lambda r: "_dash-update-component" in r.url and
                              r.request.post_data_json.get("output") == "page.children"
                              ) as answer:
        open_team(page, live_server, team)
    grids = support.components(answer.value.json(), "AgGrid")
    assert len(grids) == 1
    options = grids[0]["props"]["dashGridOptions"]
    assert options["suppressCsvExport"] is True and options["suppressExcelExport"] is True
    assert options["ensureDomOrder"] is True and options["enableCellTextSelection"] is True
    live = page.evaluate("""() => { const api = dash_ag_grid.getApi('drill-children');
        return [api.getGridOption('suppressCsvExport'),
                api.getGridOption('suppressExcelExport')]; }""")
    assert live == [True, True]
    # asked for through its API, the grid refuses: no file, AG Grid's warning #51 only
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.evaluate("() => dash_ag_grid.getApi('drill-children').exportDataAsCsv()")
    page.locator(f"{ROWS} [col-id='Child']").first.click(button="right")
    page.wait_for_timeout(1000)
    assert not downloads
    expect(page.locator(".ag-menu")).to_have_count(0)  # no export menu on a right click
    refused = [p for p in page.console_problems if "warning #51" in p]
    assert refused, "the grid did not refuse to export"
    page.console_problems[:] = [p for p in page.console_problems if p not in refused]


@pytest.mark.parametrize("role", ["analyst"])
def test_a_long_list_is_paged_with_named_controls(page, live_server, sample_warehouse):
    con = support.warehouse(sample_warehouse)
    try:
        lists = con.execute(
            "SELECT u.period_end, a.service_area, a.team, u.indicator_id, "
            "count(DISTINCT u.child) AS n FROM ind_units u JOIN int_child_attributes a "
            "USING (la_code, period_end, child) WHERE u.la_code = ? GROUP BY ALL "
            "HAVING n > ? ORDER BY n", [SAMPLE_LA, drill.PAGE_SIZE]).fetchall()
    finally:
        con.close()
    period, area, team, indicator, n = next(
        row for row in lists if BY_ID.get(row[3]) and BY_ID[row[3]].unit != "rate")
    query = urllib.parse.urlencode({"indicator": indicator, "period": period.isoformat(),
                                    "area": area, "team": team})
    page.goto(f"{live_server}/drill?{query}")
    expect(page.locator(ROWS)).to_have_count(drill.PAGE_SIZE)
    expect(page.locator(GRID)).to_contain_text(f"of {n}")
    next_page = page.locator(GRID).get_by_role("button", name="Next Page")
    expect(page.locator(GRID).get_by_role("button", name="Previous Page")).to_be_visible()
    next_page.focus()
    page.keyboard.press("Enter")
    expect(page.locator(ROWS)).to_have_count(n - drill.PAGE_SIZE)
    check_accessibility(page)


def test_the_column_callback_reads_no_data_and_ignores_forged_values(live_server):
    """The chooser's callback, sent by hand: it answers column definitions only (the same
    for a manager and for anyone), and a value that is not a whole number shows the
    column."""
    manager = support.as_role(live_server, "manager")

    def send(values: list) -> list[dict]:
        inputs = [{"id": drill.chooser_id(key), "property": "n_clicks", "value": value}
                  for (key, _), value in zip(drill.CHOOSABLE, values)]
        response = manager.callback("drill-children.columnDefs", inputs)
        assert response.status_code == 200
        answer = response.json()["response"]
        assert list(answer) == ["drill-children"]
        return answer["drill-children"]["columnDefs"]

    count = len(drill.CHOOSABLE)
    labels = [label for _, label in drill.CHOOSABLE]
    defs = send([1] * count)
    assert [d["field"] for d in defs] == ["Child", *labels]
    assert [d["field"] for d in defs if d["hide"]] == labels  # the child's id stays
    assert defs == drill.column_defs(set(labels))
    hostile = ["1", True, 1.5, None, "Child", "' OR 1=1", 2 ** 53, 0, 3, -1, 10 ** 30]
    defs = send(hostile[:count])
    hidden = {d["field"] for d in defs if d["hide"]}
    odd = {label for label, value in zip(labels, hostile)
           if isinstance(value, int) and not isinstance(value, bool) and value % 2}
    assert hidden == odd and "Child" not in hidden
    # a forged column (the child's id) is no input of the callback: refused outright
    forged = [{"id": "drill-column-child", "property": "n_clicks", "value": 1}] + [
        {"id": drill.chooser_id(key), "property": "n_clicks", "value": 0}
        for key, _ in drill.CHOOSABLE[1:]]
    assert manager.callback("drill-children.columnDefs", forged).status_code == 400


def test_columns_hidden_at_first_and_shown_from_clicks():
    assert drill.hidden_at_first({"team": "North 1"}) == {"Team", "Service area"}
    assert drill.hidden_at_first({"team": "North 1", "social_worker": "SW1"}) == \
        {"Team", "Service area", "Social worker"}
    assert drill.hidden_at_first({"team": None}) == set()
    assert [drill.shown(n) for n in (0, 1, 2, None, "1", True, 1.5)] == \
        [True, False, True, True, True, True, True]
    defs = {d["field"]: d for d in drill.column_defs({"Age"})}
    assert defs["Age"]["filter"] == "agNumberColumnFilter" and defs["Age"]["hide"]
    assert defs["Sex"]["filter"] == "agTextColumnFilter" and not defs["Sex"]["hide"]
