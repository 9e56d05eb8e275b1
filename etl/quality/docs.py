"""great-expectations Data Docs for one load, built from the results the quality suite kept
(quality_runs.gx_results) and made fit to serve from the dashboard to analysts.

GX's own pages phone home and trust their data: they load scripts and styles from five CDNs,
show its logo from S3 with the context's id in the address (a tracking beacon), ask the reader
to subscribe to a newsletter, and in 1.24.1 write unexpected values into the page without
escaping them. So:

* every string of the results is defanged before GX sees it (`_defang`): the characters that
  make markup or end a script (< > " ') become look-alikes, and "://" becomes "∶//", so no
  value can open a tag, leave an attribute or a script, or be a web address, wherever GX puts
  it;
* after GX has written the site (`_finish`), its pages load the vendored copies of its scripts
  and styles from the app (ASSETS_URL), the logo, newsletter and GX links are gone, and its
  inline scripts and onclick handlers are moved into files, so the pages work under CSP,
  which allows no inline script;
* only the pages and the favicon are kept (GX also copies 4 MB of images and fonts no page
  uses), every folder is 0700 and every file 0600.

`site_file` and `asset_file` resolve a request path to a file of a built site or of the vendor
folder, refusing anything else. Importing great-expectations costs ~4 s, so `write_site`
imports it itself; this module imports nothing heavy.
"""
from __future__ import annotations

import ast
import datetime as dt
import hashlib
import html
import logging
import os
import re
import shutil
import stat
from pathlib import Path

import jinja2

from etl.quality import ephemeral_context, import_gx
from etl.warehouse.publish import open_private, private_dir

log = logging.getLogger(__name__)

VENDOR = Path(__file__).with_name("vendor")
ASSETS_URL = "/reports/data-docs-assets/"  # where the app serves VENDOR

# Sent with every Data Docs page and asset. Scripts only from files of this origin: `_finish`
# moves the pages' inline scripts into files of the site and their onclick handlers into
# vendor/data-docs.js, and drops vega, which needs eval. Styles also inline: every GX page
# carries a <style> block and style attributes on most elements, and bootstrap-table writes
# more; with the data defanged and img-src/font-src 'self', an injected style could neither
# be written nor reach off the server. Images and fonts only from files (bootstrap-table's
# data: sort arrows are vendored as PNGs). No connect-src: nothing on the pages fetches.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'none'; "
       "base-uri 'none'")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".woff2": "font/woff2",
}
SITE_SUFFIXES = frozenset({".html", ".js", ".ico"})   # all a built site holds
ASSET_SUFFIXES = frozenset({".js", ".css", ".png", ".woff2"})
MAX_PATH = 300

# GX's pages load these (templates page.j2, index_page.j2, js_script_imports.j2); the vendored
# copies are listed in vendor/README.md. Not vendored, their tags removed: bootstrap-prefers-
# dark (GX's dark mode; the pages stay light) and vega, vega-lite and vega-embed (they compile
# chart specs with Function(), which CSP refuses without 'unsafe-eval'; `_chart_table` shows
# a chart's data as a table instead).
_CDN = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.min.js",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": "bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": "bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "fontawesome.min.css",
}
_DARK_MODE = re.compile(r'\s*<link[^>]*bootstrap-prefers-dark\.css"[^>]*>')
_VEGA = re.compile(r'\s*<script src="https://cdn\.jsdelivr\.net/npm/vega[a-z-]*@\d+"></script>')
_SRI = re.compile(r'\s(?:integrity|crossorigin)="[^"]*"')
_LOGO = re.compile(r"<img\s[^>]*great-expectations-web-assets[^>]*>", re.S)
_CSS_LOGO = re.compile(r"url\('https://great-expectations-web-assets[^)]*\)")
_NEWSLETTER = re.compile(r"<footer>\s*<p>[^<]*newsletter.*?</footer>", re.S)
_GX_LINK = re.compile(r'<a href="https://(?:docs\.)?greatexpectations\.io[^"]*">([^<]*)</a>')
_TITLE = re.compile(r"\s*<title>[^<]*</title>")
_FAVICON = re.compile(r'(<link rel="shortcut icon" href=")[^"]*(")')
_NO_ASSET = re.compile(r"<br> Data asset: None<br> ")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_URL = re.compile(r"https?://", re.I)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
# GX's three onclick handlers, and what data-docs.js binds instead
_ACTIONS = [
    (re.compile(r"""onclick="clearTableFilters\('([A-Za-z0-9_-]+)'\)\""""),
     r'data-cpd-action="clear-filters" data-cpd-table="\1"'),
    (re.compile(r'onclick="showAllValidations\(\)"'), 'data-cpd-action="show-all"'),
    (re.compile(r'onclick="hideSucceededValidations\(\)"'), 'data-cpd-action="failed-only"'),
]
_SPEC = re.compile(r"vlSpec = (\{.*\});\s*//", re.S)

