"""The indicator engine: any catalogue entry, for any loaded period end, overall or by any
breakdown, judged against its target, the previous period and its benchmarks.

Reads only the published warehouse (`ind_units`, `int_child_attributes`, `load_files`) and the
LA configuration; every figure is one grouped query over rows built at load time.

As a member sees them (`suppress`), figures are protected by disclosure control decided once
per council, indicator and period end over everything a member sees together: the council
figure, every member breakdown, service areas with their teams, the direction of travel, counts
in notes and disproportionality shares (`compute_linked`, `disproportionality`).
"""
from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd

from etl.config import LAConfig
from etl.indicators import judgement
from etl.indicators.catalogue import BY_ID, CATALOGUE, Indicator
from etl.indicators import disclosure
from schemas.codes import collection_year, year_start

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


def _sources_loaded(con, la_code: str, period_end: dt.date) -> set[str]:
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


def _figure(entry: Indicator, numerator, denominator, config, period_end) -> dict:
    """numerator, denominator, value and any note, by the entry's unit."""
    note = None
    numerator = 0 if numerator is None or pd.isna(numerator) else numerator
    denominator = 0 if denominator is None or pd.isna(denominator) else denominator
    if entry.unit == "count":
        return {"numerator": int(numerator or 0), "denominator": None,
                "value": int(numerator or 0), "note": None}
    if entry.unit == "rate":
        pop, year = population(config, period_end)
        if pop is None:
            return {"numerator": int(numerator or 0), "denominator": None, "value": None,
                    "note": "no 0-17 population in the LA configuration for this year"}
        return {"numerator": int(numerator or 0), "denominator": pop,
                "value": _round(numerator or 0, pop, 10_000),
                "note": f"population: {year} mid-year estimate from the LA configuration"}
    if denominator == 0:
        value, note = None, "no children (or reviews) in the denominator"
    else:
        value = _round(numerator, denominator, 100 if entry.unit == "%" else 1)
    whole = float(numerator).is_integer()
    return {"numerator": int(numerator) if whole else float(numerator),
            "denominator": int(denominator), "value": value, "note": note}


def _figures(con, config: LAConfig, la_code: str, period_end: dt.date, entries,
             breakdown: str | None, notes: bool = True) -> dict[str, list[dict]]:
    """Per indicator id, one figure per group (one, with group None, overall): numerator,
    denominator, value and notes; an indicator whose source is absent gets value None."""
    loaded = _sources_loaded(con, la_code, period_end)
    # the previous period is wanted for its values only: no need for its notes' query
    unknown = _start_unknown(con, la_code, period_end) if notes else {}
    return _build(entries, _aggregate(con, la_code, period_end, breakdown), loaded, unknown,
                  config, period_end, breakdown)


def _build(entries, sums: list[tuple], loaded: set[str], unknown: dict[str, int], config,
           period_end: dt.date, breakdown: str | None) -> dict[str, list[dict]]:
    """_figures from one breakdown's sums. Each figure keeps the parts of its note apart
    (`notes`, and `start_unknown`, a count of children) so that a member's note can show a
    small count as c."""
    by_indicator: dict[str, list[tuple]] = {}
    for indicator_id, grp, _units, numerator, denominator in sums:
        by_indicator.setdefault(indicator_id, []).append((grp, numerator, denominator))
    out: dict[str, list[dict]] = {}
    for entry in entries:
        missing = [t for t in entry.sources if t not in loaded]
        if missing:
            out[entry.id] = [{"group": None, "numerator": None, "denominator": None,
                              "value": None, "start_unknown": 0, "notes": [
                                  "no data: the extract for this period has "
                                  f"no {' and '.join(missing)} file (not the same as zero)"]}]
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


def _note(entry: Indicator, figure: dict, breakdown: str | None, suppress: bool) -> str | None:
    """A figure's note as the reader sees it; a member sees a count of 1 to 5 in it as c."""
    notes = list(figure["notes"])
    if figure["start_unknown"]:
        notes.append(f"for {disclosure.count_text(figure['start_unknown'], suppress)} "
                     "child(ren) the start of the period of care or placement is only known "
                     "to be no later than their earliest loaded episode")
    if breakdown and entry.unit == "rate":
        notes.append("not available by group: no population figures by group")
    return "; ".join(n for n in notes if n) or None


def _row(entry: Indicator, figure: dict, config: LAConfig, breakdown: str | None,
         suppress: bool) -> dict:
    """One figure as the engine reports it, judged against its target; no direction yet."""
    target, tolerance = judgement.target_for(entry, config)
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
               benchmarks=judgement.benchmarks(entry, config),
               note=_note(entry, figure, breakdown, suppress), suppressed=False)
    return row


