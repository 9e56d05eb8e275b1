"""A principle's or an outcome's page: every mapped indicator as a small multiple with its
trend and benchmark, and what changed most since the last period."""
from __future__ import annotations

from dash import Input, Output, State, html, no_update

from dashboard import access, board, figures, rendered
from dashboard.auth import current_user
from dashboard.components import (benchmark_text, direction_text, fmt, fmt_date, link, no_data,
                                  no_data_text, rag_badge, table)
from dashboard.themes import (OUTCOME_TEXT, SLUG_OUTCOMES, outcome_indicators,
                              principle_indicators, principle_title)
from dashboard.pages.indicator import drill_address
from dashboard.view import View
from etl.indicators.catalogue import BY_ID, PRINCIPLES


def movers(rows: dict, ids: list[str], limit: int = 5) -> list[dict]:
    """The indicators that moved most since the same point last year, biggest first
    (board.moved_by: percentages in points, counts and scores relative to where they were)."""
    moved = []
    for i in ids:
        row = rows.get(i)
        d = row and row.get("direction")
        if not d or d["direction"] == "same":
            continue
        moved.append((board.moved_by(row), row))
    return [row for _, row in sorted(moved, key=lambda m: -m[0])[:limit]]


def small_multiple(view: View, row: dict | None, trend: list, indicator_id: str) -> html.Li:
    entry = BY_ID[indicator_id]
    body = [link(entry.title, f"/indicator/{entry.id}", view.filters, className="sm-title")]
    if row is None:
        body.append(html.P("No children in scope for this measure.", className="muted"))
    elif no_data(row):  # why there is no figure, not how it moved
        body += [html.Div([html.Span(fmt(row["value"], row["unit"]),
                                     className="headline-value"), rag_badge(row)],
                          className="headline-figures"),
                 html.P(no_data_text(row), className="muted")]
    else:
        body += [
            html.Div([html.Span(fmt(row["value"], row["unit"]), className="headline-value"),
                      rag_badge(row)], className="headline-figures"),
            figures.sparkline([(p, r["value"]) for p, r in trend], row["unit"], entry.title,
                              target=row["target"], tolerance=row["tolerance"],
                              polarity=row["polarity"]),
            html.P(direction_text(row), className="muted"),
            html.P(benchmark_text(row, view.user.sees_unverified) or None,
                   className="muted"),
        ]
    return html.Li(body, className="small-multiple")


def layout(view: View, kind: str, key: str) -> list:
    if kind == "principle":
        number = int(key) if key.isascii() and key.isdigit() and len(key) < 3 else 0
        if number not in PRINCIPLES:
            return [html.H1("Page not found"), html.P(f"There is no principle {key}.")]
        title, ids, intro = principle_title(number), principle_indicators(number), ""
    else:
        outcome = SLUG_OUTCOMES.get(key)
        if outcome is None:
            return [html.H1("Page not found"), html.P(f"There is no outcome {key}.")]
        title, ids, intro = f"Outcome: {outcome}", outcome_indicators(outcome), \
            OUTCOME_TEXT[outcome]
    # read for every view, with the data layer's checks; drawn once for those who see alike
    rows = board.figures(view.user, view.la, view.period, view.group)
    history = board.history(view.user, view.la, view.group)
    teams = access.indicators(view.user, view.la, view.period, "team")["indicators"] \
        if view.user.sees_child_level else None
    return rendered.part(f"{kind}/{key}", view,
                         lambda: draw(view, title, ids, intro, rows, history, teams))


def draw(view: View, title: str, ids: list[str], intro: str, rows: dict, history: dict,
         teams: list[dict] | None) -> list:
    """The page from what `layout` read; `teams`: every team's figures, for officers."""
    changed = movers(rows, ids)
    return [
        html.H1(title),
        html.P([intro, f" Figures for {view.scope} at {fmt_date(view.period)}."],
               className="lead"),
        html.Section([
            html.H2("What changed since the same point last year"),
            table("The measures that moved most", ["Measure", "Now", "Change"],
                  [[link(BY_ID[r["id"]].title, f"/indicator/{r['id']}", view.filters),
                    fmt(r["value"], r["unit"]), direction_text(r)] for r in changed])
            if changed else html.P("Nothing moved, or there is no figure for the same point "
                                   "last year to compare with."),
        ]),
        html.H2("Every measure"),
        html.Ul([small_multiple(view, rows.get(i), history.get(i, []), i) for i in ids],
                className="small-multiples"),
        *(team_section(view, title, [i for i in ids if not no_data(rows.get(i))], teams)
          if teams is not None else []),
    ]


def team_section(view: View, title: str, ids: list[str], found: list[dict]) -> list:
    """For managers and analysts: every team (in the chosen service area, inside their remit)
    by every measure of the page that has data, as a heatmap with the table beside it.
    Choosing a cell opens that team's drill-down for that measure. `found`: the figures by
    team as the data layer gave them to this user."""
    measures = [BY_ID[i] for i in ids if BY_ID[i].unit in ("%", "score")]
    teams = access.teams(view.la, view.period)
    if view.area:
        teams = teams[teams["service_area"] == view.area]
    names = sorted(set(teams["team"]) & {r["group"] for r in found})
    if view.team:
        names = [t for t in names if t == view.team]
    cells = {(r["group"], r["id"]): r for r in found if r["id"] in {m.id for m in measures}}
    if not names or not measures:
        return []
    fields = [{"id": m.id, "title": m.title, "unit": m.unit} for m in measures]
    heading = f"{title}: teams by measure"
    return [
        html.H2("Teams compared, measure by measure"),
        html.P("Each team's figure and status for every measure on this page. Choose a cell "
               "to see the team's children behind that figure.", className="plain"),
        figures.graph(figures.heatmap_figure_dict(names, fields, cells, heading),
                      "theme-heatmap",
                      figures.heatmap_alt(names, fields, cells, heading)),
        table(f"{heading} (the chart's figures)", ["Team", *[m.title for m in measures]],
              [[team, *[status_cell(cells.get((team, m.id)), m.unit) for m in measures]]
               for team in names]),
    ]


def status_cell(row: dict | None, unit: str) -> str:
    if row is None:
        return "none in scope"
    status = row.get("rag_label")
    return fmt(row["value"], unit) + (f" ({status})" if status else "")


def heatmap_address(user: access.User, search, click) -> str | None:
    """The drill-down a heatmap cell leads to (the cell's team and measure checked as a chart
    click on the measure's page is), or None. The heatmap is for those who see children."""
    try:
        point = click["points"][0]
        team, indicator_id = point["y"], point["x"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(indicator_id, str) or not user.sees_child_level:
        return None
    return drill_address(user, f"/indicator/{indicator_id}", search, "team", team)


def register(app) -> None:
    @app.callback(Output("url", "href", allow_duplicate=True),
                  Input("theme-heatmap", "clickData"), State("url", "search"),
                  prevent_initial_call=True)
    def heatmap_clicked(click, search):
        return heatmap_address(current_user(), search, click) or no_update
