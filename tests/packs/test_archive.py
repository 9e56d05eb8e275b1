"""Packs asked for on the dashboard and their archive, through the data layer (and the app's
routes over HTTP): who may build and download which pack, the cap on builds at once, and the
archive's path check. Against a real state database and a private copy of the real sample
warehouse; the builds here are real (the worker process, Chromium printing the PDF).

Who may do what: board packs (figures as members see them) every role downloads, for the
councils it may see, and managers, analysts and admins build; Ofsted packs (unsuppressed)
managers, analysts and admins, a manager with a remit only those built for teams inside it.
Members are never told Ofsted packs exist."""
from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from dashboard import access, state
from dashboard.access import AccessDenied, NotFound, User
from dashboard.packs import build, worker
from dashboard.pages import packs as page
from dashboard.view import View
from tests.http import client_signed_in as signed_in
from tests.layout import walk
from tests.live import MANAGER_AREA, SECOND_LA, SECRET_KEY, USERS, own_copy

LA = "E06000015"
MEMBER = User("councillor", "member")
ANALYST = User("analyst", "analyst")
ADMIN = User("admin", "admin")
# a PDF of a few bytes stands in for an archived pack where only its record is under test
SMALL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BUILD_TIMEOUT = 180  # seconds: a real build is 15-30 s here, longer on a busy machine


def audit_rows(count: int = 50) -> list[dict]:
    """The newest audit entries, oldest first."""
    return list(reversed(state.audit_entries(limit=count)))


def wait_for(run_id: int, timeout: float = BUILD_TIMEOUT) -> state.PackRun:
    """The run once its worker has finished with it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = state.pack_run(run_id)
        if not run.active:
            return run
        time.sleep(0.25)
    pytest.fail(f"pack run {run_id} still {state.pack_run(run_id).status} after {timeout} s")


@pytest.fixture
def folder(sample_warehouse, tmp_path, monkeypatch) -> Path:
    """A data folder of this test's own (the sample's warehouse, its users, no pack yet). Any
    build a test started is waited for, so no worker outlives its folder."""
    data = tmp_path / "data"
    monkeypatch.setenv("CPD_DATA_DIR", str(data))
    monkeypatch.setenv("CPD_SECRET_KEY", SECRET_KEY)
    own_copy(sample_warehouse, data)
    yield data
    for run in state.pack_runs():
        if run.active and run.trigger == "dashboard":
            wait_for(run.id)


@pytest.fixture
def periods(folder) -> list[dt.date]:
    return access.periods(LA)


@pytest.fixture
def remit(periods) -> frozenset[str]:
    """The sample manager's remit: the teams of one service area."""
    teams = access.teams(LA, periods[-1])
    return frozenset(teams.loc[teams["service_area"] == MANAGER_AREA, "team"])


@pytest.fixture
def manager(remit) -> User:
    return User(USERS["manager"], "manager", teams=remit)


def archived(kind: str, la: str, period: dt.date, teams=None, by: str = "analyst",
             content: bytes = SMALL_PDF) -> state.PackRun:
    """A done run with its PDF in the archive, recorded as the command line records one."""
    run, created = state.start_pack_run(kind, la, period, teams, "command line", by)
    assert created
    name = build.archive_name(kind, la, period, dt.date.today())
    (build.archive_dir() / name).write_bytes(content)
    return state.finish_pack_run(run.id, name, hashlib.sha256(content).hexdigest(),
                                 len(content), 1, {"la": la, "period_end": period.isoformat()})


def raw(folder: Path) -> sqlite3.Connection:
    return sqlite3.connect(folder / state.FILE_NAME, isolation_level=None)


# --- a real build, asked for as the dashboard asks -------------------------------------------

