"""The audit log: every child-level view, export and refusal writes a row (who, which session,
from where, what, how many rows, the outcome) with no child identifier in any column; a row
changed or deleted with plain SQL is found by `cpd audit --verify`, which names it."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from tests.live import USERS
from tests.security import support
from tests.security.logscan import count_ids

INDICATOR = "cla_at_period_end"


def q(**params) -> str:
    return "?" + urllib.parse.urlencode(params)


@pytest.fixture(scope="module")
def analyst(live_server):
    """Signed in from 127.0.0.1 itself: the address the audit log must record."""
    return support.as_role(live_server, "analyst", address="127.0.0.1")


def test_a_view_an_export_and_a_refusal_each_write_a_row(analyst, live_server, names,
                                                         child_ids, sample_warehouse):
    first = support.last_audit_id(sample_warehouse)
    search = q(indicator=INDICATOR, team=names["own_team"])
    shown = support.ids_in(analyst.page("/drill", search), child_ids)
    csv = support.download(analyst, search)
    xlsx = support.download(analyst, search, csv_clicks=None, xlsx_clicks=1)
    refused = support.download(analyst, q(indicator=INDICATOR))
    assert shown and csv.status_code == 200 and xlsx.status_code == 200
    assert refused.status_code == 403
    exported = support.download_data(csv)["content"].strip().splitlines()
    assert len(exported) - 1 == len(shown)

    rows = support.audit_since(sample_warehouse, first, user=USERS["analyst"])
    got = [(e["action"], e["outcome"], e["rows"]) for e in rows]
    assert got == [("children viewed", "shown", len(shown)),
                   ("children export csv", "exported", len(shown)),
                   ("children export xlsx", "exported", len(shown)),
                   ("children export csv", "refused", 0)], got
    for entry in rows:
        assert entry["user"] == USERS["analyst"] and entry["role"] == "analyst"
        assert entry["source"] == "127.0.0.1"
        assert entry["session"] and entry["session"] == rows[0]["session"]
        assert entry["session"] not in analyst.cookies["cpd_session"]
        assert entry["what"]["la"] == names["la"]
        assert entry["what"]["indicator"] == INDICATOR
        assert entry["what"]["period_end"] == names["period"]
        assert count_ids(json.dumps(entry), child_ids) == 0
    assert [e["what"].get("team") for e in rows[:3]] == [names["own_team"]] * 3


def test_a_members_refusal_writes_a_row(live_server, names, sample_warehouse):
    member = support.as_role(live_server, "member")
    first = support.last_audit_id(sample_warehouse)
    member.page("/drill", q(indicator=INDICATOR, team=names["own_team"]))
    support.download(member, q(indicator=INDICATOR, team=names["own_team"]))
    member.page("/audit", "")
    rows = support.audit_since(sample_warehouse, first, user=USERS["member"])
    assert [(e["action"], e["outcome"]) for e in rows] == [
        ("drill-down", "refused"), ("children export csv", "refused"),
        ("audit log", "refused")]
    assert all(e["session"] and e["source"] == member.address and e["rows"] == 0
               for e in rows)


def test_no_column_of_the_audit_log_holds_a_child_identifier(sample_warehouse, child_ids):
    """After everything the tests have done so far (forged requests full of the sample's
    names included), as stored: every column of every row, read with plain SQLite."""
    con = sqlite3.connect(f"file:{sample_warehouse / 'state.sqlite'}?mode=ro", uri=True)
    try:
        cursor = con.execute("SELECT * FROM audit")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert rows
    for column_index, column in enumerate(columns):
        text = "\n".join(str(row[column_index]) for row in rows)
        assert count_ids(text, child_ids) == 0, f"child identifiers in the column {column}"


def test_the_audit_log_page_shows_the_log_and_that_it_is_intact(analyst, child_ids):
    response = analyst.page("/audit", "")
    text = support.page_text(response)
    assert response.status_code == 200
    assert "Audit log" in text and "The log is intact" in text
    assert "children viewed" in text and "refused" in text
    assert support.child_hits(response, child_ids) == 0


# --- tampering, on a copy of the state database ----------------------------------------------------

@pytest.fixture
def copied(sample_warehouse, tmp_path) -> Path:
    """A data folder holding a copy of the live state database (SQLite's backup, consistent
    while the server writes), so tampering leaves the shared sample intact."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    source = sqlite3.connect(f"file:{sample_warehouse / 'state.sqlite'}?mode=ro", uri=True)
    target = sqlite3.connect(folder / "state.sqlite")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    from dashboard import state

    with support.data_dir(folder):  # rows to tamper with, whatever ran before
        for rows in (3, 4, 5):
            state.audit("tester", "analyst", "children viewed", {"team": "North 1"}, rows,
                        "shown", session="s", source="127.0.0.1")
    return folder


