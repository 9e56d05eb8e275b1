"""Commentary and actions per measure and period: stored in the state database (every revision
kept, none changed or deleted), read by every role that may see the council, written by
analysts and managers only, audited without its text, and saved from the indicator page's form
through a callback that takes the measure and period from the page's address, never from
anything else the browser sends. Against real SQLite files and the real sample warehouse."""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
import threading
import urllib.parse
from contextlib import closing
from pathlib import Path

import pytest
from dash import Dash, html

from dashboard import access, security, state
from dashboard.access import AccessDenied, CommentaryNotSaved, User
from dashboard.pages import commentary
from dashboard.state import CommentaryError, StateError
from dashboard.view import View
from etl.indicators.catalogue import BY_ID
from tests.http import client_signed_in as signed_in
from tests.layout import walk
from tests.live import (PASSWORD, SECOND_LA, SECRET_KEY, USERS, free_port, own_copy,
                        watch_console)

LA = "E06000015"  # the sample council
MEASURE = "cla_at_period_end"
OTHER_MEASURE = next(i for i in BY_ID if i != MEASURE)
ANALYST = User("analyst.one", "analyst")
MANAGER = User("team.manager", "manager", teams=frozenset({"A team of theirs"}))
MEMBER = User("councillor", "member")
ADMIN = User("it.admin", "admin")
# words that must never reach the audit log or any log
SECRET_TEXT = "Sickness in the Fostering North team; zebra-quartz-41 recovery plan"


def raw(folder: Path) -> sqlite3.Connection:
    """The state file as anyone with access to it could open it: plain sqlite3, no guards."""
    return sqlite3.connect(folder / state.FILE_NAME, isolation_level=None)


def audit_rows(count: int = 1000) -> list[dict]:
    return list(reversed(state.audit_entries(limit=count)))


def raw_audit_text(folder: Path) -> str:
    """Every column of every audit row, as stored."""
    with closing(raw(folder)) as con:
        return "\n".join(" ".join(map(str, row)) for row in con.execute("SELECT * FROM audit"))


# --- the state database: migration, revisions, guards -----------------------------------------

