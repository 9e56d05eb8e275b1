"""The small SQLite state database beside the warehouse: users, the audit log, commentary on
measures and the runs of the board and Ofsted packs.

One file, `<data dir>/state.sqlite`, 0600 in the private data folder, in WAL mode so readers
never wait for a writer. This module is its only owner: nothing else opens the file. The
published warehouse stays immutable; everything that changes while the app runs lives here.

Connections are opened per call and closed before returning: the web app runs several
gunicorn workers with threads, and a SQLite connection must never cross a fork or be shared
between threads. A web request may hold one connection for its own calls, in its own thread,
from its start to its end (`hold_connection`, `release_connection`): it reads the user and the
session and writes its audit entries in turn, and opening a connection costs more than any
of those. Every write takes `BEGIN IMMEDIATE`, so writers queue on the busy timeout instead of
failing half-way, and two workers appending to the audit log at once still make one chain.
A page that audits several views writes their entries together, in one transaction, when it
is done (`audits_together`).

The audit log is append-only (triggers refuse UPDATE and DELETE) and hash-chained: each
entry's hash covers the previous entry's hash and its own fields, so `verify_audit()` finds
an entry changed, deleted or re-hashed with plain SQL. It has no column that could hold a
child's identifier: callers pass validated filters and counts, never children.

Commentary on a measure for a period is kept the same way: never changed or deleted in place
(triggers refuse it), each save a new revision naming who wrote it, in which role, and when,
so an inspector can follow who said what; the current entry is the newest revision.

Each pack run (scheduled, from the dashboard or the command line) is a row that moves from
queued to running to done or failed. A partial unique index lets only one run of the same
pack (kind, council, period end, scope) be queued or running at once, whichever process asks.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import operator
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from etl import settings
from etl.config import ConfigError, parse_la_code
from etl.warehouse.publish import private_data_dir

FILE_NAME = "state.sqlite"
ROLES = ("member", "manager", "analyst", "admin")
SOURCES = ("local", "sso", "demo")
OUTCOMES = ("shown", "exported", "refused", "signed in", "signed out", "failed", "changed")
ALL_TEAMS = "all"  # pass as `teams` for every team (NULL): a manager must say so explicitly
DEMO_USERS = {role: f"demo-{role}" for role in ROLES}
DEMO_PREFIX = "demo-"

MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 takes any length; a cap stops a megabyte "password" per request
MAX_FAILURES = 10
LOCKOUT = dt.timedelta(minutes=15)
BUSY_TIMEOUT_S = 10
MAX_AUDIT_LIMIT = 100_000
GENESIS = "0" * 64  # the prev_hash of the first audit entry

# Letters, digits and . _ - @ (an email address fits); starting with a letter or digit so a
# name never looks like a command-line option.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", re.ASCII)
_TEAM_MAX = 200


class StateError(Exception):
    """A request the state database cannot carry out; the message says why, in plain words."""


# --- the database: one file, opened per call, schema migrated on open ------------------------

# Each version's statements, applied in order to bring a database up to it. To add tables
# (commentary, pack runs), append the next version here; never edit a version once shipped.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
            role TEXT NOT NULL CHECK (role IN ('member', 'manager', 'analyst', 'admin')),
            teams TEXT,          -- JSON list of team names; NULL = every team
            councils TEXT,       -- JSON list of ONS codes; NULL = every council loaded
            password_hash TEXT,  -- argon2id; NULL for single sign-on and demo users
            source TEXT NOT NULL CHECK (source IN ('local', 'sso', 'demo')),
            disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
            sessions_valid_from TEXT NOT NULL,  -- a session started before this is out
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL)""",
        # AUTOINCREMENT: an id is never reused, so entries deleted from the end and then
        # written over still leave a gap that verify_audit() finds.
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            user TEXT NOT NULL,
            role TEXT NOT NULL,
            session TEXT NOT NULL,
            source TEXT NOT NULL,
            action TEXT NOT NULL,
            what TEXT NOT NULL,
            rows INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
        "CREATE INDEX audit_user ON audit (user COLLATE NOCASE, id)",
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ),
    2: (
        # sessions signed out: a copy of the cookie taken before is refused after
        """CREATE TABLE ended_sessions (
            sid TEXT PRIMARY KEY,
            ended_at REAL NOT NULL) WITHOUT ROWID""",
        # fixed-window counters for the sign-in rate limit, shared by every worker
        """CREATE TABLE rate_limits (
            key TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            expires_at REAL NOT NULL) WITHOUT ROWID""",
    ),
    3: (
        # Commentary and an action per measure and period: every revision kept (append-only,
        # like the audit log), the current entry being the highest revision. The limits are
        # checked in write_commentary with plain messages; these CHECKs are the backstop.
        """CREATE TABLE commentary (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            la_code TEXT NOT NULL CHECK (length(la_code) = 9),
            indicator_id TEXT NOT NULL CHECK (length(indicator_id) BETWEEN 1 AND 60),
            period_end TEXT NOT NULL
                CHECK (period_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            revision INTEGER NOT NULL CHECK (revision >= 1),
            commentary TEXT NOT NULL CHECK (length(commentary) <= 1000),
            action TEXT NOT NULL CHECK (length(action) <= 300),
            action_owner TEXT NOT NULL CHECK (length(action_owner) <= 100),
            due_date TEXT NOT NULL CHECK (due_date = '' OR
                due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            author TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 200),
            author_role TEXT NOT NULL
                CHECK (author_role IN ('member', 'manager', 'analyst', 'admin')),
            written_at TEXT NOT NULL,
            UNIQUE (la_code, indicator_id, period_end, revision))""",
        """CREATE TRIGGER commentary_no_update BEFORE UPDATE ON commentary
           BEGIN SELECT RAISE(ABORT, 'commentary is kept as written: save a new revision');
           END""",
        """CREATE TRIGGER commentary_no_delete BEFORE DELETE ON commentary
           BEGIN SELECT RAISE(ABORT, 'commentary is kept as written: save a new revision');
           END""",
    ),
    4: (
        # Board and Ofsted pack runs. `scope` is the teams the pack's figures cover: '' for
        # the whole council, else a JSON list (an Ofsted pack built for a manager's remit).
        """CREATE TABLE pack_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('board', 'ofsted')),
            la_code TEXT NOT NULL CHECK (length(la_code) = 9),
            period_end TEXT NOT NULL
                CHECK (period_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            scope TEXT NOT NULL,
            trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'dashboard', 'command line')),
            job TEXT NOT NULL DEFAULT '',
            requested_by TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
            stage TEXT NOT NULL DEFAULT '',
            requested_at TEXT NOT NULL,
            started_at TEXT,
            heartbeat_at TEXT,
            finished_at TEXT,
            file TEXT,
            sha256 TEXT,
            bytes INTEGER,
            pages INTEGER,
            provenance TEXT,
            error TEXT)""",
        """CREATE UNIQUE INDEX pack_runs_one_at_a_time ON pack_runs
           (kind, la_code, period_end, scope) WHERE status IN ('queued', 'running')""",
        "CREATE INDEX pack_runs_by_period ON pack_runs (la_code, period_end, kind, id)",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)
