"""`cpd clock`: the process that builds the board and Ofsted packs on a schedule.

The schedule is a TOML file (`settings.pack_schedule_path()`; the sample council's is
sample_data/schedule.toml): a time zone, how often and how soon to retry a failed build, and
one `[[job]]` table per pack with cron fields as APScheduler's CronTrigger takes them. A
mistake in it stops the clock before anything runs, naming the file, the job and the problem.

The clock is the only process with a scheduler (one inside each web worker would run every
job once per worker). Each job is the plain function `build_scheduled`, which the command
line can call too; it builds through `build.run_pack`, so the pack lands in the archive
folder under a predictable name and the run is recorded in the state database, whose lock
lets only one build of the same pack run at once whichever process asks. A failed run is
retried a few times, a set time apart; nothing a job does stops the clock.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import signal
import sys
import time
import tomllib
import traceback
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.cron.fields import SEPARATOR
from apscheduler.triggers.date import DateTrigger

from dashboard import state
from dashboard.packs import build
from etl import settings
from etl.config import ConfigError, default_code, parse_la_code

log = logging.getLogger(__name__)

TRIGGER = "schedule"  # the run's trigger and requested_by in the state database
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_RETRIES = 2
DEFAULT_RETRY_MINUTES = 15
MAX_RETRIES = 10
# A clock restarted (a deploy, a reboot) up to this long after a job fell due still builds
# that pack; coalescing makes several missed firings one build.
MISFIRE_GRACE = dt.timedelta(hours=6)

CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second")
DATE_FIELDS = ("start_date", "end_date")
JOB_KEYS = ("name", "kind", "la", *CRON_FIELDS, *DATE_FIELDS)
TOP_KEYS = ("timezone", "retries", "retry_minutes", "retry_seconds", "job")
# a job's name is its scheduler id and is kept with each run: short, no ':' (retry ids use it)
_JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}")


class ClockConfigError(Exception):
    """The schedule file cannot be used; the message names the file, the job and the
    problem."""


@dataclass(frozen=True)
class ScheduledPack:
    """One `[[job]]`: which pack, for which council (None = the configured one), and when."""
    name: str
    kind: str
    la: str | None
    when: dict  # CronTrigger's keyword arguments, as the file gives them

    def trigger(self, timezone: str) -> CronTrigger:
        return CronTrigger(timezone=timezone, **self.when)


@dataclass(frozen=True)
class ClockConfig:
    path: Path
    timezone: str
    retries: int                # further attempts after a failed one
    retry_delay: dt.timedelta   # how long after a failure the next attempt starts
    jobs: tuple[ScheduledPack, ...]


# --- the schedule file -------------------------------------------------------------------------

def read_config(path: Path | None = None) -> ClockConfig:
    """The schedule in `path` (default `settings.pack_schedule_path()`), checked throughout.
    Raises ClockConfigError."""
    path = Path(path) if path is not None else settings.pack_schedule_path()

    def problem(words: str) -> ClockConfigError:
        return ClockConfigError(f"{path}: {words}")

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise problem("there is no such schedule file.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise problem(f"the file cannot be read ({err}).") from None
    except tomllib.TOMLDecodeError as err:
        raise problem(f"this is not valid TOML ({err}).") from None

    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise problem(f"{_listed(unknown)} is not a setting of the schedule (the settings are "
                      f"{', '.join(TOP_KEYS[:-1])} and [[job]] tables).")
    timezone = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        if not isinstance(timezone, str) or not timezone:
            raise ValueError
        ZoneInfo(timezone)
    except (ValueError, ZoneInfoNotFoundError):
        raise problem(f"timezone = {timezone!r} is not a time zone (for example "
                      f"\"{DEFAULT_TIMEZONE}\").") from None
    retries = data.get("retries", DEFAULT_RETRIES)
    if not _whole(retries) or not 0 <= retries <= MAX_RETRIES:
        raise problem(f"retries = {retries!r} should be a whole number from 0 to "
                      f"{MAX_RETRIES}.")
    retry_delay = _retry_delay(data, problem)

    jobs = data.get("job")
    if not jobs:
        raise problem("there are no [[job]] tables, so there is nothing to schedule.")
    if not isinstance(jobs, list) or not all(isinstance(job, dict) for job in jobs):
        raise problem("each job should be a [[job]] table.")
    read: list[ScheduledPack] = []
    for number, table in enumerate(jobs, start=1):
        job = _read_job(table, number, timezone, problem)
        if any(other.name == job.name for other in read):
            raise problem(f"two jobs are called {job.name!r}: give each job its own name.")
        read.append(job)
    return ClockConfig(path, timezone, retries, retry_delay, tuple(read))


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _listed(keys: list[str]) -> str:
    return ", ".join(repr(key) for key in keys)


def _retry_delay(data: dict, problem) -> dt.timedelta:
    """`retry_minutes` (a number, default 15), or `retry_seconds` for a quick retry."""
    if "retry_minutes" in data and "retry_seconds" in data:
        raise problem("give retry_minutes or retry_seconds, not both.")
    key = "retry_seconds" if "retry_seconds" in data else "retry_minutes"
    value = data.get(key, DEFAULT_RETRY_MINUTES)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0:
        raise problem(f"{key} = {value!r} should be a number greater than 0.")
    seconds = value if key == "retry_seconds" else value * 60
    if seconds > 7 * 24 * 3600:
        raise problem(f"{key} = {value!r} is more than a week.")
    return dt.timedelta(seconds=seconds)


def _read_job(table: dict, number: int, timezone: str, problem) -> ScheduledPack:
    name = table.get("name")
    if not isinstance(name, str) or not _JOB_NAME.fullmatch(name):
        raise problem(f"job {number} needs a name: letters, digits, spaces, '.', '_' or "
                      f"'-', at most 60 characters (it has name = {name!r}).")
    where = f"job {name!r}"
    unknown = sorted(set(table) - set(JOB_KEYS))
    if unknown:
        raise problem(f"{where}: {_listed(unknown)} is not a setting of a job (a job has "
                      f"{', '.join(JOB_KEYS)}).")
    kind = table.get("kind")
    if kind not in build.KINDS:
        raise problem(f"{where}: kind = {kind!r} is not a kind of pack: "
                      f"{' or '.join(repr(k) for k in build.KINDS)}.")
    la = table.get("la")
    if la is not None:
        try:
            la = parse_la_code(la)
        except ConfigError as err:
            raise problem(f"{where}: la = {err}") from None
    when = {key: table[key] for key in (*CRON_FIELDS, *DATE_FIELDS) if key in table}
    if "hour" not in when:
        # without an hour, cron fills in "every hour" (or every minute, or second)
        raise problem(f"{where}: say at what hour the pack is built (hour = 7, with minute = "
                      "0): without an hour it would be built every hour.")
    for key, value in when.items():
        ok = (isinstance(value, (str, dt.date)) if key in DATE_FIELDS
              else isinstance(value, str) or _whole(value))
        if not ok:
            raise problem(f"{where}: {key} = {value!r} should be a whole number or text like "
                          "\"1,4,7,10\".")
    # the real trigger is the only sure check of what APScheduler accepts; one field at a
    # time first, so the message names the field at fault
    for key, value in when.items():
        try:
            CronTrigger(timezone=timezone, **{key: value})
        except (ValueError, TypeError) as err:
            what = "a date" if key in DATE_FIELDS else "a schedule"
            raise problem(f"{where}: {key} = {value!r} is not {what} APScheduler's cron "
                          f"understands ({err}).") from None
    job = ScheduledPack(name, kind, la, when)
    try:
        trigger = job.trigger(timezone)
    except (ValueError, TypeError) as err:
        raise problem(f"{where}: the schedule is not one APScheduler's cron understands "
                      f"({err}).") from None
    ignored = _ignored_text(trigger, when)
    if ignored:
        raise problem(f"{where}: {ignored}")
    now = dt.datetime.now(ZoneInfo(timezone))
    if trigger.get_next_fire_time(None, now) is None:
        raise problem(f"{where}: this schedule never falls due after now (check day, month "
                      "and end_date).")
    return job


def _ignored_text(trigger: CronTrigger, when: dict) -> str | None:
    """What APScheduler would silently pass over: its cron reads the start of an expression
    and drops the rest ("1st mon-fri" is taken as "1st mon"), so a value it accepted is
    checked again, whole, the way it reads it."""
    for field in trigger.fields:
        if field.name not in when:
            continue
        for expr in SEPARATOR.split(str(when[field.name]).strip()):
            for compiler in field.COMPILERS:
                match = compiler.value_re.match(expr)
                if match:
                    if match.end() != len(expr):
                        return (f"{field.name} = {when[field.name]!r} is not a schedule "
                                f"APScheduler's cron understands: it would read "
                                f"{expr[:match.end()]!r} and ignore {expr[match.end():]!r}.")
                    break
    return None


# --- the job: one plain function -----------------------------------------------------------------

def build_scheduled(job_name: str, kind: str, la: str | None, attempt: int = 1
                    ) -> state.PackRun | None:
    """Build the latest period's pack for a scheduled job, into the archive, as a recorded
    run, and return the run: done, failed, or the run already building the same pack.
    Never raises, so the clock goes on; None only when not even the failure could be
    recorded (the log says why). Logs name the job, never anything from the pack."""
    try:
        # nothing loaded, or not this council: run_pack records that failure itself
        run = build.run_pack(kind, la, None, TRIGGER, TRIGGER, job=job_name, attempt=attempt)
    except Exception as err:  # the state database itself unusable, say
        log.error("scheduled job %s (%s pack, attempt %d) stopped with %s:\n%s", job_name,
                  kind, attempt, type(err).__name__,
                  "".join(traceback.format_tb(err.__traceback__)))  # no message: no data
        run = _record_failure(job_name, kind, la, attempt,
                              f"The build failed ({type(err).__name__}). The clock's log has "
                              "the details.")
    if run is None:
        return None
    if run.status == "done":
        log.info("scheduled job %s built %s (run %d)", job_name, run.file, run.id)
    elif run.status == "failed":
        log.warning("scheduled job %s (attempt %d) failed: %s", job_name, attempt, run.error)
    else:  # queued or running: someone else's run of the same pack, left to finish
        log.info("scheduled job %s: the same pack is already being built (run %d); not "
                 "building it twice", job_name, run.id)
    return run


def _record_failure(job_name: str, kind: str, la: str | None, attempt: int, error: str
                    ) -> state.PackRun | None:
    """A failed run in the state database for a job that never got as far as a run of its
    own (run_pack stopped with a fault). Its period end is the day it was due."""
    try:
        la = la or default_code()
        run, created = state.start_pack_run(kind, la, dt.date.today(), None, TRIGGER,
                                            TRIGGER, job_name, attempt)
        return state.fail_pack_run(run.id, error) if created else run
    except Exception as err:
        log.error("scheduled job %s (attempt %d): the failure could not be recorded (%s)",
                  job_name, attempt, type(err).__name__)
        return None


# --- the scheduler -------------------------------------------------------------------------------

def retry_id(job_name: str) -> str:
    return f"{job_name}:retry"


def scheduler(config: ClockConfig, scheduler_class=BlockingScheduler):
    """An APScheduler 3.x scheduler (not started) with one job per scheduled pack, each
    running at most once at a time, missed firings coalesced into one, and a failed run
    retried `config.retries` times, `config.retry_delay` apart."""
    clock = scheduler_class(timezone=config.timezone)

    def run(job_name: str, kind: str, la: str | None, attempt: int = 1) -> None:
        result = build_scheduled(job_name, kind, la, attempt)
        if result is None or result.status != "failed" or attempt > config.retries:
            return
        try:
            at = dt.datetime.now(ZoneInfo(config.timezone)) + config.retry_delay
            clock.add_job(run, DateTrigger(at), args=(job_name, kind, la, attempt + 1),
                          id=retry_id(job_name), name=f"{job_name} (attempt {attempt + 1})",
                          replace_existing=True, max_instances=1,
                          misfire_grace_time=int(MISFIRE_GRACE.total_seconds()))
            log.info("scheduled job %s: attempt %d at %s", job_name, attempt + 1,
                     at.isoformat(timespec="seconds"))
        except Exception as err:  # the clock shutting down as the run ended
            log.warning("scheduled job %s: no retry (%s)", job_name, type(err).__name__)

    for job in config.jobs:
        trigger = job.trigger(config.timezone)
        missed = missed_firing(job, trigger, dt.datetime.now(ZoneInfo(config.timezone)))
        extra = {"next_run_time": missed} if missed else {}
        if missed:
            log.info("scheduled job %s fell due at %s while the clock was not running: "
                     "building it now", job.name, missed.isoformat(timespec="minutes"))
        clock.add_job(run, trigger, args=(job.name, job.kind, job.la), id=job.name,
                      name=job.name, max_instances=1, coalesce=True,
                      misfire_grace_time=int(MISFIRE_GRACE.total_seconds()), **extra)
    clock.add_listener(_heard, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return clock


def missed_firing(job: ScheduledPack, trigger: CronTrigger, now: dt.datetime
                  ) -> dt.datetime | None:
    """The job's latest firing within the grace time before `now` when no run of it has
    been recorded since, else None. APScheduler keeps its jobs in memory and would start a
    restarted clock at the next firing; the state database knows what already ran, so a
    clock restarted at 07:05 still builds the 07:00 pack, and only once."""
    latest, due = None, trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
    while due is not None and due <= now:
        latest = due
        due = trigger.get_next_fire_time(due, due + dt.timedelta(seconds=1))
    if latest is None:
        return None
    try:
        runs = state.pack_runs(kind=job.kind, limit=1000)
    except state.StateError as err:
        log.warning("scheduled job %s: could not tell whether it ran at %s (%s); building it "
                    "at its next time", job.name, latest.isoformat(timespec="minutes"), err)
        return None
    ran = any(r.job == job.name and r.trigger == TRIGGER and r.requested_at >= latest
              for r in runs)
    return None if ran else latest


def _heard(event) -> None:
    """A job that raised (build_scheduled never does) or was missed: said, and the clock
    goes on."""
    if event.code == EVENT_JOB_MISSED:
        log.warning("scheduled job %s was missed (due %s, the clock was not running within "
                    "the grace time)", event.job_id, event.scheduled_run_time)
    else:
        log.error("scheduled job %s raised %s; the clock goes on", event.job_id,
                  type(event.exception).__name__)


# --- `cpd clock` ----------------------------------------------------------------------------------

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def main(schedule_path: Path | None = None) -> int:
    """Run the clock until SIGTERM or Ctrl+C (then 0); 2 when the schedule cannot be used.

    The scheduler runs in its own thread while this one waits for a signal. The signal
    handler only notes the signal: stopping a BlockingScheduler from inside a handler can
    deadlock on the locks the interrupted code holds, and APScheduler swallows an exception
    raised inside its listeners or while it submits a job, so neither stops it for sure."""
    try:
        config = read_config(schedule_path)
    except ClockConfigError as err:
        print(f"cpd clock: {err}", file=sys.stderr)
        return 2
    log.setLevel(logging.INFO)
    received: list[int] = []
    before = {signum: signal.signal(signum, lambda signum, frame: received.append(signum))
              for signum in STOP_SIGNALS}
    try:
        clock = scheduler(config, BackgroundScheduler)
        clock.start()
        _say_jobs(config, clock)
        while not received:
            time.sleep(0.5)
        print(f"cpd clock: stopped ({signal.Signals(received[0]).name})", flush=True)
        # without waiting: a build under way still finishes before the process exits
        clock.shutdown(wait=False)
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    return 0


def _say_jobs(config: ClockConfig, clock) -> None:
    """The jobs and when each is next due, once the scheduler has worked that out (a job
    missed while the clock was stopped is due at once)."""
    print(f"cpd clock: {len(config.jobs)} job(s) from {config.path} ({config.timezone}); "
          f"a failed build is tried again up to {config.retries} time(s), "
          f"{_duration(config.retry_delay)} later", flush=True)
    for job in config.jobs:
        due = clock.get_job(job.name).next_run_time
        print(f"  {job.name}: the {job.kind} pack for {job.la or 'the configured council'}, "
              f"next at {due:%a %d %b %Y %H:%M %Z}", flush=True)


def _duration(delta: dt.timedelta) -> str:
    seconds = delta.total_seconds()
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
