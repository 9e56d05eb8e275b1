"""The state database (dashboard/state.py) against real SQLite files in a private data folder:
users and their passwords, sign-in lockout, demo and single sign-on users, and the
hash-chained audit log, written concurrently and tampered with by hand."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dashboard import state
from dashboard.state import StateError

PROJECT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def db(data_dir, monkeypatch):
    """A private CPD_DATA_DIR per test, and cheap argon2 parameters (the real ones take a
    fifth of a second per hash; what is tested here is what is done with the hash)."""
    monkeypatch.setattr(state, "_hasher", CHEAP)
    return data_dir / state.FILE_NAME


def raw(db: Path) -> sqlite3.Connection:
    """The file as anyone with access to it could open it: plain sqlite3, no guards."""
    return sqlite3.connect(db, isolation_level=None)


# --- users ------------------------------------------------------------------------------------

def test_users_round_trip():
    state.add_user("jo.bloggs@council.gov.uk", "manager", teams=["Team A", " Team B ", "Team A"],
                   councils=["e06000015"], password=PASSWORD)
    state.add_user("amir", "analyst")
    found = state.get_user("JO.BLOGGS@council.gov.uk")  # names are not case sensitive
    assert found.name == "jo.bloggs@council.gov.uk"
    assert (found.role, found.teams, found.councils) == ("manager", ("Team A", "Team B"),
                                                         ("E06000015",))
    assert (found.source, found.disabled, found.has_password, found.status) == (
        "local", False, True, "enabled")
    assert found.created_at.tzinfo is not None and found.failed_logins == 0
    assert [u.name for u in state.list_users()] == ["amir", "jo.bloggs@council.gov.uk"]
    amir = state.get_user("amir")
    assert (amir.teams, amir.councils, amir.has_password) == (None, None, False)
    assert state.get_user("nobody") is None and state.get_user("not a name!") is None


def test_a_manager_for_every_team_must_say_so():
    assert state.add_user("boss", "manager", teams=state.ALL_TEAMS).teams is None
    with pytest.raises(StateError, match="manager needs teams"):
        state.add_user("mo", "manager")
    with pytest.raises(StateError, match="at least one team"):
        state.add_user("mo", "manager", teams=[])
    with pytest.raises(StateError, match="cannot be blank"):
        state.add_user("mo", "manager", teams=["Team A", " "])
    with pytest.raises(StateError, match="list"):
        state.add_user("mo", "manager", teams="Team A")  # not read letter by letter


@pytest.mark.parametrize("name", ["", "a" * 65, "jo bloggs", "zoë", "-rf", ".hidden", "a/b",
                                  "a\n", "jo;DROP TABLE users", "😀", None, 7])
def test_unusable_names_are_refused(name):
    with pytest.raises(StateError, match="not a usable user name"):
        state.add_user(name, "member")
    assert state.list_users() == []


def test_duplicates_roles_councils_and_passwords_are_checked():
    state.add_user("Alice", "member")
    with pytest.raises(StateError, match="already a user named 'alice'"):
        state.add_user("alice", "admin")
    with pytest.raises(StateError, match="not a role"):
        state.add_user("bob", "superuser")
    with pytest.raises(StateError, match="ONS code"):
        state.add_user("bob", "analyst", councils=["E99"])
    with pytest.raises(StateError, match="at least 12 characters"):
        state.add_user("bob", "analyst", password="short")
    with pytest.raises(StateError, match="kept for the demo users"):
        state.add_user("demo-admin", "admin", password=PASSWORD)
    with pytest.raises(StateError, match="only local users have a password"):
        state.add_user("bob", "analyst", password=PASSWORD, source="sso")
    assert [u.name for u in state.list_users()] == ["Alice"]


def test_the_password_is_stored_as_an_argon2id_hash(db):
    state.add_user("alice", "admin", password=PASSWORD)
    stored = raw(db).execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    on_disk = b"".join(p.read_bytes() for p in db.parent.glob("state.sqlite*"))
    assert PASSWORD.encode() not in on_disk
    assert "password_hash" not in {f for f in state.UserRecord.__dataclass_fields__}


def test_check_password():
    state.add_user("alice", "admin", password=PASSWORD)
    assert state.check_password("ALICE", PASSWORD).name == "alice"
    assert state.check_password("alice", PASSWORD + "!") is None
    assert state.check_password("alice", "") is None
    assert state.check_password("nobody", PASSWORD) is None
    assert state.check_password("not a name", PASSWORD) is None
    assert state.check_password("alice", "x" * 100_000) is None
    assert state.get_user("alice").failed_logins == 2
    assert state.check_password("alice", PASSWORD) is not None
    assert state.get_user("alice").failed_logins == 0  # a success clears the count


class CountingHasher(PasswordHasher):
    def __init__(self):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash, password):
        self.verified += 1
        return super().verify(hash, password)


def test_every_failed_sign_in_spends_one_verification(monkeypatch):
    """An unknown name takes as long as a wrong password: the time does not tell which names
    exist (nor which are disabled, locked or single sign-on)."""
    state.add_user("alice", "admin", password=PASSWORD)
    state.add_user("gone", "admin", password=PASSWORD)
    state.disable_user("gone")
    state.upsert_sso_user("sso.user", "analyst", None)
    counting = CountingHasher()
    monkeypatch.setattr(state, "_hasher", counting)
    for name, password in [("alice", "wrong password"), ("nobody", PASSWORD),
                           ("not a name", PASSWORD), ("gone", PASSWORD),
                           ("sso.user", PASSWORD), ("alice", PASSWORD), ("alice", 12345)]:
        before = counting.verified
        state.check_password(name, password)
        assert counting.verified - before == 1, name


def test_ten_failures_in_a_row_lock_the_account_for_15_minutes(monkeypatch):
    state.add_user("alice", "admin", password=PASSWORD)
    for _ in range(state.MAX_FAILURES - 1):
        assert state.check_password("alice", "wrong password") is None
    assert state.get_user("alice").status == "enabled"
    assert state.check_password("alice", "wrong password") is None  # the tenth
    locked = state.get_user("alice")
    assert locked.status == "locked" and locked.locked()
    assert state.check_password("alice", PASSWORD) is None  # even the right password
    later = dt.datetime.now(dt.timezone.utc) + state.LOCKOUT + dt.timedelta(seconds=5)
    monkeypatch.setattr(state, "_now", lambda: later)
    assert not state.get_user("alice").locked(later)
    assert state.check_password("alice", PASSWORD).failed_logins == 0


def test_enable_clears_a_lock():
    state.add_user("alice", "admin", password=PASSWORD)
    for _ in range(state.MAX_FAILURES):
        state.check_password("alice", "wrong password")
    assert state.enable_user("alice").status == "enabled"
    assert state.check_password("alice", PASSWORD) is not None


def test_a_disabled_user_cannot_sign_in():
    state.add_user("alice", "admin", password=PASSWORD)
    before = state.get_user("alice").sessions_valid_from
    disabled = state.disable_user("ALICE")
    assert disabled.status == "disabled" and disabled.sessions_valid_from > before
    assert not disabled.session_valid(dt.datetime.now(dt.timezone.utc))
    assert state.check_password("alice", PASSWORD) is None
    assert state.get_user("alice").failed_logins == 0  # not counted against them
    state.enable_user("alice")
    assert state.check_password("alice", PASSWORD) is not None
    with pytest.raises(StateError, match="no user named 'nobody'"):
        state.disable_user("nobody")
    with pytest.raises(StateError, match="no user named"):
        state.enable_user("x" * 5000)


def test_reset_signs_the_user_out_everywhere():
    state.add_user("alice", "admin", password=PASSWORD)
    session_started = dt.datetime.now(dt.timezone.utc)
    first = state.get_user("alice")
    assert first.session_valid(session_started)
    reset = state.reset_password("alice", "a brand new password")
    assert reset.sessions_valid_from > first.sessions_valid_from
    assert not reset.session_valid(session_started)
    assert reset.session_valid(dt.datetime.now(dt.timezone.utc))
    assert state.check_password("alice", PASSWORD) is None
    assert state.check_password("alice", "a brand new password") is not None
    with pytest.raises(StateError, match="at least 12"):
        state.reset_password("alice", "short")
    with pytest.raises(StateError, match="no user named"):
        state.reset_password("nobody", "a brand new password")
    state.upsert_sso_user("sso.user", "analyst", None)
    with pytest.raises(StateError, match="single sign-on"):
        state.reset_password("sso.user", "a brand new password")


def test_a_password_is_rehashed_when_the_parameters_change(db, monkeypatch):
    state.add_user("alice", "admin", password=PASSWORD)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(state, "_hasher", stronger)
    assert state.check_password("alice", PASSWORD) is not None
    stored = raw(db).execute("SELECT password_hash FROM users").fetchone()[0]
    assert not stronger.check_needs_rehash(stored) and "m=16,t=2" in stored
    assert state.check_password("alice", PASSWORD) is not None


def test_demo_users():
    made = state.ensure_demo_users(["Team A"])
    assert [(u.name, u.role, u.source, u.has_password, u.disabled) for u in made] == [
        (f"demo-{role}", role, "demo", False, False) for role in state.ROLES]
    assert made[1].teams == ("Team A",) and made[0].teams is None and made[3].teams is None
    # an older version's extra demo user, and a demo user disabled since
    state.add_user("demo-old", "admin", source="demo")
    state.disable_user("demo-analyst")
    again = state.ensure_demo_users(["Team B", "Team C"])
    assert again[1].teams == ("Team B", "Team C")
    assert all(not u.disabled for u in again)
    demo = [u for u in state.list_users() if u.source == "demo"]
    enabled = sorted(u.role for u in demo if not u.disabled)
    assert enabled == sorted(state.ROLES)
    assert state.get_user("demo-old").disabled
    assert state.check_password("demo-admin", "") is None  # no password to sign in with
    assert not state.has_sign_in_method()
    with pytest.raises(StateError, match="manager needs teams"):
        state.ensure_demo_users(None)
    # nothing loaded yet: the demo still starts, its manager seeing no team
    assert state.ensure_demo_users([])[1].teams == ()


def test_demo_users_never_take_over_another_user(db):
    state.add_user("someone", "member", password=PASSWORD)
    raw(db).execute("UPDATE users SET name = 'demo-member' WHERE name = 'someone'")
    with pytest.raises(StateError, match="demo users need that name"):
        state.ensure_demo_users(["Team A"])
    assert state.get_user("demo-admin") is None  # nothing half-done


def test_single_sign_on_users():
    made = state.upsert_sso_user("jo@council.gov.uk", "manager", ["Team A"])
    assert (made.source, made.role, made.teams, made.has_password) == (
        "sso", "manager", ("Team A",), False)
    moved = state.upsert_sso_user("JO@council.gov.uk", "analyst", None)
    assert (moved.name, moved.role, moved.teams) == ("jo@council.gov.uk", "analyst", None)
    state.disable_user("jo@council.gov.uk")
    again = state.upsert_sso_user("jo@council.gov.uk", "admin", None)
    assert again.disabled and again.role == "admin"  # never re-enabled by signing in
    state.add_user("local.user", "member", password=PASSWORD)
    with pytest.raises(StateError, match="not one from single sign-on"):
        state.upsert_sso_user("local.user", "admin", None)
    assert state.get_user("local.user").role == "member"
    with pytest.raises(StateError, match="manager needs teams"):
        state.upsert_sso_user("new@council.gov.uk", "manager", None)


def test_has_sign_in_method():
    assert not state.has_sign_in_method()
    state.upsert_sso_user("sso.user", "admin", None)
    state.add_user("nopassword", "admin")
    assert not state.has_sign_in_method()
    state.add_user("alice", "admin", password=PASSWORD)
    assert state.has_sign_in_method()
    state.disable_user("alice")
    assert not state.has_sign_in_method()


# --- the database file -------------------------------------------------------------------------

def test_the_file_is_private_wal_and_versioned(db, data_dir):
    previous = os.umask(0o022)  # whatever the process's umask, the files are private
    try:
        state.add_user("alice", "admin", password=PASSWORD)
        state.audit("alice", "admin", "sign in", {}, 0, "signed in")
        con = state._connect()  # held open, so the WAL files are there to look at
        try:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert con.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
            files = list(data_dir.glob("state.sqlite*"))
            assert {p.name for p in files} >= {"state.sqlite", "state.sqlite-wal"}
            for file in files:
                assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        finally:
            con.close()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert state.schema_version() == state.SCHEMA_VERSION
    assert sorted(state.MIGRATIONS) == list(range(1, state.SCHEMA_VERSION + 1))


def test_a_file_left_wider_is_tightened(db):
    db.parent.mkdir(mode=0o700, parents=True)
    sqlite3.connect(db).close()
    db.chmod(0o644)
    state.list_users()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_an_old_audit_file_is_left_alone(data_dir):
    data_dir.mkdir(mode=0o700, parents=True)
    old = data_dir / "audit.sqlite"
    con = sqlite3.connect(old)
    con.execute("CREATE TABLE audit (at TEXT, user TEXT)")
    con.execute("INSERT INTO audit VALUES ('2024-01-01', 'x')")
    con.commit()
    con.close()
    before = old.read_bytes()
    state.audit("alice", "admin", "children viewed", {}, 3, "shown")
    assert old.read_bytes() == before
    assert len(state.audit_entries()) == 1


def test_a_database_from_a_newer_version_is_refused(db):
    state.list_users()
    raw(db).execute(f"PRAGMA user_version = {state.SCHEMA_VERSION + 1}")
    with pytest.raises(StateError, match="newer version"):
        state.list_users()


def test_a_damaged_file_is_a_plain_error(db):
    db.parent.mkdir(mode=0o700, parents=True)
    db.write_bytes(b"not a database at all " * 100)
    with pytest.raises(StateError, match="cannot be used"):
        state.get_user("alice")


# --- the audit log ----------------------------------------------------------------------------

def write(n: int, user: str = "alice", outcome: str = "shown") -> None:
    for i in range(n):
        state.audit(user, "manager", "children viewed",
                    {"la": "E06000015", "indicator": f"ind-{i}", "team": "Team A"}, i, outcome,
                    session="s-1", source="127.0.0.1")


def test_audit_entries_newest_first_and_filtered():
    write(3)
    state.audit("Bob", "analyst", "export csv", {"z": 1, "a": 2}, 40, "exported")
    state.audit("bob", "member", "children viewed", {}, 0, "refused")
    entries = state.audit_entries()
    assert [e["id"] for e in entries] == [5, 4, 3, 2, 1]
    assert entries[1]["what"] == {"a": 2, "z": 1} and entries[1]["rows"] == 40
    assert set(entries[0]) == {"id", "at", "user", "role", "session", "source", "action",
                               "what", "rows", "outcome"}
    assert [e["id"] for e in state.audit_entries(user="BOB")] == [5, 4]
    assert [e["id"] for e in state.audit_entries(outcome="exported")] == [4]
    assert [e["id"] for e in state.audit_entries(limit=2)] == [5, 4]
    cut = entries[1]["at"]
    assert [e["id"] for e in state.audit_entries(since=cut)] == [5, 4]
    assert state.audit_entries(since="2999-01-01") == []
    assert len(state.audit_entries(since=dt.date(2000, 1, 1))) == 5
    assert state.verify_audit() == [] and state.audit_count() == 5


def test_what_is_stored_as_sorted_json(db):
    state.audit("alice", "admin", "export csv", {"b": 1, "a": "x"}, 2, "exported")
    assert raw(db).execute("SELECT what FROM audit").fetchone()[0] == '{"a": "x", "b": 1}'


@pytest.mark.parametrize("call,message", [
    (lambda: state.audit("a", "admin", "x", {}, 1, "viewed"), "not an audit outcome"),
    (lambda: state.audit("a", "admin", "x", ["child"], 1, "shown"), "mapping"),
    (lambda: state.audit("a", "admin", "x", {}, -1, "shown"), "negative"),
    (lambda: state.audit("a", "admin", "x", {}, "3", "shown"), "whole number"),
    (lambda: state.audit("a", "admin", "x", {(1, 2): 3}, 1, "shown"), "text keys"),
    (lambda: state.audit_entries(limit=0), "between 1"),
    (lambda: state.audit_entries(outcome="viewed"), "not an audit outcome"),
    (lambda: state.audit_entries(since="yesterday"), "not a date"),
])
def test_bad_audit_calls_are_refused(call, message):
    with pytest.raises(StateError, match=message):
        call()
    assert state.audit_count() == 0


def test_long_request_text_is_cut():
    state.audit("alice", "admin", "x", {}, 0, "shown", session="s" * 10_000,
                source="1" * 10_000)
    entry = state.audit_entries()[0]
    assert len(entry["session"]) == 128 and len(entry["source"]) == 200


def test_the_table_has_no_column_for_child_identifiers(db):
    state.audit("alice", "admin", "x", {}, 0, "shown")
    columns = [row[1] for row in raw(db).execute("PRAGMA table_info(audit)")]
    assert columns == ["id", "at", "user", "role", "session", "source", "action", "what",
                       "rows", "outcome", "prev_hash", "hash"]


def test_threads_writing_at_once_make_one_chain():
    def writer(k):
        for i in range(25):
            state.audit(f"user{k}", "admin", "children viewed", {"i": i}, i, "shown")

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state.audit_count() == 200
    assert state.verify_audit() == []
    assert sorted(e["id"] for e in state.audit_entries(limit=1000)) == list(range(1, 201))


WRITER = """
import sys
from dashboard import state
for i in range(int(sys.argv[1])):
    state.audit(f"proc{sys.argv[2]}", "admin", "export csv", {"i": i}, i, "exported")
