"""Read-only access to the published warehouse for the web app.

One DuckDB connection per thread, opened lazily after any fork (never in the gunicorn
master), reopened when a load publishes a new warehouse file.

A request reads one published warehouse throughout: the pointer is read once, at its first
use in the request, so every figure on a page comes from the same file even if a load
publishes while the page is built (and the pointer file is not read a dozen times a page).

A published file never changes, so what is worked out from it can be remembered for as long
as it is the one published (`PerWarehouse`, `per_warehouse`): each cache holds the answers for
one published file at a time, so the next request after a publish works them out afresh from
the new file and the old file's answers are let go. Each is bounded (so many answers, or so
many bytes), so a worker's memory stays bounded at England's scale.
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


class PerWarehouse:
    """Answers for the published warehouse being read, kept while it is the one published:
    the most recently used of them, up to `size` in all (each weighing 1, or what `weigh`
    says it does); answers for another file replace them all. Shared by a worker's threads:
    an answer is never changed once made, and one asked for by two threads at once is made
    once (at England's scale an answer can take seconds)."""

    def __init__(self, size: int, weigh=None):
        self.size, self.weigh = size, weigh
        self.lock = threading.Lock()
        self.warehouse: Published | None = None
        self.answers: OrderedDict = OrderedDict()  # key: (answer, its weight)
        self.weight = 0
        self.making: dict = {}  # (warehouse, key): set when the thread making it is done

    def get(self, key, make):
        """The answer remembered under `key` for the warehouse this request reads, or
        make()'s, remembered (make reads that same file). Before the first load nothing is
        remembered."""
        warehouse = published()
        if warehouse is None:
            return make()
        with self.lock:
            found = self._found(warehouse, key)
            if found is not None:
                return found[0]
            done = self.making.get((warehouse, key))
            if done is None:
                done = self.making[(warehouse, key)] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:  # another thread is making it: wait, then take it (or make our own)
            done.wait()
            with self.lock:
                found = self._found(warehouse, key)
            return found[0] if found is not None else self._make(warehouse, key, make)
        try:
            return self._make(warehouse, key, make)
        finally:
            with self.lock:
                del self.making[(warehouse, key)]
            done.set()

    def _found(self, warehouse: Published, key) -> tuple | None:
        """(answer,) if it is kept (the lock held), else None."""
        if warehouse == self.warehouse and key in self.answers:
            self.answers.move_to_end(key)
            return (self.answers[key][0],)
        return None

    def _make(self, warehouse: Published, key, make):
        answer = _reading(warehouse, make)
        weight = 1 if self.weigh is None else self.weigh(answer)
        if weight is None or weight > self.size:  # not to be kept
            return answer
        with self.lock:
            if warehouse != self.warehouse:
                self.warehouse, self.answers, self.weight = warehouse, OrderedDict(), 0
            if key in self.answers:
                self.weight -= self.answers[key][1]
            self.answers[key] = (answer, weight)
            self.weight += weight
            while self.weight > self.size:
                self.weight -= self.answers.popitem(last=False)[1][1]
        return answer

    def clear(self) -> None:
        with self.lock:
            self.warehouse, self.answers, self.weight = None, OrderedDict(), 0


def per_warehouse(size: int, weigh=None):
    """Remember a function's answers for the published warehouse it reads (PerWarehouse,
    `size` and `weigh` as there), keyed by that file and the function's arguments (which must
    be hashable, and must be everything the answer depends on besides the file: a role's
    view is an argument, never left to the caller). The answer is shared by every request
    and thread of the worker: callers must not change it."""
    def remember(work):
        answers = PerWarehouse(size, weigh)

        @functools.wraps(work)
        def remembered(*args):
            return answers.get(args, lambda: work(*args))

        remembered.cache_clear = answers.clear
        return remembered
    return remember


def _reading(warehouse: Published, make):
    """make() reading exactly `warehouse`, the file its answer is remembered for (outside a
    request the pointer could move between reading the key and opening the file)."""
    before = getattr(_local, "pinned", None)
    _local.pinned = warehouse
    try:
        return make()
    finally:
        _local.pinned = before
