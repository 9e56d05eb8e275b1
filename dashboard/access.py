"""The dashboard's only door to the data: every read takes the signed-in user and can refuse.

Members see aggregates with disclosure control applied, and can never reach a child-level
query, whatever request they forge: the check is here, in the data layer, not only on pages.
Every child-level view or export, and every refusal, is written to the audit log (who, which
session, from where, what, how many rows; never the children's identifiers). Every read is for
one council, named by its ONS code (the `la` of the URL, checked against the councils loaded
and the user's own); only analysts compare councils. A manager's remit (their teams, from their
user record) is enforced here too: figures and children of other teams are refused.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from dashboard import state
from dashboard import warehouse
from dashboard.warehouse import connection, per_warehouse
from etl import settings
from etl.config import ConfigError, LAConfig, config_for, default_code, parse_la_code
from etl.indicators.catalogue import BY_ID
from etl.indicators.engine import BREAKDOWNS, compute, loaded_periods
from etl.indicators.engine import disproportionality as engine_shares
from etl.indicators.engine import loaded_las as _loaded_las
from etl.warehouse.publish import private_data_dir
from schemas.rules import BLANKED, KEPT_OUT, NOT_RECORDED, REPORTED
from schemas.tables import TABLES

ROLES = state.ROLES
CHILD_LEVEL_ROLES = {"manager", "analyst", "admin"}


class AccessDenied(Exception):
    """The user's role or remit does not allow this. `audited` once the refusal is in the
    audit log, so it is written there once."""
    audited = False


@dataclass(frozen=True)
class User:
    name: str
    role: str
    teams: frozenset[str] | None = None  # a manager's remit; None = every team
    councils: frozenset[str] | None = None  # the councils they may see; None = every one
    session: str = ""  # an opaque id of the signed-in session, for the audit log
    address: str = ""  # where the request came from, for the audit log

    @property
    def sees_child_level(self) -> bool:
        return self.role in CHILD_LEVEL_ROLES

    @property
    def suppressed(self) -> bool:
        """Members see small numbers as c; managers and analysts see figures as they are."""
        return self.role == "member"

    @property
    def sees_unverified(self) -> bool:
        """Analysts (and admins) see benchmarks not yet checked against their source, marked
        so; members and managers see only verified ones."""
        return self.role in ("analyst", "admin")

    @property
    def has_remit(self) -> bool:
        """A manager limited to some teams (an empty remit sees no team at all)."""
        return self.teams is not None

    def may_see_team(self, team: str | None) -> bool:
        return self.teams is None or team in self.teams


def refuse(user: User, action: str, what: dict, message: str) -> AccessDenied:
    """A refusal, written to the audit log; the caller raises it."""
    audit(user, action, what, 0, outcome="refused")
    denied = AccessDenied(message)
    denied.audited = True
    return denied


def loaded_las() -> list[str]:
    """The ONS codes of the councils loaded into the current warehouse, in code order."""
    return list(_councils_loaded())


@per_warehouse(1)
def _councils_loaded() -> tuple[str, ...]:
    con = connection()
    return () if con is None else tuple(_loaded_las(con))


def user_las(user: User) -> list[str]:
    """The loaded councils this user may see."""
    return [la for la in loaded_las() if user.councils is None or la in user.councils]


def default_la(loaded: list[str]) -> str:
    """The council shown when the URL names none: the configured one if it is loaded (or
    nothing is loaded yet), else the first loaded."""
    configured = default_code()
    return configured if configured in loaded or not loaded else loaded[0]


def choose_la(requested: str | None, loaded: list[str]) -> str:
    """The council a request asks for (`la=` in the URL) if it is among `loaded` (the ones the
    user may see), else the default. A request for another council is refused earlier, when
    the URL is checked (`known_values`)."""
    if requested:
        try:
            code = parse_la_code(requested)
        except ConfigError:
            code = None
        if code in loaded:
            return code
    return default_la(loaded)


def known_values(la: str) -> dict[str, set[str]]:
    """Every value a URL may name for a council, from its loaded periods (names only, no child
    data): service areas, teams, social workers and load ids, plus every period end loaded
    for any council. A URL naming anything else is refused before any figure is read."""
    return _known_values(la)


@per_warehouse(64)
def _known_values(la: str) -> dict[str, set[str]]:
    con = connection()
    if con is None:
        return {"period": set(), "area": set(), "team": set(), "sw": set(), "load": set()}

    def column(sql: str) -> set[str]:
        return {str(row[0]) for row in con.execute(sql, [la]).fetchall() if row[0] is not None}

    every_period = {str(row[0]) for row in con.execute(
        "SELECT DISTINCT period_end FROM int_periods").fetchall()}
    return {
        "period": every_period,
        "area": column("SELECT DISTINCT service_area FROM int_child_attributes "
                       "WHERE la_code = ?"),
        "team": column("SELECT DISTINCT team FROM int_child_attributes WHERE la_code = ?"),
        "sw": column("SELECT DISTINCT social_worker FROM int_child_attributes "
                     "WHERE la_code = ?"),
        "load": column("SELECT load_id FROM load_log WHERE la_code = ?"),
    }


def config(la: str) -> LAConfig:
    return config_for(la)


def periods(la: str) -> list[dt.date]:
    """The period ends loaded for a council, oldest first."""
    return list(_periods(la))


@per_warehouse(64)
def _periods(la: str) -> tuple[dt.date, ...]:
    con = connection()
    return () if con is None else tuple(loaded_periods(con, la))


# Rows of figures a worker keeps: an England-sized breakdown by team is some 60,000 rows
# (about 1.5 KB each), by social worker 270,000, which is worked out afresh when asked for.
KEPT_ROWS = 150_000


@per_warehouse(KEPT_ROWS, weigh=lambda result: len(result["indicators"]) + 1)
def _indicators(la, period_end, breakdown, suppress, ids=None) -> dict:
    """Cached per published warehouse file, LA, period end, breakdown, whether small
    numbers are suppressed (members) or not (officers), and the indicators asked for (None:
    all): a file never changes once published."""
    return compute(connection(), config(la), period_end, breakdown, suppress,
                   list(ids) if ids else None)


def indicators(user: User, la: str, period_end: dt.date | None = None,
               breakdown: str | None = None, ids: tuple[str, ...] | None = None) -> dict:
    """All indicators (or those of `ids`) for an LA and period, overall or by a breakdown,
    as this user may see them: members with disclosure control over every figure they can
    see together (whichever are asked for); a manager with a remit only the teams (and
    service areas, and social workers) inside it."""
    if breakdown == "social_worker" and user.role == "member":
        raise refuse(user, "figures refused", {"la": la, "breakdown": breakdown},
                     "members see figures by team at the finest")
    result = _indicators(la, period_end, breakdown, user.suppressed, ids)
    if user.has_remit and breakdown in REMIT_BREAKDOWNS:
        allowed = _remit_groups(user, la, period_end or periods(la)[-1], breakdown)
        result = {**result, "indicators": [r for r in result["indicators"]
                                           if r.get("group") in allowed]}
    return result


REMIT_BREAKDOWNS = ("team", "service_area", "social_worker")  # the team-shaped breakdowns


def _remit_groups(user: User, la: str, period_end: dt.date, breakdown: str) -> set:
    """The groups of a team-shaped breakdown inside a manager's remit: their teams, the
    service areas whose every team is theirs, the social workers of their teams."""
    if breakdown == "team":
        return set(user.teams or ())
    if breakdown == "service_area":
        frame = teams(la, period_end)
        return {area for area, inside in frame.groupby("service_area")["team"]
                if all(user.may_see_team(t) for t in inside)}
    return {sw for sw, team in social_worker_teams(la, period_end).items()
            if user.may_see_team(team)}


def check_group(user: User, la: str, period_end: dt.date,
                group: tuple[str, str] | None) -> None:
    """Refuse a service area or team outside a manager's remit."""
    if group is None or not user.has_remit:
        return
    if group[1] not in _remit_groups(user, la, period_end, group[0]):
        raise refuse(user, "figures refused", {"la": la, group[0]: group[1]},
                     f"{group[1]} is outside your remit")


