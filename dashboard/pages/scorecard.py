"""The board's scorecard: every headline measure once, on one screen, grouped by principle —
this period, the same point last year and the three periods before, target, status in words
and a symbol, the comparators, and the commentary written for the period — under the
exceptions the board should start with."""
from __future__ import annotations

from dash import html

from dashboard import access, board, rendered
from dashboard.components import benchmark_cells, fmt, fmt_date, link, rag_badge
from dashboard.pages import commentary
from dashboard.themes import principle_title
from dashboard.view import View
from etl.indicators.catalogue import BY_ID

COMPARATORS = ("England", "Region", "Statistical neighbours")


def exceptions_section(view: View, rows: dict, ids: list[str]) -> html.Section:
    """The measures off target or worsening most, first, in plain sentences."""
    found = board.exceptions(rows, ids)
    body = html.Ol([html.Li([html.Span(item["words"] + " "),
                             link(["See the measure", html.Span(
                                 f": {BY_ID[item['id']].title}", className="visually-hidden")],
                                 f"/indicator/{item['id']}", view.filters)])
                    for item in found], className="exceptions") if found else \
        html.P("Every measure with a target is on target or near it, and none is worse than "
               "at the same point last year.")
    return html.Section([html.H2("What needs attention", id="exceptions-heading"), body],
                        className="exceptions-box", **{"aria-labelledby": "exceptions-heading"})


def layout(view: View) -> list:
    # read for every view, with the data layer's checks (the commentary may change at any
    # time: the part is remembered with the commentary it shows)
    rows = board.figures(view.user, view.la, view.period, view.group)
    history = board.history(view.user, view.la, view.group)
    notes = access.commentary(view.user, view.la, view.period)
    return rendered.part("scorecard", view, lambda: draw(view, rows, history, notes),
                         tuple(sorted(notes.items())))


def draw(view: View, rows: dict, history: dict, notes: dict) -> list:
    analyst = view.user.sees_unverified
    last_year = board.same_point_last_year(view.period)
    earlier = board.earlier_periods(view.periods, view.period)
    homes = board.headline_homes()
    headers = ["Measure", f"Now ({fmt_date(view.period)})", "Status", "Target",
               f"Same point last year ({fmt_date(last_year)})", "Change",
               *[fmt_date(p) for p in earlier], *COMPARATORS]
    groups = []
    for number, ids in homes.items():
        body = [html.Tr(html.Th(principle_title(number), colSpan=len(headers), scope="colgroup",
                                className="principle-row"))]
        for i in ids:
            body += measure_rows(view, i, rows.get(i), history.get(i, []), last_year,
                                 earlier, notes.get(i), analyst, len(headers))
        groups.append(html.Tbody(body))
    every = [i for ids in homes.values() for i in ids]
    return [
        html.H1(f"Scorecard, {fmt_date(view.period)}"),
        html.P(f"Every headline measure once, for {view.scope}, grouped by the corporate "
               "parenting principle it serves. Status is given in words and a symbol. Changes "
               "are against the same point last year; a figure for part of a year is not "
               "compared with a full year.", className="lead"),
        exceptions_section(view, rows, every),
        no_data_section(rows, every),
        html.Div(html.Table([
            html.Caption(f"Scorecard for {view.scope} at {fmt_date(view.period)}"),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
            *groups,
        ], className="data-table scorecard", id="scorecard"), className="table-wrap",
            tabIndex="0", role="region", **{"aria-label": "Scorecard table"}),
        html.P("c: hidden because it concerns five or fewer children, or would let such a "
               "figure be worked out. No data: the extract for that date does not include the "
               "file the measure needs (not the same as zero). Not loaded: no extract for that "
               "date. Not compared: no "
               "figure for the same point last year, or one of the two covers only part of a "
               "year (each measure's page says which). Part year: only part of the last 12 "
               "months is in the loaded data.", className="muted"),
    ]


def no_data_section(rows: dict, ids: list[str]) -> html.Section | None:
    """Which measures say "no data" this period and why, in plain words (none: nothing)."""
    lines = board.no_data_lines(rows, ids)
    if not lines:
        return None
    return html.Section([html.H2("No data this period", id="no-data-heading"),
                         html.Ul([html.Li(line) for line in lines])],
                        className="no-data-box", **{"aria-labelledby": "no-data-heading"})


def measure_rows(view: View, indicator_id: str, row: dict | None, trend: list, last_year,
                 earlier: list, note: dict | None, analyst: bool, width: int) -> list:
    entry = BY_ID[indicator_id]
    title = link(entry.title, f"/indicator/{entry.id}", view.filters)
    if row is None:
        return [html.Tr([html.Th(title, scope="row"),
                         html.Td("No children in scope for this measure.",
                                 colSpan=width - 1)])]
    cells = benchmark_cells(row, analyst)
    out = [html.Tr([
        html.Th(title, scope="row"),
        html.Td(board.now_text(row), className="figure"),
        html.Td(rag_badge(row)),
        html.Td("" if row["target"] is None else fmt(row["target"], row["unit"])),
        html.Td(board.cell_text(board.value_at(trend, last_year)), className="figure"),
        html.Td(board.change_text(row), className="change"),
        *[html.Td(board.cell_text(board.value_at(trend, p)), className="figure") for p in earlier],
        *[html.Td(cells.get(name, "")) for name in COMPARATORS],
    ])]
    said = commentary.summary(note) if note else None
    if said:
        out.append(html.Tr(html.Td(said, colSpan=width, className="commentary-cell"),
                           className="commentary-row"))
    return out
