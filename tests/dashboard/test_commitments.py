"""Catalogue v2 on the board's screens (issue 13): every principle and outcome shows measures
of its own, the seeds' commitments are on the scorecard and the overview, a measure whose
local extract is not loaded says "no data" (never 0, never a blank status, never a direction),
and the data-quality page says which of the council's own files a load holds.

One real warehouse for the module: the sample's 2025/26 extract (period end 31 March 2026)
loaded by `cpd load` with none of its local files but the staff-to-team file, plus a voice and
advocacy file written here for some of its children. So the education, permanence planning,
siblings and care leavers 18 to 25 files are missing and the voice file is there, whatever the
bundled sample carries. Pages are fetched as the browser fetches them: the page callback of the
production app, signed in through the sign-in form."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import access
from dashboard.access import AccessDenied, User
from dashboard.themes import (OUTCOME_HEADLINES, OUTCOME_SLUGS, PRINCIPLE_HEADLINES,
                              principle_title)
from etl.indicators.catalogue import BY_ID, CATALOGUE, OUTCOMES, PRINCIPLES
from schemas.tables import TABLES
from tests.builders import ExtractBuilder
from tests.http import client_signed_in
from tests.live import (MANAGER_AREA, PASSWORD, ROOT, SECRET_KEY, USERS, area_teams,
                        check_accessibility, sign_in, start_gunicorn, watch_console)

LA = "E06000015"
PERIOD = "2026-03-31"
SOURCE = ROOT / "sample_data" / "2025-26"
# the local extracts the module's warehouse leaves out, and the one it writes
LEFT_OUT = ("Education", "Permanence", "Siblings", "CareLeavers")
WRITTEN = "Voice"
# measures that need a file the warehouse does not have, by the file's name on the page
NO_DATA = {"siblings_placed_together": "siblings file",
           "permanence_plan_4_months": "permanence planning file",
           "care_leavers_pa_allocated_18_25": "care leavers 18 to 25 file",
           "pep_in_date": "education file"}
VOICE = ("advocacy_offered", "independent_visitor_matched", "views_sought_12m")
# the seeds' commitments the board's cards headline (dashboard/themes.py), by principle
NEW_HEADLINES = {2: ["advocacy_offered", "views_sought_12m"],
                 4: ["independent_visitor_matched", "care_leavers_pa_allocated_18_25"],
                 6: ["placement_breakdowns", "permanence_plan_4_months",
                     "siblings_placed_together"],
                 7: ["care_leavers_pathway_plan_in_date_18_25"]}


def table_of(header: list[str]) -> str | None:
    """The input table a CSV's header set identifies (as the loader does), or None."""
    columns = {h.strip().upper() for h in header}
    return next((t.name for t in TABLES.values() if set(t.columns) == columns), None)


def children_in_care(folder: Path, period_end: dt.date) -> list[str]:
    """The children with an episode open at the period end and aged 4 or over then, from the
    extract's own CSVs (the voice file's measures count these)."""
    with open(folder / "header.csv", encoding="utf-8") as f:
        births = {r["CHILD"]: r["DOB"] for r in csv.DictReader(f)}
    with open(folder / "episodes.csv", encoding="utf-8") as f:
        open_at = {r["CHILD"] for r in csv.DictReader(f) if not r["DEC"].strip()}

    def age(dob: str) -> int:
        born = dt.datetime.strptime(dob.strip(), "%d/%m/%Y").date()
        return period_end.year - born.year - ((period_end.month, period_end.day) <
                                              (born.month, born.day))
    return sorted(c for c in open_at if c in births and births[c].strip()
                  and age(births[c]) >= 4)


