"""The clock (`cpd clock`): the schedule file and its mistakes, and a real APScheduler
BackgroundScheduler built by `clock.scheduler` run against the real sample warehouse, a real
state database and the real PDF pipeline, with time-machine moving the wall clock to just
before a firing (the scheduler waits in real seconds from there)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from dashboard import access, state
from dashboard.packs import build, clock
from tests.live import SECRET_KEY, free_port, own_copy

ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
LA = "E06000015"        # the sample council
NOT_LOADED = "E06000017"  # a real ONS code the sample warehouse does not hold
# The first Monday of the October quarter, in British Summer Time: 07:00 is 06:00 UTC.
QUARTER_DAY = dt.date(2026, 10, 5)
DUE = dt.datetime(2026, 10, 5, 7, 0, tzinfo=LONDON)
QUARTERLY = 'month = "1,4,7,10"\nday = "1st mon"\nhour = 7\nminute = 0\n'


@pytest.fixture
def data(sample_warehouse, tmp_path, monkeypatch) -> Path:
    """A data folder of its own (the sample's warehouse, linked), so the runs and packs made
    here reach no other test."""
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "data"))
    return own_copy(sample_warehouse, tmp_path / "data")


def schedule(tmp_path: Path, text: str, name: str = "schedule.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def runs(job: str | None = None) -> list[state.PackRun]:
    """The state database's runs, oldest first."""
    found = reversed(state.pack_runs(limit=10_000))
    return [r for r in found if job is None or r.job == job]


def pdfs() -> list[Path]:
    return sorted(build.archive_dir().glob("*.pdf"))


def wait_for(check, timeout: float, what: str):
    """Poll (in real seconds) until check() gives something true, and return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


def finished(job: str, count: int = 1):
    def check():
        done = [r for r in runs(job) if not r.active]
        return done if len(done) >= count else None
    return check


# --- the schedule file -------------------------------------------------------------------------

def test_the_sample_schedule_builds_the_board_pack_each_quarter_and_ofsted_monthly():
    config = clock.read_config(ROOT / "sample_data" / "schedule.toml")
    assert config.timezone == "Europe/London"
    assert config.retries == 2 and config.retry_delay == dt.timedelta(minutes=15)
    jobs = {job.name: job for job in config.jobs}
    assert {job.kind for job in config.jobs} == {"board", "ofsted"}
    assert all(job.la is None for job in config.jobs)  # the configured council

    def firings(job, start, count):
        trigger, found, at = job.trigger(config.timezone), [], start
        for _ in range(count):
            at = trigger.get_next_fire_time(None, at)
            found.append(at)
            at += dt.timedelta(seconds=1)
        return found

    board = firings(jobs["board-quarterly"], dt.datetime(2026, 6, 1, tzinfo=LONDON), 4)
    # first Mondays of July, October, January, April; 07:00 London in summer and winter
    assert [f.date() for f in board] == [dt.date(2026, 7, 6), dt.date(2026, 10, 5),
                                         dt.date(2027, 1, 4), dt.date(2027, 4, 5)]
    assert all((f.hour, f.minute) == (7, 0) for f in board)
    assert [f.utcoffset() for f in board] == [dt.timedelta(hours=h) for h in (1, 1, 0, 1)]
    ofsted = firings(jobs["ofsted-monthly"], dt.datetime(2026, 10, 15, tzinfo=LONDON), 3)
    assert ofsted == [dt.datetime(2026, 11, 1, 6, 30, tzinfo=LONDON),
                      dt.datetime(2026, 12, 1, 6, 30, tzinfo=LONDON),
                      dt.datetime(2027, 1, 1, 6, 30, tzinfo=LONDON)]


def test_the_schedule_path_comes_from_the_environment(tmp_path, monkeypatch):
    from etl import settings

    monkeypatch.delenv("CPD_PACK_SCHEDULE", raising=False)
    assert settings.pack_schedule_path() == ROOT / "sample_data" / "schedule.toml"
    path = schedule(tmp_path, f'[[job]]\nname = "b"\nkind = "board"\n{QUARTERLY}')
    monkeypatch.setenv("CPD_PACK_SCHEDULE", str(path))
    assert settings.pack_schedule_path() == path
    assert [job.name for job in clock.read_config().jobs] == ["b"]


GOOD_JOB = f'[[job]]\nname = "board-quarterly"\nkind = "board"\n{QUARTERLY}'

# (the file's text, the job it should name or None, words of the problem)
MISTAKES = [
    ("[[job]\nname = 'x'", None, "not valid TOML"),
    ("retry = 2\n" + GOOD_JOB, None, "'retry' is not a setting of the schedule"),
    ('timezone = "Europe/Londn"\n' + GOOD_JOB, None, "is not a time zone"),
    ("retries = -1\n" + GOOD_JOB, None, "retries = -1 should be a whole number"),
    ('retry_minutes = "soon"\n' + GOOD_JOB, None, "retry_minutes = 'soon' should be a number"),
    ("retry_minutes = 1\nretry_seconds = 5\n" + GOOD_JOB, None, "not both"),
    ('timezone = "Europe/London"\n', None, "no [[job]] tables"),
    ('[[job]]\nkind = "board"\n' + QUARTERLY, None, "job 1 needs a name"),
    (GOOD_JOB + "days = 1\n", "board-quarterly", "'days' is not a setting of a job"),
    (GOOD_JOB.replace('"board"\n', '"annual"\n'), "board-quarterly",
     "kind = 'annual' is not a kind of pack"),
    (GOOD_JOB + 'la = "E07000001"\n', "board-quarterly", "not an upper-tier LA's ONS code"),
    (GOOD_JOB.replace('"1st mon"', '"1st mon-fri"'), "board-quarterly",
     "it would read '1st mon' and ignore '-fri'"),
    (GOOD_JOB.replace("hour = 7", "hour = 25"), "board-quarterly",
     "higher than the maximum value"),
    (GOOD_JOB.replace('day = "1st mon"', 'day_of_week = "funday"'), "board-quarterly",
     "day_of_week = 'funday' is not a schedule APScheduler's cron understands"),
    (GOOD_JOB.replace("hour = 7\n", ""), "board-quarterly", "say at what hour"),
    (GOOD_JOB.replace('month = "1,4,7,10"\nday = "1st mon"', "month = 2\nday = 31"),
     "board-quarterly", "never falls due"),
    (GOOD_JOB.replace("hour = 7", "hour = true"), "board-quarterly",
     "hour = True should be a whole number"),
    (GOOD_JOB + GOOD_JOB.replace('"board"\n', '"ofsted"\n'), None,
     "two jobs are called 'board-quarterly'"),
]


@pytest.mark.parametrize("text, job, words", MISTAKES, ids=[m[2][:40] for m in MISTAKES])
def test_each_mistake_in_the_schedule_names_the_file_the_job_and_the_problem(
        tmp_path, text, job, words):
    path = schedule(tmp_path, text)
    with pytest.raises(clock.ClockConfigError) as caught:
        clock.read_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert words in message
    if job:
        assert f"job {job!r}" in message
    assert "Traceback" not in message


def test_a_missing_schedule_file_is_said_plainly(tmp_path):
    with pytest.raises(clock.ClockConfigError, match="there is no such schedule file"):
        clock.read_config(tmp_path / "nowhere.toml")


def test_the_clock_will_not_start_on_a_bad_schedule(tmp_path, capsys):
    path = schedule(tmp_path, GOOD_JOB.replace('"1st mon"', '"1st mon-fri"'))
    assert clock.main(path) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cpd clock: {path}: job 'board-quarterly': day = '1st mon-fri'")
    assert "Traceback" not in err


def test_cpd_clock_exits_2_on_a_bad_schedule(tmp_path, data):
    path = schedule(tmp_path, GOOD_JOB + "days = 1\n")
    done = subprocess.run([sys.executable, "-m", "etl.cli", "clock"], cwd=ROOT,
                          env={**os.environ, "CPD_PACK_SCHEDULE": str(path)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{path}: job 'board-quarterly': 'days' is not a setting of a job" in done.stderr
    assert "Traceback" not in done.stderr


# --- the scheduler on quarter day ----------------------------------------------------------------
# One real scheduler run (a real pack takes seconds to print, so it is built once for all the
# tests below): from two seconds before 07:00 on the first Monday of the October quarter, a
# job for a council that is not loaded fails at 07:00:00 and is retried a second later, a job
# that raises fires at 07:00:02, and the board pack falls due at 07:00:03. Then the clock is
# restarted, as a deploy would.

def boom() -> None:
    raise RuntimeError("a job that raises")


@dataclass
class QuarterDay:
    latest: dt.date                     # the latest period loaded
    runs: list[state.PackRun]           # oldest first, once the board pack is done
    pdfs: list[Path]
    jobs: dict[str, tuple]              # each job's next run time and limits at the start
    later: dict[str, dt.datetime]       # each job's next run time afterwards
    retry_left: bool                    # a retry still waiting when it was all done
    running: bool                       # the clock still running after all that
    after_restart: dict[str, dt.datetime]
    runs_after_restart: list[state.PackRun]
    pdfs_after_restart: list[Path]
    logged: list[str]


@pytest.fixture(scope="module")
def quarter_day(sample_warehouse, tmp_path_factory) -> QuarterDay:
    tmp = tmp_path_factory.mktemp("quarter-day")
    config = clock.read_config(schedule(tmp, f"""
retries = 1
retry_seconds = 1

[[job]]
name = "not-loaded"
kind = "board"
la = "{NOT_LOADED}"
{QUARTERLY}
[[job]]
name = "board-quarterly"
kind = "board"
{QUARTERLY}second = 3
"""))
    logged, logger = Remembered(), logging.getLogger("dashboard.packs.clock")
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(logged)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(tmp / "data"))
        own_copy(sample_warehouse, tmp / "data")
        latest = access.periods(LA)[-1]
        with time_machine.travel(DUE - dt.timedelta(seconds=2), tick=True):
            first = clock.scheduler(config, BackgroundScheduler)
            first.add_job(boom, DateTrigger(DUE + dt.timedelta(seconds=2)), id="boom")
            first.start()
            try:
                jobs = {job.id: (job.next_run_time, job.max_instances, job.coalesce,
                                 job.misfire_grace_time) for job in first.get_jobs()}
                wait_for(finished("not-loaded", 2), 30, "the failed job's retry")
                wait_for(finished("board-quarterly"), 90, "the board pack")
                time.sleep(2)  # waiting longer builds nothing more, and tries nothing more
                later = {job.id: job.next_run_time for job in first.get_jobs()}
                retry_left = first.get_job(clock.retry_id("not-loaded")) is not None
                running = first.running
                done, made = runs(), pdfs()
            finally:
                first.shutdown(wait=True)
            again = clock.scheduler(config, BackgroundScheduler)
            again.start()
            try:
                time.sleep(1.5)
                after_restart = {job.id: job.next_run_time for job in again.get_jobs()}
            finally:
                again.shutdown(wait=True)
            result = QuarterDay(latest, done, made, jobs, later, retry_left, running,
                                after_restart, runs(), pdfs(), logged.messages)
    logger.removeHandler(logged)
    logger.setLevel(level)
    return result


class Remembered(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_the_jobs_run_once_at_a_time_and_a_late_clock_still_runs_them(quarter_day):
    # 07:00:03 British Summer Time (06:00:03 UTC), not GMT
    assert quarter_day.jobs["board-quarterly"] == \
        (DUE + dt.timedelta(seconds=3), 1, True, 6 * 3600)


def test_a_due_job_writes_its_pack_into_the_archive_exactly_once(quarter_day):
    [run] = [r for r in quarter_day.runs if r.job == "board-quarterly"]
    assert (run.status, run.error) == ("done", None)
    assert (run.kind, run.la_code, run.period_end) == ("board", LA, quarter_day.latest)
    assert (run.trigger, run.requested_by, run.attempt) == ("schedule", "schedule", 1)
    assert run.requested_at >= DUE
    name = f"board-pack_{LA}_{quarter_day.latest.isoformat()}_built-{QUARTER_DAY}.pdf"
    assert run.file == name
    assert [p.name for p in quarter_day.pdfs] == [name]
    assert quarter_day.pdfs[0].read_bytes().startswith(b"%PDF-")
    assert run.pages > 1
    # next due at the next quarter (in GMT), and a restarted clock does not build it again:
    # the state database says the 07:00 pack was built
    next_quarter = dt.datetime(2027, 1, 4, 7, 0, 3, tzinfo=LONDON)
    assert quarter_day.later["board-quarterly"] == next_quarter
    assert quarter_day.after_restart["board-quarterly"] == next_quarter
    assert quarter_day.runs_after_restart == quarter_day.runs
    assert quarter_day.pdfs_after_restart == quarter_day.pdfs


def test_a_failing_job_is_recorded_and_retried(quarter_day):
    failed = [r for r in quarter_day.runs if r.job == "not-loaded"]
    assert [(r.status, r.attempt, r.la_code, r.trigger) for r in failed] == \
        [("failed", 1, NOT_LOADED, "schedule"), ("failed", 2, NOT_LOADED, "schedule")]
    assert all(r.error.startswith(f"{NOT_LOADED} is not loaded (loaded: ") for r in failed)
    assert all(r.file is None for r in failed)
    assert failed[1].requested_at - failed[0].requested_at >= dt.timedelta(seconds=1)
    assert any("scheduled job not-loaded: attempt 2 at" in m for m in quarter_day.logged)
    # retries = 1: no third attempt, and none waiting
    assert not quarter_day.retry_left
    assert clock.retry_id("not-loaded") not in quarter_day.later


def test_the_clock_survives_a_failure_and_a_job_that_raises(quarter_day):
    assert any("boom raised RuntimeError; the clock goes on" in m for m in quarter_day.logged)
    assert quarter_day.running
    board = [r for r in quarter_day.runs if r.job == "board-quarterly"]
    failed = [r for r in quarter_day.runs if r.job == "not-loaded"]
    # the board pack, due after both, was still built
    assert board[0].requested_at > max(r.requested_at for r in failed)
    assert board[0].status == "done"


def test_a_clock_restarted_after_a_job_fell_due_still_runs_it_once(tmp_path, data):
    config = clock.read_config(schedule(tmp_path, f'retries = 0\n[[job]]\nname = "late"\n'
                                                  f'kind = "ofsted"\nla = "{NOT_LOADED}"\n'
                                                  f"{QUARTERLY}"))
    job = config.jobs[0]
    with time_machine.travel(DUE + dt.timedelta(minutes=5), tick=True):
        assert clock.missed_firing(job, job.trigger(config.timezone),
                                   dt.datetime.now(LONDON)) == DUE
        for _ in range(2):  # started at 07:05, then restarted
            clock_ = clock.scheduler(config, BackgroundScheduler)
            clock_.start()
            try:
                wait_for(finished("late"), 30, "the missed job")
                time.sleep(1)
            finally:
                clock_.shutdown(wait=True)
        [run] = runs()
        assert (run.kind, run.job, run.attempt, run.status) == ("ofsted", "late", 1, "failed")
        assert run.requested_at >= DUE + dt.timedelta(minutes=5)
        assert clock.missed_firing(job, job.trigger(config.timezone),
                                   dt.datetime.now(LONDON)) is None
    # beyond the grace time (6 hours) a missed firing is left to the next one
    with time_machine.travel(DUE + dt.timedelta(hours=7), tick=False):
        never_ran = clock.ScheduledPack("never-ran", "board", None, job.when)
        assert clock.missed_firing(never_ran, job.trigger(config.timezone),
                                   dt.datetime.now(LONDON)) is None


def test_a_fault_in_a_build_is_recorded_and_never_raised(data, caplog):
    # a damaged data folder: the pointer names a warehouse that is not there
    (data / "warehouse" / "CURRENT").write_text("warehouse-20990101T000000Z-deadbeef.duckdb")
    caplog.set_level(logging.INFO, logger="dashboard.packs.clock")
    run = clock.build_scheduled("board-quarterly", "board", None)
    assert (run.status, run.la_code, run.job, run.attempt) == \
        ("failed", LA, "board-quarterly", 1)
    assert run.error == "The build failed (WarehouseError). The clock's log has the details."
    assert runs() == [run] and pdfs() == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "stopped with WarehouseError" in logged
    assert "deadbeef" not in logged  # the exception's own words stay out of the log

    # and when not even the state database will take the failure, still nothing is raised
    assert clock.build_scheduled("x", "annual", None) is None


def test_a_pack_already_being_built_is_not_built_again(data):
    latest = access.periods(LA)[-1]
    queued, created = state.start_pack_run("board", LA, latest, None, "dashboard",
                                           "analyst")
    assert created
    run = clock.build_scheduled("board-quarterly", "board", None)
    assert (run.id, run.status, run.trigger) == (queued.id, "queued", "dashboard")
    assert runs() == [queued] and pdfs() == []


# --- `cpd clock` and `make run` ---------------------------------------------------------------


def far_off(tmp_path: Path) -> Path:
    """A schedule that does not fall due while a test runs the clock in real time (the
    sample's might: a clock started within six hours of a firing builds that pack)."""
    return schedule(tmp_path, f"""
[[job]]
name = "board-quarterly"
kind = "board"
year = 2099
{QUARTERLY}
[[job]]
name = "ofsted-monthly"
kind = "ofsted"
la = "{LA}"
year = 2099
day = 1
hour = 6
minute = 30
""", "far-off.toml")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_clock_lists_its_jobs_and_stops_cleanly_on_a_signal(tmp_path, data, signum):
    process = subprocess.Popen([sys.executable, "-m", "etl.cli", "clock"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "CPD_PACK_SCHEDULE": str(far_off(tmp_path))})
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        assert "2 job(s)" in lines[0] and "(Europe/London)" in lines[0]
        assert lines[1] == ("  board-quarterly: the board pack for the configured council, "
                            "next at Mon 05 Jan 2099 07:00 GMT\n")
        assert lines[2] == (f"  ofsted-monthly: the ofsted pack for {LA}, next at Thu 01 Jan "
                            "2099 06:30 GMT\n")
        process.send_signal(signum)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "stopped" in process.stdout.read()
    assert "Traceback" not in process.stderr.read()


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def command_line(pid: int) -> str:
    return (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())


def test_the_demo_server_runs_the_clock_beside_it_and_stops_it(tmp_path, data):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "serve", "--demo", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"], cwd=ROOT,
        env={**os.environ, "CPD_PACK_SCHEDULE": str(far_off(tmp_path))},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    clock_pid = None
    try:
        def the_clock():
            return [c for c in children(server.pid) if "etl.cli clock" in command_line(c)]

        def serving():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).status
            except OSError:
                return None
        [clock_pid] = wait_for(the_clock, 30, "the clock beside the demo server")
        assert wait_for(serving, 60, "the demo server") == 200
        assert the_clock() == [clock_pid]  # one clock, whatever the workers did
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        # the server waited for its clock before it left
        assert not Path(f"/proc/{clock_pid}").exists()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if clock_pid and Path(f"/proc/{clock_pid}").exists() and \
                "etl.cli clock" in command_line(clock_pid):
            os.kill(clock_pid, signal.SIGKILL)


def test_the_procfile_runs_the_clock_beside_the_web_server():
    procfile = (ROOT / "Procfile").read_text().splitlines()
    assert "clock: cpd clock" in procfile
    assert any(line.startswith("web: gunicorn ") for line in procfile)


def test_the_production_server_starts_no_clock_of_its_own(data):
    # production runs the clock as its own process (the Procfile's), never one per server
    state.add_user("analyst.one", "analyst", password="a long test password for the clock")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", "1"], cwd=ROOT,
        env={**os.environ, "CPD_SECRET_KEY": SECRET_KEY},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def serving():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).status
            except OSError:
                return None
        assert wait_for(serving, 60, "the server") == 200
        assert not any("etl.cli clock" in command_line(c) for c in children(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
