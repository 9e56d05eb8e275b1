"""Load one extract for one LA and period end: read, validate, stage, derive, publish.

The only writer of the warehouse. Everything that can refuse the extract runs before the
load lock is taken and before a byte of a warehouse file is written; the new warehouse is
built in a private copy and published atomically (`etl.warehouse.publish`). Loading the same
files for the same LA and period end again changes nothing.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

from etl import quality, report
from etl.config import config_for
from etl.read import read_extract, require_tables
from etl.validate import REJECT_COLUMNS, Validated, validate
from etl.indicators import published, units
from etl.quality import worker
from etl.warehouse import derive, publish, reference, staging

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    load_id: str
    la_code: str
    period_end: dt.date
    unchanged: bool
    validated: Validated | None = None
    warnings: tuple[str, ...] = ()
    reports: dict[str, Path] | None = None
    checks: "quality.QualityRun | None" = None  # the data-quality suite's run


def code_version() -> str:
    try:
        return metadata.version("cpd-dashboard")
    except metadata.PackageNotFoundError:
        return "unknown"


def fingerprint(la_code: str, period_end: dt.date, checksums: dict[str, str]) -> str:
    """What makes two loads the same: LA, period end and each table's file content."""
    parts = [la_code, period_end.isoformat()] + [f"{t}:{c}" for t, c in sorted(checksums.items())]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _already_loaded(la_code: str, period_end: dt.date, print_: str) -> str | None:
    con = publish.connect_current()
    if con is None:
        return None
    try:
        row = con.execute(
            "SELECT load_id FROM load_log WHERE la_code = ? AND period_end = ? "
            "AND status = 'active' AND fingerprint = ?", [la_code, period_end, print_]).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def load(path: Path, period_end: dt.date, la_code: str) -> LoadResult:
    """Load an extract folder. Raises etl.read.ExtractError (unusable extract) or
    publish.LoadInProgress; either way no warehouse file has changed."""
    path = Path(path)
    extract = read_extract(path)
    require_tables(extract, path)
    # the council's data-quality tolerances (checked when its configuration is read)
    quality_settings = config_for(la_code).raw.get("quality")
    worker.WORKER.start()  # imports great-expectations on another core while we validate
    validated = validate(extract, period_end)
    checksums = {name: tf.sha256 for name, tf in extract.files.items()}
    print_ = fingerprint(la_code, period_end, checksums)

    with publish.load_lock():
        # whatever a killed load left behind goes first, and a published load whose report
        # never made it into place gets it now
        publish.clear_leftovers()
        report.restore_missing()
        existing = _already_loaded(la_code, period_end, print_)
        if existing:
            log.info("extract already loaded as %s; nothing changed", existing)
            return LoadResult(existing, la_code, period_end, True, validated,
                              tuple(extract.warnings))
        load_id = f"{publish.new_name()}-{print_[:8]}"
        building = publish.start_building()
        title = report.load_title(str(path), period_end)
        con = duckdb.connect(str(building))
        try:
            staging.create_tables(con)
            con.execute("BEGIN")
            con.execute("UPDATE load_log SET status = 'superseded' WHERE la_code = ? AND "
                        "period_end = ? AND status = 'active'", [la_code, period_end])
            staging.replace_period(con, la_code, period_end, load_id, validated.tables)
            _record(con, load_id, la_code, period_end, path, print_, extract, validated)
            reference.rebuild(con)
            derive.rebuild(con)
            units.rebuild(con)
            # the figures each page view would otherwise work out; their protection is
            # decided below, while the data-quality suite runs
            pending = published.prepare(con)
            con.execute("COMMIT")
        finally:
            con.close()
        # the checks read the committed warehouse (a check's own SQL fault then costs that
        # check, not the load's transaction) and their results join it before publishing
        docs = publish.reports_dir() / f"{publish.BUILDING_PREFIX}{os.getpid()}-docs"
        shutil.rmtree(docs, ignore_errors=True)
        request = worker.Request(building, load_id, la_code, period_end, quality_settings,
                                 docs, title)
        in_worker = _submit(request)
        try:
            decided = pending.decide()
            checks, in_worker = _quality_run(request, in_worker)
            con = duckdb.connect(str(building))
            try:
                con.execute("BEGIN")
                published.store(con, decided)
                quality.store(con, checks)
                con.execute("COMMIT")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            publish.publish(building, load_id)
            # the report only once the load is published, and only ever complete under its
            # id; its Data Docs built by the worker meanwhile (none if that failed: it says
            # why in the log), or here
            built = in_worker and worker.WORKER.docs()
        except BaseException:
            worker.WORKER.stop()  # its answers to this load must not reach the next one
            raise
        reports = report.publish_reports(validated.rejects, publish.reports_dir(), load_id,
                                         title, None if in_worker else checks.gx_results,
                                         docs if built else None)
    log.info("published load %s (data-quality checks: %d not met, %d not run, %.2f s)",
             load_id, checks.failed, checks.not_run, checks.seconds)
    return LoadResult(load_id, la_code, period_end, False, validated, tuple(extract.warnings),
                      reports, checks)