def build_warehouse(folder: Path) -> dict:
    """A data folder with the module's warehouse and a user of each role: the sample's
    2025/26 files (none of the local ones but staff to team) and a voice file for 60 of its
    children in care aged 4 or over: 45 offered an advocate, 20 offered an independent
    visitor of whom 12 are matched, 30 asked for their views in the year."""
    extract = folder.parent / "extract"
    extract.mkdir(parents=True)
    for path in sorted(SOURCE.glob("*.csv")):
        with open(path, encoding="utf-8-sig") as f:
            header = next(csv.reader(f))
        if table_of(header) in (*LEFT_OUT, WRITTEN):
            continue  # whatever the bundled sample carries, these are not in this extract
        shutil.copy2(path, extract / path.name)
    chosen = children_in_care(extract, dt.date.fromisoformat(PERIOD))[:60]
    assert len(chosen) == 60
    voice = ExtractBuilder()
    for k, child in enumerate(chosen):
        voice.add("Voice", CHILD=child, ADVOCACY_OFFERED="Y" if k < 45 else "N",
                  ADVOCACY_TAKEN="N", IV_OFFERED="Y" if k < 20 else "N",
                  IV_MATCHED="Y" if k < 12 else "N", CICC_MEMBER="N",
                  CONSULTED_DATE="15/01/2026" if k < 30 else "")
    voice.write(extract)
    env = {**os.environ, "CPD_DATA_DIR": str(folder)}
    done = subprocess.run([sys.executable, "-m", "etl.cli", "load", str(extract),
                           "--period-end", PERIOD], env=env, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr  # 1: values blanked, as in the sample
    teams = ",".join(area_teams(folder, MANAGER_AREA))
    assert teams
    for role in ("member", "manager", "analyst"):
        extra = ["--teams", teams] if role == "manager" else []
        subprocess.run([sys.executable, "-m", "etl.cli", "users", "add", USERS[role], "--role",
                        role, "--password-stdin", *extra], env=env, check=True, input=PASSWORD,
                       text=True, stdout=subprocess.DEVNULL)
    return {"folder": folder, "voice_rows": len(chosen), "team": teams.split(",")[0]}


def cpd_indicators(folder: Path, suppress: bool) -> dict[str, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "etl.cli", "indicators", "--la", LA, "--period-end", PERIOD,
         "--format", "json", *(["--suppress"] if suppress else [])], capture_output=True,
        text=True, env={**os.environ, "CPD_DATA_DIR": str(folder)})
    assert done.returncode == 0, done.stderr
    return {row["id"]: row for row in json.loads(done.stdout)["indicators"]}


@pytest.fixture(scope="module")
def commitments(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("commitments") / "data")


@pytest.fixture(scope="module")
def app(commitments):
    from dashboard.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CPD_DATA_DIR", str(commitments["folder"]))
        mp.setenv("CPD_SECRET_KEY", SECRET_KEY)
        yield create_app()


@pytest.fixture(scope="module")
def clients(app):
    return {role: client_signed_in(app, role) for role in ("member", "manager", "analyst")}


# --- reading a page as the browser gets it -----------------------------------------------------

def page(client, pathname: str, search: str = "") -> list:
    """The page callback's answer for a URL: the page's Dash components, as JSON."""
    response = client.post("/_dash-update-component", headers={
        "X-CSRFToken": client.get_cookie("_csrf_token").value}, json={
        "output": "page.children", "outputs": {"id": "page", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": pathname},
                   {"id": "url", "property": "search", "value": search}],
        "changedPropIds": ["url.pathname"]})
    assert response.status_code == 200, (pathname, response.status_code)
    return response.get_json()["response"]["page"]["children"]


def text(node, hrefs: bool = True) -> str:
    """Every string of a component tree, with each link's target (unless `hrefs` is False),
    one space apart."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return str(node)
    if isinstance(node, list):
        return " ".join(t for t in (text(n, hrefs) for n in node) if t)
    props = node.get("props", {})
    href = (props.get("href") or "") if hrefs else ""
    return " ".join(t for t in (text(props.get("children"), hrefs), href) if t)


def nodes(node, kind: str) -> list[dict]:
    """Every component of a type (H2, Tr, Tbody...) in a tree, in document order."""
    if isinstance(node, list):
        return [found for n in node for found in nodes(n, kind)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    here = [node] if node.get("type") == kind else []
    return here + nodes(props.get("children"), kind)


def linked(node) -> set[str]:
    """The measures a page links to (/indicator/<id>)."""
    return set(re.findall(r"/indicator/([a-z0-9_]+)", text(node))) & set(BY_ID)


def cells(row: dict) -> list[str]:
    return [" ".join(text(c, hrefs=False).split()) for c in row["props"]["children"]]


def table_rows(tree, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with `caption`, as cell texts."""
    for table in nodes(tree, "Table"):
        if text(nodes(table, "Caption")[0]).startswith(caption):
            return [cells(r) for body in nodes(table, "Tbody") for r in nodes(body, "Tr")]
    raise AssertionError(f"no table {caption!r}")


