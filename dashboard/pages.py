"""Pages of the dashboard. The board overview, principle and indicator pages are built over
the indicator engine; this start page shows what the warehouse holds."""
from __future__ import annotations

from dash import html

from dashboard.warehouse import query
from etl.config import LAConfig


def _table(caption: str, headers: list[str], rows: list[list]) -> html.Table:
    return html.Table([
        html.Caption(caption),
        html.Thead(html.Tr([html.Th(h, scope="col") for h in headers])),
        html.Tbody([html.Tr([html.Td(v) for v in row]) for row in rows]),
    ], className="data-table")


def start_page(config: LAConfig) -> html.Div:
    periods = query("""
        SELECT l.period_end, l.collection_year, l.loaded_at, l.rows_loaded, l.rows_rejected,
               (SELECT count(*) FROM int_cla_at_period_end c
                 WHERE c.la_code = l.la_code AND c.period_end = l.period_end) AS cla
        FROM load_log l WHERE l.status = 'active' AND l.la_code = ?
        ORDER BY l.period_end DESC""", [config.code])
    if periods.empty:
        body = [html.P("No extract has been loaded yet. Load one with "
                       "`cpd load FOLDER --period-end YYYY-MM-DD`, or the bundled sample "
                       "with `cpd load-sample`.")]
    else:
        rows = [[f"{r.period_end:%d %B %Y}", r.collection_year, f"{r.cla:,}",
                 f"{r.rows_loaded:,}", f"{r.rows_rejected:,}", f"{r.loaded_at:%d/%m/%Y %H:%M}"]
                for r in periods.itertuples()]
        body = [
            html.P(f"{len(periods)} period(s) loaded. The latest, "
                   f"{periods.iloc[0].period_end:%d %B %Y}, shows "
                   f"{periods.iloc[0].cla:,} children looked after."),
            _table("Loaded periods",
                   ["Period end", "Collection year", "Children looked after",
                    "Rows loaded", "Rows rejected", "Loaded (UTC)"], rows),
        ]
    return html.Div([
        html.A("Skip to main content", href="#main", className="skip-link"),
        html.Header(html.P("Corporate parenting dashboard", className="service-name"),
                    className="site-header"),
        html.Main([html.H1(config.name), *body], id="main", tabIndex="-1"),
    ])
