"""The indicator engine: any catalogue entry, for any loaded period end, overall or by any
breakdown, judged against its target, the same point last year and its benchmarks.

Every row says whether its 12 months are all in the loaded data (`window_complete`: an
event-based indicator for an in-year period end needs the extracts before this year's 1 April)
and what its direction of travel compares with (`comparison`): the same period end one year
earlier when that is loaded and both windows are complete, else no direction and why not.

Reads only the published warehouse and the LA configuration. A load works out the figures of
every period, overall and by every breakdown, and the member protection of each, and stores
them (etl/indicators/published.py): a request reads them with one small SELECT and builds its
rows with the configuration as it is then (targets, tolerances, benchmarks, notes, directions).
For a period stored by other code, or a warehouse loaded before they were stored, the same
figures are worked out here from `ind_units` with grouped queries (`_aggregate`, `_protect`).

As a member sees them (`suppress`), figures are protected by disclosure control decided once
per council, indicator and period end over everything a member sees together: the council
figure, every member breakdown, service areas with their teams, the direction of travel, counts
in notes and disproportionality shares (`compute_linked`, `disproportionality`). A direction
of travel is shown to a member only beside a figure shown at both period ends.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import os
import threading
import uuid
from calendar import monthrange
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from etl.config import LAConfig
from etl.indicators import judgement
from etl.indicators.catalogue import BY_ID, CATALOGUE, Indicator
from etl.indicators import disclosure
from schemas.codes import collection_year, year_start
from schemas.tables import TABLES

BREAKDOWNS = ("team", "social_worker", "service_area", "age_band", "sex", "ethnic_group",
              "uasc", "legal_status_group", "placement_type_group", "provider")
# What a member may see: every breakdown but social workers (team is the finest for them).
MEMBER_BREAKDOWNS = tuple(b for b in BREAKDOWNS if b != "social_worker")
POPULATION_ID = "cla_at_period_end"  # "all children looked after", for disproportionality
# Groups are listed alphabetically with "Not known" last, except where the field has its own
# order: nobody reads age bands as "1 to 4, 10 to 15, 16 and over, 5 to 9, Under 1".
# The labels are the ones sql/07_int_child_attributes.sql gives.
AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")


class EngineError(Exception):
    """A request the warehouse cannot answer (no such period, unknown breakdown)."""


def loaded_las(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every LA with a loaded period, by ONS code."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT la_code FROM int_periods ORDER BY 1").fetchall()]


def loaded_periods(con: duckdb.DuckDBPyConnection, la_code: str) -> list[dt.date]:
    rows = con.execute("SELECT period_end FROM int_periods WHERE la_code = ? ORDER BY 1",
                       [la_code]).fetchall()
    return [r[0] for r in rows]


class Window(NamedTuple):
    """A period's 12 months (start to its period end) and the date from which the loaded
    extracts cover events without a gap up to the period end (int_periods)."""
    start: dt.date
    events_from: dt.date
    complete: bool


def windows(con: duckdb.DuckDBPyConnection, la_code: str) -> dict[dt.date, Window]:
    """Every loaded period end of an LA with its window."""
    try:
        rows = con.execute("SELECT period_end, window_start, events_from, window_complete "
                           "FROM int_periods WHERE la_code = ?", [la_code]).fetchall()
    except (duckdb.BinderException, duckdb.CatalogException):
        raise EngineError("the warehouse was built by an earlier version of this program; "
                          "load any extract again to rebuild it") from None
    return {r[0]: Window(*r[1:]) for r in rows}


def same_point_last_year(period_end: dt.date) -> dt.date:
    """The same period end one year earlier; 29 February maps to 28 February."""
    try:
        return period_end.replace(year=period_end.year - 1)
    except ValueError:
        return period_end.replace(year=period_end.year - 1, day=28)


@lru_cache(maxsize=256)
def _day(day: dt.date) -> str:
    """A date as a councillor reads it: 30 Jun 2026 (asked for on every row)."""
    return f"{day.day} {day:%b %Y}"


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months on (the last day of a shorter month)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _span(first: dt.date, last: dt.date) -> str:
    """How long from `first` to `last`, both days included: "3 months", "2 months and 15
    days"."""
    after = last + dt.timedelta(days=1)
    months = (after.year - first.year) * 12 + after.month - first.month
    if _add_months(first, months) > after:
        months -= 1
    days = (after - _add_months(first, months)).days
    parts = [f"{n} {unit}{'' if n == 1 else 's'}"
             for n, unit in ((months, "month"), (days, "day")) if n]
    return " and ".join(parts)