def version_2_database(folder: Path) -> None:
    """A state database as version 2 of the app left it: a user, two audit entries (a real
    chain) and an ended session."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    con = raw(folder)
    for step in (1, 2):
        for statement in state.MIGRATIONS[step]:
            con.execute(statement)
    now = "2026-11-30T10:00:00.000000+00:00"
    con.execute("INSERT INTO users (name, role, teams, councils, password_hash, source, "
                "disabled, sessions_valid_from, failed_logins, locked_until, created_at, "
                "updated_at) VALUES ('old.analyst', 'analyst', NULL, NULL, NULL, 'sso', 0, ?, "
                "0, NULL, ?, ?)", [now, now, now])
    prev = state.GENESIS
    for i in (1, 2):
        entry = {"id": i, "at": now, "user": "old.analyst", "role": "analyst", "session": "s",
                 "source": "127.0.0.1", "action": "children viewed",
                 "what": json.dumps({"team": "North 1"}), "rows": i, "outcome": "shown"}
        digest = state._entry_hash(prev, entry)
        con.execute("INSERT INTO audit (id, at, user, role, session, source, action, what, "
                    "rows, outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [*entry.values(), prev, digest])
        prev = digest
    con.execute("INSERT INTO ended_sessions VALUES ('sid-1', 1.0)")
    con.execute("PRAGMA user_version = 2")
    con.close()


def test_a_version_2_database_gains_commentary_and_keeps_its_rows(data_dir):
    version_2_database(data_dir)
    assert state.schema_version() == state.SCHEMA_VERSION >= 3
    assert sorted(state.MIGRATIONS)[:3] == [1, 2, 3]
    assert state.get_user("old.analyst").role == "analyst"
    assert [e["rows"] for e in audit_rows()] == [1, 2]
    assert state.verify_audit() == []
    assert state.session_ended("sid-1")
    with closing(raw(data_dir)) as con:
        triggers = {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'commentary'")}
    assert triggers == set(state.COMMENTARY_GUARDS)
    saved = state.write_commentary(LA, MEASURE, dt.date(2026, 3, 31), "First words.", "", "",
                                   None, "old.analyst", "analyst")
    assert saved.revision == 1
    state.schema_version()  # opening again migrates nothing and loses nothing
    assert list(state.commentary_for(LA, "2026-03-31")) == [MEASURE]


def test_every_revision_is_kept_and_the_newest_is_current(data_dir):
    period = dt.date(2026, 3, 31)
    first = state.write_commentary(LA, MEASURE, period, "Up because of a sibling group.", "",
                                   None, None, "analyst.one", "analyst")
    second = state.write_commentary(LA, MEASURE, period, "Up: a sibling group of four.",
                                    "Review the sibling placements", "Head of service",
                                    "2027-01-31", "team.manager", "manager")
    other = state.write_commentary(LA, OTHER_MEASURE, period, "Steady.", "", "", "",
                                   "analyst.one", "analyst")
    state.write_commentary(LA, MEASURE, dt.date(2025, 3, 31), "Last year's words.", "", "", "",
                           "analyst.one", "analyst")
    state.write_commentary(SECOND_LA, MEASURE, period, "Another council.", "", "", "",
                           "analyst.one", "analyst")
    assert (first.revision, second.revision, other.revision) == (1, 2, 1)
    current = state.commentary_for(LA, period)
    assert current == {MEASURE: second, OTHER_MEASURE: other}
    assert (current[MEASURE].text, current[MEASURE].action, current[MEASURE].owner,
            current[MEASURE].due) == ("Up: a sibling group of four.",
                                      "Review the sibling placements", "Head of service",
                                      dt.date(2027, 1, 31))
    assert (second.author, second.author_role) == ("team.manager", "manager")
    assert second.written_at.tzinfo is not None and second.written_at >= first.written_at
    assert dt.datetime.now(dt.timezone.utc) - second.written_at < dt.timedelta(minutes=1)
    history = state.commentary_history(LA, MEASURE, period)
    assert [(e.revision, e.text, e.author) for e in history] == [
        (1, "Up because of a sibling group.", "analyst.one"),
        (2, "Up: a sibling group of four.", "team.manager")]
    assert state.commentary_for(LA, dt.date(2024, 3, 31)) == {}


def test_writers_at_once_get_one_revision_each(data_dir):
    state.schema_version()  # the file made first: the race under test is the writes
    period = dt.date(2026, 3, 31)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(5):
                state.write_commentary(LA, MEASURE, period, f"Writer {k}, save {i}.", "", "",
                                       "", f"writer-{k}", "analyst")
        except BaseException as err:  # reported below, in the test's own thread
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    history = state.commentary_history(LA, MEASURE, period)
    assert [e.revision for e in history] == list(range(1, 31))
    assert len({e.text for e in history}) == 30


def test_revisions_cannot_be_changed_or_deleted_with_plain_sql(data_dir):
    state.write_commentary(LA, MEASURE, dt.date(2026, 3, 31), "As written.", "", "", "",
                           "analyst.one", "analyst")
    con = raw(data_dir)
    with pytest.raises(sqlite3.DatabaseError, match="kept as written"):
        con.execute("UPDATE commentary SET commentary = 'Rewritten', author = 'someone'")
    with pytest.raises(sqlite3.DatabaseError, match="kept as written"):
        con.execute("DELETE FROM commentary")
    con.close()
    [entry] = state.commentary_history(LA, MEASURE, "2026-03-31")
    assert (entry.text, entry.author) == ("As written.", "analyst.one")


def test_clearing_is_a_revision_and_readers_see_nothing(data_dir):
    period = dt.date(2026, 3, 31)
    state.write_commentary(LA, MEASURE, period, "Words.", "An action", "Jo", "2027-01-31",
                           "analyst.one", "analyst")
    cleared = state.write_commentary(LA, MEASURE, period, "  \n ", "", "", "", "team.manager",
                                     "manager")
    assert cleared.cleared and cleared.revision == 2
    assert state.commentary_for(LA, period) == {}
    assert [e.cleared for e in state.commentary_history(LA, MEASURE, period)] == [False, True]
    with pytest.raises(CommentaryError, match="owner or a due date needs an action"):
        state.write_commentary(LA, MEASURE, period, "Words.", "", "Jo", "", "a", "analyst")
    with pytest.raises(CommentaryError, match="owner or a due date needs an action"):
        state.write_commentary(LA, MEASURE, period, "Words.", "", "", "2027-01-31", "a",
                               "analyst")


def test_control_characters_and_invisible_marks_are_taken_out(data_dir):
    saved = state.write_commentary(
        LA, MEASURE, dt.date(2026, 3, 31),
        "  Line one\x00\x1b[31m\r\nline\u202e two\ud800\tend\x7f  \n\n",
        "Act\non\u2066 it\x85", "Jo\nBloggs\u200f", "", "analyst.one", "analyst")
    assert saved.text == "Line one[31m\nline two end"
    assert saved.action == "Act on it"
    assert saved.owner == "Jo Bloggs"
    [stored] = state.commentary_history(LA, MEASURE, "2026-03-31")
    assert stored == saved


@pytest.mark.parametrize("key, message", [
    (("E06000015", "not a measure!", "2026-03-31"), "not a measure's id"),
    (("nowhere", MEASURE, "2026-03-31"), "ONS code"),
    (("E06000015", MEASURE, "31/03/2026"), "not a period end"),
    (("E06000015", MEASURE, dt.datetime(2026, 3, 31)), "not a period end"),
])
def test_the_state_module_stores_only_real_keys(data_dir, key, message):
    with pytest.raises(StateError, match=message):
        state.write_commentary(*key, "Words.", "", "", "", "analyst.one", "analyst")
    with pytest.raises(StateError, match="not a role"):
        state.write_commentary(LA, MEASURE, "2026-03-31", "Words.", "", "", "", "x", "boss")


# --- the data layer, against a copy of the sample warehouse ------------------------------------

@pytest.fixture
def sample(sample_warehouse, tmp_path, monkeypatch) -> Path:
    """A data folder of its own holding the sample's published warehouse (linked, never
    written) and a state database with its users, so the commentary written here never
    reaches the shared sample the live server serves, nor what the browser tests wrote there
    reaches this."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CPD_DATA_DIR", str(folder))
    own_copy(sample_warehouse, folder)
    monkeypatch.setenv("CPD_SECRET_KEY", SECRET_KEY)
    return folder


