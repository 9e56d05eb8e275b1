"""Helpers for the independent indicator checks: load a hand-built extract, compute the
indicators, and compare one indicator with figures worked out by hand from indicators.md.

On a mismatch the message lists the engine's per-child unit rows (`ind_units`) so a failing
check says which child the engine counted differently."""
from __future__ import annotations

import datetime as dt
import itertools
from contextlib import contextmanager
from pathlib import Path

import pytest

from etl.cli import main
from etl.config import load_config
from etl.indicators.engine import compute
from etl.warehouse.publish import connect_current

P = "2025-03-31"
_counter = itertools.count()


@contextmanager
def own_data_dir(tmp_path_factory, name: str):
    """A data folder of its own for a module's tests (loads are the slow part: a module loads
    its extracts once and its tests read them)."""
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp(name)
        patch.setenv("CPD_DATA_DIR", str(folder / "data"))
        yield folder


def load(builder, tmp_path: Path, period_end: str = P, empty: tuple[str, ...] = (),
         la: str | None = None) -> None:
    """Write and load an extract; fail loudly if any row was quarantined as an error (a
    quarantined row would silently change the hand-worked answer)."""
    folder = builder.write(tmp_path / f"extract{next(_counter)}", empty=empty)
    args = ["load", str(folder), "--period-end", period_end] + (["--la", la] if la else [])
    assert main(args) == 0
    con = connect_current()
    try:
        errors = con.execute(
            "SELECT * FROM rejects WHERE severity = 'error'").fetchdf()
    finally:
        con.close()
    assert errors.empty, f"test data was quarantined:\n{errors.to_string()}"


def figures(period_end: str = P) -> dict[str, dict]:
    con = connect_current()
    try:
        result = compute(con, load_config(), period_end=dt.date.fromisoformat(period_end),
                         breakdown=None)
    finally:
        con.close()
    return {row["id"]: row for row in result["indicators"]}


def units(indicator_id: str, period_end: str = P) -> str:
    con = connect_current()
    try:
        df = con.execute(
            "SELECT child, numerator, denominator FROM ind_units "
            "WHERE indicator_id = ? AND period_end = ? ORDER BY child",
            [indicator_id, dt.date.fromisoformat(period_end)]).fetchdf()
    finally:
        con.close()
    return df.to_string(index=False)


def check(figs: dict, indicator_id: str, numerator, denominator, value,
          period_end: str = P) -> dict:
    """Assert one indicator's numerator, denominator and value; return its row."""
    row = figs[indicator_id]
    got = (row["numerator"], row["denominator"], row["value"])
    want = (numerator, denominator, value)
    assert got == want, (f"{indicator_id}: engine (num, den, value) = {got}, hand-worked "
                         f"{want}\nengine per-child units:\n{units(indicator_id, period_end)}"
                         f"\nnote: {row['note']}")
    return row
