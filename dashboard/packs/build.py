"""One way to build a pack, for the command line, the clock and the dashboard's worker alike:
work out its content through the data layer, lay it out, print it, and (for an archived run)
keep the PDF in the archive folder and the run in the state database.

A pack is built for a view, never for whoever asked: a board pack always as members see the
figures (small numbers suppressed), an Ofsted pack as a manager with the requester's remit
(every team, or theirs) sees them. So an archived pack can be handed to anyone whose own view
is at least as wide, and two people asking for the same pack get the same file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import subprocess
import traceback
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from dashboard import access, state
from etl import settings
from etl.config import default_code
from etl.warehouse.publish import current_path, private_data_dir

log = logging.getLogger(__name__)

KINDS = state.PACK_KINDS
TITLES = {"board": "Corporate parenting board pack", "ofsted": "Ofsted preparation pack"}
# Who may read (download) and who may build each kind from the dashboard; the data layer
# enforces it (access.pack_*). Members read the board's pack; officers prepare it.
OFFICERS = frozenset({"manager", "analyst", "admin"})
READERS = {"board": frozenset({"member"}) | OFFICERS, "ofsted": OFFICERS}
BUILDERS = {"board": OFFICERS, "ofsted": OFFICERS}


class PackError(Exception):
    """A pack cannot be built as asked (nothing loaded, a period not loaded, a council not
    loaded): the message says what to do. Anything else is a fault, recorded as such."""


@dataclass(frozen=True)
class BuiltPack:
    path: Path
    sha256: str
    size: int
    pages: int
    provenance: dict


def viewer(kind: str, requested_by: str, teams: tuple[str, ...] | frozenset | None
           ) -> access.User:
    """The view a pack's figures are read with (see the module's docstring)."""
    if kind == "board":
        return access.User(name=requested_by, role="member")
    return access.User(name=requested_by, role="manager",
                       teams=None if teams is None else frozenset(teams))


def archive_dir() -> Path:
    """Where built packs are kept: `<data dir>/packs`, private like the rest of the folder."""
    folder = private_data_dir() / "packs"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def archive_name(kind: str, la: str, period_end: dt.date, built_on: dt.date,
                 taken: set[str] | None = None) -> str:
    """A predictable file name: board-pack_E06000015_2026-09-30_built-2026-10-05.pdf, with
    _2, _3 ... for a second build of the same pack on the same day."""
    taken = taken if taken is not None else {p.name for p in archive_dir().iterdir()}
    stem = f"{kind}-pack_{la}_{period_end.isoformat()}_built-{built_on.isoformat()}"
    name, n = f"{stem}.pdf", 1
    while name in taken:
        n += 1
        name = f"{stem}_{n}.pdf"
    return name


@lru_cache(maxsize=1)
def code_version() -> dict:
    """The code a pack was built with: the package version, a digest of every source file
    (so two checkouts that differ in one line differ here), and the git commit when there is
    one."""
    try:
        version = metadata.version("cpd-dashboard")
    except metadata.PackageNotFoundError:
        version = "unknown"
    root = settings.PROJECT_ROOT
    digest = hashlib.sha256()
    for package in ("etl", "schemas", "dashboard"):
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".sql", ".toml", ".css") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    commit = None
    if (root / ".git").exists():
        try:
            commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, timeout=5,
                                    check=True).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"version": version, "source_digest": digest.hexdigest()[:16], "commit": commit}


def check_request(la: str | None, period_end: dt.date | None) -> tuple[str, dt.date]:
    """The council and period a pack is for, checked against what is loaded: (la, period
    end). Raises PackError with what to do."""
    loaded = access.loaded_las()
    if not loaded:
        raise PackError("nothing is loaded yet: load an extract with `cpd load` first.")
    if la is None:
        la = access.default_la(loaded)
    if la not in loaded:
        raise PackError(f"{la} is not loaded (loaded: {', '.join(loaded)}).")
    periods = access.periods(la)
    if period_end is None:
        period_end = periods[-1]
    if period_end not in periods:
        shown = ", ".join(p.isoformat() for p in periods)
        raise PackError(f"no figures for {la} at {period_end.isoformat()}: the period ends "
                        f"loaded are {shown}.")
    return la, period_end


def build_pack(kind: str, la: str | None, period_end: dt.date | None, out: Path,
               requested_by: str = "command line", teams=None, built_on: dt.date | None = None,
               on_stage=None) -> BuiltPack:
    """Build a pack into `out` (written whole or not at all) and return what was built.
    `on_stage(words)` hears each step, for a progress display."""
    from dashboard.packs import content, document, printing

    if kind not in KINDS:
        raise PackError(f"{kind!r} is not a kind of pack: board or ofsted.")
    stage = on_stage or (lambda words: None)
    la, period_end = check_request(la, period_end)
    built_on = built_on or dt.date.today()
    stage("Working out the figures")
    who = viewer(kind, requested_by, teams)
    pack = content.board_pack(who, la, period_end, built_on) if kind == "board" else \
        content.ofsted_pack(who, la, period_end, built_on)
    pack["provenance"]["code"] = code_version()
    stage("Laying out the pages")
    page = document.render(pack)
    stage("Printing the PDF")
    out = Path(out)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        pages = printing.to_pdf(page, partial, f"{pack['title']}, {pack['la_name']}, "
                                f"figures at {pack['period_end']:%-d %b %Y}", pack["marking"])
        partial.chmod(0o600)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    return BuiltPack(out, sha, out.stat().st_size, pages, pack["provenance"])


def run_pack(kind: str, la: str | None, period_end: dt.date | None, trigger: str,
             requested_by: str, teams=None, job: str = "", attempt: int = 1,
             run_id: int | None = None) -> state.PackRun:
    """Build a pack into the archive as a recorded run and return the run (done or failed;
    or the run already building the same pack, untouched). A failure is recorded with a
    plain message and never raised, so the clock and the worker go on; a fault's traceback
    goes to the log without its message, so no figure or name reaches the log.
    `run_id`: a run already queued (by the dashboard) to carry out."""
    from dashboard.packs import printing

    if run_id is None:
        try:
            la, period_end = check_request(la, period_end)
        except PackError as err:
            # recorded against what was asked (today standing in for "the latest period"),
            # so the clock's failure is on the archive page and is retried
            la, period_end = la or default_code(), period_end or dt.date.today()
            run, created = state.start_pack_run(kind, la, period_end, teams, trigger,
                                                requested_by, job, attempt)
            return state.fail_pack_run(run.id, str(err)) if created else run
        run, created = state.start_pack_run(kind, la, period_end, teams, trigger,
                                            requested_by, job, attempt)
        if not created:
            return run
    else:
        run = state.pack_run(run_id)
        if run is None or not run.active:
            raise PackError(f"there is no queued pack run {run_id}.")
    try:
        state.pack_run_stage(run.id, "Starting")
        name = archive_name(run.kind, run.la_code, run.period_end, dt.date.today())
        built = build_pack(run.kind, run.la_code, run.period_end, archive_dir() / name,
                           run.requested_by, run.teams,
                           on_stage=lambda words: state.pack_run_stage(run.id, words))
    except (PackError, printing.PrintError) as err:
        return state.fail_pack_run(run.id, str(err))
    except Exception as err:  # a fault: recorded, logged, and the caller goes on
        # where it stopped, without the exception's message: that could quote the data
        log.error("pack run %s failed with %s:\n%s", run.id, type(err).__name__,
                  "".join(traceback.format_tb(err.__traceback__)))
        return state.fail_pack_run(run.id, f"The build failed ({type(err).__name__}). The "
                                           "server's log has the details.")
    return state.finish_pack_run(run.id, name, built.sha256, built.size, built.pages,
                                 built.provenance)


def warehouse_name() -> str | None:
    path = current_path()
    return None if path is None else Path(path).name
