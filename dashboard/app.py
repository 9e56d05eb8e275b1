"""The Dash app factory. gunicorn serves `dashboard.app:server` (Procfile `web`).

Every view is a URL: the page is the path, the filters (period end, service area, team, and
per page a measure or breakdown) are the query string, so a link opens the same view. One
callback renders the page from the URL; filter controls only rewrite the URL. Nothing here
opens the warehouse at import: pages read it per request, in the worker.
"""
from __future__ import annotations

import urllib.parse

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import access
from dashboard.auth import current_user
from dashboard.components import fmt_date
from dashboard.pages import drill, indicator, overview, quality, theme
from dashboard.view import View

INDEX = """<!DOCTYPE html>
<html lang="en-GB">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""

NAV = [("/", "Board overview"), ("/drill", "Drill-down"), ("/data-quality", "Data quality")]


def route(pathname: str, view: View) -> list:
    parts = [p for p in (pathname or "/").split("/") if p]
    if not parts:
        return overview.layout(view)
    if parts[0] in ("principle", "outcome") and len(parts) == 2:
        return theme.layout(view, parts[0], parts[1])
    if parts[0] == "indicator" and len(parts) == 2:
        return indicator.layout(view, parts[1])
    if parts == ["drill"]:
        return drill.layout(view)
    if parts == ["data-quality"]:
        return quality.layout(view)
    return [html.H1("Page not found"), html.P(f"There is no page at {pathname}.")]


def filter_bar(view: View) -> html.Div:
    teams = access.teams(view.period)
    areas = sorted(teams["service_area"].unique())
    in_area = teams[teams["service_area"] == view.area] if view.area else teams
    return html.Div([
        html.Div([html.Label("Period end", htmlFor="filter-period"),
                  dcc.Dropdown(id="filter-period", clearable=False, searchable=False,
                               value=view.period.isoformat(),
                               options=[{"label": fmt_date(p), "value": p.isoformat()}
                                        for p in reversed(view.periods)])],
                 className="filter"),
        html.Div([html.Label("Service area", htmlFor="filter-area"),
                  dcc.Dropdown(id="filter-area", value=view.area, placeholder="All areas",
                               options=[{"label": a, "value": a} for a in areas])],
                 className="filter"),
        html.Div([html.Label("Team", htmlFor="filter-team"),
                  dcc.Dropdown(id="filter-team", value=view.team, placeholder="All teams",
                               options=[{"label": t, "value": t}
                                        for t in sorted(in_area["team"].unique())])],
                 className="filter"),
    ], className="filters", role="search", **{"aria-label": "Filters"})


def page(pathname: str, search: str) -> list:
    user = current_user()
    periods = access.periods()
    view = View.from_url(user, search, periods)
    config = access.config()
    header = html.Header([
        html.A("Skip to main content", href="#main", className="skip-link"),
        html.Div([html.Span("Corporate parenting dashboard", className="service-name"),
                  html.Span(config.name, className="la-name")], className="masthead"),
        html.Nav(html.Ul([html.Li(dcc.Link(label, href=href + (
            "?" + urllib.parse.urlencode(view.filters) if view.filters else "")))
            for href, label in NAV]), className="site-nav", **{"aria-label": "Main"}),
    ], className="site-header")
    if view.period is None:
        body = [html.H1(config.name),
                html.P("No extract has been loaded yet. Load one with `cpd load FOLDER "
                       "--period-end YYYY-MM-DD`, or the bundled sample with "
                       "`cpd load-sample`.")]
        return [header, html.Main(body, id="main", tabIndex="-1")]
    try:
        body = route(pathname, view)
    except access.AccessDenied as denied:
        body = [html.H1("Not available"), html.P(str(denied))]
    return [header, html.Main([filter_bar(view), *body], id="main", tabIndex="-1")]


def with_param(search: str | None, **changes) -> str:
    params = {k: v[0] for k, v in urllib.parse.parse_qs((search or "").lstrip("?")).items()}
    for key, value in changes.items():
        if value:
            params[key] = value
        else:
            params.pop(key, None)
    return "?" + urllib.parse.urlencode(params) if params else ""


def create_app() -> Dash:
    app = Dash(__package__ or __name__, title="Corporate parenting dashboard",
               serve_locally=True, update_title=None, suppress_callback_exceptions=True)
    app.index_string = INDEX
    app.layout = html.Div([dcc.Location(id="url", refresh="callback-nav"),
                           html.Div(id="page")])

    @app.callback(Output("page", "children"), Input("url", "pathname"),
                  Input("url", "search"))
    def render(pathname, search):
        return page(pathname, search)

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("filter-period", "value"), Input("filter-area", "value"),
                  Input("filter-team", "value"), State("url", "search"),
                  prevent_initial_call=True)
    def filters_changed(period, area, team, search):
        current = View.from_url(current_user(), search, access.periods())
        latest = access.periods()[-1].isoformat() if access.periods() else None
        if area != current.area:
            team = None  # a new area clears a team that may not be in it
        new = with_param(search, period=None if period == latest else period, area=area,
                         team=team, sw=None)
        return no_update if new == (search or "") else new

    @app.callback(Output("url", "search", allow_duplicate=True),
                  Input("drill-indicator", "value"), State("url", "search"),
                  prevent_initial_call=True)
    def drill_measure(indicator_id, search):
        new = with_param(search, indicator=indicator_id)
        return no_update if new == (search or "") else new

    @app.callback(Output("drill-download", "data"), Input("drill-export-csv", "n_clicks"),
                  Input("drill-export-xlsx", "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def download(csv_clicks, xlsx_clicks, search):
        from dash import ctx
        view = View.from_url(current_user(), search, access.periods())
        return drill.export(view, "csv" if ctx.triggered_id == "drill-export-csv" else "xlsx")

    return app


app = create_app()
server = app.server
