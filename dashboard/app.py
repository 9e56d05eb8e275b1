"""The Dash app factory. gunicorn serves `dashboard.app:server` (Procfile `web`), built on
first use so importing this module starts nothing; `make run` serves `create_app(demo=True)`.

Every view is a URL: the page is the path, the filters (period end, service area, team, and
per page a measure or breakdown) are the query string, so a link opens the same view. One
callback renders the page from the URL; filters are links that rewrite it. Nothing here
opens the warehouse at import: pages read it per request, in the worker.
"""
from __future__ import annotations

import io
import logging
import os
import re
import urllib.parse

from dash import Dash, Input, Output, State, dcc, html
from flask import Response, abort, has_request_context, request, send_file

from dashboard import access, auth, figures, rendered, security, state
from dashboard.auth import current_user
from dashboard.components import fmt_date, link
from dashboard.packs import annex_a
from dashboard.pages import (audit_log, commentary, compare, drill, indicator, overview, packs,
                             quality, scorecard, theme)
from dashboard.view import View
from etl.quality import docs
from etl.warehouse.publish import WarehouseError, private_data_dir

log = logging.getLogger(__name__)

INDEX = """<!DOCTYPE html>
<html lang="en-GB">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""

NAV = [("/", "Board overview"), ("/scorecard", "Scorecard"), ("/drill", "Drill-down"),
       ("/data-quality", "Data quality")]
COMPARE_NAV = ("/compare", "Compare councils")
AUDIT_NAV = ("/audit", "Audit log")
PACKS_NAV = ("/packs", "Packs")
# the paths there are pages at; anything else is "page not found" before any data is read
PAGES = re.compile(r"^/(?:|principle/[1-7]|outcome/[a-z-]{1,40}|indicator/[a-z0-9_]{1,60}|"
                   r"scorecard|drill|data-quality|compare|audit|packs)/?$")


class CPDDash(Dash):
    """Dash, without the versions of Dash, Python and plotly in the page's config: they tell
    an attacker which known flaws to try, and the page never needs them."""

    def _config(self):
        config = super()._config()
        for key in ("dash_version", "python_version", "dash_version_url", "ddk_version",
                    "plotly_version"):
            config.pop(key, None)
        return config


def nav_items(view: View) -> list[tuple[str, str]]:
    """The main navigation: the drill-down for those who may see children; comparing councils
    for analysts when there are two or more to compare; the audit log for analysts (the data
    layer refuses everyone else whatever they ask)."""
    items = [item for item in NAV if item[0] != "/drill" or view.user.sees_child_level]
    items.append(PACKS_NAV)
    if view.user.role in access.COMPARE_ROLES and len(view.las) > 1:
        items.append(COMPARE_NAV)
    if view.user.role in access.AUDIT_ROLES:
        items.append(AUDIT_NAV)
    return items


def known_path(pathname: str | None) -> bool:
    return bool(PAGES.match(pathname or "/"))


def route(pathname: str, view: View) -> list:
    parts = [p for p in (pathname or "/").split("/") if p] if known_path(pathname) else ["?"]
    if not parts:
        return overview.layout(view)
    if parts[0] in ("principle", "outcome") and len(parts) == 2:
        return theme.layout(view, parts[0], parts[1])
    if parts[0] == "indicator" and len(parts) == 2:
        return indicator.layout(view, parts[1])
    if parts == ["scorecard"]:
        return scorecard.layout(view)
    if parts == ["drill"]:
        return drill.layout(view)
    if parts == ["data-quality"]:
        return quality.layout(view)
    if parts == ["compare"]:
        return compare.layout(view)
    if parts == ["audit"]:
        return audit_log.layout(view)
    if parts == ["packs"]:
        return packs.layout(view)
    return [html.H1("Page not found"), html.P("There is no page at this address.")]


def filter_bar(view: View, pathname: str) -> html.Div:
    """Filters as plain links that rewrite the URL: each works from the keyboard, reads
    properly in a screen reader and can be shared. Teams are offered once a service area is
    chosen, so the list stays short; a manager with a remit is offered their own teams, and
    only the service areas wholly inside it. With several councils loaded, the council comes
    first; choosing another starts again at its latest period, for the whole council."""
    teams = access.teams(view.la, view.period)
    areas = sorted(a for a, inside in teams.groupby("service_area")["team"]
                   if all(view.user.may_see_team(t) for t in inside))
    here = {k: v for k, v in view.params.items()
            if k not in ("la", "period", "area", "team", "sw", "load")}
    latest = view.periods[-1]

    def choice(label: str, chosen: bool, **changes) -> html.Li:
        query = {**here, **view.filters, **changes}
        target = link(("✓ " if chosen else "") + label, pathname, query)
        return html.Li(target, className="chosen" if chosen else None,
                       **({"aria-current": "true"} if chosen else {}))

    def group(legend: str, items: list) -> html.Nav:
        return html.Nav([html.H2(legend, className="filter-legend"),
                         html.Ul(items, className="choices")],
                        className="filter", **{"aria-label": legend})

    period_items = [choice(fmt_date(p), p == view.period,
                           period=None if p == latest else p.isoformat())
                    for p in reversed(view.periods)]
    area_items = [choice("All", view.area is None, area=None, team=None)] + [
        choice(a, a == view.area, area=a, team=None) for a in areas]
    filters = [group("Period end", period_items), group("Service area", area_items)]
    if pathname.rstrip("/") == "/packs":  # a pack is for a council and period end, no team
        filters = filters[:1]
    if len(view.las) > 1:
        la_items = [choice(access.config(code).name, code == view.la,
                           la=None if code == view.default_la else code, period=None,
                           area=None, team=None) for code in view.las]
        filters.insert(0, group("Council", la_items))
    if view.user.has_remit and pathname.rstrip("/") != "/packs":
        mine = sorted(t for t in teams["team"].unique() if view.user.may_see_team(t))
        filters.append(group("Your teams", [choice("All", view.team is None, team=None)] + [
            choice(t, t == view.team, area=None, team=t) for t in mine]))
    elif view.area:
        in_area = sorted(teams.loc[teams["service_area"] == view.area, "team"].unique())
        filters.append(group("Team", [choice("All", view.team is None, team=None)] + [
            choice(t, t == view.team, team=t) for t in in_area]))
    return html.Div(filters, className="filters")


def masthead(user: access.User | None, shown: str, nav: list, demo: bool) -> html.Header:
    """The header of every page: who is signed in, a way out, and in the demo a banner."""
    who = []
    if user is not None:
        who = [html.Span(f"Signed in as {user.name} ({user.role})", className="who"),
               html.Form([dcc.Input(type="hidden", name="csrf", value=auth.csrf_token()
                                    if has_request_context() else ""),
                          html.Button("Sign out", type="submit", className="link-button")],
                         action="/sign-out", method="POST", className="sign-out")]
    banner = [html.P([html.Strong("Demo"), ": synthetic data only, served to this machine "
                      "alone. Each demo user sees what their role would see."],
                     className="demo-banner", role="note")] if demo else []
    return html.Header([
        html.A("Skip to main content", href="#main", className="skip-link"),
        *banner,
        html.Div([html.Span("Corporate parenting dashboard", className="service-name"),
                  html.Span(shown, className="la-name", id="la-name"), *who],
                 className="masthead"),
        html.Nav(html.Ul(nav), className="site-nav", **{"aria-label": "Main"}),
    ], className="site-header")


def page(pathname: str, search: str, user: access.User, demo: bool = False) -> list:
    """The page a URL asks for, as this user may see it. A URL naming anything unknown or
    outside the user's reach gets a refusal, written to the audit log."""
    try:
        view = View.for_request(user, search)
    except access.AccessDenied as denied:
        return [masthead(user, "", [], demo), html.Main(
            [html.H1("Not available"), html.P(str(denied)),
             html.P(dcc.Link("Go to the board overview", href="/"))], id="main",
            tabIndex="-1")]
    config = access.config(view.la)
    comparing = (pathname or "/").rstrip("/") == "/compare"
    shown = config.name if len(view.las) < 2 else f"{config.name} ({view.la})"
    if comparing and len(view.las) > 1 and view.user.role in access.COMPARE_ROLES:
        shown = f"{len(view.las)} councils side by side"
    nav = [html.Li(dcc.Link(label, href=href + (
        "?" + urllib.parse.urlencode(view.filters) if view.filters else "")))
        for href, label in nav_items(view)]
    header = masthead(user, shown, nav, demo)
    if view.period is None:
        body = [html.H1(config.name),
                html.P("No extract has been loaded yet. Load one with `cpd load FOLDER "
                       "--period-end YYYY-MM-DD`, or the bundled sample with "
                       "`cpd load-sample`.")]
        return [header, html.Main(body, id="main", tabIndex="-1")]
    try:
        body = route(pathname, view)
    except access.AccessDenied as denied:
        if not denied.audited:
            access.audit(user, "page refused", {"page": page_kind(pathname)}, 0, "refused")
        body = [html.H1("Not available"), html.P(str(denied))]
    # comparing councils has its own choices (a measure, a period end loaded for any council)
    bar = [] if comparing or pathname == "/audit" else filters(view, pathname or "/")
    return [header, html.Main([*bar, *body], id="main", tabIndex="-1")]


