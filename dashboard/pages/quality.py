"""The data-quality page: the loads, and the rows each rule kept out or flagged, with what
each rule means."""
from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import fmt_date, table
from dashboard.view import View


def layout(view: View) -> list:
    quality = access.data_quality()
    loads, by_rule = quality["loads"], quality["by_rule"]
    latest = by_rule[by_rule["period_end"] == view.period] if not by_rule.empty else by_rule
    errors = int(latest.loc[latest["severity"] == "error", "rows_affected"].sum()) \
        if not latest.empty else 0
    warnings = int(latest.loc[latest["severity"] == "warning", "rows_affected"].sum()) \
        if not latest.empty else 0
    return [
        html.H1("Data quality"),
        html.P(f"For the extract at {fmt_date(view.period)}: {errors} row(s) broke a rule and "
               f"were kept out of every figure; {warnings} more were flagged but used. Rule "
               "codes are DfE's 903 validation rule numbers where DfE has one; CPD- rules are "
               "this dashboard's own.", className="lead"),
        html.H2("Problems by rule"),
        table(f"Problems by rule at {fmt_date(view.period)}",
              ["Rule", "Kept out or flagged", "Rows", "What it means"],
              [[r.rule, "Kept out" if r.severity == "error" else "Flagged only",
                f"{r.rows_affected:,}", r.message] for r in latest.itertuples()]),
        html.H2("Loads"),
        table("Every extract loaded, newest first",
              ["Period end", "Year", "Loaded (UTC)", "Status", "Rows read", "Loaded",
               "Kept out", "Flagged"],
              [[fmt_date(r.period_end), r.collection_year, f"{r.loaded_at:%d/%m/%Y %H:%M}",
                r.status, f"{r.rows_read:,}", f"{r.rows_loaded:,}", f"{r.rows_rejected:,}",
                f"{r.warnings:,}"] for r in loads.itertuples()]),
    ]
