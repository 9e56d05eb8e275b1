"""The figures and the member protection a load stores (etl/indicators/published.py) answer
exactly as the engine worked them out from `ind_units` at request time before: every
indicator, every loaded period, overall and by every breakdown, as a member and unsuppressed,
with the directions of travel, notes and disproportionality shares.

Each warehouse is read twice: as published, and as a copy with the stored tables dropped (a
warehouse loaded before they existed), which the engine answers the old way."""
from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from etl.cli import main
from etl.config import config_for
from etl.indicators import engine, published
from etl.indicators.catalogue import CATALOGUE
from etl.warehouse.publish import current_path


def _both_ways(folder):
    """(published warehouse, the same without the stored tables), both opened read-only as
    the dashboard opens them."""
    path = current_path()
    old = folder / "without-stored.duckdb"
    shutil.copyfile(path, old)
    con = duckdb.connect(str(old))
    for table in published.TABLES:
        con.execute(f"DROP TABLE {table}")
    con.execute("CHECKPOINT")
    con.close()
    return duckdb.connect(str(path), read_only=True), duckdb.connect(str(old), read_only=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample (five period ends, loaded one after another)."""
    folder = tmp_path_factory.mktemp("published-sample")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(folder / "data"))
        assert main(["load-sample"]) == 0
        stored, old = _both_ways(folder)
    yield stored, old
    stored.close()
    old.close()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Two annual extracts of a small `cpd synth` council (small groups: much to protect),
    and its latest loaded again as a second council beside it."""
    folder = tmp_path_factory.mktemp("published-synth")
    extracts = folder / "extracts"
    assert main(["synth", str(extracts), "--years", "2", "--scale", "150",
                 "--period-end", "2025-03-31"]) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(folder / "data"))
        assert main(["load-sample", "--manifest", str(extracts / "extracts.toml")]) == 0
        assert main(["load", str(extracts / "2024-25"), "--period-end", "2025-03-31",
                     "--la", "E08000001"]) == 0
        stored, old = _both_ways(folder)
    yield stored, old
    stored.close()
    old.close()


def _answers(con, la_code: str, shares: bool = True) -> dict:
    """Everything the engine answers for a council, keyed by what was asked (with `shares`,
    every indicator's disproportionality by every breakdown too)."""
    config = config_for(la_code)
    out = {}
    for period_end in engine.loaded_periods(con, la_code):
        for breakdown in (None, *engine.BREAKDOWNS):
            out["compute", period_end, breakdown, False] = engine.compute(
                con, config, period_end, breakdown, False)
            if breakdown != "social_worker":
                out["compute", period_end, breakdown, True] = engine.compute(
                    con, config, period_end, breakdown, True)
        out["linked", period_end] = engine.compute_linked(con, config, period_end)
        for entry in CATALOGUE if shares else ():
            for breakdown in engine.BREAKDOWNS:
                for suppress in (False, True) if breakdown != "social_worker" else (False,):
                    out["shares", period_end, entry.id, breakdown, suppress] = \
                        engine.disproportionality(con, config, period_end, entry.id,
                                                  breakdown, suppress)
    return out


def _first_difference(stored: dict, old: dict) -> str | None:
    """Where two answers first differ, for the failure message (rows are long)."""
    for key in old:
        if stored.get(key) == old[key]:
            continue
        mine, theirs = stored.get(key), old[key]
        if key[0] == "compute":
            for a, b in zip(mine["indicators"], theirs["indicators"]):
                if a != b:
                    return f"{key}: stored {a}\nworked out {b}"
            return f"{key}: {len(mine['indicators'])} rows stored, " \
                   f"{len(theirs['indicators'])} worked out"
        return f"{key}: stored {mine}\nworked out {theirs}"
    return None


def _same_both_ways(stored_con, old_con, shares: bool = True) -> int:
    las = engine.loaded_las(old_con)
    assert engine.loaded_las(stored_con) == las
    rows = 0
    for la_code in las:
        for period_end in engine.loaded_periods(stored_con, la_code):
            assert engine._stored(stored_con, la_code, period_end)
            assert not engine._stored(old_con, la_code, period_end)
        engine._CACHE.clear()
        stored, old = (_answers(stored_con, la_code, shares),
                       _answers(old_con, la_code, shares))
        assert stored.keys() == old.keys()
        assert stored == old, _first_difference(stored, old)
        rows += sum(len(a["indicators"]) for k, a in old.items() if k[0] == "compute")
    return rows


