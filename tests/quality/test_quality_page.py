"""The checks across the warehouse on the data-quality page, from real loads of the sample
(`cpd load-sample`, which runs the suite in every load): members see whether each check was
met and no count; managers also what each check found; analysts and admins also the children
each failed check found (every list read is in the audit log) and the load's Data Docs, which
the app serves to them alone, with the docs' own Content-Security-Policy. A warehouse loaded
before the checks existed says so."""
from __future__ import annotations

import re
import shutil

import duckdb
import pytest
from dash import html
from dash.development.base_component import Component

from dashboard import access
from dashboard.access import AccessDenied, NotFound, User
from dashboard.pages import quality, warehouse_checks
from dashboard.view import View
from etl.config import default_code
from tests.dashboard.test_quality import audit_rows, flatten
from tests.http import client_signed_in
from tests.live import SECOND_LA, own_copy

SAMPLE_LA = default_code()
ROWS_ACTION = "quality check rows"
QUALITY_TABLES = ("quality_rows", "quality_results", "quality_runs")


def user(role: str) -> User:
    return User(f"test-{role}", role)


def failed_checks(la: str = SAMPLE_LA) -> list[tuple[dict, dict]]:
    """(run, result) for every check not met in a load in use, as an analyst reads them."""
    checks = access.quality_checks(user("analyst"), la)
    return [(run, result) for run in checks["runs"] if run["status"] == "active"
            for result in checks["results"][run["load_id"]] if result["success"] is False]


def load_with_failures() -> dict:
    """The load in use with the most checks not met (the sample's injected errors make some)."""
    found = failed_checks()
    assert found, "no check failed in any load of the sample: the injected errors should " \
                  "make some fail"
    return max((run for run, _ in found), key=lambda run: run["failed"])


def page(role: str, run: dict, la: str = SAMPLE_LA) -> list:
    view = View.for_request(user(role), f"?la={la}&period={run['period_end'].isoformat()}"
                            f"&load={run['load_id']}")
    return quality.layout(view)


def headers_of(component) -> list[str]:
    """The column headers of every table in a component tree."""
    if isinstance(component, (list, tuple)):
        return [h for c in component for h in headers_of(c)]
    if isinstance(component, html.Th):
        return [str(component.children)]
    return headers_of(getattr(component, "children", None)) \
        if isinstance(component, Component) else []


def test_every_load_ran_the_suite_and_results_are_in_the_suites_order(sample_env):
    from schemas.expectations import SUITE

    loads = access.data_quality(SAMPLE_LA)["loads"]
    checks = access.quality_checks(user("analyst"), SAMPLE_LA)
    assert [r["load_id"] for r in checks["runs"]] == [load["load_id"] for load in loads]
    for run in checks["runs"]:
        results = checks["results"][run["load_id"]]
        assert [r["expectation"] for r in results] == [c.key for c in SUITE]
        assert run["expectations"] == len(results)
        assert run["failed"] == sum(r["success"] is False for r in results)
        assert run["not_run"] == sum(r["success"] is None for r in results)
        assert all(r["not_run"] for r in results if r["success"] is None)
    # the earliest period end has nothing before it to compare with; the others do
    first, *later = sorted(checks["runs"], key=lambda r: r["period_end"])
    assert first["compared_with"] is None
    assert all(r["compared_with"] is not None and r["compared_with"] < r["period_end"]
               for r in later)


def test_members_get_whether_each_check_was_met_and_no_count(sample_env):
    member = access.quality_checks(user("member"), SAMPLE_LA)
    officer = access.quality_checks(user("manager"), SAMPLE_LA)
    assert member["runs"] == officer["runs"]
    for load_id, results in officer["results"].items():
        for seen, full in zip(member["results"][load_id], results, strict=True):
            assert {k: seen[k] for k in access.QUALITY_COUNTS} == \
                dict.fromkeys(access.QUALITY_COUNTS)
            for key in ("expectation", "area", "rule", "title", "success", "not_run", "fix"):
                assert seen[key] == full[key]
    assert any(r["checked"] is not None for results in officer["results"].values()
               for r in results)


def test_a_member_sees_results_in_words_without_counts_or_children(sample_env):
    run = load_with_failures()
    layout = page("member", run)
    text = flatten(layout)
    assert warehouse_checks.HEADING in text
    assert "✕ Not met" in text and "✓ Met" in text
    headers = headers_of(layout)
    assert "Found" not in headers
    assert headers[headers.index("Check"):][:4] == ["Check", "DfE rule", "Result",
                                                     "What to do"]
    failed = [r for r_run, r in failed_checks() if r_run["load_id"] == run["load_id"]]
    for result in failed:
        assert result["observed"] and result["observed"] not in text
        assert result["fix"] in text  # what to do is plain English, no count
    assert "Children involved" not in text and "data-docs" not in text
    assert "Checks not met per period end" in text


