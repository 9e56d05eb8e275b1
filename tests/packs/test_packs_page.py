"""The packs page in Debian's Chromium, against a production gunicorn of this test's own (a
build writes pack runs to the state database and PDFs to the archive, so never into the shared
sample): an analyst builds the board pack, follows its progress, downloads the PDF and finds it
in the archive with its provenance, then builds the Ofsted pack; a member is offered no build
button and never the Ofsted pack, downloads the board pack, and a forged download of the
Ofsted pack is refused."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from dashboard import state
from tests.live import (CHROMIUM, check_accessibility, own_copy, sign_in, start_gunicorn,
                        watch_console)

LA = "E06000015"
PACK_ROWS = "#packs-archive .table-wrap > table > tbody > tr"  # not the provenance's tables
STAGES = re.compile(r"waiting to start|Starting|Working out the figures|Laying out the pages|"
                    r"Printing the PDF")
READY_MS = 60_000  # the brief: the download link within about a minute


@pytest.fixture
def served(sample_warehouse, tmp_path, monkeypatch):
    """gunicorn as production runs it (2 workers, 2 threads), serving a data folder of this
    test's own; this process reads the same folder's state database to check the audit."""
    data = tmp_path / "data"
    monkeypatch.setenv("CPD_DATA_DIR", str(data))
    own_copy(sample_warehouse, data)
    server, url = start_gunicorn(data)
    yield url
    deadline = time.monotonic() + 180  # a build still under way finishes before its folder goes
    while any(r.active for r in state.pack_runs()) and time.monotonic() < deadline:
        time.sleep(0.5)
    server.terminate()
    server.wait(timeout=10)


def open_tab(browser, base: str, role: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  accept_downloads=True)
    tab = context.new_page()
    sign_in(tab, base, role)
    return context, tab, watch_console(tab)


def build_and_follow(tab, button: str, link: str) -> tuple[float, float, set[str]]:
    """Press a build button; the seconds the button's callback took (in the browser, and on
    the server), the progress lines seen, once the download link shows."""
    from playwright.sync_api import expect

    def is_build(response) -> bool:
        return "/_dash-update-component" in response.url and \
            '"output":"packs-run.data"' in (response.request.post_data or "")

    with tab.expect_response(is_build) as answer:
        pressed = time.perf_counter()
        tab.get_by_role("button", name=button).click()
    in_browser = time.perf_counter() - pressed
    timing = answer.value.request.timing
    on_server = (timing["responseStart"] - timing["requestStart"]) / 1000
    assert answer.value.status == 200
    status = tab.get_by_role("status")
    seen = set()
    deadline = time.monotonic() + READY_MS / 1000
    while time.monotonic() < deadline and status.get_by_role("link", name=link).count() == 0:
        seen.add(status.inner_text())
        time.sleep(0.2)
    expect(status.get_by_role("link", name=link)).to_be_visible()
    return in_browser, on_server, seen


def test_an_analyst_builds_and_downloads_a_pack_and_a_member_never_sees_ofsted(browser,
                                                                               served):
    from playwright.sync_api import expect

    assert Path(CHROMIUM).exists()
    context, tab, problems = open_tab(browser, served, "analyst")
    try:
        tab.get_by_role("navigation", name="Main").get_by_role("link", name="Packs").click()
        expect(tab.get_by_role("heading", level=1)).to_have_text("Board and Ofsted packs")
        assert tab.url == served + "/packs"
        archive = tab.locator("#packs-archive")
        expect(archive).to_contain_text("No pack has been built")
        status = tab.get_by_role("status")
        assert status.get_attribute("aria-live") == "polite"
        check_accessibility(tab)

        in_browser, on_server, seen = build_and_follow(
            tab, "Build the board pack", "Download the board pack (PDF)")
        print(f"\nbuild button's callback: {in_browser * 1000:.0f} ms from the click to its "
              f"answer in the browser, {on_server * 1000:.0f} ms on the server")
        assert in_browser < 1.0 and on_server < 1.0
        print(f"progress lines seen: {sorted(seen)}")
        assert any(STAGES.search(line) for line in seen), seen
        assert all(line.startswith(("Building the board pack for", "The board pack for"))
                   for line in seen if line), seen
        expect(status).to_contain_text(re.compile(r"The board pack for \d+ \w+ \d{4} is ready "
                                                  r"\(\d+ pages, [\d.]+ (KB|MB)\)"))

        # nothing is building now: the page stops asking
        asked = []
        tab.on("request", lambda r: asked.append(r) if "_dash-update-component" in r.url
               else None)
        tab.wait_for_timeout(2500)
        assert asked == [], f"{len(asked)} callbacks after the build ended"

        with tab.expect_download() as download:
            status.get_by_role("link", name="Download the board pack (PDF)").click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        assert re.fullmatch(rf"board-pack_{LA}_\d{{4}}-\d\d-\d\d_built-\d{{4}}-\d\d-\d\d\.pdf",
                            download.value.suggested_filename)

        # the archive has it, with how and from what it was built
        expect(archive).to_contain_text("From the dashboard, by analyst")
        row = tab.locator(PACK_ROWS).first
        expect(row).to_contain_text("Corporate parenting board pack")
        expect(row).to_contain_text("Ready")
        expect(row).to_contain_text(re.compile(r"\d+ \w+ \d{4} \d\d:\d\d"))
        assert row.get_by_role("link", name=re.compile(r"^Download the board pack")).count() \
            == 1
        provenance = row.locator("details")
        provenance.locator("summary").click()
        for words in ("The PDF's SHA-256 checksum", "Load 2", "header.csv",
                      "SHA-256 checksum", "Rows read", "Code: version"):
            expect(provenance).to_contain_text(words)
        sha = next(r for r in state.pack_runs() if r.kind == "board").sha256
        expect(provenance).to_contain_text(sha)
        check_accessibility(tab)

        in_browser, on_server, _ = build_and_follow(
            tab, "Build the Ofsted pack", "Download the Ofsted pack (PDF)")
        print(f"Ofsted build button's callback: {in_browser * 1000:.0f} ms in the browser, "
              f"{on_server * 1000:.0f} ms on the server")
        assert in_browser < 1.0
        ofsted = status.get_by_role("link", name="Download the Ofsted pack (PDF)")
        ofsted_href = ofsted.get_attribute("href")
        expect(tab.locator(PACK_ROWS)).to_have_count(2)
        assert not problems, problems
    finally:
        context.close()

    ofsted_run = next(r for r in state.pack_runs() if r.kind == "ofsted")
    assert ofsted_href == f"/reports/packs/{ofsted_run.id}.pdf"
    assert ofsted_run.teams is None and ofsted_run.status == "done"

    context, tab, problems = open_tab(browser, served, "member")
    try:
        tab.goto(served + "/packs")
        expect(tab.get_by_role("heading", level=1)).to_have_text("Board packs")
        assert tab.get_by_role("button", name=re.compile("Build", re.I)).count() == 0
        rows = tab.locator(PACK_ROWS)
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Corporate parenting board pack")
        assert "ofsted" not in tab.locator("body").inner_text().lower()
        assert "ofsted" not in tab.locator("#page").inner_html().lower()
        check_accessibility(tab)

        # the member's own board pack download works; the Ofsted pack's id is no pack to them
        board = tab.request.get(served + rows.first.get_by_role("link").get_attribute("href"))
        assert board.status == 200 and board.body().startswith(b"%PDF")
        before = state.audit_count()
        forged = tab.request.get(served + ofsted_href)
        assert forged.status == 404 and not forged.body().startswith(b"%PDF")
        assert "ofsted" not in forged.text().lower()
        entry = state.audit_entries(limit=1)[0]
        assert state.audit_count() == before + 1
        assert (entry["user"], entry["action"], entry["outcome"], entry["what"]["run"]) == (
            "councillor", "pack downloaded", "refused", ofsted_run.id)
        assert not problems, problems
    finally:
        context.close()