@pytest.fixture
def periods(sample) -> list[dt.date]:
    found = access.periods(LA)
    assert len(found) >= 2, "the sample has fewer than two periods"
    return found


def test_analysts_and_managers_write_and_every_role_reads(sample, periods):
    latest = periods[-1]
    by_analyst = access.save_commentary(ANALYST, LA, MEASURE, latest, "Up this quarter.",
                                        "", "", "")
    by_manager = access.save_commentary(MANAGER, LA, MEASURE, latest, SECRET_TEXT,
                                        "Recruit two foster carers", "Head of fostering",
                                        "2027-01-31")
    assert (by_analyst.revision, by_manager.revision) == (1, 2)
    for reader in (MEMBER, MANAGER, ANALYST, ADMIN, User("far", "member", councils=frozenset(
            {LA}))):
        assert access.commentary(reader, LA, latest) == {MEASURE: by_manager}
    assert access.commentary(MEMBER, LA, periods[0]) == {}
    assert [e.author for e in access.commentary_history(MEMBER, LA, MEASURE, latest)] == [
        "analyst.one", "team.manager"]
    # the sample's state database is shared with the browser tests: only this test's users
    saves = [e for e in audit_rows() if e["action"] == "commentary saved"
             and e["user"] in (ANALYST.name, MANAGER.name)]
    assert [(e["user"], e["role"], e["what"], e["outcome"]) for e in saves] == [
        ("analyst.one", "analyst", {"la": LA, "indicator": MEASURE,
                                    "period": latest.isoformat(), "revision": 1}, "changed"),
        ("team.manager", "manager", {"la": LA, "indicator": MEASURE,
                                     "period": latest.isoformat(), "revision": 2}, "changed")]
    stored = raw_audit_text(sample)
    for words in ("Up this quarter", "zebra-quartz-41", "Recruit two", "Head of fostering"):
        assert words not in stored
    assert state.verify_audit() == []


def test_a_reader_outside_the_council_is_refused_and_audited(sample, periods):
    elsewhere = User("far.away", "member", councils=frozenset({SECOND_LA}))
    with pytest.raises(AccessDenied, match="not one you may see"):
        access.commentary(elsewhere, LA, periods[-1])
    [entry] = audit_rows(1)
    assert (entry["user"], entry["action"], entry["outcome"]) == (
        "far.away", "commentary read", "refused")


@pytest.mark.parametrize("user", [MEMBER, ADMIN, User("x", "member", councils=frozenset({LA}))],
                         ids=["member", "admin", "member of the council"])
