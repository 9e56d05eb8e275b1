"""The dashboard's only door to the data: every read takes the signed-in user and can refuse.

Members see aggregates with disclosure control applied, and can never reach a child-level
query, whatever request they forge: the check is here, in the data layer, not only on pages.
Every child-level view or export is written to the audit log (who, when, what, how many rows;
never the children's identifiers). Every read is for one council, named by its ONS code (the
`la` of the URL, checked against the councils loaded); only analysts compare councils.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard.warehouse import connection
from etl import settings
from etl.config import ConfigError, LAConfig, config_for, default_code, parse_la_code
from etl.indicators.engine import BREAKDOWNS, compute, loaded_periods
from etl.indicators.engine import loaded_las as _loaded_las
from etl.warehouse.publish import current_path
from schemas.rules import BLANKED, KEPT_OUT, NOT_RECORDED, REPORTED

ROLES = ("member", "manager", "analyst", "admin")
CHILD_LEVEL_ROLES = {"manager", "analyst", "admin"}


class AccessDenied(Exception):
    """The user's role does not allow this."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    teams: frozenset[str] | None = None  # a manager's remit; None = every team

    @property
    def sees_child_level(self) -> bool:
        return self.role in CHILD_LEVEL_ROLES

    @property
    def suppressed(self) -> bool:
        """Members see small numbers as c; managers and analysts see figures as they are."""
        return self.role == "member"


def loaded_las() -> list[str]:
    """The ONS codes of the councils loaded into the current warehouse, in code order."""
    con = connection()
    return [] if con is None else _loaded_las(con)


def default_la(loaded: list[str]) -> str:
    """The council shown when the URL names none: the configured one if it is loaded (or
    nothing is loaded yet), else the first loaded."""
    configured = default_code()
    return configured if configured in loaded or not loaded else loaded[0]


def choose_la(requested: str | None, loaded: list[str]) -> str:
    """The council a request asks for (`la=` in the URL) if it is loaded, else the default:
    anything else in the URL (a code not loaded, not a code at all) falls back quietly."""
    if requested:
        try:
            code = parse_la_code(requested)
        except ConfigError:
            code = None
        if code in loaded:
            return code
    return default_la(loaded)


def config(la: str) -> LAConfig:
    return config_for(la)


def periods(la: str) -> list[dt.date]:
    con = connection()
    return [] if con is None else loaded_periods(con, la)


@lru_cache(maxsize=256)
def _indicators(path, la, period_end, breakdown, suppress) -> dict:
    """Cached per published warehouse file and LA: a file never changes once published."""
    return compute(connection(), config(la), period_end, breakdown, suppress)


def indicators(user: User, la: str, period_end: dt.date | None = None,
               breakdown: str | None = None) -> dict:
    """All indicators for an LA and period, overall or by a breakdown, as this user may see
    them."""
    if breakdown in ("social_worker",) and user.role == "member":
        raise AccessDenied("members see figures by team at the finest")
    return _indicators(current_path(), la, period_end, breakdown, user.suppressed)


def history(user: User, la: str, group: tuple[str, str] | None = None
            ) -> dict[str, list[tuple]]:
    """Each indicator's value for every loaded period of an LA, oldest first:
    {id: [(period, row)]}. With `group` = (breakdown, group), the figures for that group."""
    out: dict[str, list[tuple]] = {}
    for period in periods(la):
        result = indicators(user, la, period, group[0] if group else None)
        for row in result["indicators"]:
            if group and row.get("group") != group[1]:
                continue
            out.setdefault(row["id"], []).append((period, row))
    return out


def teams(la: str, period_end: dt.date) -> pd.DataFrame:
    """Service areas and their teams at a period end (names only: no child data)."""
    con = connection()
    return con.execute(
        "SELECT DISTINCT service_area, team FROM int_child_attributes "
        "WHERE la_code = ? AND period_end = ? ORDER BY 1, 2", [la, period_end]).df()


def social_worker_teams(la: str, period_end: dt.date) -> dict[str, str]:
    """Each social worker's team at a period end (names only)."""
    return dict(connection().execute(
        "SELECT social_worker, any_value(team) FROM int_child_attributes "
        "WHERE la_code = ? AND period_end = ? GROUP BY 1", [la, period_end]
    ).fetchall())


CHILD_COLUMNS = {
    "child": "Child", "age_at_period_end": "Age", "sex": "Sex", "ethnic_group": "Ethnic group",
    "uasc": "UASC", "legal_status_group": "Legal status", "placement_type_group": "Placement",
    "provider": "Provider", "social_worker": "Social worker", "team": "Team",
    "service_area": "Service area", "in_numerator": "Counted in the figure",
}