def test_an_analyst_asks_for_the_board_pack_and_every_role_downloads_it(folder, periods,
                                                                        manager):
    started = time.perf_counter()
    run = access.request_pack(ANALYST, "board", LA, periods[-1])
    took = time.perf_counter() - started
    print(f"\nrequest_pack (queue the run, start its worker): {took * 1000:.0f} ms")
    assert took < 1.0
    assert (run.kind, run.la_code, run.period_end, run.teams, run.trigger, run.requested_by) \
        == ("board", LA, periods[-1], None, "dashboard", "analyst")
    assert run.active
    # the same pack asked for again while it builds is the same run, whoever asks
    for user in (manager, ANALYST, ADMIN):
        assert access.request_pack(user, "board", LA, periods[-1]).id == run.id
    assert len(state.pack_runs()) == 1
    done = wait_for(run.id)
    assert done.status == "done", done.error
    assert done.pages and done.pages > 1
    assert done.provenance["loads"] and done.provenance["code"]["source_digest"]
    for user in (MEMBER, manager, ANALYST, ADMIN):
        path, name = access.pack_file(user, run.id)
        assert path.parent == build.archive_dir().resolve() and name == done.file
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == done.sha256
        assert [r.id for r in access.pack_runs_for(user, LA)] == [run.id]
        [entry] = audit_rows(1)
        assert (entry["user"], entry["action"], entry["outcome"]) == (
            user.name, "pack downloaded", "exported")
        assert entry["what"] == {"run": run.id, "kind": "board", "la": LA,
                                 "period_end": periods[-1].isoformat()}
    requests = [e for e in audit_rows(200) if e["action"] == "pack requested"]
    assert [(e["user"], e["outcome"]) for e in requests] == [
        ("analyst", "changed"), (manager.name, "shown"), ("analyst", "shown"),
        ("admin", "shown")]
    assert state.verify_audit() == []


def test_the_worker_builds_only_a_queued_run(folder, periods):
    assert worker.main(["12345"]) == 1  # no such run
    assert worker.main(["not-a-number"]) == 2
    run, _ = state.start_pack_run("board", LA, periods[0], None, "command line", "analyst")
    state.fail_pack_run(run.id, "Stopped by hand.")
    assert worker.main([str(run.id)]) == 1
    assert state.pack_run(run.id).error == "Stopped by hand."  # left as it was


# --- who may ask for which pack --------------------------------------------------------------

@pytest.mark.parametrize("user, kind, la, period, message, shown", [
    (MEMBER, "ofsted", LA, None, "not a pack you can build", {"kind": "ofsted"}),
    (MEMBER, "board", LA, None, "not a pack you can build", {"kind": "board"}),
    (ANALYST, "annex", LA, None, "not a pack you can build", {"kind": "(not a kind of pack)"}),
    (ANALYST, ["board"], LA, None, "not a pack you can build",
     {"kind": "(not a kind of pack)"}),
    (User("far", "analyst", councils=frozenset({SECOND_LA})), "board", LA, None,
     "not one you may see", {"la": LA}),
    (ANALYST, "board", "E09000001", None, "not one you may see", {"la": "E09000001"}),
    (ANALYST, "board", "../../etc", None, "not one you may see", {"la": "(not a council)"}),
    (ANALYST, "board", LA, dt.date(2019, 3, 31), "No data is loaded for that period end",
     {"period": "2019-03-31"}),
    (ANALYST, "board", LA, "A1234567", "No data is loaded for that period end",
     {"period": "(not a period end)"}),
    (ANALYST, "board", SECOND_LA, dt.date(2026, 9, 30), "No data is loaded",
     {"la": SECOND_LA, "period": "2026-09-30"}),
    (User("nobody's", "manager", teams=frozenset()), "ofsted", LA, None, "remit has no teams",
     {"kind": "ofsted"}),
])
def test_a_pack_not_theirs_to_build_is_refused_and_audited(folder, periods, user, kind, la,
                                                           period, message, shown):
    with pytest.raises(AccessDenied, match=message):
        access.request_pack(user, kind, la, periods[-1] if period is None else period)
    [entry] = audit_rows(1)
    assert (entry["user"], entry["action"], entry["outcome"]) == (
        user.name, "pack requested", "refused")
    assert shown.items() <= entry["what"].items()
    assert "A1234567" not in str(entry) and "../" not in str(entry)
    assert state.pack_runs() == []