def test_members_and_admins_can_never_write(sample, periods, user):
    before = state.audit_count()
    for text, action in ((SECRET_TEXT, "Do something"), ("", "")):  # a clearing too
        with pytest.raises(AccessDenied, match="Only analysts and managers"):
            access.save_commentary(user, LA, MEASURE, periods[-1], text, action, "", "")
    assert state.commentary_history(LA, MEASURE, periods[-1]) == []
    refused = audit_rows()[before:]
    assert [(e["user"], e["action"], e["outcome"]) for e in refused] == [
        (user.name, "commentary saved", "refused")] * 2
    assert refused[0]["what"] == {"la": LA, "indicator": MEASURE,
                                  "period": periods[-1].isoformat()}
    assert "zebra-quartz-41" not in raw_audit_text(sample)


@pytest.mark.parametrize("field, value, message", [
    ("text", "x" * 1001, "The commentary is 1,001 characters long: it can be at most 1,000"),
    ("action", "y" * 301, "The action is 301 characters long: it can be at most 300"),
    ("owner", "z" * 101, "The action's owner is 101 characters long: it can be at most 100"),
    ("due", "2027-02-30", "The due date is not a real date"),
    ("due", "31/01/2027", "The due date is not a real date"),
    ("due", "20270131", "The due date is not a real date"),
    ("due", "next Tuesday", "The due date is not a real date"),
    ("due", 20270131, "The due date is not a real date"),
    ("due", "1999-12-31", "The due date 31 Dec 1999 is out of range"),
    ("text", 42, "The commentary must be text"),
    ("owner", ["Jo"], "The action's owner must be text"),
])
def test_text_too_long_and_bad_dates_are_refused_plainly(sample, periods, field, value,
                                                         message):
    fields = {"text": "Words.", "action": "An action", "owner": "Jo", "due": "2027-01-31",
              field: value}
    before = state.audit_count()
    with pytest.raises(CommentaryNotSaved, match=re.escape(message)):
        access.save_commentary(ANALYST, LA, MEASURE, periods[-1], fields["text"],
                               fields["action"], fields["owner"], fields["due"])
    assert state.commentary_history(LA, MEASURE, periods[-1]) == []
    assert state.audit_count() == before  # nothing was saved, nothing forbidden was tried


def test_text_at_the_limits_is_saved(sample, periods):
    saved = access.save_commentary(ANALYST, LA, MEASURE, periods[-1], "x" * 1000, "y" * 300,
                                   "z" * 100, dt.date(2099, 12, 31))
    assert (len(saved.text), len(saved.action), len(saved.owner), saved.due) == (
        1000, 300, 100, dt.date(2099, 12, 31))


@pytest.mark.parametrize("la, indicator, period, message, shown", [
    (LA, "not_a_measure", None, "no such measure",
     {"indicator": "(not a measure)"}),
    (LA, "cla_at_period_end' OR '1'='1", None, "no such measure",
     {"indicator": "(not a measure)"}),
    (LA, MEASURE, dt.date(2019, 3, 31), "No data is loaded for that period end",
     {"period": "2019-03-31"}),
    (LA, MEASURE, "A1234567", "No data is loaded for that period end",
     {"period": "(not a period end)"}),
    ("E09000001", MEASURE, None, "not one you may see", {"la": "E09000001"}),
    ("<script>", MEASURE, None, "not one you may see", {"la": "(not a council)"}),
])
def test_a_forged_measure_period_or_council_is_refused(sample, periods, la, indicator, period,
                                                       message, shown):
    period = periods[-1] if period is None else period
    with pytest.raises(AccessDenied, match=message):
        access.save_commentary(ANALYST, la, indicator, period, "Words.", "", "", "")
    [entry] = audit_rows(1)
    assert (entry["action"], entry["outcome"]) == ("commentary saved", "refused")
    assert shown.items() <= entry["what"].items()
    text = raw_audit_text(sample)
    assert "OR '1'" not in text and "A1234567" not in text and "<script>" not in text
    with closing(raw(sample)) as con:
        assert con.execute("SELECT count(*) FROM commentary").fetchone()[0] == 0


