"""A pack's HTML page to a PDF with Debian's Chromium, driven by Playwright (never a
downloaded browser): tagged (headings, tables and figures with their alt text), with an
outline from the headings, the page number and the pack's marking in every footer.

The page is loaded from memory with every request refused, so nothing is fetched while a
pack prints.
"""
from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path

CHROMIUM = os.environ.get("CPD_CHROMIUM", "/usr/bin/chromium")
# No sandbox: the clock may run as root in a container, where Chromium's sandbox cannot
# start. The page printed is our own, built from escaped text, and loads nothing.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
READY_TIMEOUT_MS = 120_000


class PrintError(Exception):
    """Chromium could not print the pack; the message says why in plain words."""


def footer(title: str, marking: str) -> str:
    return ('<div style="font-size:7pt;font-family:DejaVu Sans,Arial,sans-serif;width:100%;'
            'padding:0 15mm;display:flex;justify-content:space-between;color:#000">'
            f"<span>{escape(marking)} · {escape(title)}</span>"
            '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span>'
            "</span></div>")


def to_pdf(page: str, out: Path, title: str, marking: str) -> int:
    """Print `page` to `out`; returns the number of pages. The PDF's title is the page's
    <title> (Chromium's doing); `title` and `marking` go in every footer."""
    from playwright.sync_api import Error as PlaywrightError, sync_playwright

    if not Path(CHROMIUM).exists():
        raise PrintError(f"Chromium is not installed at {CHROMIUM}: install Debian's "
                         "chromium package (make test installs it), or set CPD_CHROMIUM.")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page()
                tab.route("**/*", lambda route: route.abort())  # nothing is fetched
                tab.set_content(page, wait_until="load")
                tab.wait_for_function("window.packReady === true || !!window.packError",
                                      timeout=READY_TIMEOUT_MS)
                failed = tab.evaluate("window.packError || null")
                if failed:
                    raise PrintError(f"a chart could not be drawn ({failed[:200]}).")
                tab.pdf(path=str(out), format="A4", print_background=True,
                        prefer_css_page_size=True, display_header_footer=True,
                        header_template="<span></span>",
                        footer_template=footer(title, marking), tagged=True, outline=True)
            finally:
                browser.close()
    except PlaywrightError as err:
        raise PrintError(f"Chromium could not print the pack ({str(err).splitlines()[0]})"
                         ) from None
    return page_count(out)


def page_count(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))