def _direction(entry: Indicator, row: dict, previous: dict | None,
               previous_end: dt.date | None) -> dict | None:
    if previous is None:
        return None
    moved = judgement.direction(row["value"], previous["value"], entry.polarity)
    if moved:
        moved["period_end"] = previous_end.isoformat()
    return moved


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
        result = _member_result(con, config, la_code, periods, period_end, breakdown)
        if ids:  # protected over every indicator all the same: only the answer is narrower
            order = {entry.id: n for n, entry in enumerate(entries)}
            result["indicators"] = sorted((r for r in result["indicators"] if r["id"] in order),
                                          key=lambda r: order[r["id"]])
        return result
    current = _figures(con, config, la_code, period_end, entries, breakdown)
    earlier = [p for p in periods if p < period_end]
    previous = _figures(con, config, la_code, earlier[-1], entries, None, notes=False) \
        if earlier and not breakdown else {}
    rows = []
    for entry in entries:
        for figure in current[entry.id]:
            row = _row(entry, figure, config, breakdown, suppress=False)
            if previous:
                row["direction"] = _direction(entry, row, previous[entry.id][0], earlier[-1])
            rows.append(row)
    return _result(config, period_end, rows)


# --- Disclosure control over everything a member sees together -------------------------------

class _Protected:
    """One period's true figures for the council and every member breakdown, and per
    indicator the cells a member must not see (`disclosure.OVERALL` or (breakdown, group))."""

    def __init__(self, tables: dict, hidden: dict[str, frozenset]):
        self.tables = tables  # {breakdown or None: {indicator id: [figure]}}
        self.hidden = hidden

    def overall(self, indicator_id: str) -> dict:
        return self.tables[None][indicator_id][0]

    def overall_hidden(self, indicator_id: str) -> bool:
        return disclosure.OVERALL in self.hidden[indicator_id]


_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32


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


def _protected(con, config: LAConfig, la_code: str, period_end: dt.date) -> _Protected:
    """_protect, cached per warehouse file, configuration and period end (the dashboard asks
    once per breakdown; the next period asks for this one's council figures)."""
    where = _warehouse_key(con)
    key = None if where is None else (where, repr(config), la_code, period_end)
    with _CACHE_LOCK:
        if key is not None and key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    found = _protect(con, config, la_code, period_end)
    if key is not None:
        with _CACHE_LOCK:
            _CACHE[key] = found
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return found


def _protect(con, config: LAConfig, la_code: str, period_end: dt.date) -> _Protected:
    """Every member table for a period, unsuppressed, and the linked protection of each
    indicator over all of them at once."""
    loaded = _sources_loaded(con, la_code, period_end)
    unknown = _start_unknown(con, la_code, period_end)
    sums = {None: _aggregate(con, la_code, period_end, None),
            **_aggregate_member(con, la_code, period_end)}
    tables = {b: _build(CATALOGUE, frame, loaded, unknown, config, period_end, b)
              for b, frame in sums.items()}
    layout = _layout(con, la_code, period_end)
    hidden = {}
    for entry in CATALOGUE:
        if tables[None][entry.id][0]["numerator"] is None:  # no data: nothing is shown
            hidden[entry.id] = frozenset()
            continue
        hidden[entry.id] = disclosure.protect_indicator(
            entry.unit, _cells(tables, entry.id, "numerator"),
            _cells(tables, entry.id, "denominator"), layout)
    return _Protected(tables, hidden)


def _cells(tables: dict, indicator_id: str, quantity: str) -> dict:
    """One quantity of an indicator over every cell a member sees: {(breakdown, group): x}."""
    return {(b, figure["group"]): figure[quantity]
            for b, table in tables.items() for figure in table[indicator_id]}


def _layout(con, la_code: str, period_end: dt.date) -> disclosure.Layout:
    """The member breakdowns, and service areas nested over their teams at this period end."""
    pairs = con.execute("SELECT DISTINCT service_area, team FROM int_child_attributes "
                        "WHERE la_code = ? AND period_end = ?", [la_code, period_end]).fetchall()
    return disclosure.Layout(MEMBER_BREAKDOWNS,
                             disclosure.nests("service_area", "team", pairs))


def compute_linked(con: duckdb.DuckDBPyConnection, config: LAConfig,
                   period_end: dt.date | None = None) -> dict:
    """Every indicator for one loaded period end as a member sees it, overall (key None) and
    by every member breakdown: {breakdown or None: result like `compute`'s}.

    Disclosure control is decided once over all of these together, so no hidden figure of 1
    to 5 can be worked out by setting one table against another."""
    la_code, periods, period_end = _period(con, config, period_end)
    return {breakdown: _member_result(con, config, la_code, periods, period_end, breakdown)
            for breakdown in (None, *MEMBER_BREAKDOWNS)}


def _member_result(con, config: LAConfig, la_code: str, periods: list[dt.date],
                   period_end: dt.date, breakdown: str | None) -> dict:
    """One table of compute_linked. The direction of travel is shown only where both this
    figure and the previous period's are shown to a member: it carries the previous figure,
    and the change gives either away from the other."""
    now = _protected(con, config, la_code, period_end)
    earlier = [p for p in periods if p < period_end]
    before = _protected(con, config, la_code, earlier[-1]) \
        if earlier and breakdown is None else None
    rows = []
    for entry in CATALOGUE:
        for figure in now.tables[breakdown][entry.id]:
            row = _row(entry, figure, config, breakdown, suppress=True)
            if (breakdown, figure["group"]) in now.hidden[entry.id]:
                disclosure.hide(row)
            elif before is not None and not before.overall_hidden(entry.id):
                row["direction"] = _direction(entry, row, before.overall(entry.id),
                                              earlier[-1])
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
        state = _protected(con, config, la_code, period_end)
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
