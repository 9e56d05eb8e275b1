"""Data Docs of one load (etl/quality/docs.py): built by great-expectations from the result
dicts a real run stored, offline, escaped, private, and working in Chromium under the CSP the
app sends; and the two path resolvers the app serves them through."""
from __future__ import annotations

import http.server
import json
import logging
import os
import stat
import threading
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest

from etl.quality import docs, ephemeral_context, import_gx
from tests.live import watch_console

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = [SCRIPT, IMG, "https://evil.example/x"]

# key: (fact frame, expectation class, its arguments, outcome)
CHECKS = {
    "in-header": (pd.DataFrame({"in_header": [True, True, False, False, True]}),
                  "ExpectColumnValuesToBeInSet", {"column": "in_header", "value_set": [True]},
                  "failed"),
    "episode-chain": (pd.DataFrame({"gap_days": [0, 0, -11, 9, 0]}),
                      "ExpectColumnValuesToBeBetween",
                      {"column": "gap_days", "min_value": 0, "max_value": 0}, "failed"),
    "one-open-episode": (pd.DataFrame({"n_open": [0, 1, 1, 0]}),
                         "ExpectColumnValuesToBeBetween",
                         {"column": "n_open", "min_value": 0, "max_value": 1}, "passed"),
    "no-orphans": (pd.DataFrame({"tbl": ["episodes"]}), "ExpectTableRowCountToEqual",
                   {"value": 0}, "failed"),
    "broken": (pd.DataFrame({"x": [1, 2]}), "ExpectColumnValuesToBeBetween",
               {"column": "no_such_column", "min_value": 0}, "failed"),
    "placement-mix": (pd.DataFrame({"place": list("AAAABBC")}),
                      "ExpectColumnKLDivergenceToBeLessThan",
                      {"column": "place", "threshold": 0.1,
                       "partition_object": {"values": ["A", "B", "C"],
                                            "weights": [0.2, 0.4, 0.4]}}, "failed"),
    "hostile": (pd.DataFrame({"v": HOSTILE + ["ok"]}), "ExpectColumnValuesToBeInSet",
                {"column": "v", "value_set": ["ok"]}, "failed"),
}


def _run_suite() -> list[dict]:
    """One real GX run as etl/quality runs it: a suite and a dataframe asset per check, and
    the results as the warehouse keeps them (JSON)."""
    gx = import_gx()
    context = ephemeral_context(gx)
    source = context.data_sources.add_pandas("warehouse")
    stored = []
    for seq, (key, (frame, kind, arguments, _)) in enumerate(CHECKS.items()):
        title = f"Title {SCRIPT} {IMG}" if key == "hostile" else f"Every {key} is right"
        expectation = getattr(gx.expectations, kind)(**arguments, meta={
            "key": key, "rule": f"INT0{seq}", "title": title, "area": "Episodes"})
        suite = context.suites.add(gx.ExpectationSuite(name=key))
        suite.add_expectation(expectation)
        batch = source.add_dataframe_asset(key).add_batch_definition_whole_dataframe(key)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=key, data=batch, suite=suite))
        result = definition.run(batch_parameters={"dataframe": frame}, result_format={
            "result_format": "SUMMARY", "partial_unexpected_count": 200})
        stored.append(json.loads(json.dumps(result.to_json_dict())))
    return stored


@pytest.fixture(scope="module")
def results() -> list[dict]:
    return _run_suite()