def _tamper(folder: Path, sql: str, params=(), guard: str = "audit_no_update",
            put_back: bool = True) -> None:
    """What someone with the file does: the append-only guard refuses plain SQL, so they
    drop it, change the log, and (to hide it) put the guard back."""
    con = sqlite3.connect(folder / "state.sqlite")
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute(sql, params)
        [definition] = con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name = ?", [guard]).fetchone()
        con.execute(f"DROP TRIGGER {guard}")
        con.execute(sql, params)
        if put_back:
            con.execute(definition)
        con.commit()
    finally:
        con.close()


def _a_middle_row(folder: Path, action: str) -> int:
    """The newest row of `action` but the last of all."""
    con = sqlite3.connect(folder / "state.sqlite")
    try:
        last = con.execute("SELECT max(id) FROM audit").fetchone()[0]
        found = con.execute("SELECT max(id) FROM audit WHERE action = ? AND id < ?",
                            [action, last]).fetchone()[0]
    finally:
        con.close()
    return found or last - 1


def test_an_intact_log_verifies(copied, sample_warehouse):
    for folder in (sample_warehouse, copied):
        code, out, _ = support.cpd(folder, "audit", "--verify")
        assert code == 0 and "The audit log is intact" in out


def test_a_changed_row_is_named_by_cpd_audit_verify(copied):
    row = _a_middle_row(copied, "children viewed")
    _tamper(copied, "UPDATE audit SET rows = 0, outcome = 'refused' WHERE id = ?", [row])
    code, out, _ = support.cpd(copied, "audit", "--verify")
    assert code == 1
    assert f"Row {row} was changed after it was written" in out
    assert "tampered with" in out
    code, out, _ = support.cpd(copied, "audit", "--verify", "--format", "json")
    report = json.loads(out)
    assert code == 1 and report["intact"] is False
    assert any(f"Row {row}" in problem for problem in report["problems"])
    # and the command as the owner runs it exits 1
    cpd = Path(sys.executable).with_name("cpd")
    done = subprocess.run([str(cpd), "audit", "--verify"], capture_output=True, text=True,
                          env={**__import__("os").environ, "CPD_DATA_DIR": str(copied)},
                          timeout=120)
    assert done.returncode == 1 and f"Row {row}" in done.stdout


def test_a_deleted_row_and_a_removed_guard_are_named(copied):
    row = _a_middle_row(copied, "children export csv")
    _tamper(copied, "DELETE FROM audit WHERE id = ?", [row], guard="audit_no_delete",
            put_back=False)
    code, out, _ = support.cpd(copied, "audit", "--verify")
    assert code == 1
    assert f"Row {row} is missing" in out
    assert "audit_no_delete" in out


def test_rewriting_a_rows_hash_to_match_is_found(copied):
    """Recomputing the changed row's own hash is not enough: the next row still links to
    the old one."""
    from dashboard import state

    row = _a_middle_row(copied, "children viewed")
    con = sqlite3.connect(copied / "state.sqlite")
    try:
        values = con.execute(f"SELECT {', '.join(state._AUDIT_FIELDS)}, prev_hash FROM audit "
                             "WHERE id = ?", [row]).fetchone()
    finally:
        con.close()
    entry = dict(zip(state._AUDIT_FIELDS, values[:-1]))
    entry["rows"] = 0
    forged = state._entry_hash(values[-1], entry)
    _tamper(copied, "UPDATE audit SET rows = 0, hash = ? WHERE id = ?", [forged, row])
    code, out, _ = support.cpd(copied, "audit", "--verify")
    assert code == 1 and f"Row {row + 1} does not link to row {row}" in out