def _submit(request: worker.Request) -> bool:
    """Hand the data-quality suite to the worker; whether it took it."""
    try:
        worker.WORKER.submit(request)
        return True
    except worker.Unavailable as err:
        log.warning("data-quality worker unavailable (%s); the checks run in the load's "
                    "process", err)
        return False


def _quality_run(request: worker.Request, submitted: bool) -> tuple[quality.QualityRun, bool]:
    """The data-quality suite's run over the built warehouse, and whether the worker ran it
    (else this process runs it now, importing great-expectations itself)."""
    if submitted:
        try:
            return worker.WORKER.result(), True
        except worker.Unavailable as err:
            log.warning("data-quality worker failed (%s); the checks run in the load's "
                        "process", err)
    con = duckdb.connect(str(request.warehouse), read_only=True)
    try:
        return quality.run(con, request.load_id, request.la_code, request.period_end,
                           request.configured), False
    finally:
        con.close()


def _record(con, load_id, la_code, period_end, path, print_, extract, validated) -> None:
    rejects = validated.rejects
    kept_out = validated.rows_kept_out
    files = pd.DataFrame([
        {"load_id": load_id, "table_name": name, "file": tf.path.name, "sha256": tf.sha256,
         "encoding": tf.encoding, "rows_read": validated.rows_read[name],
         "rows_loaded": validated.rows_loaded[name], "rows_rejected": kept_out[name]}
        for name, tf in sorted(extract.files.items())])
    con.register("incoming_files", files)
    con.execute("INSERT INTO load_files SELECT * FROM incoming_files")
    con.unregister("incoming_files")
    tagged = rejects[REJECT_COLUMNS].assign(load_id=load_id, la_code=la_code,
                                             period_end=period_end)
    con.register("incoming_rejects", tagged)
    con.execute("INSERT INTO rejects BY NAME SELECT load_id, la_code, "
                "period_end::DATE AS period_end, file, table_name, row_number, child, "
                "column_name, value, rule, message, severity, action FROM incoming_rejects")
    con.unregister("incoming_rejects")
    con.execute(
        "INSERT INTO load_log BY NAME SELECT ? AS load_id, ? AS loaded_at, ? AS la_code, "
        "? AS period_end, ? AS collection_year, ? AS source, ? AS fingerprint, "
        "'active' AS status, ? AS rows_read, ? AS rows_loaded, ? AS rows_rejected, "
        "? AS warnings, ? AS loaded_by, ? AS code_version, ? AS values_blanked, "
        "? AS rule_set, ? AS notes",
        [load_id, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), la_code, period_end,
         validated.year, str(path), print_, int(files["rows_read"].sum()),
         int(files["rows_loaded"].sum()), int(files["rows_rejected"].sum()),
         int((rejects["severity"] == "warning").sum()), _user(), code_version(),
         validated.values_blanked, validated.rule_set, "; ".join(validated.notes) or None])


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the load still happens
        return "unknown"


def load_log() -> list[dict]:
    """Every load into the current warehouse, newest first, with its files."""
    con = publish.connect_current()
    if con is None:
        return []
    try:
        loads = con.execute("SELECT * FROM load_log ORDER BY loaded_at DESC, load_id DESC").df()
        files = con.execute("SELECT * FROM load_files ORDER BY table_name").df()
    finally:
        con.close()
    out = []
    for record in loads.to_dict("records"):
        record["loaded_at"] = pd.Timestamp(record["loaded_at"]).isoformat() + "Z"
        record["period_end"] = pd.Timestamp(record["period_end"]).date().isoformat()
        record["files"] = [
            {k: v for k, v in f.items() if k != "load_id"}
            for f in files[files["load_id"] == record["load_id"]].to_dict("records")]
        out.append(json.loads(json.dumps(record, default=int)))
    return out
