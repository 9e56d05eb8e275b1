"""In Chromium: a signed-out visit lands on the sign-in page (accessible, per axe); a board
member signs in and has no drill-down in the navigation, gets "Not available" at /drill,
signs out with the header's button and is sent to sign in again."""
from __future__ import annotations

import re

from tests.live import ARTIFACTS, PASSWORD, USERS, check_accessibility, watch_console


def test_a_member_signs_in_finds_no_drill_down_and_signs_out(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    problems = watch_console(tab)
    try:
        tab.goto(live_server + "/")
        assert re.search(r"/sign-in\?next=%2F$", tab.url), tab.url
        assert tab.locator("h1").inner_text() == "Sign in"
        check_accessibility(tab)

        tab.fill("#name", USERS["member"])
        tab.fill("#password", PASSWORD)
        with tab.expect_navigation():
            tab.click("button[type=submit]")
        assert tab.url == live_server + "/"
        nav = tab.locator("nav.site-nav")
        nav.get_by_role("link", name="Board overview").wait_for()
        links = nav.get_by_role("link").all_inner_texts()
        assert "Drill-down" not in links, links
        assert "Audit log" not in links and "Compare councils" not in links
        assert tab.get_by_text(f"Signed in as {USERS['member']} (member)").is_visible()

        tab.goto(live_server + "/drill")
        tab.get_by_role("heading", name="Not available").wait_for()
        assert "Children behind the figure" not in tab.content()

        with tab.expect_navigation():
            tab.get_by_role("button", name="Sign out").click()
        assert tab.url.endswith("/sign-in?ended=out"), tab.url
        assert tab.get_by_text("You are signed out.").is_visible()
        tab.goto(live_server + "/")
        assert re.search(r"/sign-in\?next=%2F$", tab.url), tab.url
        assert not problems, f"browser console: {problems}"
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "security-member-journey.png"), full_page=True)
        raise
    finally:
        context.close()
