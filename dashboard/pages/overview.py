"""The board overview: the seven principles and the five outcomes, each a card with its
headline indicators, in words a councillor can read."""
from __future__ import annotations

import re

from dash import html

from dashboard import access, figures
from dashboard.components import (benchmark_text, direction_text, fmt, fmt_date, link, rag_badge)
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
    return html.Li([
        link(entry.title, f"/indicator/{entry.id}", view.filters, className="headline-title"),
        html.Div([html.Span(fmt(row["value"], row["unit"]), className="headline-value"),
                  rag_badge(row),
                  figures.sparkline([(p, r["value"]) for p, r in trend], row["unit"],
                                    entry.title)], className="headline-figures"),
        html.P(entry.description, className="plain"),
        html.P(f"{direction_text(row)}. {target}{benchmark_text(row)}.", className="muted"),
    ], className="headline")


def card(view: View, title: str, text: str, href: str, ids: list[str], rows: dict,
         history: dict) -> html.Section:
    heading_id = "card-" + re.sub(r"[^a-z0-9]+", "-", title.lower())[:48].strip("-")
    return html.Section([
        html.H3(link(title, href, view.filters), id=heading_id),
        html.P(text, className="plain"),
        html.Ul([headline(view, rows.get(i), history.get(i, []), i) for i in ids],
                className="headlines"),
    ], className="card", **{"aria-labelledby": heading_id})


def layout(view: View) -> list:
    rows = access.figures_for(view.user, view.la, view.period, view.group)
    history = access.history(view.user, view.la, view.group)
    context = [html.Div([html.Span(BY_ID[i].title, className="context-label"),
                         html.Span(fmt(rows[i]["value"], rows[i]["unit"]) if i in rows
                                   else "none", className="context-value")],
                        className="context-item") for i in CONTEXT]
    principles = [card(view, principle_title(n), "", f"/principle/{n}", ids, rows, history)
                  for n, ids in PRINCIPLE_HEADLINES.items()]
    outcomes = [card(view, outcome.capitalize(), OUTCOME_TEXT[outcome],
                     f"/outcome/{OUTCOME_SLUGS[outcome]}", ids, rows, history)
                for outcome, ids in OUTCOME_HEADLINES.items()]
    return [
        html.H1(f"Corporate parenting scorecard, {fmt_date(view.period)}"),
        html.P(f"How the council is doing for the children it looks after, for "
               f"{view.scope}. Each measure shows this period's figure, whether it meets the "
               "council's target (in words and a symbol), how it has moved since the last "
               "period, and England's figure where one is known.", className="lead"),
        html.Section([html.H2("At a glance"), html.Div(context, className="context-strip")],
                     **{"aria-label": "At a glance"}),
        html.H2("The seven corporate parenting principles"),
        html.Div(principles, className="cards"),
        html.H2("The five outcomes"),
        html.Div(outcomes, className="cards"),
    ]
