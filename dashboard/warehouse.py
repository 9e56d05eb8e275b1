"""Read-only access to the published warehouse for the web app.

One DuckDB connection per thread, opened lazily after any fork (never in the gunicorn
master), reopened when a load publishes a new warehouse file.

A request reads one published warehouse throughout: the pointer is read once, at its first
use in the request, so every figure on a page comes from the same file even if a load
publishes while the page is built (and the pointer file is not read a dozen times a page).

A published file never changes, so what is worked out from it can be remembered for as long
as it is the one published (`per_warehouse`): each cache holds the answers for one published
file at a time, so the next request after a publish works them out afresh from the new file
and the old file's answers are let go.
"""
from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
from flask import g, has_request_context

from etl.warehouse.publish import WarehouseError, current_path

_local = threading.local()


class Published(NamedTuple):
    """A published warehouse file, and what tells this file from any other of the same name
    (a published file never changes; its size and time are taken anyway)."""
    path: Path
    size: int
    mtime_ns: int


def _read_pointer() -> Published | None:
    path = current_path()
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError as err:  # pruned or removed since the pointer was read
        raise WarehouseError(f"the published warehouse {path} cannot be read "
                             f"({err.strerror}).") from None
    return Published(path, stat.st_size, stat.st_mtime_ns)


def published() -> Published | None:
    """The published warehouse this request reads (None before the first load): read from
    the pointer once per request, or at every call outside one (the CLI, the packs)."""
    pinned = getattr(_local, "pinned", None)
    if pinned is not None:
        return pinned
    if not has_request_context():
        return _read_pointer()
    if "cpd_published" not in g:
        g.cpd_published = _read_pointer()  # a damaged pointer raises, every time it is read
    return g.cpd_published


def current() -> Path | None:
    """The path of the published warehouse this request reads."""
    found = published()
    return None if found is None else found.path


def connection() -> duckdb.DuckDBPyConnection | None:
    """This thread's connection to the published warehouse, or None before the first load."""
    path = current()
    if path is None:
        return None
    if getattr(_local, "path", None) != path:
        if getattr(_local, "con", None) is not None:
            _local.con.close()
        _local.con = duckdb.connect(str(path), read_only=True)
        _local.path = path
    return _local.con


def query(sql: str, params: list | None = None) -> pd.DataFrame:
    con = connection()
    if con is None:
        return pd.DataFrame()
    return con.execute(sql, params or []).df()


class _Answers:
    """A function's answers for one published warehouse, the most recently used `size` of
    them; answers for another file replace them all. Shared by a worker's threads."""

    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.warehouse: Published | None = None
        self.answers: OrderedDict = OrderedDict()

    def get(self, warehouse: Published, args: tuple, make):
        with self.lock:
            if warehouse == self.warehouse and args in self.answers:
                self.answers.move_to_end(args)
                return self.answers[args]
        answer = make()
        with self.lock:
            if warehouse != self.warehouse:
                self.warehouse, self.answers = warehouse, OrderedDict()
            self.answers[args] = answer
            while len(self.answers) > self.size:
                self.answers.popitem(last=False)
        return answer

    def clear(self) -> None:
        with self.lock:
            self.warehouse, self.answers = None, OrderedDict()


def per_warehouse(size: int):
    """Remember a function's answers for the published warehouse it reads, keyed by that
    file and the function's arguments (which must be hashable, and must be everything the
    answer depends on besides the file: a role's view is an argument, never left to the
    caller). The answer is shared by every request and thread of the worker: callers must
    not change it. Before the first load nothing is remembered."""
    def remember(work):
        answers = _Answers(size)

        @functools.wraps(work)
        def remembered(*args):
            warehouse = published()
            if warehouse is None:
                return work(*args)
            return answers.get(warehouse, args, lambda: _reading(warehouse, work, args))

        remembered.cache_clear = answers.clear
        return remembered
    return remember


def _reading(warehouse: Published, work, args: tuple):
    """work(*args) reading exactly `warehouse`, the file its answer is remembered for (outside
    a request the pointer could move between reading the key and opening the file)."""
    before = getattr(_local, "pinned", None)
    _local.pinned = warehouse
    try:
        return work(*args)
    finally:
        _local.pinned = before
