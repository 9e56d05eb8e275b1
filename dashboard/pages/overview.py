"""The board overview: what needs attention first, the context, then one card per principle
and per outcome. Each headline measure is shown in full once, on the card of the principle it
is listed under first; everywhere else it is a link, so the page stays short."""
from __future__ import annotations

import re

from dash import html

from dashboard import board, figures, rendered
from dashboard.components import (benchmark_text, direction_text, fmt, fmt_date, link, no_data,
                                  no_data_text, rag_badge)
from dashboard.pages.scorecard import exceptions_section
from dashboard.themes import (CONTEXT, OUTCOME_HEADLINES, OUTCOME_SLUGS, OUTCOME_TEXT,
                              PRINCIPLE_HEADLINES, principle_title)
from dashboard.view import View
from etl.indicators.catalogue import BY_ID


def headline(view: View, row: dict | None, trend: list, indicator_id: str) -> html.Li:
    entry = BY_ID[indicator_id]
    if row is None:  # no child in this team or area counts towards it
        return html.Li([html.Span(entry.title, className="headline-title"),
                        html.P("No children in scope for this measure.", className="muted")],
                       className="headline")
    target = "" if row["target"] is None else f"Target {fmt(row['target'], row['unit'])}. "
    bench = benchmark_text(row, view.user.sees_unverified)
    # a figure the extract cannot give says why, not how it moved
    said = f"{no_data_text(row)} {target}" if no_data(row) else \
        f"{direction_text(row)}. {target}{bench + '.' if bench else ''}"
    return html.Li([
        link(entry.title, f"/indicator/{entry.id}", view.filters, className="headline-title"),
        html.Div([html.Span(fmt(row["value"], row["unit"]), className="headline-value"),
                  rag_badge(row),
                  figures.sparkline([(p, r["value"]) for p, r in trend], row["unit"],
                                    entry.title, target=row["target"],
                                    tolerance=row["tolerance"], polarity=row["polarity"])],
                 className="headline-figures"),
        html.P(entry.description, className="plain"),
        html.P(said.strip(), className="muted"),
    ], className="headline")


def elsewhere(view: View, indicator_id: str, home: int | None) -> html.Li:
    """A measure shown in full on another card: a link to it, saying where it is."""
    where = f" (in full under principle {home})" if home else ""
    return html.Li([link(BY_ID[indicator_id].title, f"/indicator/{indicator_id}", view.filters),
                    html.Span(where, className="muted")], className="headline-link")


def card(view: View, title: str, text: str, href: str, full: list[str], linked: list[str],
         rows: dict, history: dict) -> html.Section:
    heading_id = "card-" + re.sub(r"[^a-z0-9]+", "-", title.lower())[:48].strip("-")
    items = [headline(view, rows.get(i), history.get(i, []), i) for i in full]
    if linked:
        items.append(html.Li([html.Span("Also: ", className="also"), html.Ul(
            [elsewhere(view, i, board.home_of(i)) for i in linked], className="also-list")],
            className="headline"))
    return html.Section([
        html.H3(link(title, href, view.filters), id=heading_id),
        html.P(text, className="plain") if text else None,
        html.Ul(items, className="headlines"),
    ], className="card", **{"aria-labelledby": heading_id})


def layout(view: View) -> list:
    # read for every view, with the data layer's checks; drawn once for those who see alike
    rows = board.figures(view.user, view.la, view.period, view.group)
    history = board.history(view.user, view.la, view.group)
    return rendered.part("overview", view, lambda: draw(view, rows, history))


def draw(view: View, rows: dict, history: dict) -> list:
    homes = board.headline_homes()
    context = [html.Div([html.Span(BY_ID[i].title, className="context-label"),
                         html.Span(fmt(rows[i]["value"], rows[i]["unit"]) if i in rows
                                   else "none", className="context-value")],
                        className="context-item") for i in CONTEXT]
    principles = [card(view, principle_title(n), "", f"/principle/{n}", homes[n],
                       [i for i in ids if i not in homes[n]], rows, history)
                  for n, ids in PRINCIPLE_HEADLINES.items()]
    outcomes = [card(view, outcome.capitalize(), OUTCOME_TEXT[outcome],
                     f"/outcome/{OUTCOME_SLUGS[outcome]}", [], ids, rows, history)
                for outcome, ids in OUTCOME_HEADLINES.items()]
    every = [i for ids in homes.values() for i in ids]
    return [
        html.H1(f"Corporate parenting scorecard, {fmt_date(view.period)}"),
        html.P(["How the council is doing for the children it looks after, for "
                f"{view.scope}. Each measure shows this period's figure, whether it meets the "
                "council's target (in words and a symbol), how it has moved since the same "
                "point last year, and England's figure where one is known. ",
                link("See every measure in one table", "/scorecard", view.filters),
                "."], className="lead"),
        exceptions_section(view, rows, every),
        html.Section([html.H2("At a glance"), html.Div(context, className="context-strip")],
                     **{"aria-label": "At a glance"}),
        html.H2("The seven corporate parenting principles"),
        html.Div(principles, className="cards"),
        html.H2("The five outcomes"),
        html.Div(outcomes, className="cards"),
    ]
