"""Run the great-expectations suite (schemas/expectations.py) over a warehouse a load has just
built, and store its results in that warehouse, so they are published with it (atomically) and
belong to the load.

great-expectations' SQL datasource does not work on DuckDB (architecture.md), so each check's
facts are read from DuckDB into pandas and judged by one expectation on a pandas dataframe
asset of an ephemeral context: no files written, no analytics, no progress bars, no network.
The facts' flag or number column is all that reaches great-expectations; the rows it finds
unexpected are mapped back to their children by the frame's index and kept here, at most
ROWS_KEPT per check.

Importing great-expectations costs several seconds, so it is imported only when a suite runs;
a load runs the suite in a process of its own that imports it while the extract is validated
(`etl/quality/worker.py`).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import re
import threading
import time
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from schemas.expectations import AGE_BANDS, SUITE, Check, tolerances

log = logging.getLogger(__name__)

ROWS_KEPT = 200  # rows or children kept for each check not met (the count is always whole)
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": ROWS_KEPT}

COULD_NOT_RUN = "the check could not be computed (a fault in this dashboard, not the data)"

_gx_lock = threading.Lock()


def import_gx():
    """great_expectations, imported once per process with analytics and chatter off."""
    with _gx_lock:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        import great_expectations as gx

        # at DEBUG it writes thousands of registry lines, and its messages may quote data;
        # some of its modules set their own level (INFO), so every one is quietened
        for name in ["great_expectations", *logging.root.manager.loggerDict]:
            if name.startswith("great_expectations"):
                logging.getLogger(name).setLevel(logging.WARNING)
        return gx


def ephemeral_context(gx):
    """A great-expectations context held in memory only (by default an ephemeral context
    makes a temporary docs folder), with analytics and progress bars off."""
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig)

    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        analytics_enabled=False,
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False)))
    context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                         metric_calculations=False)
    return context


@dataclass
class Result:
    check: Check
    success: bool | None = None
    checked: int | None = None
    unexpected: int | None = None
    unexpected_percent: float | None = None
    observed: str | None = None
    observed_json: str | None = None
    not_run: str | None = None
    rows: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class QualityRun:
    load_id: str
    la_code: str
    period_end: dt.date
    compared_with: dt.date | None
    results: list[Result]
    gx_results: list[dict]
    gx_version: str
    seconds: float

    @property
    def failed(self) -> int:
        return sum(r.success is False for r in self.results)

    @property
    def not_run(self) -> int:
        return sum(r.success is None for r in self.results)


def _previous(con, la_code: str, period_end: dt.date) -> dt.date | None:
    row = con.execute("SELECT max(period_end) FROM load_log WHERE la_code = ? AND "
                      "status = 'active' AND period_end < ?", [la_code, period_end]).fetchone()
    return row[0] if row else None


def _tables(con, load_id: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT table_name FROM load_files WHERE load_id = ?", [load_id]).fetchall()}


def _tables_at(con, la_code: str, period_end: dt.date | None) -> set[str]:
    """The input tables of the active load for a council's period end."""
    if period_end is None:
        return set()
    return {r[0] for r in con.execute(
        "SELECT f.table_name FROM load_files f JOIN load_log l USING (load_id) "
        "WHERE l.la_code = ? AND l.period_end = ? AND l.status = 'active'",
        [la_code, period_end]).fetchall()}


def not_run_reason(check: Check, tables: set[str], previous: dt.date | None,
                   previous_tables: set[str]) -> str | None:
    """Why a check cannot run for this load, in plain English; None when it can."""
    from schemas.expectations import LOCAL_CHILD_TABLES

    missing = [t for t in check.needs if t not in tables]
    if missing:
        return f"the extract has no {' or '.join(missing)} file"
    if check.local_children and not tables & set(LOCAL_CHILD_TABLES):
        return "the extract has no local extract of children"
    if check.across:
        if previous is None:
            return "no earlier period end is loaded for this council to compare with"
        gone = [t for t in check.needs if t not in previous_tables]
        if gone:
            return (f"the extract for {previous:%d/%m/%Y} has no {' or '.join(gone)} file "
                    "to compare with")
    return None


def _parameters(sql: str, values: dict) -> dict:
    """The named parameters a statement uses (DuckDB refuses any it does not)."""
    return {name: values[name] for name in set(re.findall(r"\$([a-z_]+)", sql))}


def _frame(con, sql: str, values: dict) -> pd.DataFrame:
    return con.execute(sql, _parameters(sql, values)).df().reset_index(drop=True)


def _arguments(check: Check, tol: dict, counts: dict[str, int]) -> dict:
    arguments = check.arguments(tol)
    if check.expectation == "ExpectColumnKLDivergenceToBeLessThan":
        # the earlier period end's age bands; a band empty then gets a sliver of weight, so
        # children in it now give a large divergence rather than an infinite one
        total = sum(counts.values())
        weights = [counts.get(b, 0) / total or EMPTY_BAND for b in AGE_BANDS]
        arguments["partition_object"] = {
            "values": AGE_BANDS, "weights": [w / sum(weights) for w in weights]}
    return arguments