def filters(view: View, pathname: str) -> list:
    """The filter bar, drawn once per page path for those who see alike (names only)."""
    if not known_path(pathname):  # a path sent by anyone is not a key to keep
        return [filter_bar(view, pathname)]
    return rendered.part("filters" + pathname, view, lambda: [filter_bar(view, pathname)])


def page_kind(pathname: str | None) -> str:
    """The kind of page a path is, safe to write to the audit log (never the path as sent)."""
    if not known_path(pathname):
        return "unknown"
    parts = [p for p in (pathname or "/").split("/") if p]
    return parts[0] if parts else "overview"


def serve_report(load_id: str, name: str) -> Response:
    """A load's rejects report (rejects.html or rejects.csv), for analysts: child ids and
    values are in it. The data layer checks the role and that the load is in the warehouse's
    load log, and audits every answer; a refusal is a 403 or 404 page."""
    try:
        path, content_type = access.rejects_report(current_user(), load_id, name)
    except access.AccessDenied:
        return auth.refusal("Rejects reports hold child-level data and are for analysts.")
    except access.NotFound:
        return auth.refusal("There is no such report.", 404)
    return send_file(path, mimetype=content_type, max_age=0, conditional=False,
                     as_attachment=name.endswith(".csv"),
                     download_name=f"rejects-{path.parent.name}{path.suffix}")