def _hidden_rows(con) -> int:
    return con.execute("SELECT count(*) FROM ind_hidden").fetchone()[0]


def test_the_sample_is_answered_the_same_from_the_stored_figures(sample):
    stored, old = sample
    assert _hidden_rows(stored) > 100  # the member views do hide figures
    # the shares are compared on the synthetic council below, whose small groups give the
    # protection the most to do; here, every figure of five periods
    assert _same_both_ways(stored, old, shares=False) > 10_000


def test_a_synthetic_council_and_its_neighbour_are_answered_the_same(synthetic):
    stored, old = synthetic
    assert engine.loaded_las(stored) == ["E06000015", "E08000001"]
    assert _hidden_rows(stored) > 100
    assert _same_both_ways(stored, old) > 1_000


def test_every_loaded_period_is_stored_with_its_protection(sample):
    stored, _ = sample
    periods = stored.execute("SELECT la_code, period_end FROM int_periods ORDER BY 1, 2"
                             ).fetchall()
    assert stored.execute("SELECT la_code, period_end FROM ind_published WHERE version = ? "
                          "ORDER BY 1, 2", [engine.published_version()]).fetchall() == periods
    # the council figure's cell is marked by a NULL breakdown and group, and only so
    assert stored.execute("SELECT count(*) FROM ind_hidden WHERE (breakdown IS NULL) <> "
                          "(grp IS NULL)").fetchone()[0] == 0
    # a member never sees social workers: nothing is decided for them
    assert stored.execute("SELECT count(*) FROM ind_hidden WHERE breakdown = "
                          "'social_worker'").fetchone()[0] == 0


def test_a_period_stored_by_other_code_is_worked_out_again(sample, tmp_path):
    """A change to disclosure control must not be undone by a decision stored before it."""
    stored, _ = sample
    path = stored.execute("PRAGMA database_list").fetchall()[0][2]
    copy = tmp_path / "older-code.duckdb"
    shutil.copyfile(path, copy)
    con = duckdb.connect(str(copy))
    con.execute("UPDATE ind_published SET version = 'an earlier version'")
    con.execute("CHECKPOINT")
    con.close()
    con = duckdb.connect(str(copy), read_only=True)
    try:
        la_code = engine.loaded_las(con)[0]
        period_end = engine.loaded_periods(con, la_code)[-1]
        assert not engine._stored(con, la_code, period_end)
        config = config_for(la_code)
        assert engine.compute(con, config, period_end, "team", True) == \
            engine.compute(stored, config, period_end, "team", True)
    finally:
        con.close()


def test_a_load_keeps_the_decisions_of_periods_it_did_not_change(tmp_path, monkeypatch):
    """Loading a later period leaves an earlier one's figures as they were, and its stored
    protection with them (decided again only where its inputs changed)."""
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "data"))
    extracts = tmp_path / "extracts"
    assert main(["synth", str(extracts), "--years", "2", "--scale", "150",
                 "--period-end", "2025-03-31"]) == 0
    first = dt.date(2024, 3, 31)

    def stored_for(period_end):
        con = duckdb.connect(str(current_path()), read_only=True)
        try:
            return (con.execute("SELECT inputs FROM ind_published WHERE period_end = ?",
                                [period_end]).fetchall(),
                    con.execute("SELECT indicator_id, breakdown, grp FROM ind_hidden WHERE "
                                "period_end = ? ORDER BY ALL", [period_end]).fetchall())
        finally:
            con.close()

    decided = []
    protection = engine.protection
    monkeypatch.setattr(engine, "protection", lambda *args: decided.append(1) or
                        protection(*args))
    assert main(["load", str(extracts / "2023-24"), "--period-end", str(first)]) == 0
    before = stored_for(first)
    assert main(["load", str(extracts / "2024-25"), "--period-end", "2025-03-31"]) == 0
    assert stored_for(first) == before and before[1]
    assert len(decided) == 2  # the first period once, at its own load; then the second