def test_an_ofsted_pack_is_for_a_managers_remit_and_otherwise_the_whole_council(
        folder, periods, manager, remit):
    """Each request joins the run already queued for exactly its scope: a request with the
    wrong scope would queue another run, or be refused with both places taken."""
    for_remit, _ = state.start_pack_run("ofsted", LA, periods[-1], remit, "command line", "x")
    whole, _ = state.start_pack_run("ofsted", LA, periods[-1], None, "command line", "x")
    assert access.request_pack(manager, "ofsted", LA, periods[-1]).id == for_remit.id
    assert state.pack_run(for_remit.id).teams == tuple(sorted(remit))
    for user in (ANALYST, ADMIN, User("all-teams", "manager")):
        assert access.request_pack(user, "ofsted", LA, periods[-1]).id == whole.id
    # a board pack is the same for everyone: the manager's is for the whole council
    board, _ = state.start_pack_run("board", LA, periods[-1], None, "command line", "x")
    state.fail_pack_run(for_remit.id, "made room")
    assert access.request_pack(manager, "board", LA, periods[-1]).id == board.id
    assert len(state.pack_runs()) == 3


# --- at most MAX_PACKS_BUILDING at once --------------------------------------------------------

def test_builds_at_once_are_capped_across_the_server(folder, periods):
    assert access.MAX_PACKS_BUILDING == 2
    # two builds under way, from the schedule and the command line (for either council)
    first, _ = state.start_pack_run("board", LA, periods[0], None, "schedule", "clock")
    second, _ = state.start_pack_run("ofsted", SECOND_LA, dt.date(2026, 3, 31), None,
                                     "command line", "analyst")
    with pytest.raises(AccessDenied, match="2 packs are being built already"):
        access.request_pack(ANALYST, "board", LA, periods[-1])
    [entry] = audit_rows(1)
    assert (entry["action"], entry["outcome"], entry["what"]["reason"]) == (
        "pack requested", "refused", "busy")
    assert len(state.pack_runs()) == 2
    # asking for a pack already building takes no new place: it is that run
    assert access.request_pack(ADMIN, "board", LA, periods[0]).id == first.id
    # a run whose builder has not been heard of for PACK_STALE died: it holds no place
    old = (dt.datetime.now(dt.timezone.utc) - state.PACK_STALE
           - dt.timedelta(minutes=1)).isoformat()
    with closing(raw(folder)) as con:
        con.execute("UPDATE pack_runs SET requested_at = ?, heartbeat_at = ? WHERE id = ?",
                    [old, old, second.id])
    run = access.request_pack(ANALYST, "board", LA, periods[-1])
    assert run.id not in (first.id, second.id) and run.trigger == "dashboard"
    assert state.pack_run(second.id).status == "failed"  # marked so when the new one queued
    # the third request is refused again while two build
    with pytest.raises(AccessDenied, match="2 packs are being built already"):
        access.request_pack(ANALYST, "board", LA, periods[-2])


# --- what each user sees in the archive, and may download --------------------------------------

@pytest.fixture
def shelf(folder, periods, remit) -> dict[str, state.PackRun]:
    """An archive with a pack of every kind and scope: board and Ofsted packs for the whole
    council, an Ofsted pack for the manager's remit, one for a team outside it, and a board
    pack of the second council."""
    outside = sorted(set(access.teams(LA, periods[-1])["team"]) - remit)[:1]
    return {
        "board": archived("board", LA, periods[-1]),
        "ofsted": archived("ofsted", LA, periods[-1]),
        "ofsted remit": archived("ofsted", LA, periods[-1], remit, by=USERS["manager"]),
        "ofsted elsewhere": archived("ofsted", LA, periods[-1], outside),
        "second board": archived("board", SECOND_LA, dt.date(2026, 3, 31)),
    }