"""


def test_processes_writing_at_once_make_one_chain(data_dir):
    state.audit_count()  # the file made first: the race under test is the writes, not creation
    env = {**os.environ, "CPD_DATA_DIR": str(data_dir), "PYTHONPATH": str(PROJECT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, "40", str(k)], env=env,
                              cwd=PROJECT, stderr=subprocess.PIPE, text=True)
             for k in range(4)]
    errors = [proc.communicate(timeout=120)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, errors
    assert state.audit_count() == 160
    assert state.verify_audit() == []


GUARDS = [sql for sql in state.MIGRATIONS[1] if "CREATE TRIGGER" in sql]


def tamper(db: Path, *statements: str) -> None:
    """What someone with the file could do: lift the append-only guard, change rows, and put
    the guard back."""
    con = raw(db)
    for guard in state.AUDIT_GUARDS:
        con.execute(f"DROP TRIGGER {guard}")
    for statement in statements:
        con.execute(statement)
    for sql in GUARDS:
        con.execute(sql)
    con.close()


def test_the_guard_refuses_plain_updates_and_deletes(db):
    write(2)
    con = raw(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit SET rows = 99 WHERE id = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit WHERE id = 2")
    assert state.verify_audit() == []


def test_a_removed_guard_is_reported(db):
    write(2)
    raw(db).execute("DROP TRIGGER audit_no_delete")
    assert state.verify_audit() == [
        "The audit log's append-only guard (audit_no_delete) has been removed, so rows could "
        "be changed or deleted."]


@pytest.mark.parametrize("statements,expected", [
    (["UPDATE audit SET rows = 0 WHERE id = 3"],
     ["Row 3 was changed after it was written: it no longer matches its hash."]),
    (["""UPDATE audit SET what = '{"la": "E06000015"}' WHERE id = 2"""],
     ["Row 2 was changed after it was written: it no longer matches its hash."]),
    (["UPDATE audit SET user = 'someone else' WHERE id = 5"],
     ["Row 5, the last, no longer matches its hash: its contents or its hash were changed "
      "after it was written."]),
    (["DELETE FROM audit WHERE id = 3"],
     ["Row 3 is missing: it was deleted from the audit log."]),
    (["DELETE FROM audit WHERE id IN (1, 2)"],
     ["Rows 1 to 2 are missing: they were deleted from the audit log."]),
    (["DELETE FROM audit WHERE id = 5"],
     ["Row 5 at the end of the log is missing: it was deleted from the audit log."]),
    # the first character changed to one it is not (a hash may already start with f)
    (["UPDATE audit SET hash = CASE WHEN hash LIKE 'f%' THEN 'e' ELSE 'f' END || substr(hash, 2) "
      "WHERE id = 3"],
     ["Row 3's hash was edited: it no longer matches the row, while row 4 still links to the "
      "original."]),
    (["UPDATE audit SET id = 6 WHERE id = 5"],  # renumbered: a gap, and a changed row
     ["Row 5 is missing: it was deleted from the audit log.",
      "Row 6, the last, no longer matches its hash: its contents or its hash were changed "
      "after it was written."]),
], ids=["rows", "what", "last row", "deleted", "first two deleted", "last deleted",
        "hash edited", "renumbered"])
def test_tampering_is_reported_naming_the_row(db, statements, expected):
    write(5)
    tamper(db, *statements)
    assert state.verify_audit() == expected


def test_a_row_rewritten_with_its_hash_recomputed_breaks_the_next_link(db):
    write(4)
    con = raw(db)
    entry = dict(zip(["id", "at", "user", "role", "session", "source", "action", "what", "rows",
                      "outcome", "prev_hash"],
                     con.execute("SELECT id, at, user, role, session, source, action, what, "
                                 "rows, outcome, prev_hash FROM audit WHERE id = 2").fetchone()))
    entry["rows"] = 0
    forged = state._entry_hash(entry["prev_hash"], entry)
    tamper(db, f"UPDATE audit SET rows = 0, hash = '{forged}' WHERE id = 2")
    problems = state.verify_audit()
    assert problems == ["Row 3 does not link to row 2 before it: row 2 was rewritten with a new "
                        "hash, or rows were replaced."]


def test_writing_after_the_end_was_deleted_still_shows_the_gap(db):
    write(4)
    tamper(db, "DELETE FROM audit WHERE id >= 3")
    write(1)
    assert [e["id"] for e in state.audit_entries()] == [5, 2, 1]  # ids are never reused
    assert state.verify_audit() == ["Rows 3 to 4 are missing: they were deleted from the audit "
                                    "log."]
    assert json.loads(json.dumps(state.audit_entries()))  # entries are plain JSON