def _partial_note(window: Window, period_end: dt.date) -> str:
    return (f"Only part of the last 12 months is in the loaded data: events from "
            f"{_day(window.events_from)} to {_day(period_end)} "
            f"({_span(window.events_from, period_end)}), so this figure is not comparable with "
            "a full year")


def _history_note(entry: Indicator, window: Window) -> str | None:
    """The note for an indicator that looks back before its window (a period of care that
    ended in the year before it) where the loaded extracts do not reach back that far."""
    needed = window.start - dt.timedelta(days=entry.history_days)
    if not entry.history_days or window.events_from <= needed:
        return None
    return (f"The loaded extracts hold episodes from {_day(window.events_from)} only, not "
            f"from {_day(needed)}: a child who left care before then and came back is not "
            "counted as coming back. Load the extracts of the year before to count them")


def _round(numerator: float, denominator: float, scale: int, places: str = "0.1") -> float:
    """One decimal place (or `places`), halves rounded up, from exact arithmetic (never
    banker's rounding)."""
    exact = Decimal(str(float(numerator))) * scale / Decimal(str(float(denominator)))
    return float(exact.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def population(config: LAConfig, period_end: dt.date) -> tuple[int | None, int | None]:
    """The 0-17 population for a period: the latest configured year no later than the year its
    collection year starts in. Returns (population, year)."""
    start = year_start(collection_year(period_end))
    years = [y for y in config.population if y <= start]
    return (config.population[max(years)], max(years)) if years else (None, None)


def sources_loaded(con, la_code: str, period_end: dt.date) -> set[str]:
    """The 903 and local tables whose files the active load of a period holds."""
    rows = con.execute(
        "SELECT f.table_name FROM load_files f JOIN load_log l USING (load_id) "
        "WHERE l.status = 'active' AND l.la_code = ? AND l.period_end = ?",
        [la_code, period_end]).fetchall()
    return {r[0] for r in rows}


def _aggregate(con, la_code: str, period_end: dt.date, breakdown: str | None) -> list[tuple]:
    """Per indicator and group of one breakdown (or overall), the units and the sums of
    numerators and denominators, groups in reading order: (indicator, group, units,
    numerator, denominator) rows."""
    group = f"a.{breakdown}" if breakdown else "NULL"
    join = "JOIN int_child_attributes a USING (la_code, period_end, child)" if breakdown else ""
    return con.execute(f"""
        SELECT * FROM (
            SELECT u.indicator_id, {group} AS grp, count(*) AS units,
                   sum(u.numerator) AS numerator, sum(u.denominator) AS denominator
            FROM ind_units u {join}
            WHERE u.la_code = ? AND u.period_end = ?
            GROUP BY ALL)
        ORDER BY indicator_id, grp = 'Not known', list_position(?, grp) NULLS LAST, grp""",
                       [la_code, period_end, list(AGE_BANDS)]).fetchall()


def _aggregate_member(con, la_code: str, period_end: dt.date) -> dict[str, list[tuple]]:
    """_aggregate for every member breakdown at once: one query over one join, not nine."""
    parts = " UNION ALL ".join(
        f"SELECT '{b}' AS breakdown, indicator_id, {b} AS grp, count(*) AS units, "
        f"sum(numerator) AS numerator, sum(denominator) AS denominator FROM joined GROUP BY ALL"
        for b in MEMBER_BREAKDOWNS)
    rows = con.execute(f"""
        WITH joined AS (
            SELECT u.indicator_id, u.numerator, u.denominator, a.*
            FROM ind_units u JOIN int_child_attributes a USING (la_code, period_end, child)
            WHERE u.la_code = ? AND u.period_end = ?)
        SELECT * FROM ({parts})
        ORDER BY breakdown, indicator_id, grp = 'Not known', list_position(?, grp) NULLS LAST,
                 grp""", [la_code, period_end, list(AGE_BANDS)]).fetchall()
    out: dict[str, list[tuple]] = {b: [] for b in MEMBER_BREAKDOWNS}
    for row in rows:
        out[row[0]].append(row[1:])
    return out


def _start_unknown(con, la_code: str, period_end: dt.date) -> dict[str, int]:
    """Per indicator, children whose period of care or placement start is only known to be no
    later than their earliest loaded episode: those it counts, and those looked after at P
    (whom such a start may have kept out of it, as when a long stay looks short)."""
    rows = con.execute("""
        WITH unknown AS (
            SELECT DISTINCT child FROM int_episodes
            WHERE start_unknown AND la_code = $la AND period_end = $p
        ),
        looked_after AS (
            SELECT child FROM int_cla_at_period_end
            WHERE la_code = $la AND period_end = $p AND child IN (SELECT child FROM unknown)
        ),
        counted AS (  -- per indicator, those it counts who are not looked after at P
            SELECT indicator_id, count(DISTINCT child) AS n FROM ind_units
            WHERE la_code = $la AND period_end = $p AND child IN (SELECT child FROM unknown)
              AND child NOT IN (SELECT child FROM looked_after)
            GROUP BY ALL
        )
        SELECT i.indicator_id, coalesce(c.n, 0) + (SELECT count(*) FROM looked_after)
        FROM (SELECT DISTINCT indicator_id FROM ind_units) i
        LEFT JOIN counted c USING (indicator_id)""", {"la": la_code, "p": period_end}).fetchall()
    return dict(rows)


def _known(x):
    """A sum as a number: none (no rows, or only blanks) is 0."""
    if x is None:
        return 0
    if isinstance(x, float):  # what DuckDB's sums are: pd.isna's own checks cost more
        return 0 if x != x else x
    return 0 if pd.isna(x) else x


def _quantities(entry: Indicator, numerator, denominator) -> tuple:
    """The numerator and denominator a figure shows, from its sums: what disclosure control
    protects. A rate's denominator, the 0-17 population, comes from the LA configuration in
    _figure and is published anyway, so nothing protected depends on the configuration."""
    numerator, denominator = _known(numerator), _known(denominator)
    if entry.unit in ("count", "rate"):
        return int(numerator or 0), None
    whole = float(numerator).is_integer()
    return (int(numerator) if whole else float(numerator)), int(denominator)


def _figure(entry: Indicator, numerator, denominator, config, period_end) -> dict:
    """numerator, denominator, value and any note, by the entry's unit."""
    note = None
    shown, shown_denominator = _quantities(entry, numerator, denominator)
    numerator, denominator = _known(numerator), _known(denominator)
    if entry.unit == "count":
        return {"numerator": shown, "denominator": None, "value": shown, "note": None}
    if entry.unit == "rate":
        pop, year = population(config, period_end)
        if pop is None:
            return {"numerator": shown, "denominator": None, "value": None,
                    "note": "no 0-17 population in the LA configuration for this year"}
        return {"numerator": shown, "denominator": pop,
                "value": _round(numerator or 0, pop, 10_000),
                "note": f"population: {year} mid-year estimate from the LA configuration"}
    if denominator == 0:
        value, note = None, "no children (or reviews) in the denominator"
    else:
        value = _round(numerator, denominator, 100 if entry.unit == "%" else 1)
    return {"numerator": shown, "denominator": shown_denominator, "value": value,
            "note": note}


def _figures(con, config: LAConfig, la_code: str, period_end: dt.date, entries,
             breakdown: str | None, notes: bool = True) -> dict[str, list[dict]]:
    """Per indicator id, one figure per group (one, with group None, overall): numerator,
    denominator, value and notes; an indicator whose source is absent gets value None."""
    loaded = sources_loaded(con, la_code, period_end)
    stored = _stored(con, la_code, period_end)
    # the previous period is wanted for its values only: no need for its notes' query
    unknown = _unknown(con, la_code, period_end, stored) if notes else {}
    return _build(entries, _sums(con, la_code, period_end, breakdown, stored), loaded,
                  unknown, config, period_end, breakdown)


def _by_indicator(sums: list[tuple]) -> dict[str, list[tuple]]:
    """One breakdown's sums as {indicator id: [(group, numerator, denominator)]}, groups in
    reading order."""
    out: dict[str, list[tuple]] = {}
    for indicator_id, grp, _units, numerator, denominator in sums:
        out.setdefault(indicator_id, []).append((grp, numerator, denominator))
    return out


def _build(entries, sums: list[tuple], loaded: set[str], unknown: dict[str, int], config,
           period_end: dt.date, breakdown: str | None) -> dict[str, list[dict]]:
    """_figures from one breakdown's sums. Each figure keeps the parts of its note apart
    (`notes`, and `start_unknown`, a count of children) so that a member's note can show a
    small count as c."""
    by_indicator = _by_indicator(sums)
    out: dict[str, list[dict]] = {}
    for entry in entries:
        missing = [t for t in entry.sources if t not in loaded]
        if missing:
            out[entry.id] = [{"group": None, "numerator": None, "denominator": None,
                              "value": None, "start_unknown": 0, "no_data": True, "notes": [
                                  "no data: the extract for this period has no "
                                  f"{' and no '.join(TABLES[t].file_label for t in missing)}"
                                  " (not the same as zero)"]}]
            continue
        figures = []
        for grp, numerator, denominator in by_indicator.get(entry.id) or [(None, 0, 0)]:
            figure = _figure(entry, numerator, denominator, config, period_end)
            figure["notes"] = [figure.pop("note")] + list(entry.notes)
            figure["start_unknown"] = unknown.get(entry.id, 0) if entry.start_dates else 0
            if breakdown and entry.unit == "rate":
                figure.update(denominator=None, value=None)
            figure["group"] = grp
            figures.append(figure)
        out[entry.id] = figures
    return out


def _note(entry: Indicator, figure: dict, breakdown: str | None, suppress: bool,
          partial: str | None = None, history: str | None = None) -> str | None:
    """A figure's note as the reader sees it; a member sees a count of 1 to 5 in it as c.
    `partial`: the note for a window the loaded data covers only in part; `history`: for
    episodes before the window the loaded data does not hold (_history_note)."""
    notes = list(figure["notes"])
    if partial:
        notes.append(partial)
    if history:
        notes.append(history)
    unknown = figure["start_unknown"]
    if unknown:
        shown = disclosure.count_text(unknown, suppress)
        notes.append(f"for {shown} {'child' if shown == '1' else 'children'} the start of the "
                     "period of care or placement is only known to be no later than their "
                     "earliest loaded episode")
    if breakdown and entry.unit == "rate":
        notes.append("not available by group: no population figures by group")
    return "; ".join(n for n in notes if n) or None


def _shared(entry: Indicator, config: LAConfig, suppress: bool, period_end: dt.date,
            window: Window) -> dict:
    """What every row of one indicator has in common in one answer, worked out once for all
    its groups (a team breakdown at England scale has a thousand)."""
    complete = window.complete or not entry.events
    target, tolerance = judgement.target_for(entry, config)
    return {"complete": complete, "target": target, "tolerance": tolerance,
            "benchmarks": judgement.benchmarks(entry, config, verified_only=suppress),
            "partial": None if complete else _partial_note(window, period_end),
            "history": _history_note(entry, window)}


def _row(entry: Indicator, figure: dict, config: LAConfig, breakdown: str | None,
         suppress: bool, period_end: dt.date, window: Window, shared: dict | None = None
         ) -> dict:
    """One figure as the engine reports it, judged against its target; no direction yet.
    `shared`: the indicator's `_shared` parts, where the caller has them."""
    shared = shared or _shared(entry, config, suppress, period_end, window)
    complete, target, tolerance = shared["complete"], shared["target"], shared["tolerance"]
    row = {
        "id": entry.id, "title": entry.title, "principles": list(entry.principles),
        "outcome": entry.outcome, "unit": entry.unit, "polarity": entry.polarity,
        "numerator": figure["numerator"], "denominator": figure["denominator"],
        "value": figure["value"], "target": target, "tolerance": tolerance,
    }
    if breakdown:
        row.update(breakdown=breakdown, group=figure["group"])
    status = judgement.rag(row["value"], entry.polarity, target, tolerance)
    row.update(rag=status, rag_label=judgement.RAG_LABELS.get(status), direction=None,
               comparison={"period_end": None, "reason": None}, window_complete=complete,
               benchmarks={k: dict(v) for k, v in shared["benchmarks"].items()},
               note=_note(entry, figure, breakdown, suppress, shared["partial"],
                          shared["history"]),
               # the period's extract lacks a file it needs: unknown, not zero (the note says
               # which file)
               no_data=figure.get("no_data", False), suppressed=False)
    return row


def _comparator(periods: list[dt.date], period_end: dt.date) -> dt.date | None:
    """The period a figure is compared with: the same point last year, if loaded."""
    last_year = same_point_last_year(period_end)
    return last_year if last_year in periods else None


def _compare(entry: Indicator, row: dict, then: list[dict] | None, period_end: dt.date,
             comparator: dt.date | None, spans: dict[dt.date, Window],
             hidden_then: bool = False) -> None:
    """Set a row's direction of travel against the same figure (the same group, in a
    breakdown) at the comparator period (`then`: that indicator's figures there), or say in
    `comparison` why there is none. `hidden_then`: a member does not see the figure then, so
    a change would give it away."""
    if comparator is None:
        row["comparison"] = {"period_end": None, "reason": (
            f"No figure for the same point last year ({_day(same_point_last_year(period_end))})"
            " to compare with")}
        return
    day = _day(comparator)
    known_then = bool(then) and then[0]["numerator"] is not None  # None: no file then
    then_figure = next((f for f in then if f["group"] == row.get("group")), None) \
        if known_then else None
    moved = None
    if not isinstance(row["value"], (int, float)):
        reason = "Not compared: there is no figure for this period"
    elif not row["window_complete"]:
        reason = "Not compared: only part of the last 12 months is in the loaded data"
    elif entry.events and not spans[comparator].complete:
        reason = f"Not compared: the figure for {day} covers only part of its 12 months"
    elif known_then and then_figure is None:
        reason = f"No figure for this group at {day} to compare with"
    elif hidden_then:
        reason = f"Not compared: the figure for {day} is not shown, to protect children's " \
                 "identities"
    else:
        moved = judgement.direction(row["value"], (then_figure or {}).get("value"),
                                    entry.polarity)
        reason = None if moved else f"No figure for {day} to compare with"
    if moved:
        moved["period_end"] = comparator.isoformat()
    row.update(direction=moved, comparison={"period_end": comparator.isoformat(),
                                            "reason": reason})


def _period(con, config: LAConfig, period_end: dt.date | None,
            breakdown: str | None = None) -> tuple[str, list[dt.date], dt.date]:
    """(LA code, its loaded period ends, the period end asked for or the latest), or
    EngineError for a period or breakdown the warehouse cannot answer."""
    la_code = config.code
    periods = loaded_periods(con, la_code)
    if not periods:
        raise EngineError(f"nothing is loaded for {la_code}; load an extract first")
    period_end = period_end or periods[-1]
    if period_end not in periods:
        raise EngineError(f"{period_end:%Y-%m-%d} is not a loaded period end for {la_code}; "
                          f"loaded: {', '.join(f'{p:%Y-%m-%d}' for p in periods)}")
    if breakdown is not None and breakdown not in BREAKDOWNS:
        raise EngineError(f"unknown breakdown {breakdown!r}; choose one of "
                          f"{', '.join(BREAKDOWNS)}")
    return la_code, periods, period_end


NO_SOCIAL_WORKER = ("figures by social worker are not shown with disclosure control: members "
                    "see figures by team at the finest")


def _result(config: LAConfig, period_end: dt.date, rows: list[dict]) -> dict:
    return {"la_code": config.code, "la_name": config.name, "period_end": period_end.isoformat(),
            "indicators": rows}


def compute(con: duckdb.DuckDBPyConnection, config: LAConfig, period_end: dt.date | None = None,
            breakdown: str | None = None, suppress: bool = False,
            ids: list[str] | None = None) -> dict:
    """Every (or the named) indicator for one loaded period end, overall or by a breakdown.

    With `suppress`, as a member sees it: protected together with everything else a member
    sees for the period (see `compute_linked`); social workers are never shown that way."""
    la_code, periods, period_end = _period(con, config, period_end, breakdown)
    entries = [BY_ID[i] for i in ids] if ids else CATALOGUE
    if suppress:
        if breakdown == "social_worker":
            raise EngineError(NO_SOCIAL_WORKER)
        result = _member_result(config, period_end, breakdown, _member_states(
            con, config, la_code, periods, period_end, (breakdown,)))
        if ids:  # protected over every indicator all the same: only the answer is narrower
            order = {entry.id: n for n, entry in enumerate(entries)}
            result["indicators"] = sorted((r for r in result["indicators"] if r["id"] in order),
                                          key=lambda r: order[r["id"]])
        return result
    current = _figures(con, config, la_code, period_end, entries, breakdown)
    comparator = _comparator(periods, period_end)
    previous = _figures(con, config, la_code, comparator, entries, breakdown, notes=False) \
        if comparator else {}
    spans = windows(con, la_code)
    rows = []
    for entry in entries:
        shared = _shared(entry, config, False, period_end, spans[period_end])
        for figure in current[entry.id]:
            row = _row(entry, figure, config, breakdown, False, period_end, spans[period_end],
                       shared)
            _compare(entry, row, previous.get(entry.id), period_end, comparator, spans)
            rows.append(row)
    return _result(config, period_end, rows)


# --- Disclosure control over everything a member sees together -------------------------------

class _Protected:
    """One period's true figures for the council and member breakdowns, and per indicator the
    cells of them a member must not see (`disclosure.OVERALL` or (breakdown, group)). Read
    from the warehouse it holds the breakdowns asked for; worked out here, all of them."""

    def __init__(self, tables: dict, hidden: dict[str, frozenset]):
        self.tables = tables  # {breakdown or None: {indicator id: [figure]}}
        self.hidden = hidden

    def overall(self, indicator_id: str) -> dict:
        return self.tables[None][indicator_id][0]


class _MemberStates(NamedTuple):
    """What a member's tables for a period are made from: the period's protected figures,
    the comparator period's (None when it is not loaded) and every period's window."""
    now: _Protected
    before: _Protected | None
    comparator: dt.date | None
    windows: dict[dt.date, Window]


_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
# A stored period's entry holds one or two breakdowns' rows; one worked out here holds them all
_CACHE_SIZE = 64


def _cached(key, make):
    """make(), remembered under `key` (None: not remembered) in a small LRU the threads of a
    process share; what is cached is never changed after."""
    with _CACHE_LOCK:
        if key is not None and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    found = make()
    if key is not None:
        with _CACHE_LOCK:
            _CACHE[key] = found
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return found


def _warehouse_key(con) -> tuple | None:
    """What identifies a read-only warehouse file's content (a published file never changes;
    its size and time are checked anyway), or None for anything else: no caching then."""
    try:
        mode = con.execute("SELECT current_setting('access_mode')").fetchone()[0]
        files = [r[2] for r in con.execute("PRAGMA database_list").fetchall() if r[2]]
    except duckdb.Error:
        return None
    if str(mode).lower() != "read_only" or len(files) != 1:
        return None
    try:
        stat = os.stat(files[0])
    except OSError:
        return None
    return files[0], stat.st_mtime_ns, stat.st_size


def _protected(con, config: LAConfig, la_code: str, period_end: dt.date,
               breakdowns: tuple) -> _Protected:
    """A period's protected figures for `breakdowns` (None: the council figure): read as the
    load stored them, or else worked out here for every member breakdown at once (`_protect`);
    cached per warehouse file, configuration and period end (the dashboard asks once per
    breakdown; the period a year on asks for this one's, to compare with)."""
    where = _warehouse_key(con)
    stored = _stored(con, la_code, period_end, where)
    key = None if where is None else (
        where, repr(config), la_code, period_end, breakdowns if stored else "every")
    if stored:
        return _cached(key, lambda: _read_protected(con, config, la_code, period_end,
                                                    breakdowns))
    return _cached(key, lambda: _protect(con, config, la_code, period_end))


def _protect(con, config: LAConfig, la_code: str, period_end: dt.date) -> _Protected:
    """Every member table for a period, unsuppressed, and the linked protection of each
    indicator over all of them at once, worked out from ind_units: for a warehouse without
    the stored figures (see etl/indicators/published.py), and to check them."""
    loaded = sources_loaded(con, la_code, period_end)
    unknown = _start_unknown(con, la_code, period_end)
    sums = {None: _aggregate(con, la_code, period_end, None),
            **_aggregate_member(con, la_code, period_end)}
    tables = {b: _build(CATALOGUE, frame, loaded, unknown, config, period_end, b)
              for b, frame in sums.items()}
    return _Protected(tables, protection(sums, loaded, layout(con, la_code, period_end)))


def protection(sums: dict, loaded: set[str], member_layout: disclosure.Layout
               ) -> dict[str, frozenset]:
    """The linked protection of one period: per indicator, the cells a member must not see,
    from the sums of the council figure and of every member breakdown ({breakdown or None:
    rows as _aggregate gives them}), the tables loaded and the layout. Nothing from the LA
    configuration enters it (see _quantities), so a load decides it once and stores it."""
    grouped = {b: _by_indicator(sums[b]) for b in (None, *MEMBER_BREAKDOWNS)}
    hidden = {}
    for entry in CATALOGUE:
        if any(t not in loaded for t in entry.sources):  # no data: nothing is shown
            hidden[entry.id] = frozenset()
            continue
        numerators, denominators = {}, {}
        for b, by_indicator in grouped.items():
            for grp, numerator, denominator in by_indicator.get(entry.id) or [(None, 0, 0)]:
                numerators[(b, grp)], denominators[(b, grp)] = _quantities(
                    entry, numerator, denominator)
        hidden[entry.id] = disclosure.protect_indicator(entry.unit, numerators, denominators,
                                                        member_layout)
    return hidden


def layout(con, la_code: str, period_end: dt.date) -> disclosure.Layout:
    """The member breakdowns, and service areas nested over their teams at this period end."""
    pairs = con.execute("SELECT DISTINCT service_area, team FROM int_child_attributes "
                        "WHERE la_code = ? AND period_end = ?", [la_code, period_end]).fetchall()
    return disclosure.Layout(MEMBER_BREAKDOWNS,
                             disclosure.nests("service_area", "team", pairs))


# --- Figures and protection worked out at load time (etl/indicators/published.py) ------------

@lru_cache(maxsize=1)
def published_version() -> str:
    """What the stored figures and protection are worked out with, as a digest: disclosure
    control, the module that stores them, the parts of this one the protection is decided
    with, and each indicator's unit and sources. A period stored by other code is worked out
    here again, from ind_units, until a load stores it anew: a change to disclosure control
    must never be undone by a decision stored before it. What is applied at request time
    (notes, targets, benchmarks, directions) leaves it alone."""
    try:
        parts = [inspect.getsource(disclosure),
                 Path(__file__).with_name("published.py").read_text(encoding="utf-8"),
                 *(inspect.getsource(f) for f in (_known, _quantities, _by_indicator,
                                                  protection, layout))]
    except (OSError, TypeError):  # no source beside the code: nothing stored is trusted
        return f"unread-{uuid.uuid4()}"
    parts.append(repr((BREAKDOWNS, MEMBER_BREAKDOWNS, AGE_BANDS,
                       [(e.id, e.unit, e.sources) for e in CATALOGUE])))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _stored_periods(con) -> frozenset:
    """The (LA, period end) pairs whose figures and protection this code stored at load."""
    try:
        rows = con.execute("SELECT la_code, period_end FROM ind_published WHERE version = ?",
                           [published_version()]).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException):
        return frozenset()  # a warehouse loaded before they were stored
    return frozenset(rows)