def test_each_role_sees_and_downloads_only_its_packs(shelf, manager):
    member_far = User("far", "member", councils=frozenset({SECOND_LA}))
    sees = {
        MEMBER: ({"board"}, {"second board"}),
        manager: ({"board", "ofsted remit"}, {"second board"}),
        User("all-teams", "manager"): ({"board", "ofsted", "ofsted remit",
                                        "ofsted elsewhere"}, {"second board"}),
        ANALYST: ({"board", "ofsted", "ofsted remit", "ofsted elsewhere"}, {"second board"}),
        ADMIN: ({"board", "ofsted", "ofsted remit", "ofsted elsewhere"}, {"second board"}),
        member_far: (None, {"second board"}),
    }
    for user, (here, there) in sees.items():
        for la, expected in ((LA, here), (SECOND_LA, there)):
            if expected is None:
                with pytest.raises(AccessDenied, match="not one you may see"):
                    access.pack_runs_for(user, la)
                continue
            listed = {r.id for r in access.pack_runs_for(user, la)}
            assert listed == {shelf[k].id for k in expected}, (user.name, la)
        allowed = (here or set()) | there
        for key, run in shelf.items():
            before = state.audit_count()
            if key in allowed:
                path, name = access.pack_file(user, run.id)
                assert path.read_bytes() == SMALL_PDF and name == run.file
                assert audit_rows(1)[0]["outcome"] == "exported"
            else:
                with pytest.raises(NotFound):
                    access.pack_file(user, run.id)
                [entry] = audit_rows(1)
                assert (entry["action"], entry["outcome"], entry["what"]["run"]) == (
                    "pack downloaded", "refused", run.id)
            assert state.audit_count() == before + 1


def test_members_are_never_told_ofsted_packs_exist(shelf):
    """The same answer for an Ofsted pack's id as for an id no run has."""
    for run_id in (shelf["ofsted"].id, 999_999):
        with pytest.raises(NotFound, match="no such pack"):
            access.pack_file(MEMBER, run_id)
        with pytest.raises(NotFound, match="no such pack"):
            access.pack_run_for(MEMBER, run_id)
    assert all(r.kind == "board" for r in access.pack_runs_for(MEMBER, LA))


@pytest.mark.parametrize("run_id", ["1", 1.0, True, None, -1, 0, 2**70, "../state.sqlite",
                                    [1]])
def test_an_id_that_is_not_a_run_is_refused(shelf, run_id):
    with pytest.raises(NotFound):
        access.pack_file(ANALYST, run_id)
    [entry] = audit_rows(1)
    assert entry["what"] == {"run": "(not a pack)"} and entry["outcome"] == "refused"


def test_a_failed_builds_message_is_for_analysts_and_admins(folder, periods, manager):
    run, _ = state.start_pack_run("board", LA, periods[-1], None, "schedule", "clock")
    state.fail_pack_run(run.id, "Chromium is not installed at /usr/bin/chromium.")
    for user in (ANALYST, ADMIN):
        [seen] = access.pack_runs_for(user, LA)
        assert seen.error == "Chromium is not installed at /usr/bin/chromium."
        assert page.status_words(user, seen) == \
            "Failed: Chromium is not installed at /usr/bin/chromium."
    for user in (MEMBER, manager):
        [seen] = access.pack_runs_for(user, LA)
        assert seen.status == "failed" and seen.error is None
        assert page.status_words(user, seen) == "Failed: ask your analyst."
        assert access.pack_run_for(user, run.id).error is None
        assert page.progress_now(user, run.id) == [
            f"The board pack for {periods[-1]:%-d %b %Y} could not be built: ask your analyst."]
    assert page.progress_now(ANALYST, run.id) == [
        f"The board pack for {periods[-1]:%-d %b %Y} could not be built: Chromium is not "
        "installed at /usr/bin/chromium."]
    with pytest.raises(NotFound):  # and there is no file to download
        access.pack_file(ANALYST, run.id)


# --- the archive's path check ------------------------------------------------------------------