def test_a_manager_of_another_council_cannot_write_here(sample, periods):
    theirs = User("other.manager", "manager", teams=None, councils=frozenset({SECOND_LA}))
    with pytest.raises(AccessDenied, match="not one you may see"):
        access.save_commentary(theirs, LA, MEASURE, periods[-1], "Words.", "", "", "")
    assert state.commentary_for(LA, periods[-1]) == {}


def test_nothing_written_is_logged(sample, periods, caplog):
    caplog.set_level(logging.DEBUG)
    access.save_commentary(ANALYST, LA, MEASURE, periods[-1], SECRET_TEXT, "", "", "")
    commentary.save(ANALYST, f"/indicator/{MEASURE}", "", SECRET_TEXT + " again", "", "", "")
    with pytest.raises(AccessDenied):
        access.save_commentary(MEMBER, LA, MEASURE, periods[-1], SECRET_TEXT, "", "", "")
    assert "zebra-quartz-41" not in caplog.text
    assert "zebra-quartz-41" not in raw_audit_text(sample)


# --- the Save button's work, end to end ------------------------------------------------------

def test_save_takes_the_measure_from_the_path_and_the_period_from_the_address(sample, periods):
    earlier = periods[-2]
    said = commentary.save(ANALYST, f"/indicator/{MEASURE}", f"?period={earlier}",
                           "Down after two returns home.", "Check the returns",
                           "Service manager", "2027-01-31")
    assert re.fullmatch(
        rf"Saved at \d\d:\d\d: the commentary on {re.escape(BY_ID[MEASURE].title)} for the "
        rf"period ending {earlier:%-d %b %Y}\. Members see it on the scorecard and this page; "
        r"reload the page to see it as they will\.", said)
    [entry] = access.commentary(MEMBER, LA, earlier).values()
    assert (entry.indicator_id, entry.text, entry.action, entry.owner, entry.due,
            entry.author) == (MEASURE, "Down after two returns home.", "Check the returns",
                              "Service manager", dt.date(2027, 1, 31), "analyst.one")
    assert access.commentary(MEMBER, LA, periods[-1]) == {}  # the default period is untouched
    # no period in the address: the latest, as the page shows it
    commentary.save(MANAGER, f"/indicator/{MEASURE}/", "", "Latest words.", "", "", "")
    assert access.commentary(MEMBER, LA, periods[-1])[MEASURE].author == "team.manager"
    cleared = commentary.save(ANALYST, f"/indicator/{MEASURE}", f"?period={earlier}", "", "",
                              "", "")
    assert cleared.startswith("Cleared at ") and "Earlier versions are kept." in cleared
    assert access.commentary(MEMBER, LA, earlier) == {}


def test_save_in_another_council_named_by_the_address(sample):
    second_periods = access.periods(SECOND_LA)
    said = commentary.save(ANALYST, f"/indicator/{MEASURE}", f"?la={SECOND_LA}", "Words.", "",
                           "", "")
    assert said.startswith("Saved at ")
    assert list(state.commentary_for(SECOND_LA, second_periods[-1])) == [MEASURE]
    assert state.commentary_for(LA, access.periods(LA)[-1]) == {}


@pytest.mark.parametrize("user, pathname, search, text, expected", [
    (MEMBER, f"/indicator/{MEASURE}", "", "Words.",
     "Not saved. Only analysts and managers can write commentary."),
    (ADMIN, f"/indicator/{MEASURE}", "", "Words.",
     "Not saved. Only analysts and managers can write commentary."),
    (ANALYST, "/indicator/no_such_measure", "", "Words.", "Not saved. There is no such measure."),
    (ANALYST, "/scorecard", "", "Words.", "Not saved. There is no such measure."),
    (ANALYST, None, "", "Words.", "Not saved. There is no such measure."),
    (ANALYST, 7, "", "Words.", "Not saved. There is no such measure."),
    (ANALYST, f"/indicator/{MEASURE}", "?period=1999-03-31", "Words.",
     "Not saved. The address names a period end this dashboard does not have (or not for "
     "you)."),
    (ANALYST, f"/indicator/{MEASURE}", "?indicator=x&evil=1", "Words.",
     "Not saved. The address asks for something this dashboard does not have."),
    (ANALYST, f"/indicator/{MEASURE}", {"period": "2026-03-31"}, "Words.",
     "Not saved. The address asks for something this dashboard does not have."),
    (User("outsider", "analyst", councils=frozenset({SECOND_LA})), f"/indicator/{MEASURE}",
     f"?la={LA}", "Words.",
     "Not saved. The address names a council this dashboard does not have (or not for "
     "you)."),
    (ANALYST, f"/indicator/{MEASURE}", "", 12345, "Not saved. The commentary must be text."),
    (ANALYST, f"/indicator/{MEASURE}", "", "w" * 1001,
     "Not saved. The commentary is 1,001 characters long: it can be at most 1,000. Shorten "
     "it and save again."),
])
def test_save_refuses_in_plain_words(sample, periods, user, pathname, search, text, expected):
    assert commentary.save(user, pathname, search, text, "", "", "") == expected
    with closing(raw(sample)) as con:
        assert con.execute("SELECT count(*) FROM commentary").fetchone()[0] == 0
    if not expected.startswith("Not saved. The commentary"):
        assert audit_rows(1)[0]["outcome"] == "refused"


