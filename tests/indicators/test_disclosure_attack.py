"""The bundled sample attacked as a member would: for every indicator and every loaded period
end, everything a member can see (the council figure, every member breakdown, the teams in
each service area, the same point last year and the change since it beside the council figure
and every group, counts in notes, and the disproportionality shares) goes to an independent
exact solver (tests/attack.py), which must not pin any hidden figure of 1 to 5."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from etl.cli import main
from etl.config import load_config
from etl.indicators import engine
from etl.indicators.catalogue import CATALOGUE
from etl.warehouse.publish import connect_current
from tests.attack import OVERALL, View, protected, recover

MEMBER = [b for b in engine.BREAKDOWNS if b != "social_worker"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample, loaded once for the module: (connection, configuration)."""
    folder = tmp_path_factory.mktemp("sample") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(folder))
        assert main(["load-sample"]) == 0
        con = connect_current()
        try:
            yield con, load_config()
        finally:
            con.close()


def _by_cell(con, config, period_end: dt.date, suppress: bool) -> dict:
    """{indicator id: {cell: row}} for the council figure and every member breakdown."""
    out: dict = {}
    for breakdown in [None, *MEMBER]:
        for row in engine.compute(con, config, period_end, breakdown, suppress)["indicators"]:
            out.setdefault(row["id"], {})[(breakdown, row.get("group"))] = row
    return out


def _areas(con, config, period_end: dt.date) -> list[tuple]:
    """The service areas and their teams, as a member can read them off the dashboard."""
    return con.execute("SELECT DISTINCT service_area, team FROM int_child_attributes "
                       "WHERE la_code = ? AND period_end = ?", [config.code, period_end]
                       ).fetchall()


def member_views(con, config, period_end: dt.date, previous: dt.date | None) -> dict:
    """{indicator id: View} as a member sees the period, beside the period its directions of
    travel compare with (`previous`)."""
    seen = _by_cell(con, config, period_end, True)
    before = _by_cell(con, config, previous, True) if previous else {}
    areas = _areas(con, config, period_end)
    shares = getattr(engine, "disproportionality", None)  # not in the code before the fix
    population = {c: r["numerator"] for c, r in seen["cla_at_period_end"].items()} \
        if shares else {}
    views = {}
    for entry in CATALOGUE:
        views[entry.id] = View(
            unit=entry.unit, rows=seen[entry.id], areas=areas,
            previous=before.get(entry.id),
            shares={b: shares(con, config, period_end, entry.id, b, True) for b in MEMBER}
            if shares else {},
            population=population)
    return views


def attack(con, config) -> list[tuple]:
    """Every protected figure recovered, over every indicator and period of the sample."""
    found = []
    periods = engine.loaded_periods(con, config.code)
    truths = {p: _by_cell(con, config, p, False) for p in periods}
    for period_end in periods:
        last_year = engine.same_point_last_year(period_end)
        previous = last_year if last_year in periods else None
        truth = truths[period_end]
        truth_before = truths[previous] if previous else {}
        for indicator_id, view in member_views(con, config, period_end, previous).items():
            for recovery in recover(view):
                if protected(recovery, truth[indicator_id], truth_before.get(indicator_id),
                             truth["cla_at_period_end"]):
                    found.append((period_end, indicator_id, recovery))
    return found


def shared_figures(con, config) -> list[tuple]:
    """Figures two indicators share (children looked after are the denominator of many
    percentages): where any of them shows a cell, a member knows it for all. Every protected
    figure recovered from what all of them hide together."""
    found = []
    for period_end in engine.loaded_periods(con, config.code):
        truth, seen = _by_cell(con, config, period_end, False), \
            _by_cell(con, config, period_end, True)
        areas = _areas(con, config, period_end)
        alike: dict = {}
        for indicator_id, rows in truth.items():
            for quantity in ("numerator", "denominator"):
                figures = {c: r[quantity] for c, r in rows.items()}
                if all(isinstance(v, (int, float)) for v in figures.values()):
                    key = tuple(sorted((str(c), v) for c, v in figures.items() if v))
                    alike.setdefault(key, []).append((indicator_id, quantity, figures))
        for sharing in alike.values():
            if len(sharing) < 2:
                continue
            figures = sharing[0][2]
            hidden = {c for c in figures
                      if all(seen[i].get(c, {}).get("suppressed") for i, _, _ in sharing)}
            rows = {c: {"numerator": "c" if c in hidden else v, "denominator": None,
                        "value": "c" if c in hidden else v, "note": None}
                    for c, v in figures.items()}
            zero_hidden = any(figures[c] == 0 for c in hidden)
            for recovery in recover(View("count", rows, areas=areas,
                                         floor=0 if zero_hidden else 1)):
                assert recovery.value == figures[recovery.cell]
                if 1 <= recovery.value <= 5:
                    found.append((period_end, [i for i, _, _ in sharing], recovery))
    return found


def test_figures_shared_by_indicators_are_protected_alike(sample):
    con, config = sample
    assert shared_figures(con, config) == []


def test_a_member_cannot_work_out_any_hidden_figure_of_one_to_five(sample):
    con, config = sample
    started = time.perf_counter()
    found = attack(con, config)
    elapsed = time.perf_counter() - started
    assert not found, (f"{len(found)} hidden figures of 1 to 5 recovered, e.g. "
                       + "; ".join(f"{p} {i} {r.quantity} {r.cell} = {r.value}"
                                   for p, i, r in found[:10]))
    assert elapsed < 60, f"the attack took {elapsed:.1f}s"


def test_the_attacker_recovers_true_figures(sample):
    """The solver is sound: whatever it pins in the unprotected view is the true figure (so
    an empty answer above means protection, not a blind attacker)."""
    con, config = sample
    period_end = engine.loaded_periods(con, config.code)[-1]
    truth = _by_cell(con, config, period_end, False)
    checked = 0
    for entry in CATALOGUE[:8]:
        rows = {c: dict(r) for c, r in truth[entry.id].items()}
        for cell, row in rows.items():  # hide every group of 1 to 5 alone, as primary only
            if cell != OVERALL and isinstance(row["numerator"], (int, float)) \
                    and 1 <= row["numerator"] <= 5:
                row.update(numerator="c", denominator="c" if row["denominator"] else None,
                           value="c")
        for recovery in recover(View(entry.unit, rows)):
            if recovery.quantity in ("numerator", "denominator"):
                assert recovery.value == truth[entry.id][recovery.cell][recovery.quantity]
                checked += 1
    assert checked, "primary suppression alone should give some figures away"
