"""flask-limiter's counters kept in the state database, so a limit holds across every
gunicorn worker (its in-memory store counts per worker, multiplying the limit by their
number). Registered with the `limits` library as the `cpd-state://` storage."""
from __future__ import annotations

import sqlite3

from limits.storage import Storage

from dashboard import state


class StateStorage(Storage):
    STORAGE_SCHEME = ["cpd-state"]

    @property
    def base_exceptions(self):
        return (state.StateError, sqlite3.Error)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return state.rate_incr(key, expiry, amount)

    def get(self, key: str) -> int:
        return state.rate_get(key)[0]

    def get_expiry(self, key: str) -> float:
        return state.rate_get(key)[1]

    def check(self) -> bool:
        try:
            state.rate_get("check")
            return True
        except state.StateError:
            return False

    def reset(self) -> int | None:
        state.rate_clear()
        return None

    def clear(self, key: str) -> None:
        state.rate_clear(key)
