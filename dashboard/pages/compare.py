"""Councils side by side, for analysts: one measure at one period end, one row per loaded
council (value, numerator, denominator, status in words, benchmarks). The data layer refuses
members and managers; the choices are links, like every other filter."""
from __future__ import annotations

import datetime as dt

from dash import html

from dashboard import access, figures
from dashboard.components import benchmark_text, fmt, fmt_date, fmt_part, link, rag_badge, table
from dashboard.view import View
from etl.indicators.catalogue import BY_ID, CATALOGUE

DEFAULT_INDICATOR = "cla_at_period_end"


def choose_period(available: dict[dt.date, list[str]], requested: str | None, councils: int
                  ) -> dt.date | None:
    """The period end asked for if any council has it, else the latest one every council
    has, else the latest of any."""
    try:
        asked = dt.date.fromisoformat(requested or "")
    except ValueError:
        asked = None
    if asked in available:
        return asked
    complete = [p for p, las in available.items() if len(las) == councils]
    return (complete or list(available) or [None])[-1]


def layout(view: View) -> list:
    indicator_id = view.params.get("indicator") or DEFAULT_INDICATOR
    entry = BY_ID.get(indicator_id)
    if entry is None:
        return [html.H1("Page not found"), html.P(f"There is no indicator {indicator_id}.")]
    available = access.compare_periods(view.user)  # refuses all but analysts
    councils = len(view.las)
    period = choose_period(available, view.params.get("period"), councils)
    if period is None:
        return [html.H1("Compare councils"), html.P("Nothing is loaded yet.")]
    result = access.compare(view.user, entry.id, period)
    rows = result["rows"]
    base = {"la": view.filters.get("la")}

    def period_choice(day: dt.date, las: list[str]) -> html.Li:
        label = fmt_date(day) + ("" if len(las) == councils else
                                 f" ({len(las)} of {councils} councils)")
        chosen = day == period
        return html.Li(link(("✓ " if chosen else "") + label, "/compare",
                            {**base, "indicator": entry.id, "period": day.isoformat()}),
                       className="chosen" if chosen else None,
                       **({"aria-current": "true"} if chosen else {}))

    periods_nav = html.Nav([html.H2("Period end", className="filter-legend"),
                            html.Ul([period_choice(day, las) for day, las in
                                     reversed(available.items())], className="choices")],
                           className="filter", **{"aria-label": "Period end"})
    measures = html.Details([
        html.Summary("Choose another measure"),
        html.Ul([html.Li(link(e.title, "/compare", {**base, "indicator": e.id,
                                                    "period": period.isoformat()}))
                 for e in CATALOGUE if e.id != entry.id], className="measure-list"),
    ])
    lacking = [f"{access.config(code).name} ({code})" for code in result["lacking"]]
    title = f"{entry.title} at {fmt_date(period)}, council by council"
    bars = [{**r, "group": r["la_name"]} for r in rows]
    return [
        html.Div(periods_nav, className="filters"),
        html.H1(f"Compare councils: {entry.title}"),
        html.P(f"At {fmt_date(period)}. {entry.description}", className="lead"),
        measures,
        html.P("No extract with this period end is loaded for " + ", ".join(lacking) + ".",
               className="warning") if lacking else None,
        figures.graph(figures.bars_figure_dict(bars, entry.unit, title), "compare-chart",
                      figures.bars_alt(bars, entry.unit, title)),
        table(title, ["Council", "Value", "Numerator", "Denominator", "Target", "Status",
                      "Benchmarks", "Note"],
              [[link(r["la_name"], f"/indicator/{entry.id}",
                     {"la": r["la"], "period": period.isoformat()}),
                fmt(r["value"], r["unit"]), fmt_part(r["numerator"]),
                fmt_part(r["denominator"]),
                "" if r["target"] is None else fmt(r["target"], r["unit"]),
                rag_badge(r), benchmark_text(r, view.user.sees_unverified),
                r.get("note") or ""] for r in rows]),
    ]