EMPTY_BAND = 0.001


def _partition(check: Check, con, values: dict) -> dict[str, int]:
    """A distribution check's counts at the period end before (none for other checks)."""
    sql = check.extra.get("partition")
    return dict(con.execute(sql, _parameters(sql, values)).fetchall()) if sql else {}


def too_few(check: Check, frame: pd.DataFrame, counts: dict[str, int]) -> str | None:
    """Why a distribution check is not judged: too few rows now or at the period end before."""
    minimum = check.extra.get("minimum")
    if minimum is None:
        return None
    before = sum(counts.values())
    if min(len(frame), before) < minimum:
        return (f"fewer than {minimum} {check.unit} at this period end or the one before "
                f"({before:,} then, {len(frame):,} now): too few to compare their spread")
    return None


def raised(result) -> bool:
    """Whether great-expectations could not compute the expectation (it reports an error as
    success=False with exception_info, in one of two shapes)."""
    info = result.exception_info or {}
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(str(v.get("raised_exception")) == "True" for v in info.values()
               if isinstance(v, dict))


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _observed(check: Check, result: dict, tol: dict) -> str:
    """What the check found, in plain English."""
    if "observed_value" in result:  # a whole-column statistic (the KL divergence)
        value = _number(result["observed_value"])
        shown = "not computable" if value is None else f"{value:.3f}"
        return (f"divergence {shown} from the period end before (tolerance "
                f"{check.arguments(tol)['threshold']:.3f})")
    checked = int(result.get("element_count") or 0)
    missing = int(result.get("missing_count") or 0)
    unexpected = int(result.get("unexpected_count") or 0)
    if checked == 0:
        return f"no {check.unit} to check"
    if check.expectation == "ExpectColumnValuesToNotBeNull":
        known = checked - unexpected
        return f"{known:,} of {checked:,} {units(check, checked)} ({100 * known / checked:.1f}%)"
    judged = checked - missing
    # a blank is not judged: a headline count that moved by fewer than the minimum
    aside = f"; {missing:,} moved by less than {tol['count_minimum']:.0f}" if missing else ""
    if unexpected == 0:
        shown = f"the only {units(check, 1)}" if judged == 1 else f"all {judged:,} {check.unit}"
        return (f"{shown} as expected{aside}" if judged else
                f"no {check.unit} to judge{aside}")
    return (f"{unexpected:,} of {judged:,} {units(check, judged)} "
            f"({100 * unexpected / judged:.1f}%){aside}")


def units(check: Check, n: int) -> str:
    """The check's unit for n of them: "children", or for one "child"."""
    if n != 1:
        return check.unit
    for many, one in (("children", "child"), ("young people", "young person")):
        if check.unit.startswith(many):
            return one + check.unit[len(many):]
    # the first plural noun: "missing incidents after ..." -> "missing incident after ..."
    return re.sub(r"\b(\w+?[^s])s\b", r"\1", check.unit, count=1)


def _summary(result: dict) -> str:
    """great-expectations' result without its value lists (counts and statistics only)."""
    kept = {k: v for k, v in result.items()
            if k not in ("partial_unexpected_list", "partial_unexpected_index_list",
                         "partial_unexpected_counts", "unexpected_list",
                         "unexpected_index_list", "details")}
    return json.dumps(kept, default=str, sort_keys=True)