def _stored(con, la_code: str, period_end: dt.date, where: tuple | None = None) -> bool:
    """Whether the load stored this period's figures and protection, by this code. `where`:
    the connection's _warehouse_key, if the caller has it."""
    where = where or _warehouse_key(con)
    key = None if where is None else (where, "stored")
    return (la_code, period_end) in _cached(key, lambda: _stored_periods(con))


def _sums(con, la_code: str, period_end: dt.date, breakdown: str | None,
          stored: bool) -> list[tuple]:
    """_aggregate's rows, as the load stored them if it did (`stored`)."""
    if not stored:
        return _aggregate(con, la_code, period_end, breakdown)
    return con.execute(
        "SELECT indicator_id, grp, units, numerator, denominator FROM ind_figures "
        "WHERE la_code = ? AND period_end = ? AND breakdown IS NOT DISTINCT FROM ? "
        "ORDER BY indicator_id, position", [la_code, period_end, breakdown]).fetchall()


def _unknown(con, la_code: str, period_end: dt.date, stored: bool) -> dict[str, int]:
    """_start_unknown, as the load stored it if it did (`stored`)."""
    if not stored:
        return _start_unknown(con, la_code, period_end)
    return dict(con.execute(
        "SELECT indicator_id, children FROM ind_start_unknown "
        "WHERE la_code = ? AND period_end = ?", [la_code, period_end]).fetchall())


