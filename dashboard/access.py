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

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dashboard import state
from dashboard.warehouse import connection
from etl import settings
from etl.config import ConfigError, LAConfig, config_for, default_code, parse_la_code
from etl.indicators.catalogue import BY_ID
from etl.indicators.engine import BREAKDOWNS, compute, loaded_periods
from etl.indicators.engine import disproportionality as engine_shares
from etl.indicators.engine import loaded_las as _loaded_las
from etl.warehouse.publish import current_path
from schemas.rules import BLANKED, KEPT_OUT, NOT_RECORDED, REPORTED

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
    con = connection()
    return [] if con is None else _loaded_las(con)


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
    return _known_values(current_path(), la)


@lru_cache(maxsize=64)
def _known_values(path, la: str) -> dict[str, set[str]]:
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
    con = connection()
    return [] if con is None else loaded_periods(con, la)


@lru_cache(maxsize=256)
def _indicators(path, la, period_end, breakdown, suppress) -> dict:
    """Cached per published warehouse file and LA: a file never changes once published."""
    return compute(connection(), config(la), period_end, breakdown, suppress)


def indicators(user: User, la: str, period_end: dt.date | None = None,
                breakdown: str | None = None) -> dict:
    """All indicators for an LA and period, overall or by a breakdown, as this user may see
    them: members with disclosure control over every figure they can see together; a manager
    with a remit only the teams (and service areas, and social workers) inside it."""
    if breakdown == "social_worker" and user.role == "member":
        raise refuse(user, "figures refused", {"la": la, "breakdown": breakdown},
                     "members see figures by team at the finest")
    result = _indicators(current_path(), la, period_end, breakdown, user.suppressed)
    if user.has_remit and breakdown in ("team", "service_area", "social_worker"):
        allowed = _remit_groups(user, la, period_end or periods(la)[-1], breakdown)
        result = {**result, "indicators": [r for r in result["indicators"]
                                           if r.get("group") in allowed]}
    return result


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
    {id: [(period, row)]}. With `group` = (breakdown, group), the figures for that group."""
    out: dict[str, list[tuple]] = {}
    if group and periods(la):
        check_group(user, la, periods(la)[-1], group)
    for period in periods(la):
        result = indicators(user, la, period, group[0] if group else None)
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
    rows = _disproportionality(current_path(), la, period_end, indicator_id, breakdown,
                               user.suppressed)
    if user.has_remit and breakdown in ("team", "service_area", "social_worker"):
        allowed = _remit_groups(user, la, period_end, breakdown)
        rows = [r for r in rows if r["group"] in allowed]
    return rows


@lru_cache(maxsize=256)
def _disproportionality(path, la, period_end, indicator_id, breakdown, suppress):
    """Cached per published warehouse file, like _indicators."""
    return engine_shares(connection(), config(la), period_end, indicator_id, breakdown,
                         suppress)


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
        result = _indicators(current_path(), la, period_end, None, user.suppressed)
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
