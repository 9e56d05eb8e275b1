"""What the board reads, worked out once for the scorecard, the overview and the packs: each
headline measure once under its own principle, the same point last year, and the exceptions
(the measures off target or worsening most) in plain words.

Plain functions over the data layer's rows (`access.figures_for`, `access.history`), so a
member's figures arrive already protected and nothing here can undo that.
"""
from __future__ import annotations

import datetime as dt

from dashboard import access
from dashboard.components import change_words, fmt, fmt_date, no_data, no_data_reason
from dashboard.themes import PRINCIPLE_HEADLINES, OUTCOME_HEADLINES
from etl.indicators.catalogue import BY_ID
from etl.indicators.engine import same_point_last_year


def headline_homes() -> dict[int, list[str]]:
    """Each headline measure once, under the first principle whose card lists it (or, for a
    measure that only an outcome card lists, its own first principle), in card order."""
    homes: dict[int, list[str]] = {n: [] for n in sorted(PRINCIPLE_HEADLINES)}
    seen: set[str] = set()
    for number, ids in sorted(PRINCIPLE_HEADLINES.items()):
        for i in ids:
            if i not in seen:
                homes[number].append(i)
                seen.add(i)
    for ids in OUTCOME_HEADLINES.values():
        for i in ids:
            if i not in seen and BY_ID[i].principles:
                homes[BY_ID[i].principles[0]].append(i)
                seen.add(i)
    return homes


def home_of(indicator_id: str) -> int | None:
    """The principle a headline measure is shown under in full (None: not a headline)."""
    return next((n for n, ids in headline_homes().items() if indicator_id in ids), None)


# --- "no data": a measure whose file the period's extract lacks ------------------------------
# The engine gives such a measure one row, for the whole council; a team or service area has
# no figure either, and that is not "no children in scope". These put the council's row in.

def figures(user: access.User, la: str, period_end: dt.date,
            group: tuple[str, str] | None = None) -> dict[str, dict]:
    """access.figures_for, with the council's "no data" rows for a team or service area."""
    rows = access.figures_for(user, la, period_end, group)
    if group is None:
        return rows
    council = access.figures_for(user, la, period_end)
    return {**{i: r for i, r in council.items() if no_data(r)}, **rows}


def history(user: access.User, la: str, group: tuple[str, str] | None = None
            ) -> dict[str, list[tuple]]:
    """access.history, with the council's "no data" rows for a team or service area."""
    trends = access.history(user, la, group)
    if group is None:
        return trends
    for i, trend in access.history(user, la).items():
        have = {p for p, _ in trends.get(i, [])}
        missing = [(p, row) for p, row in trend if no_data(row) and p not in have]
        if missing:
            trends[i] = sorted(trends.get(i, []) + missing, key=lambda t: t[0])
    return trends


def no_data_lines(rows: dict[str, dict], ids: list[str]) -> list[str]:
    """One plain sentence per missing file, naming the measures that say "no data" for it:
    "The extract for this period has no siblings file (not the same as zero): Brothers and
    sisters living together; ...". Nothing when every measure has its data."""
    by_reason: dict[str, list[str]] = {}
    for i in dict.fromkeys(ids):
        if no_data(rows.get(i)):
            by_reason.setdefault(no_data_reason(rows[i]), []).append(BY_ID[i].title)
    return [f"{reason.rstrip('.')}, so these measures say no data: {'; '.join(titles)}."
            for reason, titles in by_reason.items()]


def earlier_periods(periods: list[dt.date], period_end: dt.date, count: int = 3
                    ) -> list[dt.date]:
    """The `count` loaded period ends before this one, newest first, leaving out the same
    point last year (which has its own column)."""
    last_year = same_point_last_year(period_end)
    return [p for p in reversed(periods) if p < period_end and p != last_year][:count]


def value_at(trend: list[tuple], period_end: dt.date) -> dict | None:
    """A measure's row at one period end from its history ([(period end, row)]), or None."""
    return next((row for p, row in trend if p == period_end), None)


def _gap(row: dict) -> float:
    """How far a figure misses its target, in tolerances (0 when met or not judged)."""
    value, target = row.get("value"), row.get("target")
    if not isinstance(value, (int, float)) or target is None:
        return 0.0
    gap = (target - value) if row["polarity"] == "up" else (value - target)
    return max(gap, 0.0) / max(row.get("tolerance") or 1.0, 0.1)


def moved_by(row: dict) -> float:
    """How far a figure moved since the same point last year: points for percentages, per
    cent of the earlier figure otherwise (0 with no direction)."""
    d = row.get("direction")
    if not d:
        return 0.0
    if row["unit"] == "%":
        return abs(d["change"])
    return abs(d["change"]) / max(abs(d["previous"]), 1) * 100


def _worsened(row: dict) -> float:
    """How much a figure worsened since the same point last year (0 when it did not)."""
    d = row.get("direction")
    return moved_by(row) if d and d.get("trend") == "worsening" else 0.0


def exceptions(rows: dict[str, dict], ids: list[str], limit: int = 6) -> list[dict]:
    """The measures that need the board's attention, worst first: off target (furthest from
    it first), then worsening most, then near target and worsening. Each is
    {"id", "row", "words"}."""
    found = []
    for i in dict.fromkeys(ids):
        row = rows.get(i)
        if not row or row.get("polarity") == "context" or row.get("suppressed"):
            continue
        worse = _worsened(row)
        if row.get("rag") == "red":
            rank = (0, -_gap(row), -worse)
        elif worse:
            rank = (1 if row.get("rag") != "green" else 2, -worse, 0.0)
        else:
            continue
        found.append((rank, {"id": i, "row": row, "words": exception_words(row)}))
    return [item for _, item in sorted(found, key=lambda f: f[0])[:limit]]


def exception_words(row: dict) -> str:
    """One plain sentence: the figure, how it stands against its target and how it moved."""
    entry = BY_ID[row["id"]]
    parts = []
    if row.get("rag") == "red":
        parts.append(f"off target (the target is {fmt(row['target'], row['unit'])})")
    elif row.get("rag") == "amber":
        parts.append(f"close to missing its target of {fmt(row['target'], row['unit'])}")
    d = row.get("direction")
    if d and d.get("trend") == "worsening":
        since = fmt_date(dt.date.fromisoformat(d["period_end"]))
        better = "higher" if row["polarity"] == "up" else "lower"
        parts.append(f"worse than at {since} ({change_words(row)}; {better} is better)")
    return f"{entry.title} is {fmt(row['value'], row['unit'])}, " + ", and ".join(parts) + "."


# --- the scorecard's cells, as text (the page and the board pack lay them out) ----------------

def change_text(row: dict) -> str:
    """The move since the same point last year in a few words, or "not compared" (the
    measure's own page says why)."""
    d = row.get("direction")
    if not d:
        return "Not compared"
    if d["direction"] == "same":
        return "■ No change"
    arrow = "▲" if d["direction"] == "up" else "▼"
    words = {"improving": "Improving", "worsening": "Worse", "context": "Changed"}[d["trend"]]
    return f"{arrow} {words}: {change_words(row)}"


def now_text(row: dict) -> str:
    """This period's figure, marked where only part of the last 12 months is loaded."""
    value = fmt(row["value"], row["unit"])
    return value if row.get("window_complete", True) else f"{value} (part year)"


def cell_text(row: dict | None) -> str:
    """A figure at an earlier period end, or "not loaded"."""
    if row is None:
        return "not loaded"
    return fmt(row["value"], row["unit"])