def _read_protected(con, config: LAConfig, la_code: str, period_end: dt.date,
                    breakdowns: tuple) -> _Protected:
    """_protect's tables for `breakdowns` and the cells of them hidden, from what the load
    stored: one SELECT, and the rows built with the configuration as they are asked for."""
    rows = con.execute("""
        SELECT f.breakdown, f.indicator_id, f.grp, f.units, f.numerator, f.denominator,
               h.indicator_id IS NOT NULL AS hidden
        FROM ind_figures f LEFT JOIN ind_hidden h
          ON h.la_code = f.la_code AND h.period_end = f.period_end
         AND h.indicator_id = f.indicator_id AND h.breakdown IS NOT DISTINCT FROM f.breakdown
         AND h.grp IS NOT DISTINCT FROM f.grp
        WHERE f.la_code = ? AND f.period_end = ? AND list_contains(?, coalesce(f.breakdown, ''))
        ORDER BY f.indicator_id, f.position""",
                       [la_code, period_end, [b or "" for b in breakdowns]]).fetchall()
    sums: dict = {b: [] for b in breakdowns}
    hidden: dict = {entry.id: set() for entry in CATALOGUE}
    for breakdown, indicator_id, grp, units, numerator, denominator, is_hidden in rows:
        sums[breakdown].append((indicator_id, grp, units, numerator, denominator))
        if is_hidden:
            hidden.setdefault(indicator_id, set()).add((breakdown, grp))
    loaded = sources_loaded(con, la_code, period_end)
    unknown = _unknown(con, la_code, period_end, True)
    tables = {b: _build(CATALOGUE, sums[b], loaded, unknown, config, period_end, b)
              for b in breakdowns}
    return _Protected(tables, {i: frozenset(cells) for i, cells in hidden.items()})