@pytest.fixture(scope="module")
def site(results, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports") / ".building-1" / "data-docs"
    folder.parent.mkdir()
    logged = []
    handler = logging.Handler()
    handler.emit = logged.append
    logging.getLogger("etl.quality.docs").addHandler(handler)
    try:
        index = docs.write_site(results, folder, f"Load 42 {SCRIPT}")
    finally:
        logging.getLogger("etl.quality.docs").removeHandler(handler)
    assert index == folder / "index.html"
    assert logged == []  # GX rendered every part
    return folder


def _page(site: Path, key: str) -> Path:
    pages = list(site.glob(f"validations/{key}/*/*/{key}.html"))
    assert len(pages) == 1, (key, pages)
    return pages[0]


def test_the_run_is_realistic(results):
    """What the docs are built from has what a load's results have."""
    by_key = {r["suite_name"]: r["results"][0] for r in results}
    assert by_key["episode-chain"]["result"]["partial_unexpected_list"] == [-11, 9]
    assert by_key["in-header"]["result"]["unexpected_count"] == 2
    assert "observed_partition" in by_key["placement-mix"]["result"]["details"]
    assert any(str(v.get("raised_exception")) == "True"
               for v in by_key["broken"]["exception_info"].values())
    assert by_key["one-open-episode"]["success"] is True


def test_every_check_has_its_page_and_failures_show(site):
    index = (site / "index.html").read_text()
    index_data = "".join(p.read_text() for p in site.glob("static/scripts/*.js"))
    for seq, (key, (*_, outcome)) in enumerate(CHECKS.items()):
        page = _page(site, key).read_text()
        assert f"_expectation_suite_name_sort': '{key}'" in index_data
        status = "fa-times text-danger" if outcome == "failed" else "fa-check-circle"
        assert f'Status:</span> <i class="fas {status}' in page, key
        assert ("Failed" if outcome == "failed" else "Succeeded") in page
        assert f'<span class="h6">Rule:</span> INT0{seq}<br>' in page
        if key != "hostile":
            assert f'<span class="h6">Check:</span> Every {key} is right<br>' in page
            assert f"'asset_name': 'Every {key} is right'" in index_data
    assert index_data.count("'_validation_success_text': 'Failed'") == 6
    assert "Data Docs</strong> | Load 42" in index
    # the unexpected values, the exception and the KL divergence's partitions are shown
    chain = _page(site, "episode-chain").read_text()
    assert "2 unexpected values found" in chain
    assert "raised an exception" in _page(site, "broken").read_text()
    mix = _page(site, "placement-mix").read_text()
    assert "<th>values</th><th>fraction</th>" in mix and "<td>0.5714</td>" in mix


def _every_file(site: Path) -> list[Path]:
    files = [p for p in site.rglob("*") if not p.is_dir()]
    assert len(files) > len(CHECKS) * 2
    return files


def test_no_web_address_in_any_file(site):
    for path in _every_file(site):
        data = path.read_bytes().lower()
        assert b"http://" not in data and b"https://" not in data, path
    index = (site / "index.html").read_text()
    assert "/reports/data-docs-assets/bootstrap.min.css" in index
    assert "newsletter" not in index.lower() and "logo-long" not in index


def test_hostile_strings_never_reach_the_markup(site):
    for path in _every_file(site):
        if path.suffix in (".html", ".js"):
            text = path.read_text()
            for bad in (SCRIPT, IMG, "<img src=x", "onerror=alert(1)>"):
                assert bad not in text, (path, bad)
    page = _page(site, "hostile").read_text()
    # shown, defanged: look-alike brackets and quotes, no web address
    assert "‹script›alert(1)‹/script›" in page
    assert "”›‹img src=x onerror=alert(1)›" in page
    assert "https∶//evil.example/x" in page
    assert "<title>Load 42 ‹script›alert(1)‹/script›</title>" in page


def test_folders_are_private(site):
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    with pytest.raises(FileExistsError):
        docs.write_site([], site, "again")  # never over another build


# --- in Chromium, served as the app serves them ----------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    """/docs/<page> from the site, /reports/data-docs-assets/<name> from the vendor folder,
    each with the module's CSP; anything else 404."""
    site: Path

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        found = None
        if path.startswith(docs.ASSETS_URL):
            found = docs.asset_file(path[len(docs.ASSETS_URL):])
        elif path.startswith("/docs/"):
            found = docs.site_file(self.site, path[len("/docs/"):])
        body = found.read_bytes() if found else b"not found"
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", docs.content_type(found) if found else "text/plain")
        self.send_header("Content-Security-Policy", docs.CSP)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    handler = type("Handler", (_Handler,), {"site": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _open(browser, base: str, path: str):
    """A tab on `path`, offline: every request not to the test server is aborted and noted;
    console errors and warnings, page errors, CSP violations, failed responses and alerts
    are collected."""
    tab = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    problems = watch_console(tab)
    tab.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    tab.on("response", lambda r: problems.append(f"{r.status} {r.url}")
           if r.status >= 400 else None)

    def route(request_route):
        if request_route.request.url.startswith(base + "/"):
            request_route.continue_()
        else:
            problems.append(f"off the server: {request_route.request.url}")
            request_route.abort()

    tab.route("**/*", route)
    tab.add_init_script("window.cspViolations = []; document.addEventListener("
                        "'securitypolicyviolation', e => window.cspViolations.push("
                        "e.violatedDirective + ' ' + e.blockedURI));")
    tab.goto(f"{base}/docs/{path}")
    tab.wait_for_load_state("networkidle")
    tab.evaluate("document.fonts.ready.then(() => true)")
    return tab, problems


def _styled(tab) -> dict:
    return tab.evaluate("""() => {
        const icon = document.querySelector('i.fas');
        return {
          font: getComputedStyle(document.body).fontFamily,
          navbar: getComputedStyle(document.querySelector('.navbar')).position,
          icon: icon && getComputedStyle(icon, '::before').fontFamily,
          iconFont: [...document.fonts].some(f => f.family.includes('Font Awesome 6 Free')
                                              && f.status === 'loaded'),
          csp: window.cspViolations,
        }; }""")


def test_pages_work_offline_under_the_csp(browser, served, site):
    index, problems = _open(browser, served, "index.html")
    got = _styled(index)
    assert got["csp"] == [] and problems == []
    assert got["font"].startswith("-apple-system")       # bootstrap's reboot applied
    assert got["navbar"] == "sticky"                      # bootstrap's .sticky-top
    assert "Font Awesome 6 Free" in (got["icon"] or "") and got["iconFont"]  # status icons
    # bootstrap-table built the index from its data: one row per check, in suite order
    rows = index.locator("#section-1-content-block-2-1-body-table tbody tr")
    assert rows.count() == len(CHECKS)
    assert rows.nth(0).inner_text().split("\t")[-1].strip() == "in-header"
    index.context.close()
    assert problems == []

    for key in ("episode-chain", "placement-mix", "one-open-episode"):
        path = _page(site, key).relative_to(site).as_posix()
        tab, problems = _open(browser, served, path)
        got = _styled(tab)
        assert got["csp"] == [] and problems == [], key
        assert got["font"].startswith("-apple-system") and got["iconFont"], key
        if key == "one-open-episode":
            # "Failed Only" (bound by data-docs.js, not an onclick) hides the passing check
            row = tab.locator("table tbody tr").last
            assert row.is_visible()
            tab.get_by_text("Failed Only").click()
            row.wait_for(state="hidden", timeout=3000)
        tab.context.close()
        assert problems == [], key


# --- the resolvers the app serves through ----------------------------------------------------

def test_site_file_accepts_the_pages_and_nothing_else(site, tmp_path):
    page = _page(site, "in-header").relative_to(site).as_posix()
    script = next(site.glob("static/scripts/*.js")).relative_to(site).as_posix()
    for good in ("index.html", page, script, "static/images/favicon.ico"):
        assert docs.site_file(site, good) == site / good
    outside = tmp_path / "secret.html"
    outside.write_text("secret")
    (site / "validations" / "link.html").symlink_to(outside)
    (site / "linked").symlink_to(tmp_path, target_is_directory=True)
    try:
        for bad in ("../x", "../../secret.html", "/etc/passwd", "validations/../index.html",
                    "%2e%2e/index.html", "..%2findex.html", "./index.html", "index.html\x00",
                    "index.html\x00.js", "validations\\..\\index.html", "validations/link.html",
                    "linked/secret.html", "a/" * 150 + "index.html", "index.HTML",
                    "index.html.bak", "index", "", "static", "static/", "validations//x.html",
                    ".hidden.html", "index.html ", "in dex.html", "https://x/index.html"):
            assert docs.site_file(site, bad) is None, repr(bad)
    finally:
        (site / "validations" / "link.html").unlink()
        (site / "linked").unlink()


def test_asset_file_accepts_the_vendored_files_and_nothing_else():
    for name in ("bootstrap.min.css", "jquery.min.js", "fa-solid-900.woff2",
                 "bootstrap-table-sort-both.png", "data-docs.js"):
        assert docs.asset_file(name) == docs.VENDOR / name
        assert docs.content_type(docs.asset_file(name)) != "application/octet-stream"
    for bad in ("README.md", "../docs.py", "../../etl/quality/docs.py", "/etc/passwd",
                "..%2fdocs.py", "vendor/jquery.min.js", "jquery.min.js\x00", "x" * 400 + ".js",
                "missing.js", ".js", "jquery.min.js/", "JQUERY.MIN.JS"):
        assert docs.asset_file(bad) is None, repr(bad)


def test_every_asset_the_pages_name_is_vendored(site):
    """Each /reports/data-docs-assets/ file a page loads, and each url() in the vendored CSS,
    resolves to a vendored file."""
    import re

    named = set()
    for page in site.rglob("*.html"):
        named |= set(re.findall(r'/reports/data-docs-assets/([^"]+)"', page.read_text()))
    for css in docs.VENDOR.glob("*.css"):
        named |= {u for u in re.findall(r'url\("?([^")]+)"?\)', css.read_text())
                  if not u.startswith("data:")}
    assert "fa-solid-900.woff2" in named and "data-docs.js" in named
    assert {n for n in named if docs.asset_file(n) is None} == set()
