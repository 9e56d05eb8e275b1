"""Small building blocks every page shares: formatted figures, RAG badges that never rely on
colour alone, direction of travel in words, tables."""
from __future__ import annotations

import datetime as dt
import urllib.parse

from dash import dcc, html

RAG_ICON = {"green": "✓", "amber": "!", "red": "✕"}


def fmt(value, unit: str) -> str:
    """A figure as a person reads it: 12.5%, 1,234, 14.2, c, or 'no data'."""
    if value is None:
        return "no data"
    if value == "c":
        return "c"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "count":
        return f"{int(value):,}"
    return f"{value:,.1f}"


def fmt_part(x) -> str:
    """A numerator or denominator: whole numbers with separators, sums of scores to 1 dp."""
    if x is None:
        return ""
    if x == "c":
        return "c"
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def fmt_date(day: dt.date) -> str:
    return f"{day:%-d %b %Y}"


def rag_badge(row: dict) -> html.Span:
    status = row.get("rag")
    if status is None:
        label = row.get("rag_label") or (
            "Context" if row["polarity"] == "context" else
            "No data" if row.get("value") is None else "No target")
        return html.Span(label, className="rag rag-none")
    return html.Span([html.Span(RAG_ICON[status], className="rag-icon", **{"aria-hidden": "true"}),
                      f" {row['rag_label']}"], className=f"rag rag-{status}")


def direction_text(row: dict) -> str:
    d = row.get("direction")
    if not d:
        return "No earlier period to compare"
    arrow = {"up": "▲", "down": "▼", "same": "■"}[d["direction"]]
    trend = {"improving": "improving", "worsening": "worsening", "no change": "no change",
             "context": "changed"}[d["trend"]]
    change = fmt(abs(d["change"]), "count" if row["unit"] == "count" else "score")
    unit = " points" if row["unit"] == "%" else ""
    since = fmt_date(dt.date.fromisoformat(d["period_end"]))
    if d["direction"] == "same":
        return f"{arrow} No change since {since}"
    return f"{arrow} {trend.capitalize()}: {'up' if d['direction'] == 'up' else 'down'} " \
           f"{change}{unit} since {since}"


def benchmark_text(row: dict) -> str:
    parts = []
    names = {"england": "England", "region": "Region", "statistical_neighbours":
             "Statistical neighbours"}
    for key, label in names.items():
        bench = (row.get("benchmarks") or {}).get(key)
        if bench and bench.get("value") is not None:
            check = " (to check)" if bench.get("to_check") else ""
            parts.append(f"{label} {fmt(bench['value'], row['unit'])} ({bench['year']}){check}")
    return "; ".join(parts) or "No benchmark configured"


def table(caption: str, headers: list[str], rows: list[list]) -> html.Table:
    return html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
        html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows]),
    ], className="data-table")


def link(text, path: str, query: dict | None = None, **kwargs) -> dcc.Link:
    """A link that keeps the filters (period, service area, team) in the URL."""
    query = {k: v for k, v in (query or {}).items() if v}
    href = path + ("?" + urllib.parse.urlencode(query) if query else "")
    return dcc.Link(text, href=href, **kwargs)
