"""Publishing warehouses atomically, and opening the published one.

A warehouse is an immutable DuckDB file under `<data dir>/warehouse/`. A load copies the
current file to a private building file, changes the copy, checkpoints and closes it, renames
it to its final name and only then swaps the `CURRENT` pointer (write a temporary file, fsync,
`os.replace`). A crash or kill at any moment before the swap leaves the previous warehouse
serving; readers open the file the pointer names read-only and never see a half-written one.
Files are never written in place: a DuckDB file open elsewhere would block the writer or serve
stale pages.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
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


def warehouse_dir() -> Path:
    path = settings.data_dir() / "warehouse"
    path.mkdir(parents=True, exist_ok=True)
    return path


def current_path() -> Path | None:
    """The published warehouse file, or None before the first load."""
    pointer = warehouse_dir() / POINTER
    try:
        name = pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return warehouse_dir() / name


def connect_current() -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the published warehouse (None before the first load).

    Open one per thread or process, after any fork; reopen when `current_path()` changes.
    """
    path = current_path()
    return None if path is None else duckdb.connect(str(path), read_only=True)


@contextlib.contextmanager
def load_lock():
    """One load at a time per data directory; a second is refused at once, not queued."""
    lock_path = warehouse_dir() / ".load.lock"
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LoadInProgress(
                "another load into this data directory is running; wait for it to finish "
                "and load again") from None
        yield


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def start_building() -> Path:
    """A private copy of the current warehouse (or a new empty file) to change.

    Call with the load lock held: any building file left then is from a load that died.
    """
    folder = warehouse_dir()
    for stale in folder.glob(BUILDING_PREFIX + "*"):
        stale.unlink()
    building = folder / f"{BUILDING_PREFIX}{os.getpid()}.duckdb"
    current = current_path()
    if current is not None:
        shutil.copyfile(current, building)
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
    pointer_tmp.write_text(final.name + "\n")
    with open(pointer_tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, folder / POINTER)
    _fsync_dir(folder)
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
