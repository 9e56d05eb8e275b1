"""The attacker of tests/attack.py, fed over HTTP: every figure a member's session fetches for
an indicator at the latest period end (the indicator page under each breakdown: the council
figure and its trend, every group, the disproportionality shares, the direction of travel),
read from the page callbacks' answers as the browser gets them. The exact solver must pin no
hidden figure of 1 to 5, and every figure shown must be the one the engine's linked
disclosure control lets a member see (so the engine-level attack on every period,
tests/indicators/test_disclosure_attack.py, covers what the pages serve)."""
from __future__ import annotations

import re
from fractions import Fraction

import pytest

from dashboard.pages.indicator import BREAKDOWN_LABELS
from etl.config import config_for
from etl.indicators import engine
from etl.indicators.catalogue import CATALOGUE
from tests.attack import OVERALL, View, protected, recover
from tests.security import support
from tests.security.conftest import SAMPLE_LA

MEMBER = [b for b in engine.BREAKDOWNS if b != "social_worker"]


def figure(text: str):
    """A figure as a page shows it: a number, "c", or None (blank, no data)."""
    text = text.strip().rstrip("%").replace(",", "")
    if text in ("", "no data"):
        return None
    if text == "c":
        return "c"
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


@pytest.fixture(scope="module")
def engine_view(sample_warehouse):
    """{indicator: {cell: row}} as the engine protects it for members, and unprotected."""
    with support.data_dir(sample_warehouse):
        con = support.warehouse(sample_warehouse)
        config = config_for(SAMPLE_LA)
        latest = engine.loaded_periods(con, SAMPLE_LA)[-1]
        out = {}
        for suppress in (True, False):
            rows: dict = {}
            for breakdown in [None, *MEMBER]:
                for row in engine.compute(con, config, latest, breakdown,
                                          suppress)["indicators"]:
                    rows.setdefault(row["id"], {})[(breakdown, row.get("group"))] = row
            out[suppress] = rows
        areas = con.execute("SELECT DISTINCT service_area, team FROM int_child_attributes "
                            "WHERE la_code = ? AND period_end = ?", [SAMPLE_LA, latest]
                            ).fetchall()
        con.close()
    return {"member": out[True], "truth": out[False], "areas": areas}


def scraped(made, entry) -> tuple[dict, dict, str]:
    """({cell: row}, {breakdown: shares}, the figure summary's text) of one indicator's
    pages, as the member's session receives them."""
    rows, shares, summary = {}, {}, ""
    for breakdown in MEMBER:
        response = made.page(f"/indicator/{entry.id}", f"?breakdown={breakdown}")
        assert response.status_code == 200, (entry.id, breakdown, response.status_code)
        tables = support.tables(response)
        label = BREAKDOWN_LABELS[breakdown].lower()
        if f"{entry.title} by {label}" in tables:
            for group, value, numerator, denominator, _ in tables[f"{entry.title} by {label}"][1]:
                rows[(breakdown, group)] = {"value": figure(value),
                                            "numerator": figure(numerator),
                                            "denominator": figure(denominator)}
        if f"Disproportionality by {label}" in tables:
            shares[breakdown] = [
                {"group": g, "share_counted": figure(a), "share_all": figure(b),
                 "ratio": figure(r)} for g, a, b, r in tables[f"Disproportionality by {label}"][1]]
        trend = tables[f"{entry.title} by period (the chart's figures)"][1]
        period, value, numerator, denominator, _ = trend[-1]
        rows[OVERALL] = {"value": figure(value), "numerator": figure(numerator),
                         "denominator": figure(denominator)}
        summary = support.page_text(response)
    return rows, shares, summary


def test_a_member_over_http_sees_only_protected_figures_and_recovers_nothing(
        live_server, sample_warehouse, engine_view):
    made = support.as_role(live_server, "member", support.next_address())
    found, differ = [], []
    pages = {entry.id: scraped(made, entry) for entry in CATALOGUE}
    # every child looked after, by group, as the member sees it: the shares' other side
    population = {c: r["numerator"] for c, r in pages["cla_at_period_end"][0].items()}
    for entry in CATALOGUE:
        rows, shares, summary = pages[entry.id]
        member = engine_view["member"][entry.id]
        for cell, row in rows.items():
            want = member.get(cell)
            if want is None:
                differ.append((entry.id, cell, "not in the member view"))
                continue
            for quantity in ("numerator", "denominator", "value"):
                got, expected = row[quantity], want[quantity]
                if isinstance(expected, float) and isinstance(got, (int, float)):
                    same = abs(got - expected) < 0.051
                else:
                    same = got == expected or (got is None and expected in (None, 0)
                                               and quantity == "denominator")
                if not same:
                    differ.append((entry.id, cell, quantity, got, expected))
        # a change of direction is shown only between two shown figures
        if member[OVERALL]["value"] == "c":
            assert not re.search(r"(up|down) [\d.,]+( points)? since", summary), entry.id
        view = View(unit=entry.unit, rows={c: {**r, "note": None} for c, r in rows.items()},
                    areas=engine_view["areas"], shares=shares, population=population)
        truth = engine_view["truth"]
        for recovery in recover(view):
            if protected(recovery, truth[entry.id], None, truth["cla_at_period_end"]):
                found.append((entry.id, recovery.quantity, recovery.cell,
                              Fraction(recovery.value)))
    assert not differ, f"{len(differ)} figures differ from the member view, e.g. {differ[:5]}"
    assert not found, f"{len(found)} hidden figures of 1 to 5 recovered, e.g. {found[:5]}"