_LOOK_ALIKES = str.maketrans({"<": "\u2039", ">": "\u203a", '"': "\u201d", "'": "\u2019"})
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,120}")
RUN_NAME = "checks"  # the GX run name of every result
EXCEPTION_CHARS = 500


def _defang_text(text: str) -> str:
    text = _CONTROL.sub("", text).translate(_LOOK_ALIKES)
    return text.replace("://", "\u2236//")


def _defang(value):
    """A copy of `value` (JSON-like) whose every string, keys too, is defanged."""
    if isinstance(value, str):
        return _defang_text(value)
    if isinstance(value, list):
        return [_defang(v) for v in value]
    if isinstance(value, dict):
        return {(_defang_text(k) if isinstance(k, str) else k): _defang(v)
                for k, v in value.items()}
    return value


def _exception(info) -> dict:
    """GX's exception_info in its one plain form. It comes either as {raised_exception, ...}
    or keyed by metric, with "True" as a string; the traceback (server paths) is dropped and
    the message shortened."""
    info = info if isinstance(info, dict) else {}
    if "raised_exception" in info:
        found = [info] if str(info.get("raised_exception")) == "True" else []
    else:
        found = [v for v in info.values()
                 if isinstance(v, dict) and str(v.get("raised_exception")) == "True"]
    message = str(found[0].get("exception_message") or "")[:EXCEPTION_CHARS] if found else None
    return {"raised_exception": bool(found), "exception_message": message,
            "exception_traceback": "(not kept)"}


def _site_names(results: list[dict]) -> list[str]:
    """A file-safe, unique suite name per result: the check's key when it is one (it names
    the page's folder)."""
    names: list[str] = []
    for seq, result in enumerate(results, 1):
        name = str(result.get("suite_name") or "")
        if not _SAFE_NAME.fullmatch(name):
            name = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:60] or "expectation"
        if name in names:
            name = f"{name}-{seq}"
        names.append(name)
    return names


def _prepared(result: dict, name: str, run_id: dict) -> dict:
    """One stored result, defanged and normalised for the docs: its suite named `name`, one
    run for the whole load, exceptions in plain form, and the check's title as its data
    asset's name (the index lists it)."""
    result = _defang(result)
    expectations = []
    for item in result.get("results") or []:
        item = dict(item)
        item["exception_info"] = _exception(item.get("exception_info"))
        expectations.append(item)
    old_meta = result.get("meta") or {}
    return {
        "success": bool(result.get("success")),
        "results": expectations,
        "suite_name": name,
        "suite_parameters": {},
        "statistics": result.get("statistics") or {},
        "meta": {
            "great_expectations_version": str(old_meta.get("great_expectations_version") or ""),
            "run_id": run_id,
            "validation_time": run_id["run_time"],
            "active_batch_definition": {"datasource_name": "warehouse",
                                        "data_connector_name": "fluent",
                                        "data_asset_name": _check(result, name)["title"],
                                        "batch_identifiers": {}},
        },
    }


def _check(result: dict, name: str) -> dict:
    """The title, rule and area the suite put in the meta of the result's expectation."""
    configs = [(r.get("expectation_config") or {}) for r in result.get("results") or []]
    meta = (configs[0].get("meta") if configs else None) or {}
    return {"title": str(meta.get("title") or name), "rule": str(meta.get("rule") or "\u2014"),
            "area": str(meta.get("area") or "\u2014")}


def _run_times(results: list[dict]) -> list[str]:
    """A run time per result: when the load's suite started, less one microsecond per place in
    the suite. GX lists results newest first, so the index keeps the suite's order; the pages
    show the time to the second, the same for all."""
    times = sorted(str((r.get("meta") or {}).get("validation_time") or "") for r in results)
    try:
        start = dt.datetime.fromisoformat(next(t for t in times if t))
    except (StopIteration, ValueError):
        start = dt.datetime.now(dt.timezone.utc)
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.timezone.utc)
    start = start.replace(microsecond=0) + dt.timedelta(seconds=1)
    return [(start - dt.timedelta(microseconds=seq)).isoformat()
            for seq in range(1, len(results) + 1)]