def test_a_manager_sees_what_each_check_found_but_no_children(sample_env):
    run = load_with_failures()
    layout = page("manager", run)
    text = flatten(layout)
    assert "Found" in headers_of(layout)
    for r_run, result in failed_checks():
        if r_run["load_id"] == run["load_id"]:
            assert result["observed"] and result["observed"] in text
    assert "Children involved" not in text and "data-docs" not in text
    assert not [e for e in audit_rows(5) if e[1] == ROWS_ACTION and e[0] == "manager"]


def test_an_analyst_sees_the_children_each_failed_check_found_audited(sample_env):
    run = load_with_failures()
    layout = page("analyst", run)
    text = flatten(layout)
    failed = [r for r_run, r in failed_checks() if r_run["load_id"] == run["load_id"]]
    with duckdb.connect(str(_current(sample_env)), read_only=True) as con:
        stored = {key: rows for key, rows in con.execute(
            "SELECT expectation, list(struct_pack(child, detail) ORDER BY seq) FROM "
            "quality_rows WHERE load_id = ? GROUP BY 1", [run["load_id"]]).fetchall()}
    # a list of children, or for a check that finds no child (social workers) what it found
    assert text.count("Children involved") == sum(
        any(row["child"] for row in stored.get(r["expectation"], [])) for r in failed) > 0
    assert text.count("What it found") == sum(
        bool(stored.get(r["expectation"])) and not any(
            row["child"] for row in stored[r["expectation"]]) for r in failed)
    for result in failed:
        for row in stored.get(result["expectation"], []):
            assert (f"{row['child']}: {row['detail']}" if row["child"] else row["detail"]) \
                in text
        more = (result["unexpected"] or 0) - len(stored.get(result["expectation"], []))
        assert (f"and {more:,} more" in text) if more > 0 else True
    # each list read is audited: the council, the load and the check (never a child's id)
    assert audit_rows(len(failed)) == [
        ("analyst", ROWS_ACTION, {"la": SAMPLE_LA, "load_id": run["load_id"],
                                  "expectation": r["expectation"]}, "shown") for r in failed]
    # the load's Data Docs, linked for analysts
    assert "Data Docs for this load" in text
    assert f"/reports/{run['load_id']}/data-docs/index.html" in text


def test_the_trend_counts_checks_not_met_in_each_period_ends_load(sample_env):
    checks = access.quality_checks(user("member"), SAMPLE_LA)
    active = sorted((r for r in checks["runs"] if r["status"] == "active"),
                    key=lambda r: r["period_end"])
    trend = warehouse_checks.trend(checks)
    table = trend[-1]
    rows = [[cell.children for cell in tr.children] for tr in table.children[2].children]
    assert [(row[2], row[3]) for row in rows] == [
        (f"{r['failed']:,}", f"{r['not_run']:,}") for r in active]
    assert "Checks not met per period end" in flatten(trend)


def test_each_council_has_its_own_checks(sample_env):
    second = access.quality_checks(user("analyst"), SECOND_LA)
    first = access.quality_checks(user("analyst"), SAMPLE_LA)
    assert len(second["runs"]) == 1
    assert second["runs"][0]["load_id"] not in first["results"]
    with pytest.raises(AccessDenied):
        access.quality_checks(User("limited", "analyst", councils=frozenset({SAMPLE_LA})),
                              SECOND_LA)


# --- the rows a check found: analysts and admins only, every answer audited -----------------

@pytest.mark.parametrize("role", ["member", "manager"])
def test_members_and_managers_are_refused_the_rows_and_it_is_audited(sample_env, role):
    run, result = failed_checks()[0]
    with pytest.raises(AccessDenied):
        access.quality_rows(user(role), SAMPLE_LA, run["load_id"], result["expectation"])
    assert audit_rows(1) == [(role, ROWS_ACTION, {
        "la": SAMPLE_LA, "load_id": run["load_id"], "expectation": result["expectation"]},
        "refused")]