# --- every principle and outcome has measures of its own ---------------------------------------

def own(ids, number: int | None = None, outcome: str | None = None) -> set[str]:
    return {i for i in ids if (number in BY_ID[i].principles if number else
                               BY_ID[i].outcome == outcome)}


def test_each_card_lists_three_measures_of_its_own_and_3_is_not_convictions():
    for number, ids in PRINCIPLE_HEADLINES.items():
        assert len(own(ids, number=number)) >= 3, number
        assert len(ids) <= 6, f"principle {number}'s card is too long"
    for outcome, ids in OUTCOME_HEADLINES.items():
        assert len(own(ids, outcome=outcome)) >= 3, outcome
    assert "convictions" not in PRINCIPLE_HEADLINES[3]  # it is not about being heard


def test_each_principle_and_outcome_page_shows_three_measures_of_its_own(clients):
    member = clients["member"]
    for number in PRINCIPLES:
        tree = page(member, f"/principle/{number}")
        assert text(nodes(tree, "H1")[0]) == principle_title(number)
        shown = own(linked(tree), number=number)
        assert len(shown) >= 3, (number, shown)
        assert shown == own(BY_ID, number=number)  # every measure of its own, no other
        assert linked(tree) == shown
    for outcome in OUTCOMES:
        tree = page(member, f"/outcome/{OUTCOME_SLUGS[outcome]}")
        shown = own(linked(tree), outcome=outcome)
        assert len(shown) >= 3 and linked(tree) == shown == own(BY_ID, outcome=outcome)
    heard = text(page(member, "/principle/3"))
    assert "Convicted of an offence" not in heard and "Asked for their views" in heard


def test_the_new_measures_are_on_the_scorecard_under_their_principle(clients):
    tree = page(clients["member"], "/scorecard")
    [scorecard] = [t for t in nodes(tree, "Table") if t["props"].get("id") == "scorecard"]
    groups = {}
    for body in nodes(scorecard, "Tbody"):
        rows = nodes(body, "Tr")
        groups[text(rows[0])] = [r for r in rows[1:] if nodes(r, "Th")]
    for number, ids in NEW_HEADLINES.items():
        titles = [text(nodes(r, "Th")[0], hrefs=False) for r in groups[principle_title(number)]]
        for i in ids:
            assert BY_ID[i].title in titles, (number, i)
    # and each headline measure once on the whole scorecard
    shown = [text(nodes(r, "Th")[0], hrefs=False) for rows in groups.values() for r in rows]
    assert len(shown) == len(set(shown))


def in_full(card: dict) -> set[str]:
    """The measures a card shows in full (its headline titles; the rest are links)."""
    return {re.search(r"/indicator/([a-z0-9_]+)", link["props"]["href"]).group(1)
            for link in nodes(card, "Link")
            if link["props"].get("className") == "headline-title"}


def test_the_new_measures_are_on_the_overview_cards(clients):
    tree = page(clients["member"], "/")
    cards = {text(nodes(c, "H3")[0], hrefs=False): c for c in nodes(tree, "Section")
             if "card" in (c["props"].get("className") or "").split()}
    assert len(cards) == 12
    for number, ids in NEW_HEADLINES.items():
        [card] = [c for title, c in cards.items() if title.startswith(principle_title(number))]
        assert set(ids) <= in_full(card), (number, ids, in_full(card))
    [heard] = [c for t, c in cards.items() if t.startswith("Make a positive contribution")]
    assert {"views_sought_12m", "advocacy_offered", "convictions"} <= linked(heard)


# --- "no data" where the local extract is not loaded ------------------------------------------

def figure_summary(tree) -> str:
    [summary] = [d for d in nodes(tree, "Div") if d["props"].get("className") ==
                 "figure-summary"]
    return " ".join(text(summary).split())


