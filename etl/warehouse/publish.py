"""Publishing warehouses atomically, and opening the published one.

A warehouse is an immutable DuckDB file under `<data dir>/warehouse/`. A load copies the
current file to a private building file, changes the copy, checkpoints and closes it, renames
it to its final name and only then swaps the `CURRENT` pointer (write a temporary file, fsync,
`os.replace`). A crash or kill at any moment before the swap leaves the previous warehouse
serving; readers open the file the pointer names read-only and never see a half-written one.
Files are never written in place: a DuckDB file open elsewhere would block the writer or serve
stale pages.

A load killed at any moment leaves at worst a building file, a pointer's temporary file, an
unpublished warehouse file or a half-written report folder; the next load, holding the load
lock, clears them (`clear_leftovers`).

The data directory is private: created 0700 (tightened if it is wider), and every file this
module writes is 0600 whatever the umask. Processes that write there (`cpd`, the dashboard)
also set `os.umask(0o077)` first, so files DuckDB and SQLite create (WAL, temporary files)
are private too.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
from pathlib import Path

import duckdb

from etl import settings

POINTER = "CURRENT"
BUILDING_PREFIX = ".building-"
KEEP_PUBLISHED = 3  # the current warehouse and the two before it, for readers still open


class LoadInProgress(Exception):
    """Another process holds the load lock."""


class WarehouseError(Exception):
    """The published warehouse cannot be opened (a damaged data folder, not a user's input).
    The message says what to do."""


# What a CURRENT pointer may name: a published file in the same folder, never a path.
_PUBLISHED_NAME = re.compile(r"warehouse-[0-9A-Za-z-]{1,80}\.duckdb")


def private_dir(path: Path) -> Path:
    """`path` as a directory only its owner can enter: created 0700, tightened if wider."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def private_data_dir() -> Path:
    """The data directory (`CPD_DATA_DIR`), created 0700, or tightened to 0700 if it exists
    with wider permissions. Everything under it then is out of other users' reach."""
    return private_dir(settings.data_dir())


def warehouse_dir() -> Path:
    private_data_dir()
    return private_dir(settings.data_dir() / "warehouse")


def reports_dir() -> Path:
    """Where each load's rejects report lives, as `<load_id>/rejects.{csv,html}` (and
    `cpd validate`'s as `validate-<time>/`)."""
    private_data_dir()
    return private_dir(settings.data_dir() / "reports")


def current_path() -> Path | None:
    """The published warehouse file, or None before the first load."""
    pointer = warehouse_dir() / POINTER
    try:
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise WarehouseError(f"{pointer} cannot be read ({err.strerror}).") from None
    path = warehouse_dir() / name
    if not _PUBLISHED_NAME.fullmatch(name) or not path.is_file():
        raise WarehouseError(
            f"{pointer} names {name[:80]!r}, which is not a published warehouse in "
            f"{warehouse_dir()}. The data folder is damaged: restore it from a backup, or "
            "delete CURRENT and load the extracts again.")
    return path


def connect_current() -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the published warehouse (None before the first load).

    Open one per thread or process, after any fork; reopen when `current_path()` changes.
    """
    path = current_path()
    if path is None:
        return None
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise WarehouseError(f"the published warehouse {path} cannot be opened ({err}). "
                             "Restore the data folder from a backup, or delete CURRENT and "
                             "load the extracts again.") from None


@contextlib.contextmanager
def load_lock():
    """One load at a time per data directory; a second is refused at once, not queued."""
    lock_path = warehouse_dir() / ".load.lock"
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    with open(fd, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LoadInProgress(
                "another load into this data directory is running; wait for it to finish "
                "and load again") from None
        yield


def open_private(path: Path):
    """A new text file (or an old one truncated) readable and writable by its owner only,
    whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entry to disk (a rename is durable once its folder is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def published_load_ids() -> set[str] | None:
    """Every load id in the current warehouse's load log (None before the first load)."""
    con = connect_current()
    if con is None:
        return None
    try:
        return {row[0] for row in con.execute("SELECT load_id FROM load_log").fetchall()}
    finally:
        con.close()


def clear_leftovers() -> list[Path]:
    """Remove what loads killed part-way left behind; returns what was removed.

    Call with the load lock held, so nothing removed can belong to a running load: building
    files (and their WAL and temporary folders), pointer temporary files, warehouse files
    never published (their load is not in the current warehouse's load log: every published
    warehouse has its own load in its log and keeps every earlier one), half-written report
    folders, and report folders of loads that were never published. `cpd validate`'s report
    folders (`validate-*`) are kept. Files from before the data directory was private are
    made private.
    """
    folder, reports = warehouse_dir(), reports_dir()
    loads = published_load_ids()
    current = current_path()
    stale = [*folder.glob(BUILDING_PREFIX + "*"), *folder.glob(f".{POINTER}.*"),
             *reports.glob(BUILDING_PREFIX + "*")]
    keep = {current.name} if current is not None else set()
    # With no pointer there is no load log to judge by: published files and report folders
    # stay (a lost pointer must not cost every warehouse kept).
    published_files = folder.glob("warehouse-*.duckdb*") if loads is not None else []
    report_folders = reports.iterdir() if loads is not None else []
    for published in published_files:  # with any .wal or .tmp of its own
        base = published.name[:published.name.index(".duckdb")] + ".duckdb"
        if base.removeprefix("warehouse-").removesuffix(".duckdb") not in loads \
                and base not in keep:
            stale.append(published)
    for report in report_folders:
        if (report.is_dir() and not report.is_symlink() and report.name not in loads
                and not report.name.startswith(("validate-", BUILDING_PREFIX))):
            stale.append(report)
    for path in stale:
        _remove(path)
    for top in (folder, reports):
        for root, dirs, files in os.walk(top):
            for name in dirs:
                _tighten(Path(root) / name, 0o700)
            for name in files:
                _tighten(Path(root) / name, 0o600)
    return stale


def _tighten(path: Path, mode: int) -> None:
    try:
        if not path.is_symlink() and path.stat().st_mode & 0o077:
            path.chmod(mode)
    except FileNotFoundError:  # a reader's WAL or temporary file came and went
        pass


def start_building() -> Path:
    """A private copy of the current warehouse (or a new empty warehouse) to change, 0600.

    Call with the load lock held: any building file left then is from a load that died.
    """
    folder = warehouse_dir()
    for stale in folder.glob(BUILDING_PREFIX + "*"):
        _remove(stale)
    building = folder / f"{BUILDING_PREFIX}{os.getpid()}.duckdb"
    current = current_path()
    if current is not None:
        fd = os.open(building, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as out, open(current, "rb") as source:
            shutil.copyfileobj(source, out, 1 << 20)
    else:
        duckdb.connect(str(building)).close()  # DuckDB will not open an empty file
    os.chmod(building, 0o600)
    return building


def publish(building: Path, name: str) -> Path:
    """Make a finished building file the current warehouse. The connection to it must be
    closed (after CHECKPOINT) before this is called."""
    folder = warehouse_dir()
    final = folder / f"warehouse-{name}.duckdb"
    with open(building, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(building, final)
    pointer_tmp = folder / f".{POINTER}.{os.getpid()}"
    with open_private(pointer_tmp) as handle:
        handle.write(final.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, folder / POINTER)
    fsync_path(folder)
    _prune(final)
    return final


def _prune(current: Path) -> None:
    """Delete published files older than the last few. A reader that still has one open keeps
    reading it (the file lives until closed)."""
    published = sorted(warehouse_dir().glob("warehouse-*.duckdb"),
                       key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in published if p != current][KEEP_PUBLISHED - 1:]:
        old.unlink(missing_ok=True)
        Path(str(old) + ".wal").unlink(missing_ok=True)


def new_name() -> str:
    """A sortable name for a published file: the UTC time it was built."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
