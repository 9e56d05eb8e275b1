"""The dashboard's only door to the data: every read takes the signed-in user and can refuse.

Members see aggregates with disclosure control applied, and can never reach a child-level
query, whatever request they forge: the check is here, in the data layer, not only on pages.
Every child-level view or export is written to the audit log (who, when, what, how many rows;
never the children's identifiers).
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from dashboard.warehouse import connection
from etl import settings
from etl.config import LAConfig, load_config
from etl.indicators.engine import BREAKDOWNS, compute, loaded_periods
from etl.warehouse.publish import current_path

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


def config() -> LAConfig:
    return load_config()


def periods() -> list[dt.date]:
    con = connection()
    return [] if con is None else loaded_periods(con, config().code)


@lru_cache(maxsize=256)
def _indicators(path, period_end, breakdown, suppress) -> dict:
    """Cached per published warehouse file: a file never changes once published."""
    return compute(connection(), config(), period_end, breakdown, suppress)


def indicators(user: User, period_end: dt.date | None = None, breakdown: str | None = None
               ) -> dict:
    """All indicators for a period, overall or by a breakdown, as this user may see them."""
    if breakdown in ("social_worker",) and user.role == "member":
        raise AccessDenied("members see figures by team at the finest")
    return _indicators(current_path(), period_end, breakdown, user.suppressed)


def history(user: User, group: tuple[str, str] | None = None) -> dict[str, list[tuple]]:
    """Each indicator's value for every loaded period, oldest first: {id: [(period, row)]}.
    With `group` = (breakdown, group), the figures for that group."""
    out: dict[str, list[tuple]] = {}
    for period in periods():
        result = indicators(user, period, group[0] if group else None)
        for row in result["indicators"]:
            if group and row.get("group") != group[1]:
                continue
            out.setdefault(row["id"], []).append((period, row))
    return out


def teams(period_end: dt.date) -> pd.DataFrame:
    """Service areas and their teams at a period end (names only: no child data)."""
    con = connection()
    return con.execute(
        "SELECT DISTINCT service_area, team FROM int_child_attributes "
        "WHERE la_code = ? AND period_end = ? ORDER BY 1, 2", [config().code, period_end]).df()


def social_worker_teams(period_end: dt.date) -> dict[str, str]:
    """Each social worker's team at a period end (names only)."""
    return dict(connection().execute(
        "SELECT social_worker, any_value(team) FROM int_child_attributes "
        "WHERE la_code = ? AND period_end = ? GROUP BY 1", [config().code, period_end]
    ).fetchall())


CHILD_COLUMNS = {
    "child": "Child", "age_at_period_end": "Age", "sex": "Sex", "ethnic_group": "Ethnic group",
    "uasc": "UASC", "legal_status_group": "Legal status", "placement_type_group": "Placement",
    "provider": "Provider", "social_worker": "Social worker", "team": "Team",
    "service_area": "Service area", "in_numerator": "Counted in the figure",
}


def child_list(user: User, indicator_id: str, period_end: dt.date,
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
    params = [indicator_id, config().code, period_end, *where.values()]
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
    audit(user, purpose, {"indicator": indicator_id, "period_end": str(period_end), **where},
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


def data_quality() -> dict[str, pd.DataFrame]:
    """Loads and rejects by rule: counts only, safe for every role."""
    con = connection()
    loads = con.execute(
        "SELECT period_end, collection_year, loaded_at, status, rows_read, rows_loaded, "
        "rows_rejected, warnings, load_id FROM load_log ORDER BY loaded_at DESC").df()
    by_rule = con.execute("""
        SELECT r.period_end, r.rule, r.severity, r.message, count(*) AS problems,
               count(DISTINCT r.file || r.row_number) AS rows_affected
        FROM rejects r JOIN load_log l USING (load_id)
        WHERE l.status = 'active' GROUP BY ALL
        ORDER BY r.period_end DESC, problems DESC""").df()
    return {"loads": loads, "by_rule": by_rule}


def figures_for(user: User, period_end: dt.date, group: tuple[str, str] | None = None
                ) -> dict[str, dict]:
    """{indicator id: row} for a period, overall or for one group (service area or team)."""
    if group is None:
        return {r["id"]: r for r in indicators(user, period_end)["indicators"]}
    rows = indicators(user, period_end, group[0])["indicators"]
    return {r["id"]: r for r in rows if r.get("group") == group[1]}
