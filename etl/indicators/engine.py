"""The indicator engine: any catalogue entry, for any loaded period end, overall or by any
breakdown, judged against its target, the previous period and its benchmarks.

Reads only the published warehouse (`ind_units`, `int_child_attributes`, `load_files`) and the
LA configuration; every figure is one grouped query over rows built at load time.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pandas as pd

from etl.config import LAConfig
from etl.indicators import judgement
from etl.indicators.catalogue import BY_ID, CATALOGUE, Indicator
from etl.indicators.disclosure import suppress as disclosure_control
from schemas.codes import collection_year, year_start

BREAKDOWNS = ("team", "social_worker", "service_area", "age_band", "sex", "ethnic_group",
              "uasc", "legal_status_group", "placement_type_group", "provider")
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


def _round(numerator: float, denominator: float, scale: int) -> float:
    """One decimal place, halves rounded up, from exact arithmetic (never banker's rounding)."""
    exact = Decimal(str(float(numerator))) * scale / Decimal(str(float(denominator)))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


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


def _aggregate(con, la_code: str, period_end: dt.date, breakdown: str | None) -> pd.DataFrame:
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
                       [la_code, period_end, list(AGE_BANDS)]).df()


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
    sums = {key: frame for key, frame in _aggregate(con, la_code, period_end, breakdown)
            .groupby("indicator_id")}
    # the previous period is wanted for its values only: no need for its notes' query
    unknown = _start_unknown(con, la_code, period_end) if notes else {}
    out: dict[str, list[dict]] = {}
    for entry in entries:
        missing = [t for t in entry.sources if t not in loaded]
        if missing:
            out[entry.id] = [{"group": None, "numerator": None, "denominator": None,
                              "value": None, "note": "no data: the extract for this period has "
                              f"no {' and '.join(missing)} file (not the same as zero)"}]
            continue
        mine = sums.get(entry.id)
        figures = []
        for cell in (list(mine.itertuples()) if mine is not None else []) or [None]:
            figure = _figure(entry, cell.numerator if cell else 0,
                             cell.denominator if cell else 0, config, period_end)
            notes = [figure.pop("note")] + list(entry.notes)
            if entry.start_dates and unknown.get(entry.id):
                notes.append(f"for {unknown[entry.id]} child(ren) the start of the period of "
                             "care or placement is only known to be no later than their "
                             "earliest loaded episode")
            if breakdown and entry.unit == "rate":
                figure.update(denominator=None, value=None)
                notes.append("not available by group: no population figures by group")
            figure["group"] = cell.grp if cell else None
            figure["note"] = "; ".join(n for n in notes if n) or None
            figures.append(figure)
        out[entry.id] = figures
    return out


def compute(con: duckdb.DuckDBPyConnection, config: LAConfig, period_end: dt.date | None = None,
            breakdown: str | None = None, suppress: bool = False,
            ids: list[str] | None = None) -> dict:
    """Every (or the named) indicator for one loaded period end, overall or by a breakdown."""
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
    entries = [BY_ID[i] for i in ids] if ids else CATALOGUE
    current = _figures(con, config, la_code, period_end, entries, breakdown)
    earlier = [p for p in periods if p < period_end]
    previous = _figures(con, config, la_code, earlier[-1], entries, None, notes=False) \
        if earlier and not breakdown else {}

    rows = []
    for entry in entries:
        target, tolerance = judgement.target_for(entry, config)
        benchmarks = judgement.benchmarks(entry, config)
        for figure in current[entry.id]:
            row = {
                "id": entry.id, "title": entry.title, "principles": list(entry.principles),
                "outcome": entry.outcome, "unit": entry.unit, "polarity": entry.polarity,
                "numerator": figure["numerator"], "denominator": figure["denominator"],
                "value": figure["value"], "target": target, "tolerance": tolerance,
            }
            if breakdown:
                row.update(breakdown=breakdown, group=figure["group"])
            status = judgement.rag(row["value"], entry.polarity, target, tolerance)
            row.update(rag=status, rag_label=judgement.RAG_LABELS.get(status),
                       direction=None, benchmarks=benchmarks,
                       note=figure["note"])
            if previous:
                row["direction"] = judgement.direction(
                    row["value"], previous[entry.id][0]["value"], entry.polarity)
                if row["direction"]:
                    row["direction"]["period_end"] = earlier[-1].isoformat()
            rows.append(row)
    rows = disclosure_control(rows, breakdown is not None) if suppress else [
        {**row, "suppressed": False} for row in rows]
    return {"la_code": la_code, "la_name": config.name, "period_end": period_end.isoformat(),
            "indicators": rows}