def child_list(user: User, la: str, indicator_id: str, period_end: dt.date,
               where: dict[str, str] | None = None, purpose: str = "view") -> pd.DataFrame:
    """The children behind a figure (Annex A style): one row per child in the indicator's
    denominator (or count), with whether each is in the numerator. Audited."""
    if not user.sees_child_level:
        raise AccessDenied("child-level data is not available to this role")
    where = {k: v for k, v in (where or {}).items() if v}
    unknown = set(where) - set(BREAKDOWNS)
    if unknown:
        raise AccessDenied(f"cannot filter children by {', '.join(sorted(unknown))}")
    if user.teams is not None:
        if where.get("team") and where["team"] not in user.teams:
            raise AccessDenied(f"{where['team']} is outside your remit")
    filters = " ".join(f"AND a.{column} = ?" for column in where)
    remit = ""
    params = [indicator_id, la, period_end, *where.values()]
    if user.teams is not None:
        remit = f"AND a.team IN ({', '.join('?' for _ in user.teams)})"
        params += sorted(user.teams)
    frame = connection().execute(f"""
        SELECT a.child, a.age_at_period_end, a.sex, a.ethnic_group, a.uasc,
               a.legal_status_group, a.placement_type_group, a.provider, a.social_worker,
               a.team, a.service_area,
               CASE WHEN max(u.numerator) > 0 THEN 'Yes' ELSE 'No' END AS in_numerator
        FROM ind_units u JOIN int_child_attributes a USING (la_code, period_end, child)
        WHERE u.indicator_id = ? AND u.la_code = ? AND u.period_end = ? {filters} {remit}
        GROUP BY ALL ORDER BY in_numerator DESC, a.child""", params).df()
    audit(user, purpose, {"la": la, "indicator": indicator_id, "period_end": str(period_end),
                          **where},
          len(frame))
    return frame.rename(columns=CHILD_COLUMNS)


def _audit_db() -> sqlite3.Connection:
    path = settings.data_dir() / "audit.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS audit (at TEXT NOT NULL, user TEXT NOT NULL, "
                "role TEXT NOT NULL, action TEXT NOT NULL, what TEXT NOT NULL, "
                "rows INTEGER NOT NULL)")
    return con


def audit(user: User, action: str, what: dict, rows: int) -> None:
    """One line per child-level view or export. No child identifiers, ever."""
    con = _audit_db()
    try:
        with con:
            con.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)",
                        [dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                         user.name, user.role, action, json.dumps(what, sort_keys=True), rows])
    finally:
        con.close()




def _columns(con, table: str) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()}