def test_an_analyst_gets_the_rows_audited_with_their_count(sample_env):
    run, result = failed_checks()[0]
    rows = access.quality_rows(user("admin"), SAMPLE_LA, run["load_id"],
                               result["expectation"])
    assert rows and all(set(r) == {"child", "detail"} for r in rows)
    assert len(rows) <= min(200, result["unexpected"] or 200)
    assert audit_rows(1) == [("admin", ROWS_ACTION, {
        "la": SAMPLE_LA, "load_id": run["load_id"], "expectation": result["expectation"]},
        "shown")]
    entry = str(audit_rows(1))
    assert not any(r["child"] and r["child"] in entry for r in rows)


def test_rows_of_a_load_or_check_that_is_not_the_councils_are_not_found(sample_env):
    run, result = failed_checks()[0]
    other = access.quality_checks(user("analyst"), SECOND_LA)["runs"][0]["load_id"]
    child = access.quality_rows(user("analyst"), SAMPLE_LA, run["load_id"],
                                result["expectation"])[0]["child"] or "C80265834"
    forged = [(SAMPLE_LA, "../warehouse", result["expectation"]),
              (SAMPLE_LA, other, result["expectation"]),  # the other council's load
              (SAMPLE_LA, run["load_id"], child),  # a child's id sent as the check
              (SAMPLE_LA, run["load_id"], "in-header' OR '1'='1")]
    for la, load_id, key in forged:
        with pytest.raises(NotFound):
            access.quality_rows(user("analyst"), la, load_id, key)
        role, action, what, outcome = audit_rows(1)[0]
        assert (role, action, outcome) == ("analyst", ROWS_ACTION, "refused")
        assert child not in str(what) and ".." not in str(what) and "OR" not in str(what)


# --- a warehouse loaded before the checks existed ---------------------------------------------

def _current(folder):
    return folder / "warehouse" / (folder / "warehouse" / "CURRENT").read_text().strip()


def old_warehouse(sample_warehouse, folder):
    """A copy of the sample's warehouse without the checks' tables, as one published before
    they existed (a copy: the shared sample's file is never written)."""
    own_copy(sample_warehouse, folder)
    path = _current(folder)
    path.unlink()  # own_copy links the sample's file: this one is changed, so copy it
    shutil.copy2(_current(sample_warehouse), path)
    with duckdb.connect(str(path)) as con:
        for table in QUALITY_TABLES:
            con.execute(f"DROP TABLE {table}")
    return folder


@pytest.fixture
def old_env(sample_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "old"))
    return old_warehouse(sample_warehouse, tmp_path / "old")


def test_a_warehouse_loaded_before_the_checks_says_so(old_env):
    assert access.quality_checks(user("analyst"), SAMPLE_LA) == {"runs": [], "results": {}}
    view = View.for_request(user("analyst"), "")
    text = flatten(quality.layout(view))
    assert warehouse_checks.NO_RUN in text
    assert "Checks not met per period end" not in text
    assert "Problems by rule" in text  # the rest of the page as before


# --- Data Docs, served by the app to analysts and admins only ---------------------------------

@pytest.fixture
def app(sample_env):
    from dashboard.app import create_app

    return create_app()


def a_load() -> str:
    return load_with_failures()["load_id"]


def csp(response) -> dict[str, list[str]]:
    return {words[0]: words[1:] for part in response.headers.get(
        "Content-Security-Policy", "").split(";") if (words := part.split())}


def test_an_analyst_gets_the_data_docs_with_their_own_policy(app):
    from etl.quality import docs

    client = client_signed_in(app, "analyst")
    load_id = a_load()
    for path in (f"/reports/{load_id}/data-docs/", f"/reports/{load_id}/data-docs/index.html"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["Cache-Control"] == "no-store"
        # the docs module's policy, not the dashboard's (flask-talisman would write its own)
        assert csp(response) == {words[0]: words[1:] for part in docs.CSP.split(";")
                                 if (words := part.split())}
        assert response.headers["X-Frame-Options"] == "DENY"
        assert audit_rows(1)[0] == ("analyst", "data docs", {
            "load_id": load_id, "la": SAMPLE_LA, "page": "index.html"}, "shown")
    page_text = response.text
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page_text), \
        "the site refers to something outside the app"
    assets = set(re.findall(r"/reports/data-docs-assets/[^\"'\s)>]+", page_text))
    assert assets, "the index uses no vendored asset"
    before = len(audit_rows(200))
    for asset in sorted(assets):
        got = client.get(asset)
        assert got.status_code == 200, asset
        assert got.headers["Content-Type"].split(";")[0] == docs.CONTENT_TYPES[
            "." + asset.rsplit(".", 1)[-1].lower()].split(";")[0]
    assert len(audit_rows(200)) == before  # assets are not audited, pages are
    # every page the index links to is served too
    for link in sorted(set(re.findall(r'href="([^"#?]+\.html)"', page_text)))[:5]:
        target = link if link.startswith("/") else f"/reports/{load_id}/data-docs/{link}"
        assert client.get(target).status_code == 200, link


