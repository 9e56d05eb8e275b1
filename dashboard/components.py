"""Small building blocks every page shares: formatted figures, RAG badges that never rely on
colour alone, direction of travel in words, tables."""
from __future__ import annotations

import datetime as dt
import urllib.parse

from dash import dcc, html

from etl.indicators import judgement
from etl.indicators.catalogue import CATALOGUE
from schemas.tables import TABLES

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


# The engine's note for a measure whose input file is not in the period's extract (a local
# extract a council may not send): the figure is unknown, which is not the same as zero.
NO_DATA_NOTE = "no data:"


def no_data(row: dict | None) -> bool:
    """Whether a figure is missing because the period's extract lacks a file it needs (the
    engine's `no_data`): it is shown as "no data", never judged against a target nor compared
    with another period."""
    return bool(row) and bool(row.get("no_data"))


def no_data_reason(row: dict) -> str:
    """Why there is no figure, from the engine's note, as a sentence ("The extract for this
    period has no voice and advocacy file (not the same as zero)")."""
    why = (row.get("note") or "").split("; ")[0][len(NO_DATA_NOTE):].strip()
    return (why[:1].upper() + why[1:] + ".") if why else "No extract for this period holds it."


def no_data_text(row: dict) -> str:
    """The whole plain statement for a measure with no data: "No data: the extract ..."."""
    why = no_data_reason(row)
    return f"No data: {why[:1].lower()}{why[1:]}"


# --- the council's own files (local extracts), in the data-quality page's and packs' words ----

def without_file(extract: dict) -> str:
    """What is missing when a load has no file for a local extract, in plain words."""
    name = TABLES[extract["table"]].file_label
    titles = [e.title for e in CATALOGUE if extract["table"] in e.sources]
    if not titles:  # the staff-to-team file: no measure needs it, the teams do
        return (f"No {name}: every social worker is counted in the \"Unallocated team\", so "
                "there are no figures by team or service area.")
    return (f"No {name}: these measures say \"no data\" (not the same as zero): "
            f"{'; '.join(titles)}.")


def own_files(found: list[dict]) -> str:
    """The council's own files by name: "staff-to-team, education, ... and siblings"."""
    names = [TABLES[e["table"]].label for e in found]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def status_label(row: dict) -> str:
    """The status in words: "Off target", "Near target", "On target", or why there is none."""
    if row.get("rag") is None:
        return row.get("rag_label") or (
            "Context" if row["polarity"] == "context" else
            "No data" if row.get("value") is None else "No target")
    return row["rag_label"]


def status_text(row: dict) -> str:
    """The status with its symbol, for print and plain text: "✕ Off target"."""
    status = row.get("rag")
    return status_label(row) if status is None else f"{RAG_ICON[status]} {status_label(row)}"


def rag_badge(row: dict) -> html.Span:
    status = row.get("rag")
    if status is None:
        return html.Span(status_label(row), className="rag rag-none")
    return html.Span([html.Span(RAG_ICON[status], className="rag-icon", **{"aria-hidden": "true"}),
                      f" {status_label(row)}"], className=f"rag rag-{status}")


def direction_text(row: dict) -> str:
    """How the figure moved since the same point last year, or why it is not compared."""
    if no_data(row):
        return "Not compared: no data for this period"
    d = row.get("direction")
    if not d:
        return (row.get("comparison") or {}).get("reason") or \
            "No figure for the same point last year to compare with"
    arrow = {"up": "▲", "down": "▼", "same": "■"}[d["direction"]]
    trend = {"improving": "improving", "worsening": "worsening", "no change": "no change",
             "context": "changed"}[d["trend"]]
    since = fmt_date(dt.date.fromisoformat(d["period_end"]))
    if d["direction"] == "same":
        return f"{arrow} No change since {since}"
    return f"{arrow} {trend.capitalize()}: {change_words(row)} since {since}"


def change_words(row: dict) -> str:
    """The size of a figure's move since the same point last year: "up 1.2 points",
    "down 3"."""
    d = row["direction"]
    size = fmt(abs(d["change"]), "count" if row["unit"] == "count" else "score")
    return f"{'up' if d['direction'] == 'up' else 'down'} {size}" + \
        (" points" if row["unit"] == "%" else "")


def benchmark_cells(row: dict, analyst: bool = False) -> dict[str, str]:
    """{"England": "68% (2024)", "Region": ..., "Statistical neighbours": ...}, "" where there
    is nothing to show. Members and managers get figures confirmed in their source only; an
    analyst also gets unconfirmed ones, marked (the rule is judgement.benchmarks_for)."""
    shown = judgement.benchmarks_for(row.get("benchmarks"), verified_only=not analyst)
    cells = {}
    for name, label in judgement.COMPARATOR_LABELS.items():
        bench = shown.get(name)
        if bench is None:
            cells[label] = ""
            continue
        value = bench["value"]
        # as published: DfE gives whole percentages ("68%", not "68.0%"), some have a decimal
        places = 0 if float(value).is_integer() else 1
        figure = f"{value:.{places}f}%" if row["unit"] == "%" else f"{value:,.{places}f}"
        unverified = " (unverified: analysts only)" if bench.get("to_check") else ""
        cells[label] = f"{figure} ({bench['year']}){unverified}"
    return cells


def benchmark_text(row: dict, analyst: bool = False) -> str:
    """The benchmarks in a sentence ("England 68% (2024); Region 71% (2024)"), or "" where a
    member or manager has none to see. An analyst is told "No benchmark configured" instead,
    so a gap in the council's configuration shows up to the one who can fill it."""
    cells = benchmark_cells(row, analyst)
    text = "; ".join(f"{label} {cell}" for label, cell in cells.items() if cell)
    return text or ("No benchmark configured" if analyst else "")


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