def history(user: User, la: str, group: tuple[str, str] | None = None
            ) -> dict[str, list[tuple]]:
    """Each indicator's value for every loaded period of an LA, oldest first:
    {id: [(period, row)]}. With `group` = (breakdown, group), the figures for that group.

    Read as `indicators` reads each period for this user (the same refusals, the same
    remit), from the history worked out once per published warehouse for members or for
    officers (`_history`)."""
    loaded = periods(la)
    if group and loaded:
        check_group(user, la, loaded[-1], group)
        if group[0] == "social_worker" and user.role == "member":
            raise refuse(user, "figures refused", {"la": la, "breakdown": group[0]},
                         "members see figures by team at the finest")
    trends = _history(la, group, user.suppressed)
    if not (group and user.has_remit and group[0] in REMIT_BREAKDOWNS):
        return {i: list(trend) for i, trend in trends.items()}
    # a manager sees a group's figure for a period only where it is inside their remit then
    inside = {p for p in loaded if group[1] in _remit_groups(user, la, p, group[0])}
    out = {i: [(p, row) for p, row in trend if p in inside] for i, trend in trends.items()}
    return {i: trend for i, trend in out.items() if trend}


@per_warehouse(64)
def _history(la: str, group: tuple[str, str] | None, suppress: bool
             ) -> dict[str, list[tuple]]:
    """Every loaded period's figures of an LA (or of one group of a breakdown), as members
    (`suppress`) or officers see them, worked out once per published warehouse: the trends
    and sparklines of every page read it."""
    out: dict[str, list[tuple]] = {}
    for period in periods(la):
        result = _indicators(la, period, group[0] if group else None, suppress)
        for row in result["indicators"]:
            if group and row.get("group") != group[1]:
                continue
            out.setdefault(row["id"], []).append((period, row))
    return out


def disproportionality(user: User, la: str, period_end: dt.date, indicator_id: str,
                       breakdown: str) -> list[dict]:
    """Each group's share of the children counted in a figure beside its share of every child
    looked after, from the true figures; for members, hidden where their view hides the
    group's figures."""
    if breakdown == "social_worker" and user.role == "member":
        raise refuse(user, "figures refused", {"la": la, "breakdown": breakdown},
                     "members see figures by team at the finest")
    rows = _disproportionality(la, period_end, indicator_id, breakdown, user.suppressed)
    if user.has_remit and breakdown in REMIT_BREAKDOWNS:
        allowed = _remit_groups(user, la, period_end, breakdown)
        rows = [r for r in rows if r["group"] in allowed]
    return rows