def run(con: duckdb.DuckDBPyConnection, load_id: str, la_code: str, period_end: dt.date,
        configured: dict | None = None) -> QualityRun:
    """Run the suite for one load over the warehouse `con` is building (its load_log and
    load_files already hold the load) and return its results; `store` writes them."""
    started = time.perf_counter()
    gx = import_gx()
    tol = tolerances(configured)
    previous = _previous(con, la_code, period_end)
    tables, previous_tables = _tables(con, load_id), _tables_at(con, la_code, previous)
    values = {"la": la_code, "p": period_end, "prev": previous, "load": load_id,
              "count_minimum": tol["count_minimum"]}

    context = ephemeral_context(gx)
    # one asset and batch definition for every check's facts: each one added to a context
    # costs a rewrite of its whole configuration
    facts = context.data_sources.add_pandas("warehouse").add_dataframe_asset("facts") \
        .add_batch_definition_whole_dataframe("facts")
    results, gx_results = [], []
    for check in SUITE:
        outcome = Result(check)
        results.append(outcome)
        outcome.not_run = not_run_reason(check, tables, previous, previous_tables)
        if outcome.not_run:
            continue
        try:
            frame = _frame(con, check.sql, values)
            counts = _partition(check, con, values)
            outcome.not_run = too_few(check, frame, counts)
            arguments = None if outcome.not_run else _arguments(check, tol, counts)
        except duckdb.Error as err:  # a fault in the check's SQL, never the data's
            log.warning("data-quality check %s could not be computed (%s)", check.key,
                        type(err).__name__)
            outcome.not_run = COULD_NOT_RUN
            continue
        if outcome.not_run:
            continue
        expectation = getattr(gx.expectations, check.expectation)(
            **arguments, meta={"key": check.key, "area": check.area, "rule": check.rule or "",
                               "title": check.title})
        batch = facts.get_batch(batch_parameters={"dataframe": frame[[check.column]]})
        validation = batch.validate(gx.ExpectationSuite(name=check.key,
                                                        expectations=[expectation]),
                                    result_format=RESULT_FORMAT)
        answer = validation.results[0]
        if raised(answer):
            # a fault in the check itself, not in the data: say so, and never log its
            # message (it can quote values)
            log.warning("data-quality check %s could not be computed", check.key)
            outcome.not_run = COULD_NOT_RUN
            continue
        gx_results.append(validation.to_json_dict())
        found = answer.result or {}
        outcome.success = bool(answer.success)
        outcome.observed_json = _summary(found)
        outcome.observed = _observed(check, found, tol)
        if "observed_value" not in found:
            outcome.checked = int(found.get("element_count") or 0)
            outcome.unexpected = int(found.get("unexpected_count") or 0)
            outcome.unexpected_percent = _number(found.get("unexpected_percent"))
        if not outcome.success:
            outcome.rows = _rows(check, frame, found, counts)
    return QualityRun(load_id, la_code, period_end, previous, results, gx_results,
                      gx.__version__, time.perf_counter() - started)


def _rows(check: Check, frame: pd.DataFrame, found: dict, before: dict[str, int]
          ) -> list[tuple[str | None, str]]:
    """The rows a check not met found: by great-expectations' index of them, or for a
    whole-column statistic, the figures behind it."""
    if "observed_value" in found:  # the age bands then and now
        now = frame["age_band"].value_counts().to_dict()
        total_before, total_now = sum(before.values()) or 1, sum(now.values()) or 1
        return [(None, f"{band}: {100 * before.get(band, 0) / total_before:.1f}% then "
                       f"{100 * now.get(band, 0) / total_now:.1f}%")
                for band in AGE_BANDS if before.get(band) or now.get(band)]
    if check.expectation == "ExpectColumnValuesToNotBeNull":
        index = frame.index[frame[check.column].isna()][:ROWS_KEPT]
    else:
        index = [i for i in found.get("partial_unexpected_index_list") or []
                 if isinstance(i, (int, float)) and 0 <= i < len(frame)][:ROWS_KEPT]
    picked = frame.loc[list(index)]
    return [(None if pd.isna(c) else str(c), str(d))
            for c, d in zip(picked["child"], picked["detail"])]


def store(con: duckdb.DuckDBPyConnection, run_: QualityRun) -> None:
    """Write a run's results into the warehouse being built (replacing any for its load)."""
    for table in ("quality_runs", "quality_results", "quality_rows"):
        con.execute(f"DELETE FROM {table} WHERE load_id = ?", [run_.load_id])
    con.execute(
        "INSERT INTO quality_runs BY NAME SELECT ? AS load_id, ? AS la_code, ? AS period_end, "
        "? AS compared_with, ? AS ran_at, ? AS seconds, ? AS gx_version, ? AS expectations, "
        "? AS failed, ? AS not_run, ? AS gx_results",
        [run_.load_id, run_.la_code, run_.period_end, run_.compared_with,
         dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), round(run_.seconds, 3),
         run_.gx_version, len(run_.results), run_.failed, run_.not_run,
         json.dumps(run_.gx_results, default=str)])
    results = pd.DataFrame([{
        "load_id": run_.load_id, "la_code": run_.la_code, "period_end": run_.period_end,
        "seq": seq, "expectation": r.check.key, "area": r.check.area, "rule": r.check.rule,
        "title": r.check.title, "unit": r.check.unit, "success": r.success,
        "checked": r.checked, "unexpected": r.unexpected,
        "unexpected_percent": r.unexpected_percent, "observed": r.observed,
        "observed_json": r.observed_json, "not_run": r.not_run, "fix": r.check.fix}
        for seq, r in enumerate(run_.results, start=1)])
    for column in ("checked", "unexpected"):  # whole numbers, or not known (not run)
        results[column] = results[column].astype("Int64")
    results["success"] = results["success"].astype("boolean")
    rows = pd.DataFrame(
        [{"load_id": run_.load_id, "expectation": r.check.key, "seq": seq, "child": child,
          "detail": detail}
         for r in run_.results for seq, (child, detail) in enumerate(r.rows, start=1)],
        columns=["load_id", "expectation", "seq", "child", "detail"])
    for table, frame in (("quality_results", results), ("quality_rows", rows)):
        con.register("incoming_quality", frame)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming_quality")
        con.unregister("incoming_quality")
