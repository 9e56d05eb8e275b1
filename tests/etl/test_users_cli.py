"""`cpd users ...` and `cpd audit` as an administrator runs them: in-process (etl.cli.main,
through tests.messy.run_cpd) and once through the installed script."""
from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from dashboard import state
from tests.messy import run_cpd

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def db(data_dir, monkeypatch):
    monkeypatch.setattr(state, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))
    return data_dir / state.FILE_NAME


@pytest.fixture
def stdin(monkeypatch):
    """Feed `text` to the next command's stdin."""
    return lambda text: monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def ok(argv):
    result = run_cpd(argv)
    assert result.code == 0 and not result.problems((0,)), result.shown
    return result


def refused(argv, message):
    """Exit 2, a plain message on stderr, no traceback."""
    result = run_cpd(argv)
    assert result.code == 2, result.shown
    assert not result.problems((2,)), result.shown
    assert message in result.err, result.shown
    return result


def printed_password(out: str) -> str:
    return re.search(r"^Password for \S+: (\S+)$", out, re.M).group(1)


def test_add_makes_a_password_and_shows_it_once():
    result = ok(["users", "add", "alice", "--role", "admin"])
    password = printed_password(result.out)
    assert len(password) >= 20
    assert "Pass it on safely" in result.out and "not stored" in result.out
    assert state.check_password("alice", password).role == "admin"
    listing = ok(["users", "list"]).out
    assert password not in listing and "argon2" not in listing
    assert re.search(r"^alice\s+admin\s+all\s+all\s+local\s+enabled$", listing, re.M), listing


def test_add_with_a_password_from_stdin(stdin):
    stdin(PASSWORD + "\n")
    result = ok(["users", "add", "bob", "--role", "manager", "--teams", "Team A, Team B",
                 "--la", "E06000015", "--la", "e08000001", "--password-stdin"])
    assert PASSWORD not in result.out and "Password for" not in result.out
    bob = state.check_password("bob", PASSWORD)
    assert bob.teams == ("Team A", "Team B") and bob.councils == ("E06000015", "E08000001")


@pytest.mark.parametrize("text", ["short\n", "\n", "", "x" * 2000 + "\n"])
def test_a_bad_password_on_stdin_is_refused(text, stdin):
    stdin(text)
    refused(["users", "add", "bob", "--role", "admin", "--password-stdin"], "password")
    assert state.get_user("bob") is None


def test_mistakes_exit_2_with_a_plain_message():
    ok(["users", "add", "alice", "--role", "member"])
    refused(["users", "add", "ALICE", "--role", "admin"], "already a user named 'ALICE'")
    refused(["users", "add", "mo", "--role", "manager"], "a manager needs --teams")
    refused(["users", "add", "mo", "--role", "manager", "--teams", " , "], "--teams needs")
    refused(["users", "add", "mo", "--role", "boss"], "invalid choice")
    refused(["users", "add", "mo", "--role", "analyst", "--la", "E99"], "ONS code")
    refused(["users", "add", "bad name", "--role", "analyst"], "not a usable user name")
    refused(["users", "add", "demo-admin", "--role", "admin"], "kept for the demo users")
    for verb in ("disable", "enable", "reset"):
        refused(["users", verb, "nobody"], "there is no user named 'nobody'")
    refused(["users"], "required")
    assert [u.name for u in state.list_users()] == ["alice"]


def test_a_manager_for_every_team():
    ok(["users", "add", "boss", "--role", "manager", "--teams", "all"])
    assert state.get_user("boss").teams is None


def test_list_as_json_never_holds_hashes():
    ok(["users", "add", "alice", "--role", "analyst"])
    state.upsert_sso_user("jo@council.gov.uk", "manager", ["Team A"])
    ok(["users", "disable", "jo@council.gov.uk"])
    out = ok(["users", "list", "--format", "json"]).out
    assert "argon2" not in out and "hash" not in out
    assert json.loads(out) == {"users": [
        {"name": "alice", "role": "analyst", "teams": None, "councils": None,
         "source": "local", "status": "enabled"},
        {"name": "jo@council.gov.uk", "role": "manager", "teams": ["Team A"],
         "councils": None, "source": "sso", "status": "disabled"}]}


def test_empty_list():
    assert "No users yet" in ok(["users", "list"]).out
    assert json.loads(ok(["users", "list", "--format", "json"]).out) == {"users": []}


def test_disable_enable_and_locked_status():
    ok(["users", "add", "alice", "--role", "admin"])
    ok(["users", "disable", "ALICE"])
    assert "disabled" in ok(["users", "list"]).out
    ok(["users", "enable", "alice"])
    for _ in range(state.MAX_FAILURES):
        state.check_password("alice", "wrong password")
    assert re.search(r"^alice .* locked$", ok(["users", "list"]).out, re.M)
    ok(["users", "enable", "alice"])
    assert re.search(r"^alice .* enabled$", ok(["users", "list"]).out, re.M)