@pytest.mark.parametrize("indicator_id", list(NO_DATA))
def test_a_measure_without_its_file_says_no_data_on_its_page(clients, indicator_id):
    title, file = BY_ID[indicator_id].title, NO_DATA[indicator_id]
    for role in ("member", "analyst"):
        tree = page(clients[role], f"/indicator/{indicator_id}")
        summary = figure_summary(tree)
        assert summary.startswith("no data No data"), summary  # figure, then status in words
        assert f"No data: the extract for this period has no {file} (not the same as zero)." \
            in summary
        assert "Not compared: no data for this period" in summary
        figure = summary.split(" Target ")[0]  # the target is a percentage, the figure none
        assert not re.search(r"\d%|[▲▼■]|Improving|Worsening|No children in scope", figure)
        assert table_rows(tree, f"{title} by period")[-1][1:] == ["no data", "", "",
                                                                   "No data"]
        whole = text(tree)
        assert "No breakdowns: there is no data for this measure for this period." in whole
        assert "See the children behind this figure" not in whole


def test_for_a_team_too_a_measure_without_its_file_says_no_data(clients, commitments):
    manager, team = clients["manager"], commitments["team"]
    search = f"?team={team.replace(' ', '+')}"
    summary = figure_summary(page(manager, "/indicator/siblings_placed_together", search))
    assert "No data: the extract for this period has no siblings file" in summary
    assert "No children in scope" not in summary
    row = next(r for r in table_rows(page(manager, "/scorecard", search), "Scorecard for")
               if r[0] == BY_ID["siblings_placed_together"].title)
    assert row[1:4] == ["no data", "No data", "70.0%"] and row[5] == "Not compared"
    drill = text(page(manager, "/drill", f"?indicator=siblings_placed_together&team="
                                         f"{team.replace(' ', '+')}"))
    assert "No data: the extract for this period has no siblings file" in drill
    assert "Children behind the figure" not in drill


def test_the_scorecard_and_overview_say_no_data_and_why(clients):
    tree = page(clients["member"], "/scorecard")
    rows = {r[0]: r for r in table_rows(tree, "Scorecard for")}
    for i in ("siblings_placed_together", "permanence_plan_4_months",
              "care_leavers_pa_allocated_18_25", "pep_in_date"):
        row = rows[BY_ID[i].title]
        assert row[1] == "no data" and row[2] == "No data" and row[5] == "Not compared", row
    whole = " ".join(text(tree).split())
    assert "No data this period The extract for this period has no " in whole
    assert ("The extract for this period has no siblings file (not the same as zero), so these "
            "measures say no data: Brothers and sisters living together.") in whole
    assert "has no voice and advocacy file" not in whole  # it is loaded
    overview = " ".join(text(page(clients["member"], "/")).split())
    assert ("Brothers and sisters living together /indicator/siblings_placed_together no data "
            "No data") in overview
    assert "No data: the extract for this period has no siblings file (not the same as " \
        "zero). Target 70.0%." in overview


def test_the_voice_files_measures_have_their_figures(clients, commitments):
    """The voice file is loaded: its measures are figures (the engine's), not "no data"."""
    truth = cpd_indicators(commitments["folder"], suppress=True)
    assert (truth["advocacy_offered"]["numerator"], truth["independent_visitor_matched"][
        "numerator"], truth["independent_visitor_matched"]["denominator"],
        truth["views_sought_12m"]["numerator"]) == (45, 12, 20, 30)
    for i in VOICE:
        summary = figure_summary(page(clients["member"], f"/indicator/{i}"))
        assert summary.startswith(f"{truth[i]['value']:.1f}%"), (i, summary)
        assert "no data" not in summary.lower()


# --- the council's own files on the data-quality page -----------------------------------------

def own_files(tree) -> list[list[str]]:
    return table_rows(tree, "The council's own files in the load at 31 Mar 2026")