# --- what the page shows ---------------------------------------------------------------------

BLOCKS = (html.P, html.H2, html.H3, html.Li, html.Summary, html.Label)


def text_of(node) -> str:
    """The words as a reader meets them: a space after each paragraph, heading or item."""
    if isinstance(node, (list, tuple)):
        return "".join(text_of(c) for c in node)
    if isinstance(node, (str, int, float)):
        return str(node)
    if node is None:
        return ""
    inner = text_of(getattr(node, "children", None))
    return inner + " " if isinstance(node, BLOCKS) else inner


def by_id(layout) -> dict:
    return {c.id: c for c in walk(layout) if getattr(c, "id", None)}


def test_members_read_the_entry_and_analysts_and_managers_get_the_form(sample, periods):
    access.save_commentary(ANALYST, LA, MEASURE, periods[-1], "First thoughts.", "", "", "")
    access.save_commentary(MANAGER, LA, MEASURE, periods[-1], "Up: a sibling group.\nSecond "
                           "line.", "Review the placements", "Head of service", "2027-01-31")
    today = dt.datetime.now(commentary.LONDON).date()
    member_view = View.for_request(MEMBER, "")
    shown = commentary.section(member_view, MEASURE)
    words = text_of(shown)
    assert "Commentary and actions" in words
    assert "Up: a sibling group." in words and "Second line." in words
    assert "Action: Review the placements" in words and "Owner: Head of service." in words
    assert "Due by 31 Jan 2027." in words
    assert f"Written by team.manager (manager) on {today:%-d %b %Y}." in words
    assert "Earlier versions (1)" in words and "Commentary: First thoughts." in words
    assert "commentary-text" not in by_id(shown)  # no form for a member
    for word in ("child", "to check", "indicators.md"):
        assert word not in words
    for writer in (ANALYST, MANAGER):
        ids = by_id(commentary.section(View.for_request(writer, ""), MEASURE))
        assert ids["commentary-text"].value.startswith("Up: a sibling group.")
        assert ids["commentary-action"].value == "Review the placements"
        assert ids["commentary-due"].type == "date"
        assert ids["commentary-due"].value == "2027-01-31"
        assert ids["commentary-save"].children == "Save commentary"
        status = ids["commentary-status"].to_plotly_json()["props"]
        assert status["aria-live"] == "polite"
        labels = [c for c in walk(commentary.section(View.for_request(writer, ""), MEASURE))
                  if isinstance(c, html.Label)]
        assert {label.htmlFor for label in labels} == {
            "commentary-text", "commentary-action", "commentary-owner", "commentary-due"}
    assert commentary.section(View.for_request(ADMIN, ""), MEASURE)[0].id == "commentary"
    assert "commentary-text" not in by_id(commentary.section(View.for_request(ADMIN, ""),
                                                             MEASURE))


def test_the_section_says_when_nothing_is_written_and_that_it_is_for_the_whole_council(
        sample, periods):
    team = access.teams(LA, periods[-1])["team"].iloc[0]
    view = View.for_request(ANALYST, "?" + urllib.parse.urlencode({"team": team}))
    words = text_of(commentary.section(view, MEASURE))
    assert f"No commentary or action has been written on this measure for the period ending " \
           f"{periods[-1]:%-d %b %Y}." in words
    assert f"Commentary is for the whole council, not only {team}." in words
    assert commentary.section(view, "not_a_measure") == []