def write_site(results: list[dict], folder: Path, title: str) -> Path:
    """Build the Data Docs of one load's results (ExpectationSuiteValidationResult JSON dicts,
    one per check) into `folder` (new or empty; created 0700) and return its index.html."""
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and any(folder.iterdir())):
        raise FileExistsError(f"Data Docs folder {folder} is not new and empty")
    private_dir(folder)
    gx = import_gx()
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResultSchema,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.render.renderer.site_builder import SiteBuilder

    context = ephemeral_context(gx)
    schema = ExpectationSuiteValidationResultSchema()
    checks = {}
    for result, name, time in zip(results, _site_names(results), _run_times(results)):
        run_id = {"run_name": RUN_NAME, "run_time": time}
        prepared = _prepared(result, name, run_id)
        checks[name] = _check(prepared, name)
        rebuilt = schema.load(prepared)
        # the suite too, so the links to each suite's page lead somewhere
        expectations = [_expectation(r.expectation_config) for r in rebuilt.results]
        context.suites.add(gx.ExpectationSuite(
            name=name, expectations=[e for e in expectations if e is not None]))
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=name),
                                         RunIdentifier(**run_id), name)
        context.validation_results_store.set(key, rebuilt)
    shown_title = _defang_text(title)
    _compile_templates_once()
    builder = SiteBuilder(
        data_context=context,
        store_backend={"class_name": "TupleFilesystemStoreBackend",
                       "base_directory": str(folder)},
        site_name=shown_title, show_how_to_buttons=False,
        site_section_builders={"profiling": "False"})
    with _gx_errors_counted() as errors:
        builder.build()
    if errors:
        # GX logs the failure with a traceback that can quote data: say only how many
        log.warning("Data Docs: great-expectations could not render %d part(s)", len(errors))
    _finish(folder, html.escape(shown_title), checks)
    return folder / "index.html"


def _expectation(config):
    """The Expectation a result's configuration describes, free to join a new suite; None if
    GX cannot rebuild it (the suite's page then lists nothing, the result's page is whole)."""
    try:
        expectation = config.to_domain_obj()
    except (AttributeError, KeyError, TypeError, ValueError):  # pydantic's errors are ValueErrors
        return None
    expectation.id = None  # else GX takes it for one of another suite
    return expectation