@pytest.mark.parametrize("role", ["member", "manager"])
def test_members_and_managers_are_refused_data_docs(app, role):
    client = client_signed_in(app, role)
    load_id = a_load()
    analyst = client_signed_in(app, "analyst")
    asset = re.findall(r"/reports/data-docs-assets/[^\"'\s)>]+",
                       analyst.get(f"/reports/{load_id}/data-docs/index.html").text)[0]
    for path, action in ((f"/reports/{load_id}/data-docs/index.html", "data docs"),
                         (f"/reports/{load_id}/data-docs/", "data docs"),
                         (asset, "data docs asset")):
        response = client.get(path)
        assert response.status_code == 403, path
        assert b"<html" in response.data.lower() and b"Traceback" not in response.data
        role_, action_, _, outcome = audit_rows(1)[0]
        assert (role_, action_, outcome) == (role, action, "refused")


@pytest.mark.parametrize("path", [
    "/reports/20990101T000000Z-deadbeef/data-docs/index.html",  # looks like a load, is not
    "/reports/20990101T000000Z-deadbeef/data-docs/",
    "/reports/{load}/data-docs/nowhere.html",
    "/reports/{load}/data-docs/..%2Frejects.html",
    "/reports/{load}/data-docs/..%2F..%2F..%2Fstate.sqlite",
    "/reports/{load}/data-docs/%2E%2E/%2E%2E/%2E%2E/state.sqlite",
    "/reports/{load}/data-docs/%2Fetc%2Fpasswd",
    "/reports/..%2F{load}/data-docs/index.html",
    "/reports/data-docs-assets/..%2F__init__.py",
    "/reports/data-docs-assets/%2E%2E/%2E%2E/load.py",
    "/reports/data-docs-assets/%2Fetc%2Fpasswd",
    "/reports/data-docs-assets/nothing-here.css",
])
def test_a_forged_load_or_page_is_not_found(app, path):
    client = client_signed_in(app, "admin")
    response = client.get(path.format(load=a_load()))
    assert response.status_code == 404, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    assert b"Traceback" not in response.data and b"root:" not in response.data
    role, action, what, outcome = audit_rows(1)[0]
    assert role == "admin" and outcome == "refused"
    assert action in ("data docs", "data docs asset", "rejects report")
    assert ".." not in str(what) and "passwd" not in str(what) and "state" not in str(what)


def test_nobody_signed_out_gets_data_docs(app):
    client = app.server.test_client()
    response = client.get(f"/reports/{a_load()}/data-docs/index.html")
    assert response.status_code == 401 and b"expectation" not in response.data.lower()


# --- in Chromium: the section reads well (axe-core), the Data Docs work under their policy ---

@pytest.mark.parametrize("role", ["analyst", "member"])
def test_the_checks_in_a_browser(sample_env, page, live_server, role):
    from playwright.sync_api import expect

    from tests.live import check_accessibility

    run = load_with_failures()
    page.goto(f"{live_server}/data-quality?period={run['period_end'].isoformat()}"
              f"&load={run['load_id']}")
    expect(page.get_by_role("heading", name=warehouse_checks.HEADING)).to_be_visible()
    first_area = access.quality_checks(user(role), SAMPLE_LA)["results"][run["load_id"]][0]
    expect(page.get_by_role("table", name=f"{first_area['area']}: each check and its result")) \
        .to_contain_text("✓ Met")
    expect(page.get_by_role("table", name=re.compile("^Checks not met in the load in use"))) \
        .to_be_visible()
    check_accessibility(page)
    if role == "member":
        expect(page.get_by_text("Children involved")).to_have_count(0)
        expect(page.get_by_role("link", name="Data Docs for this load")).to_have_count(0)
        return
    rows = page.locator("details.check-rows").first
    rows.locator("summary").click()
    expect(rows.locator("li").first).to_be_visible()
    check_accessibility(page)
    # the load's Data Docs: every script and style from the app, nothing refused by the policy
    # (the page fixture fails the test on any console error, CSP refusals included)
    page.get_by_role("link", name="Data Docs for this load").click()
    expect(page).to_have_url(re.compile(r"/data-docs/index\.html$"))
    expect(page.locator("body")).to_contain_text(first_area["expectation"])