def entry(**fields) -> access.Commentary:
    values = {"la_code": LA, "indicator_id": MEASURE, "period_end": dt.date(2026, 3, 31),
              "revision": 1, "text": "", "action": "", "owner": "", "due": None,
              "author": "a", "author_role": "analyst",
              "written_at": dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc)}
    return access.Commentary(**{**values, **fields})


def test_summary_is_one_plain_line():
    assert commentary.summary(entry(text="Up.\nA sibling group.", action="Review",
                                    owner="Head of service", due=dt.date(2027, 1, 31))) == \
        "Commentary: Up. A sibling group. Action: Review (Head of service, due 31 Jan 2027)"
    assert commentary.summary(entry(text="Only words.")) == "Commentary: Only words."
    assert commentary.summary(entry(action="Act", due=dt.date(2027, 1, 31))) == \
        "Action: Act (due 31 Jan 2027)"
    assert commentary.summary(entry(action="Act", owner="Jo")) == "Action: Act (Jo)"
    assert commentary.summary(entry()) is None and commentary.summary(None) is None
    assert commentary.summary(entry(text="one two three four five six"), limit=12) == \
        "Commentary: one two…"


def test_written_on_is_the_day_in_london():
    late = entry(text="x", written_at=dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.timezone.utc))
    assert commentary.written_line(late) == "Written by a (analyst) on 1 Jul 2026."
    admin = entry(text="x", author_role="admin")
    assert commentary.written_line(admin) == "Written by a (administrator) on 1 Dec 2026."


# --- the callback, as the app registers it -----------------------------------------------------

def test_the_callback_takes_the_fields_and_the_address_only():
    app = Dash(__name__)
    commentary.register(app)
    inputs, states = security.callback_shapes(app)["commentary-status.children"]
    assert inputs == [("commentary-save", "n_clicks")]
    assert states == [("commentary-text", "value"), ("commentary-action", "value"),
                      ("commentary-owner", "value"), ("commentary-due", "value"),
                      ("url", "pathname"), ("url", "search")]


# --- through the production app: HTTP requests, then real Chromium ----------------------------

@pytest.fixture
def wired(sample):
    """The production app, with the indicator page's commentary section and its Save
    callback as app.py wires them."""
    from dashboard.app import create_app

    app = create_app()
    assert "commentary-status.children" in app.callback_map
    return app


def press_save(client, text, action="", owner="", due="", pathname=f"/indicator/{MEASURE}",
               search="", csrf=True, extra_state=()):
    """The Save button's request, as Dash's renderer sends it (or as a forger would)."""
    state_items = [{"id": "commentary-text", "property": "value", "value": text},
                   {"id": "commentary-action", "property": "value", "value": action},
                   {"id": "commentary-owner", "property": "value", "value": owner},
                   {"id": "commentary-due", "property": "value", "value": due},
                   {"id": "url", "property": "pathname", "value": pathname},
                   {"id": "url", "property": "search", "value": search}, *extra_state]
    headers = {}
    if csrf:
        headers["X-CSRFToken"] = client.get_cookie("_csrf_token").value
    return client.post("/_dash-update-component", headers=headers, json={
        "output": "commentary-status.children",
        "outputs": {"id": "commentary-status", "property": "children"},
        "inputs": [{"id": "commentary-save", "property": "n_clicks", "value": 1}],
        "state": state_items, "changedPropIds": ["commentary-save.n_clicks"]})


def status_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_json()["response"]["commentary-status"]["children"]


def test_over_http_a_member_cannot_write_whatever_they_send(wired, sample, periods):
    member = signed_in(wired, "member")
    assert status_of(press_save(member, SECRET_TEXT, "Do it", "Jo", "2027-01-31")) == \
        "Not saved. Only analysts and managers can write commentary."
    assert status_of(press_save(member, "", "")) == \
        "Not saved. Only analysts and managers can write commentary."
    assert press_save(member, "Words.", csrf=False).status_code == 403
    assert press_save(member, "Words.", extra_state=[
        {"id": "commentary-author", "property": "value", "value": "analyst"}]).status_code == 400
    with closing(raw(sample)) as con:
        assert con.execute("SELECT count(*) FROM commentary").fetchone()[0] == 0
    assert "zebra-quartz-41" not in raw_audit_text(sample)


