"""Time the dashboard in real Chromium: first paint and the time until each page's heading is
drawn, and interactions (changing a filter, opening a breakdown). Prints figures.

An interaction is timed twice. "in the browser" runs from the click event's own timestamp to
the first frame after the last change to the page (a MutationObserver watches it): what a
person sees. "driver" is the wall-clock time around Playwright's click and waits, which adds
Playwright's own checks and polling.

    .venv/bin/python bench/dashboard.py [--data-dir DIR] [--repeat 5] [--role analyst]

Serves the warehouse in DIR (default CPD_DATA_DIR or ./data; `make sample` fills it) as
`make run` does (`cpd serve --demo`, gunicorn) on a free local port, and signs in as that
role's demo user (a member's figures go through the linked disclosure control).
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Records the click's timestamp, and the frame after each change to the page below it.
WATCH = """() => {
  window.__timing = {};
  document.addEventListener('click', e => { window.__timing.click = e.timeStamp; },
                            {capture: true, once: true});
  new MutationObserver(() => requestAnimationFrame(() => {
        window.__timing.drawn = performance.now(); }))
    .observe(document.getElementById('page'),
             {subtree: true, childList: true, characterData: true, attributes: true});
}"""
PAGES = ["/", "/principle/6", "/outcome/be-healthy", "/indicator/placement_stability_short",
         "/drill?indicator=placement_stability_short", "/data-quality"]


# The board's pages and the element that says their figures are there.
BOARD = [("/", ".headline-value"), ("/scorecard", "#scorecard td.figure"),
         ("/indicator/placement_stability_short", ".big-value")]
LINKED_FROM = {"/": "/data-quality", "/scorecard": "/data-quality",
               "/indicator/placement_stability_short": "/scorecard"}
# Every plotly graph on the page has drawn its plot (Dash renders a graph's div first, then
# plotly.js draws into it once its bundle has loaded).
CHARTS_DRAWN = """() => [...document.querySelectorAll('.dash-graph')].every(
    g => g.querySelector('.main-svg .cartesianlayer .trace'))"""


def board_timings(page, url: str, repeat: int) -> None:
    """For the board overview, scorecard and indicator page: the time until the figures show
    and until every chart is drawn (budgets: 300 ms and 800 ms), opened two ways: a full load
    of the address, and from a link in the app (what a reader does most)."""
    print(f"{'board page (ms, median)':<40} {'how':<10} {'figures':>8} {'charts':>8}")
    for path, ready in BOARD:
        for how in ("address", "link"):
            figures, charts = [], []
            for _ in range(repeat):
                if how == "link":  # from a page with a link to it, as a reader goes
                    page.goto(url + LINKED_FROM[path])
                    page.wait_for_selector("main h1")
                    page.wait_for_timeout(300)
                    started = time.perf_counter()
                    page.locator(f"a[href='{path}']").first.click()
                else:
                    started = time.perf_counter()
                    page.goto(url + path)
                page.wait_for_selector(ready)
                figures.append((time.perf_counter() - started) * 1000)
                page.wait_for_function(CHARTS_DRAWN, polling="raf")
                charts.append((time.perf_counter() - started) * 1000)
            print(f"{path:<40} {how:<10} {statistics.median(figures):>8.0f} "
                  f"{statistics.median(charts):>8.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("CPD_DATA_DIR", "data"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--role", default="analyst",
                        choices=["member", "manager", "analyst", "admin"])
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("cpd")), "serve", "--demo", "--port", str(port)],
        env={**os.environ, "CPD_DATA_DIR": str(Path(args.data_dir).resolve())},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.05)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(url + "/sign-in")
            with page.expect_navigation():
                page.click(f"button[value={args.role}]")
            page.goto(url + "/")  # warm the worker's caches once, as a running server would be
            page.wait_for_selector("main h1")
            print(f"{'page':<48} {'first paint ms':>15} {'heading ms':>11}")
            for path in PAGES:
                paints, headings = [], []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    page.goto(url + path)
                    page.wait_for_selector("main h1")
                    headings.append((time.perf_counter() - started) * 1000)
                    paints.append(page.evaluate(
                        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime"
                        " ?? null") or 0)
                print(f"{path:<48} {statistics.median(paints):>15.0f} "
                      f"{statistics.median(headings):>11.0f}")
            board_timings(page, url, args.repeat)
            print(f"{'interaction (ms, median)':<48} {'in the browser':>15} {'driver':>11}")
            for name, start, action, ready in [
                ("board: change period",  "/",
                 lambda: page.get_by_role("navigation", name="Period end")
                 .get_by_role("link").nth(1).click(),
                 "main h1"),
                ("board: choose a service area", "/",
                 lambda: page.get_by_role("navigation", name="Service area")
                 .get_by_role("link").nth(1).click(),
                 "main h1"),
                ("indicator page: change period", "/indicator/placement_stability_short",
                 lambda: page.get_by_role("navigation", name="Period end")
                 .get_by_role("link").nth(1).click(),
                 "main h1"),
                ("indicator page: open a breakdown", "/indicator/placement_stability_short",
                 lambda: page.get_by_role("link", name="Ethnic group", exact=True).click(),
                 "table:has(caption:text('by ethnic group'))"),
            ]:
                times, drawn = [], []
                for _ in range(args.repeat):
                    page.goto(url + start)
                    page.wait_for_selector("main h1")
                    page.wait_for_timeout(300)  # let the page settle before watching it
                    page.evaluate(WATCH)
                    started = time.perf_counter()
                    # done when the page's render callback has answered and been drawn
                    with page.expect_response(
                            lambda r: "_dash-update-component" in r.url
                            and "page.children" in (r.request.post_data or "")):
                        action()
                    page.wait_for_selector(ready)
                    page.evaluate("new Promise(done => requestAnimationFrame(() => done()))")
                    times.append((time.perf_counter() - started) * 1000)
                    page.wait_for_timeout(500)  # anything still being drawn lands by now
                    drawn.append(page.evaluate("window.__timing.drawn - window.__timing.click"))
                print(f"{name:<48} {statistics.median(drawn):>15.0f} "
                      f"{statistics.median(times):>11.0f}")
            browser.close()
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