@per_warehouse(KEPT_ROWS // 4, weigh=lambda rows: len(rows) + 1)
def _disproportionality(la, period_end, indicator_id, breakdown, suppress):
    """Cached per published warehouse file, like _indicators (a row per group)."""
    return engine_shares(connection(), config(la), period_end, indicator_id, breakdown,
                         suppress)


def teams(la: str, period_end: dt.date) -> pd.DataFrame:
    """Service areas and their teams at a period end (names only: no child data)."""
    return _teams(la, period_end).copy()


@per_warehouse(64)
def _teams(la: str, period_end: dt.date) -> pd.DataFrame:
    con = connection()
    return con.execute(
        "SELECT DISTINCT service_area, team FROM int_child_attributes "
        "WHERE la_code = ? AND period_end = ? ORDER BY 1, 2", [la, period_end]).df()


def social_worker_teams(la: str, period_end: dt.date) -> dict[str, str]:
    """Each social worker's team at a period end (names only)."""
    return dict(_social_worker_teams(la, period_end))


@per_warehouse(64)
def _social_worker_teams(la: str, period_end: dt.date) -> dict[str, str]:
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
    """The children behind a figure (Annex A style) for one team or one social worker: one row
    per child in the indicator's denominator (or count), with whether each is in the
    numerator. Never the whole council at once, never outside a manager's remit. Audited."""
    where = {k: v for k, v in (where or {}).items() if v}
    asked = {"la": la, "indicator": indicator_id, "period_end": str(period_end), **where}
    action = "children viewed" if purpose == "view" else f"children {purpose}"
    if not user.sees_child_level:
        raise refuse(user, action, asked, "child-level data is not available to this role")
    unknown = set(where) - set(BREAKDOWNS)
    if unknown:
        raise refuse(user, action, {"la": la, "indicator": indicator_id},
                     f"cannot filter children by {', '.join(sorted(unknown))}")
    if not (where.get("team") or where.get("social_worker")):
        raise refuse(user, action, asked, "choose a team or a social worker first: children "
                     "are listed for one at a time")
    if where.get("team") and not user.may_see_team(where["team"]):
        raise refuse(user, action, asked, f"{where['team']} is outside your remit")
    if where.get("social_worker") and user.has_remit and where["social_worker"] not in \
            _remit_groups(user, la, period_end, "social_worker"):
        raise refuse(user, action, asked, "that social worker's team is outside your remit")
    filters = " ".join(f"AND a.{column} = ?" for column in where)
    remit = ""
    params = [indicator_id, la, period_end, *where.values()]
    if user.has_remit:
        remit = f"AND a.team IN ({', '.join('?' for _ in user.teams) or 'NULL'})"
        params += sorted(user.teams)
    frame = connection().execute(f"""
        SELECT a.child, a.age_at_period_end, a.sex, a.ethnic_group, a.uasc,
               a.legal_status_group, a.placement_type_group, a.provider, a.social_worker,
               a.team, a.service_area,
               CASE WHEN max(u.numerator) > 0 THEN 'Yes' ELSE 'No' END AS in_numerator
        FROM ind_units u JOIN int_child_attributes a USING (la_code, period_end, child)
        WHERE u.indicator_id = ? AND u.la_code = ? AND u.period_end = ? {filters} {remit}
        GROUP BY ALL ORDER BY in_numerator DESC, a.child""", params).df()
    audit(user, action, asked, len(frame),
          outcome="shown" if purpose == "view" else "exported")
    return frame.rename(columns=CHILD_COLUMNS)


def audit(user: User, action: str, what: dict, rows: int, outcome: str = "shown") -> None:
    """One row per child-level view or export and per refusal, in the state database's
    hash-chained audit log. `what` holds checked filters only: no child identifiers, ever."""
    state.audit(user.name, user.role, action, what, rows, outcome, session=user.session,
                source=user.address)


def _columns(con, table: str) -> frozenset[str]:
    """The columns of a table of the published warehouse (`con` is this thread's connection
    to it): an empty set for a table it lacks (one made by an earlier version)."""
    return _table_columns(table)


@per_warehouse(64)
def _table_columns(table: str) -> frozenset[str]:
    return frozenset(row[0] for row in connection().execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall())


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
    found = _data_quality(la)
    return {"loads": list(found["loads"]), "by_rule": dict(found["by_rule"])}


@per_warehouse(64)
def _data_quality(la: str) -> dict[str, list[dict]]:
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


# --- Data quality: the great-expectations suite -----------------------------------------------
# Each load runs a suite of checks over the warehouse it built (etl.quality): quality_runs (one
# per load), quality_results (one per check, in the suite's order) and quality_rows (what each
# failed check found, children's ids among it). Whether each check was met is for everyone who
# may see the council; the counts are for officers only, since a member could set a count of
# children beside a figure their view hides; the children found, and the Data Docs site (the
# same results in great-expectations' own pages, counts throughout), are for analysts and
# admins (REPORT_ROLES), like the rejects reports.

QUALITY_COUNTS = ("checked", "unexpected", "unexpected_percent", "observed")
_QUALITY_RESULT_COLUMNS = ("seq", "expectation", "area", "rule", "title", "unit", "success",
                           *QUALITY_COUNTS, "not_run", "fix")
_QUALITY_RUN_COLUMNS = ("ran_at", "compared_with", "expectations", "failed", "not_run")
QUALITY_ROWS_ACTION = "quality check rows"
DATA_DOCS_ACTION = "data docs"


def _selected(con, table: str, alias: str, wanted: tuple[str, ...]) -> str:
    """The wanted columns of a table, as NULL where the warehouse's copy lacks one (a table
    made by an earlier version of the suite)."""
    have = _columns(con, table)
    return ", ".join(f"{alias}.{c}" if c in have else f"NULL AS {c}" for c in wanted)


def _checked_la(user: User, action: str, la: object) -> str:
    """The council's code if the user may see it; else refused (audited), naming the code
    only if it is one."""
    try:
        code = parse_la_code(la) if isinstance(la, str) else "(not a council)"
    except ConfigError:
        code = "(not a council)"
    if code not in user_las(user):
        raise refuse(user, action, {"la": code}, "That council is not one you may see.")
    return code


def quality_checks(user: User, la: str) -> dict:
    """The checks each load of a council ran across the warehouse, as this user may see them:

    {"runs": [{load_id, period_end, loaded_at, status, ran_at, expectations, failed,
               not_run, compared_with}] newest first,
     "results": {load_id: [{expectation, area, rule, title, unit, success, checked,
                           unexpected, unexpected_percent, observed, not_run, fix}] in the
                 suite's order}}

    success is None for a check that was not run (not_run says why). For members the counts
    (checked, unexpected, unexpected_percent, observed) are None: they see whether each check
    was met, never a count. A warehouse loaded before the checks existed has no runs."""
    code = _checked_la(user, "quality checks", la)
    found = _quality_checks(code, user.suppressed)
    return {"runs": list(found["runs"]), "results": dict(found["results"])}


@per_warehouse(64)
def _quality_checks(code: str, suppress: bool) -> dict:
    """quality_checks for a council the user may see, as members (`suppress`: no counts) or
    officers see them, worked out once per published warehouse."""
    con = connection()
    if con is None or not _columns(con, "quality_runs") or \
            not _columns(con, "quality_results"):
        return {"runs": [], "results": {}}
    runs = _records(con, f"""
        SELECT l.load_id, l.period_end, l.loaded_at, l.status,
               {_selected(con, "quality_runs", "q", _QUALITY_RUN_COLUMNS)}
        FROM quality_runs q JOIN load_log l USING (load_id)
        WHERE l.la_code = ? ORDER BY l.loaded_at DESC, l.load_id DESC""", [code])
    results: dict[str, list[dict]] = {}
    for row in _records(con, f"""
            SELECT r.load_id, {_selected(con, "quality_results", "r", _QUALITY_RESULT_COLUMNS)}
            FROM quality_results r JOIN load_log l USING (load_id)
            WHERE l.la_code = ? ORDER BY r.load_id, r.seq""", [code]):
        row.pop("seq")
        if suppress:
            row.update(dict.fromkeys(QUALITY_COUNTS))
        results.setdefault(row.pop("load_id"), []).append(row)
    return {"runs": runs, "results": results}


# --- Data quality: the local extracts of a load ------------------------------------------------
# The files a council keeps outside the 903 (ssda903.md, "Local extracts"): a load may hold any
# of them, and a measure that needs one it lacks says "no data". Counts only; for members none,
# as for the checks above: a count of rows in a small local file (a council's few sibling
# groups) could sit beside a figure their view hides.

LOCAL_EXTRACT_COUNTS = ("rows_read", "rows_loaded", "kept_out", "problems")


def local_extracts(user: User, la: str, load_id: str) -> list[dict]:
    """Each local extract (schemas.tables, in its order) in one load of a council:
    [{"table", "loaded", "file", "rows_read", "rows_loaded", "kept_out", "problems"}], the
    file and counts None for one the load did not include, both None for members. A
    council the user may not see is refused (audited); a load not the council's gives []."""
    code = _checked_la(user, "local extracts", la)
    found = _quality_load(connection(), load_id, code)
    if found is None:
        return []
    return [dict(row) for row in _local_extracts(found[0], user.suppressed)]


@per_warehouse(64)
def _local_extracts(load_id: str, suppress: bool) -> list[dict]:
    """local_extracts of a load found in the load log, as members (`suppress`: no counts,
    no file names) or officers see them, worked out once per published warehouse."""
    con = connection()
    files = {row.pop("table"): row for row in _records(con, """
        SELECT table_name AS "table", file, rows_read, rows_loaded, rows_rejected AS kept_out
        FROM load_files WHERE load_id = ?""", [load_id])}
    problems = dict(con.execute("SELECT table_name, count(*) FROM rejects WHERE load_id = ? "
                                "GROUP BY table_name", [load_id]).fetchall())
    out = []
    for table in (t.name for t in TABLES.values() if t.local):
        row = files.get(table)
        counts = dict.fromkeys(LOCAL_EXTRACT_COUNTS)
        if row is not None and not suppress:
            counts = {**{k: row[k] for k in LOCAL_EXTRACT_COUNTS[:3]},
                      "problems": problems.get(table, 0)}
        # a file's name is the council's own (it could name a family): officers only
        out.append({"table": table, "loaded": row is not None,
                    "file": row["file"] if row and not suppress else None, **counts})
    return out


def _quality_load(con, load_id: object, la: str | None = None) -> tuple[str, str] | None:
    """(load id, council) as the load log holds them, for a load id sent in a request; None
    when it names no load (of that council, when one is given)."""
    if con is None or not isinstance(load_id, str):
        return None
    councils = _load_councils()
    if load_id[:80] not in councils:
        return None
    found = (load_id[:80], councils[load_id[:80]])
    return found if la is None or found[1] == la else None


@per_warehouse(1)
def _load_councils() -> dict[str, str]:
    """Every load in the load log with its council."""
    return dict(connection().execute("SELECT load_id, la_code FROM load_log").fetchall())


@per_warehouse(1)
def _checks_run() -> frozenset[tuple[str, str]]:
    """Every (load, check) the suite ran, from quality_results (none before it existed)."""
    if not _columns(connection(), "quality_results"):
        return frozenset()
    return frozenset(connection().execute(
        "SELECT DISTINCT load_id, expectation FROM quality_results").fetchall())


@per_warehouse(256)
def _quality_found(load_id: str, expectation: str) -> tuple[dict, ...]:
    """The rows a check found in a load (children's ids among them: returned only to those
    quality_rows lets see them, after their view is audited)."""
    con = connection()
    if not _columns(con, "quality_rows"):
        return ()
    return tuple(_records(con, """
        SELECT child, detail FROM quality_rows WHERE load_id = ? AND expectation = ?
        ORDER BY seq""", [load_id, expectation]))


def quality_rows(user: User, la: str, load_id: str, expectation: str) -> list[dict]:
    """The rows a failed check found in a load (at most etl.quality's cap), in order:
    [{"child": id or None, "detail": text}]. Analysts and admins only; the load must be one
    of the council's in the load log and the check one it ran, else NotFound. Every view and
    refusal is audited with the council, the load and the check's key, and the number of
    rows: never a child's id nor the request's text."""
    con = connection()
    try:
        code = parse_la_code(la) if isinstance(la, str) else "(not a council)"
    except ConfigError:
        code = "(not a council)"
    found = _quality_load(con, load_id, code)
    key = None
    if found and isinstance(expectation, str) and \
            (found[0], expectation[:200]) in _checks_run():
        key = expectation[:200]
    asked = {"la": code, "load_id": found[0] if found else "(not a load)",
             "expectation": key or "(not a check)"}
    if user.role not in REPORT_ROLES:
        raise refuse(user, QUALITY_ROWS_ACTION, asked,
                     "the rows a check found name children: analysts only")
    if code not in user_las(user):
        raise refuse(user, QUALITY_ROWS_ACTION, asked, "That council is not one you may see.")
    if key is None:
        audit(user, QUALITY_ROWS_ACTION, asked, 0, outcome="refused")
        raise NotFound("no such check for that load")
    rows = [dict(row) for row in _quality_found(found[0], key)]
    audit(user, QUALITY_ROWS_ACTION, asked, len(rows), outcome="shown")
    return rows


def _data_docs_site(load_id: str) -> Path:
    """Where a load's Data Docs are built (the load id as the load log holds it)."""
    return settings.data_dir() / "reports" / load_id / "data-docs"


def data_docs_built(la: str, load_id: str) -> bool:
    """Whether a load of the council has its Data Docs site (names only, no data read)."""
    found = _quality_load(connection(), load_id, la)
    return found is not None and (_data_docs_site(found[0]) / "index.html").is_file()


def data_docs_file(user: User, load_id: str, page: str) -> tuple[Path, str]:
    """A page (or other file) of a load's Data Docs site, as (path, content type), for
    analysts and admins. The site's folder is built from the load id as found in the load log
    (of a council the user may see), never from the request's text, and the page is resolved
    inside it by etl.quality.docs. Page views and every refusal are audited."""
    from etl.quality import docs

    found = _quality_load(connection(), load_id)
    if found is not None and user.councils is not None and found[1] not in user.councils:
        found = None  # a load of another council is no load to them
    asked = {"load_id": found[0], "la": found[1]} if found else {"load_id": "(not a load)"}
    if user.role not in REPORT_ROLES:
        raise refuse(user, DATA_DOCS_ACTION, asked, "Data Docs are for analysts")
    site = _data_docs_site(found[0]) if found else None
    path = docs.site_file(site, page) if site is not None and site.is_dir() and \
        isinstance(page, str) else None
    if path is None:
        audit(user, DATA_DOCS_ACTION, {**asked, "page": "(not a page)"}, 0, outcome="refused")
        raise NotFound("no such page")
    if path.suffix.lower() in (".html", ".htm"):
        # the page as the site names it on disk (GX's own file names: check keys and times)
        shown = path.resolve().relative_to(site.resolve()).as_posix()
        audit(user, DATA_DOCS_ACTION, {**asked, "page": shown}, 0, outcome="shown")
    return path, docs.content_type(path)


def data_docs_asset(user: User, name: str) -> tuple[Path, str]:
    """A vendored script, style sheet or font the Data Docs pages use, as (path, content
    type), for analysts and admins. Not audited when served (it holds no data); refusals
    are."""
    from etl.quality import docs

    if user.role not in REPORT_ROLES:
        raise refuse(user, "data docs asset", {}, "Data Docs are for analysts")
    path = docs.asset_file(name) if isinstance(name, str) else None
    if path is None:
        audit(user, "data docs asset", {"asset": "(not an asset)"}, 0, outcome="refused")
        raise NotFound("no such file")
    return path, docs.content_type(path)


def loads_behind(la: str, period_end: dt.date) -> list[dict]:
    """The loads an LA's figures at a period end can use (every load in force up to it, the
    earlier extracts stitching in-year windows), oldest first, each with its files and their
    checksums: a pack's provenance. Names and checksums only, safe for every role."""
    con = connection()
    if con is None:
        return []
    loads = _records(con, """
        SELECT load_id, period_end, loaded_at, collection_year FROM load_log
        WHERE la_code = ? AND status <> 'superseded' AND period_end <= ?
        ORDER BY period_end, load_id""", [la, period_end])
    files: dict[str, list[dict]] = {}
    for row in _records(con, """
            SELECT f.load_id, f.table_name AS "table", f.file, f.sha256, f.rows_read
            FROM load_files f JOIN load_log l USING (load_id)
            WHERE l.la_code = ? ORDER BY f.load_id, f.table_name""", [la]):
        files.setdefault(row.pop("load_id"), []).append(row)
    return [{**load, "period_end": load["period_end"].isoformat(),
             "loaded_at": load["loaded_at"].isoformat(timespec="seconds"),
             "files": files.get(load["load_id"], [])} for load in loads]


COMPARE_ROLES = frozenset({"analyst", "admin"})


def compare_periods(user: User) -> dict[dt.date, list[str]]:
    """Every period end loaded for any council, oldest first, with the councils that have it.
    Analysts and admins only, like the comparison itself."""
    if user.role not in COMPARE_ROLES:
        raise refuse(user, "councils compared", {}, "comparing councils is for analysts")
    out: dict[dt.date, list[str]] = {}
    for la in user_las(user):
        for period in periods(la):
            out.setdefault(period, []).append(la)
    return dict(sorted(out.items()))


def compare(user: User, indicator_id: str, period_end: dt.date) -> dict:
    """One indicator at one period end for every loaded council side by side:
    {"rows": [{la, la_name, **indicator row}], "lacking": [codes without that period]}.

    Analysts and admins only. Figures are computed as the user may see them, so were members
    ever allowed here they would get small numbers suppressed (`suppress=True`)."""
    if user.role not in COMPARE_ROLES:
        raise refuse(user, "councils compared", {}, "comparing councils is for analysts")
    rows, lacking = [], []
    for la in user_las(user):
        if period_end not in periods(la):
            lacking.append(la)
            continue
        result = _indicators(la, period_end, None, user.suppressed)
        for row in result["indicators"]:
            if row["id"] == indicator_id:
                rows.append({"la": la, "la_name": result["la_name"], **row})
    return {"rows": rows, "lacking": lacking}


AUDIT_ROLES = frozenset({"analyst", "admin"})


def audit_log(user: User, limit: int = 200) -> dict:
    """The newest entries of the audit log and whether its chain is intact, for analysts and
    admins. Reading it is itself recorded."""
    if user.role not in AUDIT_ROLES:
        raise refuse(user, "audit log", {}, "the audit log is for analysts")
    entries = state.audit_entries(limit=limit)
    problems = state.verify_audit()
    audit(user, "audit log", {"limit": limit}, len(entries))
    return {"entries": entries, "problems": problems}


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
    # the request's text is never written to the log as it came (it could be anything,
    # even a child's id): only whether it named a real load and file
    con = connection()
    found = None if con is None or name not in REPORT_FILES else con.execute(
        "SELECT load_id, (SELECT count(*) FROM rejects r WHERE r.load_id = l.load_id) "
        "FROM load_log l WHERE l.load_id = ?", [str(load_id)[:80]]).fetchone()
    asked = {"load_id": found[0], "file": name} if found else {"load_id": "(not a load)"}
    if user.role not in REPORT_ROLES:
        raise refuse(user, "rejects report", asked,
                     "rejects reports hold child-level data: analysts only")
    if found is None:
        audit(user, "rejects report", asked, 0, outcome="refused")
        raise NotFound("no such report")
    reports = (settings.data_dir() / "reports").resolve()
    path = (reports / found[0] / name).resolve()
    if path.parent.parent != reports or not path.is_file():
        audit(user, "rejects report", asked, 0, outcome="refused")
        raise NotFound("no such report")
    audit(user, f"report {name}", asked, int(found[1]), outcome="shown")
    return path, REPORT_FILES[name]


def figures_for(user: User, la: str, period_end: dt.date,
                group: tuple[str, str] | None = None) -> dict[str, dict]:
    """{indicator id: row} for an LA and period, overall or for one group (service area or
    team)."""
    if group is None:
        return {r["id"]: r for r in indicators(user, la, period_end)["indicators"]}
    check_group(user, la, period_end, group)
    rows = indicators(user, la, period_end, group[0])["indicators"]
    return {r["id"]: r for r in rows if r.get("group") == group[1]}


# --- commentary and actions per measure and period --------------------------------------------

COMMENTARY_WRITERS = frozenset({"analyst", "manager"})
Commentary = state.Commentary


class CommentaryNotSaved(Exception):
    """The commentary could not be saved as written (too long, a due date that is not a
    date): nothing was refused, the message says what to change."""


def _commentary_asked(la: object, indicator_id: object, period_end: object) -> dict:
    """What a commentary request names, fit for the audit log: each value only if it is a
    real council code, measure or date, else a note that it was not (a forged value could
    be anything, even a child's identifier)."""
    try:
        la_shown = parse_la_code(la)
    except ConfigError:
        la_shown = "(not a council)"
    period = _period_end(period_end)
    return {"la": la_shown,
            "indicator": indicator_id if isinstance(indicator_id, str) and indicator_id in BY_ID
            else "(not a measure)",
            "period": period.isoformat() if period else "(not a period end)"}


def _period_end(value: object) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_commentary_place(user: User, action: str, la: str, indicator_id: str | None,
                            period_end: object, asked: dict) -> dt.date:
    """Refuse (audited) a council the user may not see, a measure not in the catalogue or a
    period end not loaded for the council; the period end as a date."""
    if asked["la"] not in user_las(user):
        raise refuse(user, action, asked, "That council is not one you may see.")
    if indicator_id is not None and asked["indicator"] != indicator_id:
        raise refuse(user, action, asked, "There is no such measure.")
    period = _period_end(period_end)
    if period is None or period not in periods(asked["la"]):
        raise refuse(user, action, asked, "No data is loaded for that period end.")
    return period


def commentary(user: User, la: str, period_end: dt.date) -> dict[str, Commentary]:
    """{indicator id: the current commentary and action} for a council and period, for any
    signed-in user who may see the council (commentary is written for members to read)."""
    asked = _commentary_asked(la, None, period_end)
    asked.pop("indicator")
    period = _check_commentary_place(user, "commentary read", la, None, period_end, asked)
    return state.commentary_for(asked["la"], period)


def commentary_history(user: User, la: str, indicator_id: str,
                       period_end: dt.date) -> list[Commentary]:
    """Every revision of the commentary on a measure for a period, oldest first (clearings
    included), for anyone who may read it."""
    asked = _commentary_asked(la, indicator_id, period_end)
    period = _check_commentary_place(user, "commentary read", la, indicator_id, period_end,
                                     asked)
    return state.commentary_history(asked["la"], indicator_id, period)


def save_commentary(user: User, la: str, indicator_id: str, period_end: dt.date,
                    text: str | None, action: str | None, owner: str | None,
                    due: str | dt.date | None) -> Commentary:
    """Save the commentary and action on a measure for a period, as `user`: analysts and
    managers only; the council must be theirs, the measure in the catalogue, the period end
    loaded. An empty commentary and action clears it (the earlier revisions are kept).
    Refusals are audited (AccessDenied); text that cannot be saved as written raises
    CommentaryNotSaved. Every save is audited as a change, without the text."""
    action_name = "commentary saved"
    asked = _commentary_asked(la, indicator_id, period_end)
    if user.role not in COMMENTARY_WRITERS:
        raise refuse(user, action_name, asked,
                     "Only analysts and managers can write commentary.")
    period = _check_commentary_place(user, action_name, la, indicator_id, period_end, asked)
    try:
        saved = state.write_commentary(asked["la"], indicator_id, period, text, action, owner,
                                       due, user.name, user.role)
    except state.CommentaryError as err:
        raise CommentaryNotSaved(str(err)) from None
    audit(user, action_name, {**asked, "revision": saved.revision}, 0, outcome="changed")
    return saved


# --- board and Ofsted packs -------------------------------------------------------------------

# Board packs show the figures as members see them (small numbers hidden): every role may
# download them, for the councils it may see; managers, analysts and admins build them (the
# board's officers prepare its pack). Ofsted packs show the figures unsuppressed: managers,
# analysts and admins only, and a manager with a remit only those built for teams inside it.
# Members are never told that Ofsted packs exist: a run they may not see is "no such pack" to
# them, whatever id they send. Who may build and read each kind: build.BUILDERS, build.READERS.

MAX_PACKS_BUILDING = 2  # builds at once across the server: each is a Chromium, ~1 CPU
PACK_ERROR_ROLES = frozenset({"analyst", "admin"})  # read a failed build's own message
PACK_FILE = re.compile(r"(?:board|ofsted)-pack_[A-Z][0-9]{8}_\d{4}-\d{2}-\d{2}_built-"
                       r"\d{4}-\d{2}-\d{2}(?:_\d{1,4})?\.pdf")


def _may_see_pack(user: User, run: state.PackRun, las: list[str]) -> bool:
    """Whether `user` (who may see the councils `las`) may see and download the run."""
    from dashboard.packs.build import READERS

    if run.la_code not in las or user.role not in READERS.get(run.kind, ()):
        return False
    if run.kind == "ofsted" and user.teams is not None:
        # a pack for the whole council, or for teams outside the remit, holds figures the
        # manager may not see
        return run.teams is not None and set(run.teams) <= user.teams
    return True


def _pack_as_seen(user: User, run: state.PackRun) -> state.PackRun:
    """The run as this user reads it: a failed build's message (which may name files and
    settings) for analysts and admins only."""
    if run.error is None or user.role in PACK_ERROR_ROLES:
        return run
    return replace(run, error=None)


def _pack_asked(kind: object, la: object, period_end: object) -> dict:
    """What a pack request names, fit for the audit log (never the request's text)."""
    asked = _commentary_asked(la, None, period_end)
    asked.pop("indicator")
    return {"kind": kind if kind in state.PACK_KINDS else "(not a kind of pack)", **asked}


def pack_runs_for(user: User, la: str) -> list[state.PackRun]:
    """The council's pack runs this user may see, newest first: queued, running, done and
    failed. Refused (audited) for a council the user may not see."""
    asked = _pack_asked("board", la, None)
    las = user_las(user)
    if asked["la"] not in las:
        raise refuse(user, "packs listed", {"la": asked["la"]},
                     "That council is not one you may see.")
    return [_pack_as_seen(user, run) for run in state.pack_runs(asked["la"])
            if _may_see_pack(user, run, las)]


def _found_pack(user: User, run_id: object, action: str) -> state.PackRun:
    """The run with this id if this user may see it; else NotFound (audited), the same for a
    run that does not exist as for one they may not see, so no one learns which ids exist."""
    whole = isinstance(run_id, int) and not isinstance(run_id, bool) and 0 < run_id < 2**62
    run = state.pack_run(run_id) if whole else None
    if run is None or not _may_see_pack(user, run, user_las(user)):
        what = {"run": run.id, "kind": run.kind, "la": run.la_code} if run else \
            {"run": "(not a pack)"}
        audit(user, action, what, 0, outcome="refused")
        raise NotFound("no such pack")
    return run


def pack_run_for(user: User, run_id: int) -> state.PackRun:
    """One run, for the progress line of the page that asked for it."""
    return _pack_as_seen(user, _found_pack(user, run_id, "pack progress"))


@contextlib.contextmanager
def _one_pack_request_at_a_time():
    """Counting the builds and queueing one is done under a lock on the data folder, so two
    web workers asking at once cannot both take the last place."""
    fd = os.open(private_data_dir() / ".pack-requests.lock", os.O_WRONLY | os.O_CREAT, 0o600)
    with open(fd, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def request_pack(user: User, kind: str, la: str, period_end: dt.date) -> state.PackRun:
    """Ask for a pack of a council and period end to be built from the dashboard, as `user`:
    the run queued and its worker started (the web request does no more), or the run already
    building the same pack. Refused (audited) for a role that may not build the kind, a
    council the user may not see, a period end not loaded, or when MAX_PACKS_BUILDING packs
    are being built already. An Ofsted pack is built for a manager's remit, else for the
    whole council."""
    from dashboard.packs import build, worker

    action = "pack requested"
    asked = _pack_asked(kind, la, period_end)
    if asked["kind"] != kind or user.role not in build.BUILDERS[kind]:
        raise refuse(user, action, asked, "That is not a pack you can build.")
    if asked["la"] not in user_las(user):
        raise refuse(user, action, asked, "That council is not one you may see.")
    period = _period_end(period_end)
    if period is None or period not in periods(asked["la"]):
        raise refuse(user, action, asked, "No data is loaded for that period end.")
    teams = user.teams if kind == "ofsted" else None
    if teams is not None and not teams:
        raise refuse(user, action, asked, "Your remit has no teams, so there is no Ofsted "
                     "pack to build for it.")
    scope = None if teams is None else tuple(sorted(teams))
    with _one_pack_request_at_a_time():
        building = state.active_pack_runs()
        same = [r for r in building if (r.kind, r.la_code, r.period_end, r.teams) ==
                (kind, asked["la"], period, scope)]
        if not same and len(building) >= MAX_PACKS_BUILDING:
            raise refuse(user, action, {**asked, "reason": "busy"},
                         f"{len(building)} packs are being built already, the most this "
                         "server builds at once. Try again in a minute or two.")
        run, created = state.start_pack_run(kind, asked["la"], period, teams, "dashboard",
                                            user.name)
    if created:
        try:
            worker.start(run.id)
        except OSError as err:
            run = state.fail_pack_run(run.id, f"The build could not be started ({err}).")
    audit(user, action, {**asked, "run": run.id}, 0,
          outcome="changed" if created else "shown")
    return _pack_as_seen(user, run)


def pack_file(user: User, run_id: int) -> tuple[Path, str]:
    """A built pack's PDF, as (path, file name), for a user who may see the run. The path is
    the run's own file name, checked, in the archive folder: never anything from the request.
    A file changed since it was built is not served. Every download and refusal is audited."""
    from dashboard.packs.build import archive_dir

    action = "pack downloaded"
    run = _found_pack(user, run_id, action)
    what = {"run": run.id, "kind": run.kind, "la": run.la_code,
            "period_end": run.period_end.isoformat()}
    archive = archive_dir().resolve()
    path = (archive / run.file).resolve() if run.status == "done" and isinstance(
        run.file, str) and PACK_FILE.fullmatch(run.file) else None
    if path is None or path.parent != archive or not path.is_file() or \
            hashlib.sha256(path.read_bytes()).hexdigest() != run.sha256:
        audit(user, action, {**what, "reason": "no file"}, 0, outcome="refused")
        raise NotFound("no such pack")
    audit(user, action, what, 0, outcome="exported")
    return path, run.file


# --- Annex A child lists (managers only) --------------------------------------------------------
# Ofsted's ILACS Annex A asks for child-level lists within hours of an inspection being
# announced: here the list of children in care at a period end and the list of care leavers
# (the OC3 cohort). Only managers may have them (the issue: "manager-only"), a manager with a
# remit only the children of their teams. Full postcodes never leave this layer: the placement
# postcode is cut to its district here, and the home postcode is used only for the distance.

ANNEX_A_ROLES = frozenset({"manager"})
ANNEX_A_ACTION = "Annex A lists"
# A full UK postcode once spaces are taken out; its last three characters (the inward code)
# are dropped to leave the district. Anything else is not shown at all.
_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"

_ANNEX_A_CHILDREN_IN_CARE = """
    WITH placements AS (
        SELECT p.la_code, p.period_end, p.child, count(*) AS placements
        FROM int_placements p JOIN int_periods w USING (la_code, period_end)
        WHERE p.la_code = $la AND p.period_end = $period AND p.start_date <= p.period_end
          AND (p.end_date IS NULL OR p.end_date > w.window_start)
        GROUP BY ALL),
    missing AS (
        SELECT m.la_code, m.period_end, m.child,
               count(*) FILTER (WHERE m.missing = 'M') AS missing,
               count(*) FILTER (WHERE m.missing = 'A') AS away
        FROM int_missing m JOIN int_periods w USING (la_code, period_end)
        WHERE m.la_code = $la AND m.period_end = $period
          AND m.mis_start BETWEEN w.window_start AND m.period_end
        GROUP BY ALL),
    reviews AS (
        SELECT la_code, period_end, child, max(review) AS latest_review
        FROM int_reviews
        WHERE la_code = $la AND period_end = $period AND review <= period_end
        GROUP BY ALL),
    education AS (
        SELECT la_code, period_end, child, max(pep_review_date) AS latest_pep_review
        FROM stg_education WHERE la_code = $la AND period_end = $period
        GROUP BY ALL),
    children AS (
        SELECT *, upper(replace(pl_post, ' ', '')) AS placed_at,
               upper(replace(home_post, ' ', '')) AS home
        FROM int_cla_at_period_end WHERE la_code = $la AND period_end = $period)
    SELECT c.child, a.sex, c.dob, a.age_at_period_end, c.ethnic, a.is_uasc, c.ls, c.cin,
           c.period_of_care_start, c.period_of_care_start_unknown, c.place, c.place_provider,
           c.placement_start, c.placement_start_unknown,
           CASE WHEN regexp_full_match(c.placed_at, $postcode)
                THEN left(c.placed_at, length(c.placed_at) - 3) END AS placement_district,
           CASE WHEN pl.pcd_abbr IS NOT NULL THEN pl.upper_tier_la <> c.la_code END
               AS placed_outside,
           round(sqrt(power(h.easting - pl.easting, 2) + power(h.northing - pl.northing, 2))
                 / 1609.344, 1) AS miles_from_home,
           coalesce(n.placements, 0) AS placements_12m,
           coalesce(m.missing, 0) AS missing_12m, coalesce(m.away, 0) AS away_12m,
           r.latest_review, e.latest_pep_review, a.social_worker, a.team, a.service_area
    FROM children c
    JOIN int_child_attributes a USING (la_code, period_end, child)
    LEFT JOIN ref_postcodes pl ON pl.pcd_abbr = c.placed_at
    LEFT JOIN ref_postcodes h ON h.pcd_abbr = c.home
    LEFT JOIN placements n USING (la_code, period_end, child)
    LEFT JOIN missing m USING (la_code, period_end, child)
    LEFT JOIN reviews r USING (la_code, period_end, child)
    LEFT JOIN education e USING (la_code, period_end, child)
    WHERE {remit}
    ORDER BY c.child"""

_ANNEX_A_CARE_LEAVERS = """
    WITH header AS (
        SELECT la_code, period_end, child, any_value(ethnic) AS ethnic
        FROM int_header WHERE la_code = $la AND period_end = $period
        GROUP BY ALL)
    SELECT o.child, coalesce(a.sex, 'Not known') AS sex, o.dob, o.age_at_period_end,
           o.age_band, h.ethnic, o.in_touch, o.activ, o.accom,
           coalesce(a.social_worker, 'No social worker') AS social_worker,
           coalesce(a.team, 'Unallocated team') AS team,
           coalesce(a.service_area, 'Unallocated service area') AS service_area
    FROM int_cohort_oc3 o
    LEFT JOIN int_child_attributes a USING (la_code, period_end, child)
    LEFT JOIN header h USING (la_code, period_end, child)
    WHERE o.la_code = $la AND o.period_end = $period
      AND {remit}
    ORDER BY o.child"""

# Counts that need an input table the period's extract lacked are not known, never zero.
_ANNEX_A_NEEDS = {"missing_12m": "Missing", "away_12m": "Missing",
                  "latest_review": "Reviews", "latest_pep_review": "Education"}


def _frame(con, sql: str, params: dict) -> pd.DataFrame:
    """A query's rows as plain Python values (dates as datetime.date, gaps as None), with its
    columns even when there are no rows."""
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=names, dtype=object)


def annex_a_lists(user: User, la: str, period_end: dt.date) -> dict[str, pd.DataFrame]:
    """The children looked after at a period end and the care leavers of its OC3 cohort, one
    row per child sorted by id, as codes and values (dashboard.packs.annex_a words them):
    {"children_in_care": frame, "care_leavers": frame}. Managers only; a manager with a remit
    gets the children of their teams only. Refusals and the export are audited, with the
    council, the period end and the number of rows: never a child's identifier."""
    checked = _commentary_asked(la, None, period_end)
    asked = {"la": checked["la"], "period_end": checked["period"]}
    if user.role not in ANNEX_A_ROLES:
        raise refuse(user, ANNEX_A_ACTION, asked, "The Annex A lists are for managers only.")
    period = _check_commentary_place(user, ANNEX_A_ACTION, la, None, period_end, asked)
    params: dict = {"la": asked["la"], "period": period}
    remit = "true"
    if user.has_remit:
        names = {f"team{i}": team for i, team in enumerate(sorted(user.teams))}
        remit = f"a.team IN ({', '.join('$' + n for n in names) or 'NULL'})"
        params.update(names)
    con = connection()
    children = _frame(con, _ANNEX_A_CHILDREN_IN_CARE.format(remit=remit),
                      {**params, "postcode": _POSTCODE})
    leavers = _frame(con, _ANNEX_A_CARE_LEAVERS.format(
        remit=remit.replace("a.team", "coalesce(a.team, 'Unallocated team')")), params)
    from etl.indicators.engine import sources_loaded

    loaded = sources_loaded(con, asked["la"], period)
    for column, table in _ANNEX_A_NEEDS.items():
        if table not in loaded:
            children[column] = None
    audit(user, ANNEX_A_ACTION, asked, len(children) + len(leavers), outcome="exported")
    return {"children_in_care": children, "care_leavers": leavers}


def annex_a_source(la: str, period_end: dt.date) -> dict:
    """Where the Annex A lists of a period come from (names and dates only, no child data):
    the warehouse file, the period's load, the input tables its extract held, and the dates
    from which the last 12 months' events are covered."""
    from etl.indicators.engine import sources_loaded, windows

    con = connection()
    load = con.execute(
        "SELECT load_id, loaded_at FROM load_log WHERE la_code = ? AND period_end = ? "
        "AND status = 'active' ORDER BY loaded_at DESC LIMIT 1", [la, period_end]).fetchone()
    window = windows(con, la).get(period_end)
    path = warehouse.current()
    return {"warehouse": path.name if path else None,
            "load_id": load[0] if load else None, "loaded_at": load[1] if load else None,
            "tables": sorted(sources_loaded(con, la, period_end)),
            "window_start": window.start if window else None,
            "events_from": window.events_from if window else None,
            "window_complete": window.complete if window else None}