def test_reset_gives_a_new_password_and_signs_out_everywhere(stdin):
    first = printed_password(ok(["users", "add", "alice", "--role", "admin"]).out)
    before = state.get_user("alice").sessions_valid_from
    result = ok(["users", "reset", "alice"])
    second = printed_password(result.out)
    assert second != first and "signed them out everywhere" in result.out
    assert state.get_user("alice").sessions_valid_from > before
    assert state.check_password("alice", first) is None
    assert state.check_password("alice", second) is not None
    stdin(PASSWORD + "\r\n")
    assert "Password for" not in ok(["users", "reset", "alice", "--password-stdin"]).out
    assert state.check_password("alice", PASSWORD) is not None
    state.upsert_sso_user("jo@council.gov.uk", "analyst", None)
    refused(["users", "reset", "jo@council.gov.uk"], "single sign-on")


def audit_some():
    state.audit("alice", "manager", "children viewed", {"la": "E06000015", "team": "Team A"},
                12, "shown", session="s1", source="10.0.0.1")
    state.audit("bob", "analyst", "export csv", {"la": "E06000015"}, 40, "exported")
    state.audit("mallory", "member", "children viewed", {"la": "E06000015"}, 0, "refused")


def test_audit_prints_the_newest_entries():
    assert "No audit entries yet." in ok(["audit"]).out
    audit_some()
    out = ok(["audit"]).out.splitlines()
    assert out[0].split()[:6] == ["id", "at", "user", "role", "action", "outcome"]
    assert [line.split()[0] for line in out[1:]] == ["3", "2", "1"]
    assert "mallory" in out[1] and '{"la": "E06000015", "team": "Team A"}' in out[3]
    assert [line.split()[0] for line in ok(["audit", "--limit", "1"]).out.splitlines()[1:]] \
        == ["3"]
    only_bob = ok(["audit", "--user", "BOB"]).out
    assert "bob" in only_bob and "alice" not in only_bob
    refusals = json.loads(ok(["audit", "--outcome", "refused", "--format", "json"]).out)
    assert [e["user"] for e in refusals["entries"]] == ["mallory"]
    assert "No audit entries match." in ok(["audit", "--user", "nobody"]).out
    refused(["audit", "--limit", "0"], "--limit must be between")
    refused(["audit", "--outcome", "viewed"], "invalid choice")


def test_audit_mentions_an_old_audit_file(data_dir):
    audit_some()
    (data_dir / "audit.sqlite").write_bytes(b"")
    assert "audit.sqlite, kept as they were" in ok(["audit"]).out


def test_audit_verify_exits_1_after_a_row_is_changed(db):
    audit_some()
    assert ok(["audit", "--verify"]).out.strip() == "The audit log is intact: 3 entries."
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("UPDATE audit SET rows = 1 WHERE id = 2")
    con.close()
    result = run_cpd(["audit", "--verify"])
    assert result.code == 1 and not result.problems((1,)), result.shown
    assert "Row 2 was changed after it was written" in result.out
    assert "append-only guard (audit_no_update) has been removed" in result.out
    as_json = run_cpd(["audit", "--verify", "--format", "json"])
    assert as_json.code == 1 and json.loads(as_json.out)["intact"] is False
    assert json.loads(as_json.out)["entries"] == 3


def test_the_state_database_is_made_private_on_first_use(db):
    ok(["users", "list"])
    assert db.is_file() and db.stat().st_mode & 0o777 == 0o600
    assert db.parent.stat().st_mode & 0o777 == 0o700


def test_through_the_installed_script(tmp_path):
    """As an administrator runs it: a separate process, real argon2 parameters, the password
    typed into a pipe."""
    cpd = Path(sys.executable).with_name("cpd")
    command = [str(cpd)] if cpd.exists() else [sys.executable, "-m", "etl.cli"]
    env = {**os.environ, "CPD_DATA_DIR": str(tmp_path / "data")}

    def run(*argv, stdin=None):
        return subprocess.run(command + list(argv), input=stdin, capture_output=True,
                              text=True, env=env, timeout=60, cwd=tmp_path)

    added = run("users", "add", "alice", "--role", "manager", "--teams", "Team A",
                "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    duplicate = run("users", "add", "Alice", "--role", "admin")
    assert duplicate.returncode == 2 and "already a user" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr
    listed = run("users", "list", "--format", "json")
    assert json.loads(listed.stdout)["users"][0]["teams"] == ["Team A"]
    verified = run("audit", "--verify")
    # adding alice is itself in the log, as a change made from the command line
    assert (verified.returncode, verified.stdout.strip()) == (
        0, "The audit log is intact: 1 entry.")
    entry = json.loads(run("audit", "--format", "json").stdout)
    entry = entry[0] if isinstance(entry, list) else entry["entries"][0]
    assert (entry["action"], entry["outcome"], entry["what"]["user"]) == (
        "user added", "changed", "alice")