AUDIT_GUARDS = ("audit_no_update", "audit_no_delete")
COMMENTARY_GUARDS = ("commentary_no_update", "commentary_no_delete")


def path() -> Path:
    """Where the state database lives: `<data dir>/state.sqlite`."""
    return settings.data_dir() / FILE_NAME


def _create_private(file: Path) -> None:
    """Create the file 0600 before SQLite opens it (its WAL and shared-memory files take the
    database file's mode), and tighten one left wider by hand.

    A file that exists is never opened here: closing any descriptor of a file drops every
    POSIX lock the process holds on it, those of another thread's open connection too, and
    SQLite's locks are how it knows who else is using the file. Under gunicorn's threads
    (2 workers, 2 threads, connections held for a request) that open-and-close made other
    requests fail with "disk I/O error" in a few seconds of load."""
    try:
        mode = os.stat(file).st_mode
    except FileNotFoundError:
        fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
        return
    if mode & 0o077:
        os.chmod(file, 0o600)


def _connect() -> sqlite3.Connection:
    file = private_data_dir() / FILE_NAME
    _create_private(file)
    # isolation_level=None: no transactions begun behind our back; writes say BEGIN IMMEDIATE.
    con = sqlite3.connect(file, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        con.execute("PRAGMA foreign_keys = ON")
        if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            con.execute("PRAGMA journal_mode = WAL")
        _migrate(con)
    except BaseException:
        con.close()
        raise
    return con


# A web request's own connection and its deferred audit entries: one thread's, never shared.
_held = threading.local()


def hold_connection() -> None:
    """From now until `release_connection`, this thread's calls share one connection, opened
    at the first of them (a web request's, from its start to its end)."""
    release_connection()
    _held.on = True


def release_connection() -> None:
    """Close the connection `hold_connection` kept, if one was opened."""
    con = getattr(_held, "con", None)
    _held.on, _held.con, _held.file, _held.busy = False, None, None, False
    if con is not None:
        con.close()


def _held_connection() -> sqlite3.Connection:
    """The held connection to the state database of the data folder as it is now."""
    file = settings.data_dir() / FILE_NAME
    if _held.con is None or _held.file != file:
        release_connection()
        _held.on = True
        _held.con, _held.file = _connect(), file
    return _held.con


@contextlib.contextmanager
def _db() -> Iterator[sqlite3.Connection]:
    """A connection for one call, closed after it (or the connection held for this thread's
    request, kept); SQLite's own errors (a damaged file, a database busy beyond the timeout)
    come out as StateError with a plain message."""
    # a call inside another's block gets a connection of its own, as it always has
    held = getattr(_held, "on", False) and not getattr(_held, "busy", False)
    try:
        con = _held_connection() if held else _connect()
    except (sqlite3.Error, OSError) as err:
        if held:
            release_connection()
            _held.on = True
        raise StateError(f"the state database {path()} cannot be used ({err}). If the file is "
                         "damaged, restore it from a backup.") from None
    if held:
        _held.busy = True
    failed = False
    try:
        yield con
    except sqlite3.Error as err:
        failed = True
        raise StateError(f"the state database {path()} could not be read or written "
                         f"({err}). If this persists, restore it from a backup.") from None
    finally:
        if not held:
            con.close()
        elif failed or con.in_transaction:  # never carry a failed write into the next call
            release_connection()
            _held.on = True
        else:
            _held.busy = False


@contextlib.contextmanager
def _writing(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taking the write lock at once so that what is read inside it
    (the last audit hash, a failure count) cannot change before it is written."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _migrate(con: sqlite3.Connection) -> None:
    version = con.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StateError(f"the state database {path()} is from a newer version of this app "
                         f"(schema {version}; this one knows up to {SCHEMA_VERSION}). "
                         "Upgrade the app.")
    with _writing(con):
        # Read again under the lock: another process may have migrated while we waited.
        version = con.execute("PRAGMA user_version").fetchone()[0]
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[step]:
                con.execute(statement)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def schema_version() -> int:
    """The schema version of the state database (migrated to the newest on first use)."""
    with _db() as con:
        return con.execute("PRAGMA user_version").fetchone()[0]


# --- time: UTC ISO text, to the microsecond so a reset and a sign-in in one second order -----

def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def _parse_time(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


# --- users -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class UserRecord:
    """A user as stored, without the password hash (nothing that prints a record can leak
    one)."""
    name: str
    role: str
    teams: tuple[str, ...] | None      # None = every team
    councils: tuple[str, ...] | None   # None = every council loaded
    source: str                        # local, sso or demo
    disabled: bool
    has_password: bool
    sessions_valid_from: dt.datetime   # a session that started before this is out
    failed_logins: int
    locked_until: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or _now())

    @property
    def status(self) -> str:
        """enabled, disabled or locked (too many failed sign-ins, for a while)."""
        if self.disabled:
            return "disabled"
        return "locked" if self.locked() else "enabled"

    def session_valid(self, started_at: dt.datetime) -> bool:
        """Whether a session that started at `started_at` (aware) may go on."""
        return not self.disabled and started_at >= self.sessions_valid_from


_USER_COLUMNS = ("name, role, teams, councils, password_hash, source, disabled, "
                 "sessions_valid_from, failed_logins, locked_until, created_at, updated_at")


def _shown(name: object) -> str:
    """A name for a message, cut short: it may be whatever someone typed."""
    text = str(name)
    return repr(text if len(text) <= 64 else text[:60] + "...")


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise StateError(f"{_shown(name)} is not a usable user name: use 1 to 64 letters, "
                         "digits, dots, underscores, hyphens or @, starting with a letter or "
                         "digit.")
    return name


def _check_role(role: object) -> str:
    if role not in ROLES:
        raise StateError(f"{_shown(role)} is not a role: use one of {', '.join(ROLES)}.")
    return str(role)


def _teams_json(role: str, teams: Iterable[str] | str | None) -> str | None:
    """Teams as stored: a JSON list, or NULL for every team. A manager's remit is never
    every team by default: it has to be asked for with ALL_TEAMS."""
    if teams == ALL_TEAMS:
        return None
    if teams is None:
        if role == "manager":
            raise StateError("a manager needs teams: name the teams they manage, or give "
                             f"{ALL_TEAMS!r} for every team.")
        return None
    if isinstance(teams, (str, bytes)):  # a lone string would be read letter by letter
        raise StateError(f"give teams as a list of names, or {ALL_TEAMS!r}.")
    names: list[str] = []
    for team in teams:
        if not isinstance(team, str) or not team.strip():
            raise StateError("a team name cannot be blank.")
        team = team.strip()
        if len(team) > _TEAM_MAX or not team.isprintable():
            raise StateError(f"{_shown(team)} is not a usable team name (at most {_TEAM_MAX} "
                             "printable characters).")
        if team not in names:
            names.append(team)
    if not names:
        raise StateError(f"give at least one team, or {ALL_TEAMS!r} for every team.")
    return json.dumps(names, ensure_ascii=False)


def _councils_json(councils: Iterable[str] | None) -> str | None:
    if councils is None:
        return None
    if isinstance(councils, (str, bytes)):
        raise StateError("give councils as a list of ONS codes.")
    codes: list[str] = []
    for code in councils:
        try:
            code = parse_la_code(code)
        except ConfigError as err:
            raise StateError(str(err)) from None
        if code not in codes:
            codes.append(code)
    if not codes:
        raise StateError("give at least one council, or none at all for every council.")
    return json.dumps(codes)


def _check_password_text(password: object) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise StateError(f"a password needs at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise StateError(f"a password can have at most {MAX_PASSWORD} characters.")
    return password


# argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile). Tests swap in cheaper
# parameters; a stored hash made with other parameters is rehashed at the next sign-in.
_hasher = PasswordHasher()
_dummy_hashes: dict[tuple, str] = {}


def _hash(password: str) -> str:
    return _hasher.hash(_check_password_text(password))


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except InvalidHashError:  # a damaged hash fails closed, taking the usual time
        _spend_hashing_time(password)
        return False
    except VerificationError:  # the mismatch, and argon2's other refusals
        return False


def _spend_hashing_time(password: object) -> None:
    """Verify against a hash of nothing, so a sign-in for a name that does not exist (or is
    disabled, locked or has no password) takes as long as one with a wrong password."""
    key = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism, _hasher.hash_len,
           _hasher.salt_len, _hasher.type)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash(os.urandom(16).hex())
    text = password[:MAX_PASSWORD] if isinstance(password, str) else ""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hashes[key], text)


def _row(con: sqlite3.Connection, name: str) -> dict | None:
    cursor = con.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE name = ?", [name])
    found = cursor.fetchone()
    return None if found is None else dict(zip([d[0] for d in cursor.description], found))


def _need(con: sqlite3.Connection, name: object) -> dict:
    found = _row(con, name) if isinstance(name, str) and _NAME.fullmatch(name) else None
    if found is None:
        raise StateError(f"there is no user named {_shown(name)}.")
    return found


def _record(row: dict) -> UserRecord:
    def as_tuple(text):
        return None if text is None else tuple(json.loads(text))
    return UserRecord(
        name=row["name"], role=row["role"], teams=as_tuple(row["teams"]),
        councils=as_tuple(row["councils"]), source=row["source"],
        disabled=bool(row["disabled"]), has_password=row["password_hash"] is not None,
        sessions_valid_from=_parse_time(row["sessions_valid_from"]),
        failed_logins=row["failed_logins"], locked_until=_parse_time(row["locked_until"]),
        created_at=_parse_time(row["created_at"]), updated_at=_parse_time(row["updated_at"]))


def _insert(con, name, role, teams, councils, password_hash, source) -> None:
    now = _iso(_now())
    try:
        con.execute(
            "INSERT INTO users (name, role, teams, councils, password_hash, source, disabled, "
            "sessions_valid_from, failed_logins, locked_until, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?, 0, NULL, ?, ?)",
            [name, role, teams, councils, password_hash, source, now, now, now])
    except sqlite3.IntegrityError:
        raise StateError(f"there is already a user named {_shown(name)} (names are not case "
                         "sensitive).") from None


def add_user(name: str, role: str, teams: Iterable[str] | str | None = None,
             councils: Iterable[str] | None = None, password: str | None = None,
             source: str = "local") -> UserRecord:
    """Add a user. `teams`: a list, or ALL_TEAMS / None for every team (a manager must give
    a list or ALL_TEAMS); `councils`: ONS codes, or None for every council loaded; only local
    users have a password. Raises StateError on a duplicate or unusable name, a bad role or
    source, a manager without teams, or a password under 12 characters."""
    name, role = _check_name(name), _check_role(role)
    if source not in SOURCES:
        raise StateError(f"{_shown(source)} is not a source: use one of {', '.join(SOURCES)}.")
    if name.lower().startswith(DEMO_PREFIX) and source != "demo":
        raise StateError(f"names starting {DEMO_PREFIX!r} are kept for the demo users.")
    if password is not None and source != "local":
        raise StateError("only local users have a password: single sign-on and demo users "
                         "sign in another way.")
    teams_json, councils_json = _teams_json(role, teams), _councils_json(councils)
    hashed = None if password is None else _hash(password)  # slow: outside the write lock
    with _db() as con, _writing(con):
        _insert(con, name, role, teams_json, councils_json, hashed, source)
        return _record(_row(con, name))


def get_user(name: str) -> UserRecord | None:
    """The user of that name (any case), or None."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return None
    with _db() as con:
        found = _row(con, name)
    return None if found is None else _record(found)


def list_users() -> list[UserRecord]:
    """Every user, by name."""
    with _db() as con:
        cursor = con.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name COLLATE NOCASE")
        columns = [d[0] for d in cursor.description]
        return [_record(dict(zip(columns, found))) for found in cursor.fetchall()]


def disable_user(name: str) -> UserRecord:
    """Stop a user signing in, and end every session they have."""
    with _db() as con, _writing(con):
        found = _need(con, name)
        now = _iso(_now())
        con.execute("UPDATE users SET disabled = 1, sessions_valid_from = ?, updated_at = ? "
                    "WHERE name = ?", [now, now, found["name"]])
        return _record(_row(con, found["name"]))


def enable_user(name: str) -> UserRecord:
    """Let a disabled (or locked) user sign in again."""
    with _db() as con, _writing(con):
        found = _need(con, name)
        con.execute("UPDATE users SET disabled = 0, failed_logins = 0, locked_until = NULL, "
                    "updated_at = ? WHERE name = ?", [_iso(_now()), found["name"]])
        return _record(_row(con, found["name"]))


def reset_password(name: str, password: str) -> UserRecord:
    """Give a local user a new password and sign them out everywhere (sessions started before
    now are out); clears a lock."""
    hashed = _hash(password)
    with _db() as con, _writing(con):
        found = _need(con, name)
        if found["source"] != "local":
            how = ("the council's single sign-on" if found["source"] == "sso"
                   else "the demo sign-in page")
            raise StateError(f"{_shown(found['name'])} signs in through {how}, so has no "
                             "password here.")
        now = _iso(_now())
        con.execute("UPDATE users SET password_hash = ?, sessions_valid_from = ?, "
                    "failed_logins = 0, locked_until = NULL, updated_at = ? WHERE name = ?",
                    [hashed, now, now, found["name"]])
        return _record(_row(con, found["name"]))


def check_password(name: str, password: str) -> UserRecord | None:
    """The user, if `password` is theirs and they may sign in; else None.

    Always spends one argon2 verification, so the time taken does not tell whether a name
    exists. Disabled and locked users fail without their password being tried. Ten failures
    in a row lock the account for 15 minutes; a success clears the count, and rehashes the
    password if the hashing parameters have changed since it was set."""
    found = None
    if isinstance(name, str) and _NAME.fullmatch(name) and isinstance(password, str) \
            and len(password) <= MAX_PASSWORD:
        with _db() as con:
            found = _row(con, name)
    if (found is None or found["password_hash"] is None or found["source"] != "local"
            or found["disabled"] or _is_locked(found)):
        _spend_hashing_time(password)
        return None
    ok = _verify(found["password_hash"], password)
    new_hash = None
    if ok and _hasher.check_needs_rehash(found["password_hash"]):
        new_hash = _hasher.hash(password)  # before the write lock: hashing is slow
    return _settle_attempt(found, ok, new_hash)


def _is_locked(row: dict) -> bool:
    until = _parse_time(row["locked_until"])
    return until is not None and until > _now()


def _settle_attempt(seen: dict, ok: bool, new_hash: str | None) -> UserRecord | None:
    """Count a failure or clear the count, judging by the row as it is now: it may have been
    reset, disabled or locked while the password was being checked."""
    with _db() as con, _writing(con):
        row = _row(con, seen["name"])
        if (row is None or row["password_hash"] != seen["password_hash"] or row["disabled"]
                or _is_locked(row)):
            return None
        if not ok:
            failures = row["failed_logins"] + 1
            if failures >= MAX_FAILURES:  # lock, and start counting afresh when it ends
                con.execute("UPDATE users SET failed_logins = 0, locked_until = ? "
                            "WHERE name = ?", [_iso(_now() + LOCKOUT), row["name"]])
            else:
                con.execute("UPDATE users SET failed_logins = ? WHERE name = ?",
                            [failures, row["name"]])
            return None
        con.execute("UPDATE users SET failed_logins = 0, locked_until = NULL, "
                    "password_hash = ? WHERE name = ?",
                    [new_hash or row["password_hash"], row["name"]])
        return _record(_row(con, row["name"]))


def upsert_sso_user(name: str, role: str, teams: Iterable[str] | str | None) -> UserRecord:
    """The user signing in through the council's single sign-on, created or brought up to
    date with the role and teams from its group claims. A disabled user stays disabled (the
    caller must check `.disabled`); a local or demo user of the same name is never taken
    over."""
    name, role = _check_name(name), _check_role(role)
    if name.lower().startswith(DEMO_PREFIX):
        raise StateError(f"names starting {DEMO_PREFIX!r} are kept for the demo users.")
    teams_json = _teams_json(role, teams)
    with _db() as con, _writing(con):
        found = _row(con, name)
        if found is None:
            _insert(con, name, role, teams_json, None, None, "sso")
        elif found["source"] != "sso":
            raise StateError(f"{_shown(found['name'])} is a {found['source']} user, not one "
                             "from single sign-on; an administrator must rename or remove one "
                             "of them.")
        else:
            con.execute("UPDATE users SET role = ?, teams = ?, updated_at = ? "
                        "WHERE name = ? AND (role IS NOT ? OR teams IS NOT ?)",
                        [role, teams_json, _iso(_now()), found["name"], role, teams_json])
        return _record(_row(con, name))


def ensure_demo_users(manager_teams: list[str] | str) -> list[UserRecord]:
    """Exactly one enabled demo user per role (demo-member, demo-manager, demo-analyst,
    demo-admin), created or refreshed: no password (they sign in only from the demo sign-in
    page of `make run`), every council, and the manager's teams = `manager_teams`. Any other
    demo user an older version made is disabled. With no teams loaded yet the demo manager
    gets an empty remit (sees no team) rather than stopping the demo from starting."""
    empty = isinstance(manager_teams, (list, tuple)) and not manager_teams
    manager = "[]" if empty else _teams_json("manager", manager_teams)
    records = []
    with _db() as con, _writing(con):
        for role, name in DEMO_USERS.items():
            teams = manager if role == "manager" else None
            found = _row(con, name)
            if found is None:
                _insert(con, name, role, teams, None, None, "demo")
            elif found["source"] != "demo":
                raise StateError(f"{_shown(found['name'])} is a {found['source']} user; the "
                                 "demo users need that name. Rename or remove that user.")
            else:
                con.execute(
                    "UPDATE users SET role = ?, teams = ?, councils = NULL, "
                    "password_hash = NULL, disabled = 0, failed_logins = 0, "
                    "locked_until = NULL, updated_at = ? WHERE name = ? AND (role IS NOT ? "
                    "OR teams IS NOT ? OR councils IS NOT NULL OR password_hash IS NOT NULL "
                    "OR disabled OR failed_logins OR locked_until IS NOT NULL)",
                    [role, teams, _iso(_now()), name, role, teams])
            records.append(_record(_row(con, name)))
        now = _iso(_now())
        names = list(DEMO_USERS.values())
        con.execute(f"UPDATE users SET disabled = 1, sessions_valid_from = ?, updated_at = ? "
                    f"WHERE source = 'demo' AND NOT disabled "
                    f"AND name NOT IN ({', '.join('?' for _ in names)})", [now, now, *names])
    return records


def has_sign_in_method() -> bool:
    """Whether anyone can sign in with a password: an enabled local user that has one."""
    with _db() as con:
        return con.execute(
            "SELECT 1 FROM users WHERE source = 'local' AND NOT disabled "
            "AND password_hash IS NOT NULL LIMIT 1").fetchone() is not None


# --- the audit log: append-only, hash-chained --------------------------------------------------

_AUDIT_FIELDS = ("id", "at", "user", "role", "session", "source", "action", "what", "rows",
                 "outcome")
# Text from requests (an address, a session id) is cut to these lengths, so a forged header
# cannot bloat the log.
_AUDIT_LENGTHS = {"user": 200, "role": 20, "session": 128, "source": 200, "action": 200}


def _entry_hash(prev_hash: str, entry: Mapping) -> str:
    """sha256 over the previous entry's hash and a canonical JSON of this entry's fields
    (its id included, so renumbering rows breaks the chain)."""
    canonical = json.dumps({field: entry[field] for field in _AUDIT_FIELDS}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{prev_hash}{canonical}".encode()).hexdigest()


def audit(user: str, role: str, action: str, what: Mapping, rows: int, outcome: str,
          session: str = "", source: str = "") -> int | None:
    """Append one entry to the audit log; returns its id (None inside `audits_together`,
    which writes it when its block ends). `what` is the validated filters (never a child's
    identifier); `outcome` one of OUTCOMES; `session` an opaque session id (never the
    cookie); `source` the client's address."""
    if outcome not in OUTCOMES:
        raise StateError(f"{_shown(outcome)} is not an audit outcome: use one of "
                         f"{', '.join(OUTCOMES)}.")
    if not isinstance(what, Mapping):
        raise StateError("what an audit entry is about must be a mapping of filters.")
    try:
        count = operator.index(rows)
    except TypeError:
        raise StateError("an audit entry's rows must be a whole number.") from None
    if count < 0:
        raise StateError("an audit entry's rows cannot be negative.")
    texts = {field: str(value)[:_AUDIT_LENGTHS[field]] for field, value in
             {"user": user, "role": role, "session": session, "source": source,
              "action": action}.items()}
    try:
        filters = json.dumps(dict(what), sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # keys that are not text, or a value that refers to itself
        raise StateError("what an audit entry is about must be filters with text keys.") \
            from None
    entry = {**texts, "what": filters, "rows": count, "outcome": outcome}
    _held.made = audits_made() + 1
    waiting = getattr(_held, "audits", None)
    if waiting is not None:
        waiting.append(entry)
        return None
    return _append_audit([entry])[0]


def audits_made() -> int:
    """How many audit entries this thread has made so far (written or waiting to be): a
    part of a page whose making audited a view is one to make afresh for every view."""
    return getattr(_held, "made", 0)


def _append_audit(entries: list[dict]) -> list[int]:
    """Write entries to the end of the audit log, in order, in one transaction; their ids."""
    with _db() as con, _writing(con):
        # Under the write lock: no other writer can take these ids or link to the same entry.
        seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        last = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        next_id = (seq[0] if seq else 0) + 1
        prev_hash = last[0] if last else GENESIS
        for entry in entries:
            entry["id"], entry["at"] = next_id, _iso(_now())
            entry_hash = _entry_hash(prev_hash, entry)
            con.execute(f"INSERT INTO audit ({', '.join(_AUDIT_FIELDS)}, prev_hash, hash) "
                        f"VALUES ({', '.join('?' for _ in _AUDIT_FIELDS)}, ?, ?)",
                        [*(entry[field] for field in _AUDIT_FIELDS), prev_hash, entry_hash])
            next_id, prev_hash = next_id + 1, entry_hash
    return [entry["id"] for entry in entries]


@contextlib.contextmanager
def audits_together() -> Iterator[None]:
    """This thread's audit entries made inside the block are written when it ends, together,
    in one transaction (a page that shows the rows of several checks audits each view): all
    of them, also when the block ends in an error, before anything it made is returned. One
    that cannot be written raises StateError then, as `audit` would have. Inside another
    such block, the outer one writes them."""
    if getattr(_held, "audits", None) is not None:
        yield
        return
    _held.audits = []
    try:
        yield
    finally:
        entries, _held.audits = _held.audits, None
        if entries:
            _append_audit(entries)


def _since_text(since: dt.datetime | dt.date | str | None) -> str | None:
    if since is None:
        return None
    if isinstance(since, str):
        try:
            since = dt.datetime.fromisoformat(since.strip())
        except ValueError:
            raise StateError(f"{_shown(since)} is not a date and time (YYYY-MM-DD or "
                             "YYYY-MM-DDTHH:MM).") from None
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time())
    if since.tzinfo is None:  # a time without a zone is taken as UTC, as the log is
        since = since.replace(tzinfo=dt.timezone.utc)
    return _iso(since)


def audit_entries(limit: int = 200, user: str | None = None, outcome: str | None = None,
                  since: dt.datetime | dt.date | str | None = None) -> list[dict]:
    """The newest audit entries first, at most `limit`, optionally for one user (any case),
    one outcome, or at or after `since`. Each is a dict of the entry's fields, `what` as a
    dict."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not \
            1 <= limit <= MAX_AUDIT_LIMIT:
        raise StateError(f"the number of entries must be between 1 and {MAX_AUDIT_LIMIT:,}.")
    if outcome is not None and outcome not in OUTCOMES:
        raise StateError(f"{_shown(outcome)} is not an audit outcome: use one of "
                         f"{', '.join(OUTCOMES)}.")
    since_text = _since_text(since)
    with _db() as con:
        cursor = con.execute(
            f"SELECT {', '.join(_AUDIT_FIELDS)} FROM audit "
            "WHERE (?1 IS NULL OR user = ?1 COLLATE NOCASE) AND (?2 IS NULL OR outcome = ?2) "
            "AND (?3 IS NULL OR at >= ?3) ORDER BY id DESC LIMIT ?4",
            [user, outcome, since_text, limit])
        found = [dict(zip(_AUDIT_FIELDS, row)) for row in cursor.fetchall()]
    for entry in found:
        try:
            entry["what"] = json.loads(entry["what"])
        except (TypeError, ValueError):  # changed by hand: shown as it is; verify tells
            pass
    return found


def audit_count() -> int:
    with _db() as con:
        return con.execute("SELECT count(*) FROM audit").fetchone()[0]


def _missing(first: int, last: int, at_end: bool = False) -> str:
    where = " at the end of the log" if at_end else ""
    if first == last:
        return f"Row {first}{where} is missing: it was deleted from the audit log."
    return f"Rows {first} to {last}{where} are missing: they were deleted from the audit log."


def verify_audit() -> list[str]:
    """Check the whole chain: [] when intact, else one plain sentence per problem, naming the
    row: a row changed after it was written, a row deleted (a gap in the ids), a hash edited,
    a row that no longer links to the one before it, or the append-only guard removed."""
    problems: list[str] = []
    with _db() as con:
        guards = {row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")}
        for guard in AUDIT_GUARDS:
            if guard not in guards:
                problems.append(f"The audit log's append-only guard ({guard}) has been "
                                "removed, so rows could be changed or deleted.")
        seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        cursor = con.execute(f"SELECT {', '.join(_AUDIT_FIELDS)}, prev_hash, hash FROM audit "
                             "ORDER BY id")
        last_id = _check_chain(cursor, problems)
    if seq and seq[0] > last_id:
        problems.append(_missing(last_id + 1, seq[0], at_end=True))
    return problems


def _check_chain(cursor: Iterable[tuple], problems: list[str]) -> int:
    """Walk the entries in id order, appending a sentence per problem; returns the last id.

    A row whose hash does not match its fields is judged by the row after it: if that row
    still links to the hash the fields give, the stored hash was edited; otherwise the
    fields were changed."""
    previous_id, expected_prev = 0, GENESIS
    suspect: tuple[int, str] | None = None  # (id, the hash its fields give)
    for values in cursor:
        entry = dict(zip((*_AUDIT_FIELDS, "prev_hash", "hash"), values))
        row_id, gap = entry["id"], entry["id"] != previous_id + 1
        if gap:
            problems.append(_missing(previous_id + 1, row_id - 1))
        explained = False
        if suspect is not None:
            bad_id, true_hash = suspect
            if not gap and entry["prev_hash"] == true_hash:
                problems.append(f"Row {bad_id}'s hash was edited: it no longer matches the "
                                f"row, while row {row_id} still links to the original.")
                explained = True
            else:
                problems.append(f"Row {bad_id} was changed after it was written: it no longer "
                                "matches its hash.")
            suspect = None
        if not gap and not explained and entry["prev_hash"] != expected_prev:
            problems.append(f"Row {row_id} does not link to row {previous_id} before it: row "
                            f"{previous_id} was rewritten with a new hash, or rows were "
                            "replaced.")
        true_hash = _entry_hash(entry["prev_hash"], entry)
        if true_hash != entry["hash"]:
            suspect = (row_id, true_hash)
        previous_id, expected_prev = row_id, entry["hash"]
    if suspect is not None:
        problems.append(f"Row {suspect[0]}, the last, no longer matches its hash: its "
                        "contents or its hash were changed after it was written.")
    return previous_id


# --- sessions ended and rate-limit counters (the web app's, shared by its workers) -----------

def end_session(sid: str, keep_seconds: float) -> None:
    """Remember a signed-out session for as long as its cookie could still be valid."""
    if not sid:
        return
    now = time.time()
    with _db() as con, _writing(con):
        con.execute("DELETE FROM ended_sessions WHERE ended_at < ?", [now - keep_seconds])
        con.execute("INSERT OR REPLACE INTO ended_sessions VALUES (?, ?)", [sid[:64], now])


def session_ended(sid: str) -> bool:
    with _db() as con:
        return con.execute("SELECT 1 FROM ended_sessions WHERE sid = ?",
                           [sid[:64]]).fetchone() is not None


def rate_incr(key: str, expiry: float, amount: int = 1) -> int:
    """Add to a counter that starts afresh once it expires; the new count."""
    now = time.time()
    with _db() as con, _writing(con):
        con.execute("DELETE FROM rate_limits WHERE expires_at <= ?", [now])
        con.execute("INSERT INTO rate_limits VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
                    "SET count = count + excluded.count", [key[:200], amount, now + expiry])
        return con.execute("SELECT count FROM rate_limits WHERE key = ?",
                           [key[:200]]).fetchone()[0]


def rate_get(key: str) -> tuple[int, float]:
    """(count, when it expires), or (0, now) for no live counter."""
    now = time.time()
    with _db() as con:
        row = con.execute("SELECT count, expires_at FROM rate_limits WHERE key = ? AND "
                          "expires_at > ?", [key[:200], now]).fetchone()
    return (row[0], row[1]) if row else (0, now)


def rate_clear(key: str | None = None) -> None:
    with _db() as con, _writing(con):
        if key is None:
            con.execute("DELETE FROM rate_limits")
        else:
            con.execute("DELETE FROM rate_limits WHERE key = ?", [key[:200]])


# --- commentary and actions per measure and period -------------------------------------------

MAX_COMMENTARY = 1000
MAX_ACTION = 300
MAX_OWNER = 100
EARLIEST_DUE, LATEST_DUE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_INDICATOR_ID = re.compile(r"[a-z0-9_]{1,60}", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Characters that change how text around them is shown without showing themselves: the
# bidirectional marks, embeddings, overrides and isolates (a line that reads one way and says
# another), and the byte-order mark.
_INVISIBLE = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069\ufeff")


class CommentaryError(StateError):
    """Commentary that cannot be saved as written (too long, a due date that is not a date);
    the message says what to change."""


@dataclass(frozen=True)
class Commentary:
    """One revision of the commentary on a measure for a period. An entry with neither
    commentary nor action is a clearing: the history keeps it, readers are shown nothing."""
    la_code: str
    indicator_id: str
    period_end: dt.date
    revision: int
    text: str
    action: str
    owner: str
    due: dt.date | None
    author: str
    author_role: str
    written_at: dt.datetime  # UTC

    @property
    def cleared(self) -> bool:
        return not self.text and not self.action


_COMMENTARY_COLUMNS = ("la_code, indicator_id, period_end, revision, commentary, action, "
                       "action_owner, due_date, author, author_role, written_at")


def _commentary(row: tuple) -> Commentary:
    (la, indicator, period, revision, text, action, owner, due, author, role, at) = row
    return Commentary(la, indicator, dt.date.fromisoformat(period), revision, text, action,
                      owner, dt.date.fromisoformat(due) if due else None, author, role,
                      _parse_time(at))


def _clean(value: object, what: str, limit: int, lines: bool) -> str:
    """Text as typed, without control characters, invisible direction marks or lone
    surrogates (which SQLite cannot store), trimmed; one line unless `lines`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CommentaryError(f"The {what} must be text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if not lines:
        text = text.replace("\n", " ")
    text = "".join(c for c in text if c == "\n" or (
        unicodedata.category(c) not in ("Cc", "Cs") and c not in _INVISIBLE))
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if len(text) > limit:
        raise CommentaryError(f"The {what} is {len(text):,} characters long: it can be at "
                              f"most {limit:,}. Shorten it and save again.")
    return text


def _due_date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
        except ValueError:
            value = None
    if not isinstance(value, dt.date):
        raise CommentaryError("The due date is not a real date: give a day, month and year "
                              "(for example 31/01/2027).")
    if not EARLIEST_DUE <= value <= LATEST_DUE:
        raise CommentaryError(f"The due date {value:%-d %b %Y} is out of range: give a date "
                              f"between {EARLIEST_DUE.year} and {LATEST_DUE.year}.")
    return value


def _commentary_key(la_code: str, indicator_id: str,
                    period_end: dt.date | str) -> tuple[str, str, str]:
    """The measure and period, checked: the data layer has already matched them against the
    councils, the catalogue and the periods loaded; this stops anything else being stored."""
    try:
        la = parse_la_code(la_code)
    except ConfigError as err:
        raise StateError(str(err)) from None
    if not isinstance(indicator_id, str) or not _INDICATOR_ID.fullmatch(indicator_id):
        raise StateError(f"{_shown(indicator_id)} is not a measure's id.")
    if isinstance(period_end, str) and _ISO_DATE.fullmatch(period_end):
        try:
            period_end = dt.date.fromisoformat(period_end)
        except ValueError:
            pass
    if isinstance(period_end, dt.datetime) or not isinstance(period_end, dt.date):
        raise StateError(f"{_shown(period_end)} is not a period end (a date).")
    return la, indicator_id, period_end.isoformat()


def write_commentary(la_code: str, indicator_id: str, period_end: dt.date, text: str | None,
                     action: str | None, owner: str | None, due: dt.date | str | None,
                     author: str, author_role: str) -> Commentary:
    """Save a new revision of the commentary and action on a measure for a period; returns it.
    Text loses control characters and surrounding space; an empty commentary and action
    clears the entry (a revision with nothing in it, so the history shows who cleared it).
    Raises CommentaryError, with a plain message, for text too long, a due date that is not a
    real date, or an owner or due date without an action. Who may write is the data layer's
    decision (access.save_commentary), not this module's."""
    key = _commentary_key(la_code, indicator_id, period_end)
    text = _clean(text, "commentary", MAX_COMMENTARY, lines=True)
    action = _clean(action, "action", MAX_ACTION, lines=False)
    owner = _clean(owner, "action's owner", MAX_OWNER, lines=False)
    due_date = _due_date(due)
    if not action and (owner or due_date):
        raise CommentaryError("An owner or a due date needs an action: write the action, or "
                              "clear the owner and due date.")
    if not isinstance(author, str) or not author.strip():
        raise StateError("commentary needs the name of who wrote it.")
    role = _check_role(author_role)
    values = (text, action, owner, "" if due_date is None else due_date.isoformat(),
              author.strip()[:_AUDIT_LENGTHS["user"]], role, _iso(_now()))
    with _db() as con, _writing(con):
        # under the write lock: two people saving at once get revisions n and n + 1
        revision = con.execute(
            "SELECT coalesce(max(revision), 0) + 1 FROM commentary WHERE la_code = ? "
            "AND indicator_id = ? AND period_end = ?", key).fetchone()[0]
        row = (*key, revision, *values)
        con.execute(f"INSERT INTO commentary ({_COMMENTARY_COLUMNS}) "
                    f"VALUES ({', '.join('?' for _ in row)})", row)
    return _commentary(row)


def commentary_for(la_code: str, period_end: dt.date | str) -> dict[str, Commentary]:
    """{indicator id: the current commentary} for a council and period: the newest revision
    of each measure's, leaving out those last cleared."""
    la, _, period = _commentary_key(la_code, "any", period_end)
    with _db() as con:
        rows = con.execute(
            f"SELECT {_COMMENTARY_COLUMNS} FROM commentary c WHERE la_code = ? AND "
            "period_end = ? AND revision = (SELECT max(revision) FROM commentary n WHERE "
            "n.la_code = c.la_code AND n.indicator_id = c.indicator_id AND "
            "n.period_end = c.period_end) ORDER BY indicator_id", [la, period]).fetchall()
    entries = (_commentary(row) for row in rows)
    return {entry.indicator_id: entry for entry in entries if not entry.cleared}


def commentary_history(la_code: str, indicator_id: str,
                       period_end: dt.date | str) -> list[Commentary]:
    """Every revision of the commentary on a measure for a period, oldest first, clearings
    included: who wrote what, in which role, and when."""
    key = _commentary_key(la_code, indicator_id, period_end)
    with _db() as con:
        rows = con.execute(
            f"SELECT {_COMMENTARY_COLUMNS} FROM commentary WHERE la_code = ? AND "
            "indicator_id = ? AND period_end = ? ORDER BY revision", key).fetchall()
    return [_commentary(row) for row in rows]


# --- board and Ofsted pack runs ----------------------------------------------------------------

PACK_KINDS = ("board", "ofsted")
PACK_TRIGGERS = ("schedule", "dashboard", "command line")
# A run whose builder has not been heard of for this long died without saying so (the
# process was killed): it no longer holds its pack's place.
PACK_STALE = dt.timedelta(minutes=10)
MAX_PACK_ERROR = 2000


@dataclass(frozen=True)
class PackRun:
    id: int
    kind: str
    la_code: str
    period_end: dt.date
    teams: tuple[str, ...] | None     # the teams its figures cover; None = the whole council
    trigger: str
    job: str
    requested_by: str
    attempt: int
    status: str                       # queued, running, done or failed
    stage: str                        # what it is doing now, in words
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    file: str | None                  # the file's name in the archive folder
    sha256: str | None
    bytes: int | None
    pages: int | None
    provenance: dict | None
    error: str | None

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")


_PACK_COLUMNS = ("id, kind, la_code, period_end, scope, trigger, job, requested_by, attempt, "
                 "status, stage, requested_at, started_at, finished_at, file, sha256, bytes, "
                 "pages, provenance, error")


def _pack_run(row: tuple) -> PackRun:
    (id_, kind, la, period, scope, trigger, job, by, attempt, status, stage, requested,
     started, finished, file, sha, size, pages, provenance, error) = row
    return PackRun(id_, kind, la, dt.date.fromisoformat(period),
                   tuple(json.loads(scope)) if scope else None, trigger, job, by, attempt,
                   status, stage, _parse_time(requested), _parse_time(started),
                   _parse_time(finished), file, sha, size, pages,
                   json.loads(provenance) if provenance else None, error)


def _pack_scope(teams: Iterable[str] | None) -> str:
    return "" if teams is None else json.dumps(sorted(set(teams)))


def _expire_stale_runs(con: sqlite3.Connection) -> None:
    """Mark failed the runs whose builder stopped being heard of (killed, or the machine
    restarted), so their pack can be built again."""
    cutoff = _iso(_now() - PACK_STALE)
    con.execute("UPDATE pack_runs SET status = 'failed', finished_at = ?, error = "
                "'The build stopped without finishing (its process ended).' "
                "WHERE status IN ('queued', 'running') AND coalesce(heartbeat_at, "
                "requested_at) < ?", [_iso(_now()), cutoff])


def start_pack_run(kind: str, la_code: str, period_end: dt.date, teams: Iterable[str] | None,
                   trigger: str, requested_by: str, job: str = "", attempt: int = 1
                   ) -> tuple[PackRun, bool]:
    """Queue a pack run: (the run, True), or (the run already queued or running for the same
    pack, False), so the same pack is never built twice at once."""
    if kind not in PACK_KINDS:
        raise StateError(f"{_shown(kind)} is not a kind of pack ({', '.join(PACK_KINDS)}).")
    if trigger not in PACK_TRIGGERS:
        raise StateError(f"{_shown(trigger)} is not a way a pack is asked for.")
    la, _, period = _commentary_key(la_code, "pack", period_end)
    scope = _pack_scope(teams)
    with _db() as con, _writing(con):
        _expire_stale_runs(con)
        found = con.execute(f"SELECT {_PACK_COLUMNS} FROM pack_runs WHERE kind = ? AND "
                            "la_code = ? AND period_end = ? AND scope = ? AND status IN "
                            "('queued', 'running')", [kind, la, period, scope]).fetchone()
        if found:
            return _pack_run(found), False
        now = _iso(_now())
        cursor = con.execute(
            "INSERT INTO pack_runs (kind, la_code, period_end, scope, trigger, job, "
            "requested_by, attempt, status, stage, requested_at, heartbeat_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 'Waiting to start', ?, ?)",
            [kind, la, period, scope, trigger, str(job)[:100],
             str(requested_by)[:_AUDIT_LENGTHS["user"]], int(attempt), now, now])
        row = con.execute(f"SELECT {_PACK_COLUMNS} FROM pack_runs WHERE id = ?",
                          [cursor.lastrowid]).fetchone()
    return _pack_run(row), True


def pack_run_stage(run_id: int, stage: str) -> None:
    """Say what a run is doing now (and that its builder is alive); the first stage starts it."""
    now = _iso(_now())
    with _db() as con, _writing(con):
        con.execute("UPDATE pack_runs SET status = 'running', stage = ?, heartbeat_at = ?, "
                    "started_at = coalesce(started_at, ?) WHERE id = ? AND status IN "
                    "('queued', 'running')", [str(stage)[:200], now, now, int(run_id)])


def finish_pack_run(run_id: int, file: str, sha256: str, size: int, pages: int,
                    provenance: Mapping) -> PackRun:
    with _db() as con, _writing(con):
        con.execute("UPDATE pack_runs SET status = 'done', stage = 'Done', finished_at = ?, "
                    "file = ?, sha256 = ?, bytes = ?, pages = ?, provenance = ? WHERE id = ?",
                    [_iso(_now()), file, sha256, int(size), int(pages),
                     json.dumps(provenance, sort_keys=True, default=str), int(run_id)])
        return _pack_run(con.execute(f"SELECT {_PACK_COLUMNS} FROM pack_runs WHERE id = ?",
                                     [int(run_id)]).fetchone())


def fail_pack_run(run_id: int, error: str) -> PackRun:
    """Record why a run failed (a plain message, never a child's details)."""
    with _db() as con, _writing(con):
        con.execute("UPDATE pack_runs SET status = 'failed', stage = 'Failed', "
                    "finished_at = ?, error = ? WHERE id = ?",
                    [_iso(_now()), str(error)[:MAX_PACK_ERROR], int(run_id)])
        return _pack_run(con.execute(f"SELECT {_PACK_COLUMNS} FROM pack_runs WHERE id = ?",
                                     [int(run_id)]).fetchone())


def pack_run(run_id: int) -> PackRun | None:
    with _db() as con:
        row = con.execute(f"SELECT {_PACK_COLUMNS} FROM pack_runs WHERE id = ?",
                          [int(run_id)]).fetchone()
    return None if row is None else _pack_run(row)


def active_pack_runs() -> list[PackRun]:
    """The runs queued or running now, for every council, once those whose builder has not
    been heard of for PACK_STALE are marked failed (they hold no place)."""
    with _db() as con, _writing(con):
        _expire_stale_runs(con)
        rows = con.execute(f"SELECT {_PACK_COLUMNS} FROM pack_runs WHERE status IN "
                           "('queued', 'running') ORDER BY id DESC").fetchall()
    return [_pack_run(row) for row in rows]


def pack_runs(la_code: str | None = None, kind: str | None = None, limit: int = 500
              ) -> list[PackRun]:
    """Pack runs, newest first, optionally for one council and kind."""
    where, params = [], []
    if la_code is not None:
        where.append("la_code = ?")
        params.append(la_code)
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    sql = f"SELECT {_PACK_COLUMNS} FROM pack_runs" + \
        (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
    with _db() as con:
        rows = con.execute(sql, [*params, max(1, min(int(limit), 10_000))]).fetchall()
    return [_pack_run(row) for row in rows]