def test_only_the_runs_own_file_in_the_archive_is_served(folder, shelf, tmp_path):
    run = shelf["board"]
    archive = build.archive_dir()
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(SMALL_PDF)
    cases = {
        "a path out of the archive": "../state.sqlite",
        "an absolute path": str(outside),
        "a name not a pack's": "notes.pdf",
        "a pack's name with no file": build.archive_name("board", LA, run.period_end,
                                                          dt.date(2020, 1, 1)),
        "a link out of the archive": build.archive_name("board", LA, run.period_end,
                                                         dt.date(2020, 1, 2)),
    }
    (archive / cases["a link out of the archive"]).symlink_to(outside)
    for why, name in cases.items():
        with closing(raw(folder)) as con:
            con.execute("UPDATE pack_runs SET file = ? WHERE id = ?", [name, run.id])
        with pytest.raises(NotFound):
            access.pack_file(ANALYST, run.id)
        [entry] = audit_rows(1)
        assert (entry["outcome"], entry["what"].get("reason")) == ("refused", "no file"), why
    # the right name again, but the file changed since it was built: not served
    with closing(raw(folder)) as con:
        con.execute("UPDATE pack_runs SET file = ? WHERE id = ?", [shelf["board"].file, run.id])
    assert access.pack_file(ANALYST, run.id)[0].read_bytes() == SMALL_PDF
    (archive / run.file).write_bytes(SMALL_PDF.replace(b"1.4", b"1.7"))
    with pytest.raises(NotFound):
        access.pack_file(ANALYST, run.id)


# --- over HTTP, through the app's routes ---------------------------------------------------------

@pytest.fixture
def app(shelf):
    from dashboard.app import create_app

    return create_app()


def test_forged_downloads_get_a_refusal_page_never_the_file(app, shelf):
    member, analyst = signed_in(app, "member"), signed_in(app, "analyst")
    got = analyst.get(f"/reports/packs/{shelf['ofsted'].id}.pdf")
    assert got.status_code == 200 and got.data == SMALL_PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Cache-Control"] == "no-store"
    assert got.headers["Content-Disposition"] == f"attachment; filename={shelf['ofsted'].file}"
    forged = [(member, f"/reports/packs/{shelf['ofsted'].id}.pdf"),
              (member, f"/reports/packs/{shelf['ofsted remit'].id}.pdf"),
              (analyst, "/reports/packs/999999.pdf"),
              (analyst, "/reports/packs/abc.pdf"),
              (analyst, "/reports/packs/-1.pdf"),
              (analyst, "/reports/packs/1.pdf/../../state.sqlite"),
              (analyst, "/reports/packs/%2e%2e/%2e%2e/state.sqlite"),
              (analyst, f"/reports/packs/{shelf['board'].file}")]
    for client, path in forged:
        before = state.audit_count()
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert not response.data.startswith(b"%PDF") and b"SQLite" not in response.data
        assert response.headers["Content-Type"].startswith("text/html")
        assert state.audit_count() == before + 1, path
        assert audit_rows(1)[0]["outcome"] == "refused"
        assert "abc" not in str(audit_rows(1)[0]["what"])


def test_the_annex_a_link_is_checked_before_the_workbook_is_made(app, shelf, periods):
    manager, analyst = signed_in(app, "manager"), signed_in(app, "analyst")
    latest = periods[-1].isoformat()
    got = manager.get(f"/reports/annex-a.xlsx?la={LA}&period={latest}")
    assert got.status_code == 200 and got.data.startswith(b"PK")
    assert got.headers["Content-Disposition"] == \
        f"attachment; filename=annex-a_{LA}_{latest}.xlsx"
    assert got.headers["Cache-Control"] == "no-store"
    for client, query in ((analyst, f"la={LA}&period={latest}"),
                          (manager, f"la={LA}&period=2019-03-31"),
                          (manager, f"la={SECOND_LA}&period={latest}"),  # not loaded there
                          (manager, "la=E09000001"),
                          (manager, "la=<script>&period=x"),
                          (manager, "child=A1234567")):
        before = state.audit_count()
        response = client.get(f"/reports/annex-a.xlsx?{query}")
        assert response.status_code in (403, 404), query
        assert not response.data.startswith(b"PK")
        assert state.audit_count() == before + 1, query
        entry = audit_rows(1)[0]
        assert entry["outcome"] == "refused"
        assert "<script>" not in str(entry) and "A1234567" not in str(entry)


# --- the page, as each role is shown it ----------------------------------------------------------

def words(node) -> str:
    if isinstance(node, (list, tuple)):
        return " ".join(words(c) for c in node)
    if isinstance(node, (str, int, float)):
        return str(node)
    return "" if node is None else words(getattr(node, "children", None))


def ids(layout) -> set[str]:
    return {c.id for c in walk(layout) if isinstance(getattr(c, "id", None), str)}


