"""A principle's or an outcome's page: every mapped indicator as a small multiple with its
trend and benchmark, and what changed most since the last period."""
from __future__ import annotations

from dash import html

from dashboard import access, figures
from dashboard.components import (benchmark_text, direction_text, fmt, fmt_date, link, rag_badge,
                                  table)
from dashboard.themes import (OUTCOME_TEXT, SLUG_OUTCOMES, outcome_indicators,
                              principle_indicators, principle_title)
from dashboard.view import View
from etl.indicators.catalogue import BY_ID, PRINCIPLES


def movers(rows: dict, ids: list[str], limit: int = 5) -> list[dict]:
    """The indicators that moved most since the last period, biggest first. Percentages move
    in points; counts and scores relative to where they were."""
    moved = []
    for i in ids:
        row = rows.get(i)
        d = row and row.get("direction")
        if not d or d["direction"] == "same":
            continue
        size = abs(d["change"]) if row["unit"] == "%" else \
            abs(d["change"]) / max(abs(d["previous"]), 1) * 100
        moved.append((size, row))
    return [row for _, row in sorted(moved, key=lambda m: -m[0])[:limit]]


def small_multiple(view: View, row: dict | None, trend: list, indicator_id: str) -> html.Li:
    entry = BY_ID[indicator_id]
    body = [link(entry.title, f"/indicator/{entry.id}", view.filters, className="sm-title")]
    if row is None:
        body.append(html.P("No children in scope for this measure.", className="muted"))
    else:
        body += [
            html.Div([html.Span(fmt(row["value"], row["unit"]), className="headline-value"),
                      rag_badge(row)], className="headline-figures"),
            figures.sparkline([(p, r["value"]) for p, r in trend], row["unit"], entry.title),
            html.P(direction_text(row), className="muted"),
            html.P(benchmark_text(row), className="muted"),
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
    rows = access.figures_for(view.user, view.la, view.period, view.group)
    history = access.history(view.user, view.la, view.group)
    changed = movers(rows, ids)
    return [
        html.H1(title),
        html.P([intro, f" Figures for {view.scope} at {fmt_date(view.period)}."],
               className="lead"),
        html.Section([
            html.H2("What changed since the last period"),
            table("The measures that moved most", ["Measure", "Now", "Change"],
                  [[link(BY_ID[r["id"]].title, f"/indicator/{r['id']}", view.filters),
                    fmt(r["value"], r["unit"]), direction_text(r)] for r in changed])
            if changed else html.P("No earlier period to compare, or nothing moved."),
        ]),
        html.H2("Every measure"),
        html.Ul([small_multiple(view, rows.get(i), history.get(i, []), i) for i in ids],
                className="small-multiples"),
    ]