def compute_linked(con: duckdb.DuckDBPyConnection, config: LAConfig,
                   period_end: dt.date | None = None) -> dict:
    """Every indicator for one loaded period end as a member sees it, overall (key None) and
    by every member breakdown: {breakdown or None: result like `compute`'s}.

    Disclosure control is decided once over all of these together, so no hidden figure of 1
    to 5 can be worked out by setting one table against another."""
    la_code, periods, period_end = _period(con, config, period_end)
    every = (None, *MEMBER_BREAKDOWNS)
    states = _member_states(con, config, la_code, periods, period_end, every)
    return {breakdown: _member_result(config, period_end, breakdown, states)
            for breakdown in every}


def _member_states(con, config: LAConfig, la_code: str, periods: list[dt.date],
                   period_end: dt.date, breakdowns: tuple) -> _MemberStates:
    comparator = _comparator(periods, period_end)
    return _MemberStates(
        _protected(con, config, la_code, period_end, breakdowns),
        _protected(con, config, la_code, comparator, breakdowns) if comparator else None,
        comparator, windows(con, la_code))


def _member_result(config: LAConfig, period_end: dt.date, breakdown: str | None,
                   states: _MemberStates) -> dict:
    """One table of compute_linked. A direction of travel (the council figure's or a
    group's) is shown only where the member sees that cell at both period ends: it carries
    the figure then, and the change gives either away from the other."""
    now, before = states.now, states.before
    rows = []
    for entry in CATALOGUE:
        then = before.tables[breakdown][entry.id] if before else None
        shared = _shared(entry, config, True, period_end, states.windows[period_end])
        for figure in now.tables[breakdown][entry.id]:
            cell = (breakdown, figure["group"])
            row = _row(entry, figure, config, breakdown, True, period_end,
                       states.windows[period_end], shared)
            _compare(entry, row, then, period_end, states.comparator, states.windows,
                     hidden_then=before is not None and cell in before.hidden[entry.id])
            if cell in now.hidden[entry.id]:
                disclosure.hide(row)  # no direction, and says why
            rows.append(row)
    return _result(config, period_end, rows)