class _Compiled(jinja2.BytecodeCache):
    """A Jinja bytecode cache held for the process. great-expectations makes a new Jinja
    environment for every page it renders, so without one it compiles its templates again for
    every page of every site (over half a second a site); with it, once per process."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.code.clear()


_COMPILED = _Compiled()


def _compile_templates_once() -> None:
    """Give every great-expectations page view the process's bytecode cache (the key is the
    template's name and a checksum of its source, so a changed template compiles anew)."""
    from great_expectations.render.view.view import DefaultJinjaView

    if getattr(DefaultJinjaView, "_cpd_compiled", False):
        return
    made = DefaultJinjaView.__init__

    def __init__(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.env.bytecode_cache = _COMPILED

    DefaultJinjaView.__init__ = __init__
    DefaultJinjaView._cpd_compiled = True


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


class _gx_errors_counted:
    """Keep GX's ERROR records (rendering failures, with tracebacks that can quote data) out
    of the logs while it builds; the caller logs their number."""

    def __enter__(self) -> list:
        self.logger = logging.getLogger("great_expectations")
        self.handler, self.propagate = _Collect(), self.logger.propagate
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        return self.handler.records

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate


# --- after GX: offline, no inline script, private -------------------------------------------

def _finish(site: Path, title_html: str, checks: dict[str, dict]) -> None:
    _prune(site)
    scripts = site / "static" / "scripts"
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        root = os.path.relpath(site, page.parent).replace(os.sep, "/")
        text = _offline(text, title_html, root)
        where = page.relative_to(site).parts
        if where[0] == "validations" and where[1] in checks:
            text = _with_check(text, checks[where[1]])
        text = _INLINE_SCRIPT.sub(lambda m: _script_file(m.group(1), scripts, root), text)
        text = _TAG.sub(_handlers, text)
        text = text.replace("</body>", f'<script src="{ASSETS_URL}data-docs.js"></script>\n'
                                       "</body>", 1)
        _no_address(text, str(page.relative_to(site)))
        with open_private(page) as out:
            out.write(text)
    _private_tree(site)


def _no_address(text: str, where: str) -> None:
    """Fail rather than write a page that names a web address: GX wrote something this
    module does not know (the data cannot: it is defanged)."""
    left = len(_URL.findall(text))
    if left:
        raise RuntimeError(f"Data Docs: {where} still names {left} web address(es); "
                           "etl/quality/docs.py needs updating for this great-expectations")


def _prune(site: Path) -> None:
    """Drop GX's static folder but for the favicon: no page uses its images, fonts or CSS
    (the CSS is inlined into every page)."""
    static = site / "static"
    favicon = static / "images" / "favicon.ico"
    keep = favicon.read_bytes() if favicon.is_file() else None
    shutil.rmtree(static, ignore_errors=True)
    if keep is not None:
        private_dir(favicon.parent)
        fd = os.open(favicon, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(keep)


def _offline(text: str, title_html: str, root: str) -> str:
    for url, name in _CDN.items():
        text = text.replace(f'"{url}"', f'"{ASSETS_URL}{name}"')
    text = _DARK_MODE.sub("", text)
    text = _VEGA.sub("", text)
    text = _SRI.sub("", text)
    text = _LOGO.sub(f'<span class="h5 m-0 text-dark">{title_html}</span>', text)
    text = _CSS_LOGO.sub("none", text)
    text = _NEWSLETTER.sub("", text)
    text = _GX_LINK.sub(r"\1", text)
    text = _TITLE.sub("", text).replace("<head>", f"<head>\n    <title>{title_html}</title>", 1)
    # GX's favicon link is one folder short on validation pages
    return _FAVICON.sub(rf"\g<1>{root}/static/images/favicon.ico\g<2>", text)


def _with_check(text: str, check: dict) -> str:
    """A validation page whose overview names the check: GX shows an expectation's meta
    nowhere on the page, and in its place writes "Data asset: None"."""
    shown = "".join(f'<span class="h6">{label}:</span> {html.escape(check[key])}<br> '
                    for label, key in (("Check", "title"), ("Rule", "rule"), ("Area", "area")))
    return _NO_ASSET.sub(lambda m: f"<br> {shown}", text, count=1)


def _index_columns(body: str) -> str:
    """The index's table calls its column of check titles "Check", not "Asset Name"."""
    return body.replace("'title': 'Asset Name'", "'title': 'Check'")


def _script_file(body: str, folder: Path, root: str) -> str:
    """An inline script as a file of the site (named by its content, so the scripts every
    page shares are written once), and the tag that loads it in its place: the page runs
    the same code in the same order, and CSP can refuse inline scripts."""
    if "vegaEmbed(" in body:
        return _chart_table(body)
    body = _index_columns(body)
    _no_address(body, "a script")
    name = hashlib.sha256(body.encode("utf-8")).hexdigest()[:20] + ".js"
    path = folder / name
    if not path.exists():
        private_dir(folder)
        with open_private(path) as out:
            out.write(body)
    return f'<script src="{root}/static/scripts/{name}"></script>'


def _chart_table(script: str) -> str:
    """The data of a GX chart (a vega-lite spec GX writes as a Python dict; the KL divergence
    draws its partitions this way) as a small table, in place of the script that drew it."""
    try:
        spec = ast.literal_eval(_SPEC.search(script).group(1))
        rows = [row for data in spec["datasets"].values() for row in data]
    except (AttributeError, KeyError, TypeError, ValueError, SyntaxError):
        return ""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_shown(row.get(c)))}</td>"
                                     for c in columns) + "</tr>" for row in rows)
    return (f'<table class="table table-sm mt-2"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def _handlers(tag: re.Match) -> str:
    text = tag.group(0)
    for pattern, replacement in _ACTIONS:
        text = pattern.sub(replacement, text)
    return _HANDLER.sub("", text)  # any other handler: CSP would refuse it anyway


def _private_tree(site: Path) -> None:
    for path in [site, *site.rglob("*")]:
        if path.is_symlink():
            path.unlink()
        elif path.is_dir():
            path.chmod(0o700)
        else:
            path.chmod(0o600)


# --- serving ---------------------------------------------------------------------------------

def _regular_file_under(base: Path, parts: list[str]) -> Path | None:
    """base/parts... when every step is a real folder (no symlink) and the last a regular
    file, else None."""
    try:
        if not stat.S_ISDIR(os.lstat(base).st_mode):
            return None
    except OSError:
        return None
    path = base
    for i, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return None
        last = i == len(parts) - 1
        if not (stat.S_ISREG(mode) if last else stat.S_ISDIR(mode)):
            return None  # a symlink is neither
    return path


def _parts(request: str, suffixes: frozenset[str]) -> list[str] | None:
    if not isinstance(request, str) or not request or len(request) > MAX_PATH:
        return None
    parts = request.split("/")
    if not all(_SEGMENT.fullmatch(p) for p in parts):
        return None  # empty, ".", "..", hidden, "\", "%", NUL, spaces, an absolute path
    if os.path.splitext(parts[-1])[1] not in suffixes:
        return None
    return parts


def site_file(site: Path, page: str) -> Path | None:
    """The file of the built site at `site` that the (decoded) request path `page` names,
    e.g. "index.html" or "validations/in-header/checks/<time>/in-header.html"; None unless it
    is a regular file inside the site with a suffix a site has."""
    parts = _parts(page, SITE_SUFFIXES)
    return _regular_file_under(Path(site), parts) if parts else None


def asset_file(name: str) -> Path | None:
    """The vendored script, style, image or font `name` (a bare file name), else None."""
    parts = _parts(name, ASSET_SUFFIXES)
    if not parts or len(parts) != 1:
        return None
    return _regular_file_under(VENDOR, parts)


def content_type(path: Path) -> str:
    """The Content-Type to send a file of a site or of the vendor folder with."""
    return CONTENT_TYPES.get(path.suffix, "application/octet-stream")