# the rejects report shows values exactly as the extract held them: nothing in it may run
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def no_report(anything: str) -> Response:
    """Any other path under /reports/: refused (and audited) like a forged load id."""
    return serve_report(anything, "")


def serve_data_docs(load_id: str, page: str) -> Response:
    """A page of a load's Data Docs (the checks across the warehouse, as great-expectations
    shows them), for analysts and admins. The data layer finds the load in the load log,
    resolves the page inside its site and audits every page and refusal."""
    try:
        path, content_type = access.data_docs_file(current_user(), load_id, page)
    except access.AccessDenied:
        return auth.refusal("Data Docs are for analysts.")
    except access.NotFound:
        return auth.refusal("There is no such page.", 404)
    response = send_file(path, mimetype=content_type, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "no-store"
    return response


def serve_data_docs_asset(name: str) -> Response:
    """A script, style sheet or font the Data Docs pages use, vendored with the app (no CDN),
    for analysts and admins."""
    try:
        path, content_type = access.data_docs_asset(current_user(), name)
    except access.AccessDenied:
        return auth.refusal("Data Docs are for analysts.")
    except access.NotFound:
        return auth.refusal("There is no such file.", 404)
    return send_file(path, mimetype=content_type, max_age=0, conditional=False)


def own_policy(view, policy: str) -> None:
    """flask-talisman writes its Content-Security-Policy on every response after the view has
    run, over any the view set: a view's own policy has to be given to talisman, as its
    per-view decorator does (the attribute it reads)."""
    view.talisman_view_options = {"content_security_policy": policy}


def serve_pack(run_id: int) -> Response:
    """A built pack's PDF, for whoever may see the run: the data layer checks the role, the
    council and a manager's remit, finds the file in the archive by the run's own record,
    and audits every download and refusal. A pack the user may not see is "no such pack"."""
    try:
        path, name = access.pack_file(current_user(), run_id)
    except access.NotFound:
        return auth.refusal("There is no such pack.", 404)
    except access.AccessDenied:
        return auth.refusal("That pack is not one you may download.", 403)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=name, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "no-store"
    return response


def no_pack(anything: str) -> Response:
    """Any other path under /reports/packs/: refused (and audited) like an unknown run."""
    return serve_pack(0)


def serve_annex_a() -> Response:
    """The Annex A child lists workbook for a council and period end (`?la=&period=`, checked
    against what is loaded and the user's councils by View, never used as sent). Managers
    only: the workbook's module refuses anyone else and audits every answer."""
    user = current_user()
    try:
        view = View.for_request(user, request.query_string.decode("latin-1"))
        if view.period is None or view.params.get("period", view.period.isoformat()) != \
                view.period.isoformat():  # a period end loaded, but not for this council
            access.audit(user, access.ANNEX_A_ACTION, {"la": view.la, "reason": "period"}, 0,
                         "refused")
            return auth.refusal("No data is loaded for that period end.", 404)
        workbook = annex_a.workbook(user, view.la, view.period)
    except access.AccessDenied as denied:
        if not denied.audited:
            access.audit(user, access.ANNEX_A_ACTION, {}, 0, "refused")
        return auth.refusal(str(denied), 403)
    response = send_file(io.BytesIO(workbook), mimetype=XLSX, as_attachment=True,
                         download_name=f"annex-a_{view.la}_{view.period.isoformat()}.xlsx",
                         max_age=0, conditional=False)
    response.headers["Cache-Control"] = "no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def create_app(demo: bool = False) -> Dash:
    """The app, signed-in throughout. In production (`demo=False`) it refuses to start
    without a secret key and a way to sign in (auth.StartupRefused)."""
    # the state database and anything else the app writes is its owner's alone (0600)
    os.umask(0o077)
    private_data_dir()
    app = CPDDash(__package__ or __name__, title="Corporate parenting dashboard",
                  serve_locally=True, update_title=None, suppress_callback_exceptions=True,
                  compress=False)
    app.index_string = INDEX
    app.layout = html.Div([dcc.Location(id="url", refresh="callback-nav"),
                           html.Div(id="page")])
    # each request reads the user and the session and writes its audit entries on one
    # connection to the state database (first, so the sign-in guard uses it too)
    app.server.before_request(state.hold_connection)
    app.server.teardown_request(lambda _error: state.release_connection())
    app.server.after_request(rendered.splice)
    auth.init_auth(app.server, demo)
    app.server.add_url_rule("/reports/<load_id>/<name>", "rejects_report", serve_report)
    app.server.add_url_rule("/reports/packs/<int:run_id>.pdf", "pack", serve_pack)
    app.server.add_url_rule("/reports/packs/<path:anything>", "no_pack", no_pack)
    app.server.add_url_rule("/reports/annex-a.xlsx", "annex_a", serve_annex_a)
    own_policy(serve_report, REPORT_POLICY)
    # a load's Data Docs and the files they use (before the catch-all below)
    for view in (serve_data_docs, serve_data_docs_asset):
        own_policy(view, docs.CSP)
    app.server.add_url_rule("/reports/<load_id>/data-docs/", "data_docs", serve_data_docs,
                            defaults={"page": "index.html"})
    app.server.add_url_rule("/reports/<load_id>/data-docs/<path:page>", "data_docs_page",
                            serve_data_docs)
    app.server.add_url_rule("/reports/data-docs-assets/<path:name>", "data_docs_asset",
                            serve_data_docs_asset)
    # anything else under /reports/ is no report (not the app's page, which Dash would serve)
    app.server.add_url_rule("/reports/<path:anything>", "no_report", no_report)

    @app.callback(Output("page", "children"), Input("url", "pathname"),
                  Input("url", "search"))
    def render(pathname, search):
        # a forged request can send anything as the URL's parts: only text is a URL
        if not isinstance(pathname, str) or not isinstance(search, (str, type(None))):
            pathname, search = "/not-a-page", ""
        try:
            # every view and refusal on the page is audited, in one write when it is built;
            # parts of it drawn before for those who see alike are shared (rendered)
            with state.audits_together(), rendered.sharing():
                return page(pathname, search, current_user(), demo)
        except WarehouseError as err:  # a damaged data folder: say so, not a 500
            log.error("%s", err)
            return [html.Main([html.H1("The data cannot be opened"), html.P(
                "The published warehouse is damaged or missing. Ask the analyst who loads "
                "the extracts to restore the data folder or load them again.")],
                id="main", tabIndex="-1")]

    @app.callback(Output("drill-download", "data"), Input("drill-export-csv", "n_clicks"),
                  Input("drill-export-xlsx", "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def download(csv_clicks, xlsx_clicks, search):
        from dash import ctx
        user = current_user()
        if not isinstance(search, (str, type(None))):
            search = "?forged=1"  # refused below like any unknown parameter
        try:
            view = View.for_request(user, search)
            kind = "csv" if ctx.triggered_id == "drill-export-csv" else "xlsx"
            return drill.export(view, kind)
        except access.AccessDenied as denied:
            if not denied.audited:
                access.audit(user, "children export", {}, 0, "refused")
            abort(403)

    drill.register(app)
    indicator.register(app)
    theme.register(app)
    commentary.register(app)
    packs.register(app)
    security.harden(app, demo, known_path)
    # Dash registers its script bundles in a before-request hook that sets its "done" flag
    # before the work (plotly/dash#3971). Under threaded gunicorn the browser's first burst of
    # script requests races it and gets 500 "not a registered library". Doing the setup here,
    # once per worker before it serves anything, closes the gap.
    app._setup_server()
    figures.warm_up()  # plotly's first figure in a worker costs ~100 ms: not a user's page
    return app


def __getattr__(name: str):
    """`dashboard.app:server` for gunicorn (the Procfile): the production app, made on first
    use so importing this module (tests, the CLI) needs no secret key."""
    if name in ("app", "server"):
        global app, server
        app = create_app(demo=False)
        server = app.server
        return globals()[name]
    raise AttributeError(name)