def _records(con, sql: str, params: list) -> list[dict]:
    """Rows as plain Python values (dates as datetime.date, never pandas timestamps), so a
    comparison with a period end means what it says."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def data_quality(la: str) -> dict[str, list[dict]]:
    """An LA's loads, newest first, each with its problems counted by what was done to them,
    and its problems by rule: counts only (no child, no value), safe for every role.

    {"loads": [load_log row + problems, kept_out, blanked, reported, not_recorded],
     "by_rule": {load_id: [{rule, severity, action, message, problems, rows}]}}"""
    con = connection()
    if con is None:
        return {"loads": [], "by_rule": {}}
    have = _columns(con, "load_log")
    optional = ", ".join(f"l.{c}" if c in have else f"NULL AS {c}"
                         for c in ("values_blanked", "rule_set", "notes"))
    action = "r.action" if "action" in _columns(con, "rejects") else "NULL"
    loads = _records(con, f"""
        WITH problems AS (
            SELECT load_id, count(*) AS problems,
                   count(DISTINCT CASE WHEN {action} = '{KEPT_OUT}'
                         THEN r.file || ':' || r.row_number END) AS kept_out,
                   count(*) FILTER (WHERE {action} = '{BLANKED}') AS blanked,
                   count(*) FILTER (WHERE {action} = '{REPORTED}') AS reported,
                   count(*) FILTER (WHERE {action} IS NULL) AS not_recorded,
                   count(*) FILTER (WHERE r.severity = 'error') AS errors,
                   count(*) FILTER (WHERE r.severity = 'warning') AS warnings_found
            FROM rejects r WHERE r.la_code = ? GROUP BY load_id)
        SELECT l.load_id, l.period_end, l.collection_year, l.loaded_at, l.status, l.rows_read,
               l.rows_loaded, l.rows_rejected, l.warnings, {optional},
               coalesce(p.problems, 0) AS problems, coalesce(p.kept_out, 0) AS kept_out,
               coalesce(p.blanked, 0) AS blanked, coalesce(p.reported, 0) AS reported,
               coalesce(p.not_recorded, 0) AS not_recorded, coalesce(p.errors, 0) AS errors,
               coalesce(p.warnings_found, 0) AS warnings_found
        FROM load_log l LEFT JOIN problems p USING (load_id)
        WHERE l.la_code = ? ORDER BY l.loaded_at DESC, l.load_id DESC""", [la, la])
    by_rule: dict[str, list[dict]] = {}
    for row in _records(con, f"""
            SELECT r.load_id, r.rule, r.severity, coalesce({action}, ?) AS action,
                   any_value(r.message) AS message, count(*) AS problems,
                   count(DISTINCT r.file || ':' || r.row_number) AS rows
            FROM rejects r WHERE r.la_code = ? GROUP BY ALL
            ORDER BY r.load_id, problems DESC, r.rule, action""", [NOT_RECORDED, la]):
        by_rule.setdefault(row.pop("load_id"), []).append(row)
    return {"loads": loads, "by_rule": by_rule}


COMPARE_ROLES = frozenset({"analyst", "admin"})


def compare_periods(user: User) -> dict[dt.date, list[str]]:
    """Every period end loaded for any council, oldest first, with the councils that have it.
    Analysts and admins only, like the comparison itself."""
    if user.role not in COMPARE_ROLES:
        raise AccessDenied("comparing councils is for analysts")
    out: dict[dt.date, list[str]] = {}
    for la in loaded_las():
        for period in periods(la):
            out.setdefault(period, []).append(la)
    return dict(sorted(out.items()))


def compare(user: User, indicator_id: str, period_end: dt.date) -> dict:
    """One indicator at one period end for every loaded council side by side:
    {"rows": [{la, la_name, **indicator row}], "lacking": [codes without that period]}.

    Analysts and admins only. Figures are computed as the user may see them, so were members
    ever allowed here they would get small numbers suppressed (`suppress=True`)."""
    if user.role not in COMPARE_ROLES:
        raise AccessDenied("comparing councils is for analysts")
    rows, lacking = [], []
    for la in loaded_las():
        if period_end not in periods(la):
            lacking.append(la)
            continue
        result = _indicators(current_path(), la, period_end, None, user.suppressed)
        for row in result["indicators"]:
            if row["id"] == indicator_id:
                rows.append({"la": la, "la_name": result["la_name"], **row})
    return {"rows": rows, "lacking": lacking}


class NotFound(Exception):
    """There is no such thing to show (or the user may not know whether there is)."""


REPORT_ROLES = frozenset({"analyst", "admin"})
REPORT_FILES = {"rejects.html": "text/html; charset=utf-8",
                "rejects.csv": "text/csv; charset=utf-8"}


def rejects_report(user: User, load_id: str, name: str) -> tuple[Path, str]:
    """The rejects report a load wrote (child ids and values: analysts and admins only), as
    (path, content type). The path is built only from a load id found in the current
    warehouse's load log and a fixed file name, never from the request's text. Every report
    served and every refusal is audited."""
    asked = {"load_id": str(load_id)[:80], "file": str(name)[:40]}
    if user.role not in REPORT_ROLES:
        audit(user, "report refused", asked, 0)
        raise AccessDenied("rejects reports hold child-level data: analysts only")
    con = connection()
    found = None if con is None or name not in REPORT_FILES else con.execute(
        "SELECT load_id, (SELECT count(*) FROM rejects r WHERE r.load_id = l.load_id) "
        "FROM load_log l WHERE l.load_id = ?", [str(load_id)]).fetchone()
    if found is None:
        audit(user, "report not found", asked, 0)
        raise NotFound("no such report")
    reports = (settings.data_dir() / "reports").resolve()
    path = (reports / found[0] / name).resolve()
    if path.parent.parent != reports or not path.is_file():
        audit(user, "report not found", asked, 0)
        raise NotFound("no such report")
    audit(user, f"report {name}", {"load_id": found[0]}, int(found[1]))
    return path, REPORT_FILES[name]


def figures_for(user: User, la: str, period_end: dt.date,
                group: tuple[str, str] | None = None) -> dict[str, dict]:
    """{indicator id: row} for an LA and period, overall or for one group (service area or
    team)."""
    if group is None:
        return {r["id"]: r for r in indicators(user, la, period_end)["indicators"]}
    rows = indicators(user, la, period_end, group[0])["indicators"]
    return {r["id"]: r for r in rows if r.get("group") == group[1]}