def test_over_http_an_analyst_saves_and_a_member_reads_it_on_the_page(wired, sample, periods):
    analyst = signed_in(wired, "analyst")
    said = status_of(press_save(analyst, "Up: a sibling group of four.", "Review placements",
                                "Head of service", "2027-01-31", search=f"?period={periods[-2]}"))
    assert said.startswith("Saved at ") and f"{periods[-2]:%-d %b %Y}" in said
    assert status_of(press_save(analyst, "Words.", pathname="/indicator/nope")) == \
        "Not saved. There is no such measure."
    [entry] = access.commentary(MEMBER, LA, periods[-2]).values()
    assert (entry.author, entry.author_role, entry.due) == ("analyst", "analyst",
                                                            dt.date(2027, 1, 31))
    member = signed_in(wired, "member")
    response = member.post("/_dash-update-component", headers={
        "X-CSRFToken": member.get_cookie("_csrf_token").value}, json={
        "output": "page.children", "outputs": {"id": "page", "property": "children"},
        "inputs": [{"id": "url", "property": "pathname", "value": f"/indicator/{MEASURE}"},
                   {"id": "url", "property": "search", "value": f"?period={periods[-2]}"}],
        "changedPropIds": ["url.pathname"]})
    page_json = json.dumps(response.get_json())
    assert "Up: a sibling group of four." in page_json
    assert "Written by analyst (analyst) on" in page_json
    assert "commentary-text" not in page_json and "commentary-save" not in page_json


@pytest.fixture
def served(wired):
    """The wired production app served over HTTP in this process (Chromium needs a socket)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", free_port(), wired.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def open_tab(browser, base: str, role: str, path: str):
    """A tab signed in as the user of that role, on `path` (where signing in leads)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    problems = watch_console(tab)
    tab.goto(f"{base}/sign-in?" + urllib.parse.urlencode({"next": path}))
    tab.fill("#name", USERS[role])
    tab.fill("#password", PASSWORD)
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    assert tab.url == base + path, f"{role} could not sign in"
    return context, tab, problems


def test_in_chromium_a_manager_writes_and_a_member_reads(browser, served, sample, periods):
    from playwright.sync_api import expect

    from tests.live import check_accessibility

    context, tab, problems = open_tab(browser, served, "manager", f"/indicator/{MEASURE}")
    try:
        expect(tab.get_by_role("heading", name="Commentary and actions")).to_be_visible()
        expect(tab.locator("#commentary")).to_contain_text("No commentary or action")
        tab.get_by_label("Commentary (at most 1,000 characters)").fill(
            "Up: a sibling group of four came into care.")
        tab.get_by_label("Action (at most 300 characters)").fill("Review the sibling placements")
        tab.get_by_label("Who owns the action (a name or a role)").fill("Head of fostering")
        due = tab.get_by_label("Due date (day, month and year)")
        assert due.get_attribute("type") == "date"
        due.fill("2027-01-31")
        check_accessibility(tab)
        tab.get_by_role("button", name="Save commentary").click()
        status = tab.get_by_role("status")
        expect(status).to_contain_text("Saved at ")
        assert status.get_attribute("aria-live") == "polite"
        tab.reload()
        expect(tab.locator("#commentary")).to_contain_text(
            "Written by team-manager (manager) on")
        expect(tab.get_by_label("Due date (day, month and year)")).to_have_value("2027-01-31")
        # a second revision, from the form as the page left it
        tab.get_by_label("Action (at most 300 characters)").fill("Review placements by January")
        tab.get_by_role("button", name="Save commentary").click()
        expect(status).to_contain_text("Saved at ")
        assert not problems, problems
    finally:
        context.close()
    history = state.commentary_history(LA, MEASURE, periods[-1])
    assert [(e.author, e.action, e.due) for e in history] == [
        ("team-manager", "Review the sibling placements", dt.date(2027, 1, 31)),
        ("team-manager", "Review placements by January", dt.date(2027, 1, 31))]

    context, tab, problems = open_tab(browser, served, "member", f"/indicator/{MEASURE}")
    try:
        section = tab.locator("#commentary")
        expect(section).to_contain_text("Up: a sibling group of four came into care.")
        expect(section).to_contain_text("Action: Review placements by January")
        expect(section).to_contain_text("Due by 31 Jan 2027.")
        expect(section).to_contain_text("Earlier versions (1)")
        assert tab.locator("#commentary-text").count() == 0
        assert tab.get_by_role("button", name="Save commentary").count() == 0
        check_accessibility(tab)
        assert not problems, problems
    finally:
        context.close()