def test_the_quality_page_says_which_own_files_were_loaded(clients, commitments):
    analyst = page(clients["analyst"], "/data-quality")
    assert own_files(analyst) == [
        ["Staff-to-team file", "Yes (staff_teams.csv)", *own_counts("StaffTeams",
                                                                     commitments)],
        ["Education file", "Not loaded", "", "", "", ""],
        ["Permanence planning file", "Not loaded", "", "", "", ""],
        ["Siblings file", "Not loaded", "", "", "", ""],
        ["Voice and advocacy file", "Yes (voice.csv)", "60", "60", "0", "0"],
        ["Care leavers 18 to 25 file", "Not loaded", "", "", "", ""],
    ]
    whole = " ".join(text(analyst).split())
    assert "This load has 2 of the 6." in whole
    for table_name in LEFT_OUT:
        titles = [e.title for e in CATALOGUE if table_name in e.sources]
        assert len(titles) >= 1
        assert (f"No {TABLES[table_name].file_label}: these measures say \"no data\" (not the "
                f"same as zero): {'; '.join(titles)}.") in whole
    assert "No voice and advocacy file" not in whole
    # members: which files, no counts (as for the checks across the warehouse) and no file
    # names (a council's own name for a file could name a family)
    member = page(clients["member"], "/data-quality")
    assert own_files(member) == [[r[0], r[1].split(" (")[0]] for r in own_files(analyst)]
    assert "staff_teams.csv" not in text(member) and "voice.csv" not in text(member)


def own_counts(table_name: str, commitments) -> list[str]:
    """Rows read, loaded, kept out and problems of a file as the load recorded them."""
    import duckdb

    folder = commitments["folder"]
    name = (folder / "warehouse" / "CURRENT").read_text().strip()
    con = duckdb.connect(str(folder / "warehouse" / name), read_only=True)
    try:
        read, loaded, out = con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected FROM load_files WHERE table_name = ?",
            [table_name]).fetchone()
        problems = con.execute("SELECT count(*) FROM rejects WHERE table_name = ?",
                               [table_name]).fetchone()[0]
    finally:
        con.close()
    assert read > 0
    return [f"{read:,}", f"{loaded:,}", f"{out:,}", f"{problems:,}"]


def test_the_data_layer_gives_members_no_counts_and_refuses_another_council(commitments,
                                                                            app):
    from dashboard import state

    load_id = access.data_quality(LA)["loads"][0]["load_id"]
    counts = access.LOCAL_EXTRACT_COUNTS
    for role, shown in (("member", False), ("manager", True), ("analyst", True)):
        found = access.local_extracts(User(f"test-{role}", role), LA, load_id)
        assert [e["table"] for e in found] == [t.name for t in TABLES.values() if t.local]
        voice = next(e for e in found if e["table"] == WRITTEN)
        assert voice["loaded"] and voice["file"] == ("voice.csv" if shown else None)
        assert [voice[k] for k in counts] == ([commitments["voice_rows"]] * 2 + [0, 0] if shown
                                              else [None] * 4), role
    outsider = User("test-outsider", "analyst", councils=frozenset({"E06000016"}))
    with pytest.raises(AccessDenied):
        access.local_extracts(outsider, LA, load_id)
    entry = state.audit_entries(limit=1)[0]
    assert (entry["action"], entry["what"], entry["outcome"]) == \
        ("local extracts", {"la": LA}, "refused")
    assert access.local_extracts(User("a", "analyst"), LA, "20990101T000000Z-deadbeef") == []


# --- in a real browser: words and symbols, not colour; no accessibility failure --------------

@pytest.fixture(scope="module")
def served(commitments):
    server, url = start_gunicorn(commitments["folder"])
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_no_data_rows_and_own_files_in_chromium(browser, served):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    problems = watch_console(tab)
    try:
        sign_in(tab, served, "member")
        tab.goto(served + "/scorecard")
        row = tab.locator("#scorecard tr", has=tab.get_by_role(
            "link", name=BY_ID["siblings_placed_together"].title, exact=True))
        expect(row.locator(".rag")).to_have_text("No data")
        expect(row.locator("td.figure").first).to_have_text("no data")
        check_accessibility(tab)
        tab.goto(served + "/indicator/advocacy_offered")
        expect(tab.locator(".figure-summary")).not_to_contain_text("no data")
        tab.goto(served + "/data-quality")
        expect(tab.get_by_role("heading", name="The council's own files")).to_be_visible()
        expect(tab.locator("main")).to_contain_text("No siblings file")
        check_accessibility(tab)
        assert not problems, f"browser console: {problems}"
    finally:
        context.close()