def _share(part, whole, scale: int = 100, places: str = "0.1") -> float | None:
    """part / whole as _round gives it; None where there is nothing to divide by."""
    if not isinstance(part, (int, float)) or not isinstance(whole, (int, float)) or not whole:
        return None
    return _round(part, whole, scale, places)


def disproportionality(con: duckdb.DuckDBPyConnection, config: LAConfig,
                       period_end: dt.date | None, indicator_id: str, breakdown: str,
                       suppress: bool) -> list[dict]:
    """For each group of a breakdown: its share of those counted in an indicator (group
    numerator over the council's), its share of all children looked after at the period end
    (the same for `cla_at_period_end`), and their ratio (above 1: over-represented).

    Worked out from the true figures. With `suppress`, as a member sees it: a share is c where
    the member's view hides that group's figure, or the council figure it is a share of
    (a shown share and a shown group figure would give the hidden total away); the ratio is c
    where either share is. None where a share has nothing to divide by."""
    if indicator_id not in BY_ID:
        raise EngineError(f"unknown indicator {indicator_id!r}")
    if breakdown is None:
        raise EngineError("disproportionality is by a breakdown: name one")
    la_code, _, period_end = _period(con, config, period_end, breakdown)
    if suppress and breakdown == "social_worker":
        raise EngineError(NO_SOCIAL_WORKER)
    if breakdown in MEMBER_BREAKDOWNS:
        state = _protected(con, config, la_code, period_end, (None, breakdown))
        table, hidden = state.tables[breakdown], state.hidden
        whole = {i: state.overall(i) for i in (indicator_id, POPULATION_ID)}
    else:  # social workers, unsuppressed only
        entries = [BY_ID[indicator_id], BY_ID[POPULATION_ID]]
        table = _figures(con, config, la_code, period_end, entries, breakdown, notes=False)
        overall = _figures(con, config, la_code, period_end, entries, None, notes=False)
        whole = {i: figures[0] for i, figures in overall.items()}
        hidden = {}
    population = {f["group"]: f["numerator"] for f in table[POPULATION_ID]}

    def seen(i: str, group) -> bool:
        return not suppress or not ({(breakdown, group), disclosure.OVERALL} & hidden[i])

    out = []
    for figure in table[indicator_id]:
        group = figure["group"]
        counted = _share(figure["numerator"], whole[indicator_id]["numerator"])
        everyone = _share(population.get(group, 0), whole[POPULATION_ID]["numerator"])
        ratio = None
        if counted is not None and everyone:
            ratio = _share(figure["numerator"] * whole[POPULATION_ID]["numerator"],
                           whole[indicator_id]["numerator"] * population.get(group, 0),
                           1, "0.01")
        shown_counted, shown_all = seen(indicator_id, group), seen(POPULATION_ID, group)
        out.append({
            "group": group,
            "share_counted": counted if shown_counted else disclosure.SUPPRESSED,
            "share_all": everyone if shown_all else disclosure.SUPPRESSED,
            "ratio": ratio if shown_counted and shown_all else disclosure.SUPPRESSED,
        })
    return out