def test_the_page_offers_each_role_what_it_may_do(shelf, manager):
    member_page = page.layout(View.for_request(MEMBER, ""))
    text = words(member_page)
    assert "Board packs" in text and "Build the" not in text
    assert "prepared by the council's officers" in text
    assert "ofsted" not in text.lower() and "packs-build-ofsted" not in ids(member_page)
    assert "packs-build-board" not in ids(member_page)
    assert "child" not in text.lower() and "annex" not in text.lower()
    for user in (ANALYST, ADMIN, manager):
        layout = page.layout(View.for_request(user, ""))
        assert {"packs-build-board", "packs-build-ofsted", "packs-progress", "packs-run",
                "packs-timer", "packs-archive"} <= ids(layout)
        assert "Board and Ofsted packs" in words(layout)
        links = [c.href for c in walk(layout) if getattr(c, "href", None)]
        assert any(h.startswith("/reports/annex-a.xlsx?") for h in links) == \
            (user.role == "manager")
    status = next(c for c in walk(member_page) if getattr(c, "id", None) == "packs-progress")
    assert status.to_plotly_json()["props"]["aria-live"] == "polite" and status.role == "status"
    timer = next(c for c in walk(member_page) if getattr(c, "id", None) == "packs-timer")
    assert timer.disabled is True  # nothing is building


def test_the_archive_shows_how_each_pack_was_built_and_from_what(shelf, periods):
    provenance = {"built_on": "2026-12-01", "warehouse": "warehouse-x.duckdb",
                  "loads": [{"load_id": "20261201T215142Z-65abb04b", "period_end": "2026-09-30",
                             "loaded_at": "2026-12-01T21:51:42",
                             "files": [{"table": "Header", "file": "header.csv",
                                        "sha256": "ab" * 32, "rows_read": 654}, "junk"]},
                            "not a load"],
                  "code": {"version": "0.1.0", "source_digest": "49f086248772c6ac",
                           "commit": None}}
    run, _ = state.start_pack_run("board", LA, periods[-2], None, "dashboard", "analyst")
    state.finish_pack_run(run.id, "x.pdf", "cd" * 32, 2_500_000, 12, provenance)
    table = page.archive(ANALYST, LA)
    text = words(table)
    assert "From the dashboard, by analyst" in text
    assert "From the command line, by analyst" in text
    assert "12" in text and "2.4 MB" in text and "Ready" in text
    for expected in ("Load 20261201T215142Z-65abb04b", "header.csv", "ab" * 32,
                     "Rows read", "654", "version 0.1.0", "source digest 49f086248772c6ac",
                     "cd" * 32, "warehouse-x.duckdb"):
        assert expected in text, expected
    assert "None" not in text and "junk" not in text
    outer = next(c for c in walk(table) if c.__class__.__name__ == "Table")
    rows = next(c for c in outer.children if c.__class__.__name__ == "Tbody").children
    periods_shown = [words(r.children[0]) for r in rows]
    assert len(periods_shown) == 5
    assert periods_shown == sorted(periods_shown, key=lambda d: dt.datetime.strptime(
        d, "%d %b %Y"), reverse=True)


def test_the_build_button_answers_well_within_a_second(folder, periods):
    started = time.perf_counter()
    answer = page.build(ANALYST, "", "board")
    took = time.perf_counter() - started
    print(f"\nthe build button's work (View, checks, queue, start the worker): "
          f"{took * 1000:.0f} ms")
    assert isinstance(answer, int) and took < 1.0
    assert page.build(MEMBER, "", "ofsted") == "Not built. That is not a pack you can build."
    assert page.build(MEMBER, "", "board") == "Not built. That is not a pack you can build."
    assert page.build(ANALYST, "?period=2019-03-31", "board").startswith("Not built.")
    assert page.build(ANALYST, ["?"], "board").startswith("Not built.")
    assert page.progress_now(MEMBER, answer)[0].startswith("Building the board pack")
    assert wait_for(answer).status == "done"
    assert page.progress_now(MEMBER, answer)[0].startswith(
        f"The board pack for {periods[-1]:%-d %b %Y} is ready")
    assert page.progress_now(MEMBER, 999_999) == "There is no such pack."
