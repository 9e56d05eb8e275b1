"""Disclosure control: primary suppression of 1-5, secondary suppression in breakdowns."""
from __future__ import annotations

import random

import pytest

from etl.indicators.disclosure import SUPPRESSED, suppress


def row(num, den=None, unit="%", id_="x", group=None):
    value = num if unit == "count" else (round(100 * num / den, 1) if den else None)
    return {"id": id_, "unit": unit, "numerator": num, "denominator": den, "value": value,
            "group": group}


@pytest.mark.parametrize("num,hidden", [(0, False), (1, True), (5, True), (6, False)])
def test_counts_of_one_to_five_are_hidden_and_zero_is_shown(num, hidden):
    [out] = suppress([row(num, unit="count")], breakdown=False)
    assert out["suppressed"] is hidden
    assert out["value"] == (SUPPRESSED if hidden else out["value"])
    assert (out["numerator"] == SUPPRESSED) is hidden
    assert out["denominator"] is None  # a count has no denominator to hide


@pytest.mark.parametrize("num,den,hidden", [(0, 40, False), (3, 40, True), (10, 4, True),
                                            (0, 3, True), (10, 40, False), (0, 0, False)])
def test_rates_with_a_small_numerator_or_denominator_are_hidden(num, den, hidden):
    [out] = suppress([row(num, den)], breakdown=False)
    assert out["suppressed"] is hidden
    if hidden:
        assert out["numerator"] == out["denominator"] == out["value"] == SUPPRESSED
        assert out["rag"] is None and "protect children's identities" in out["note"]


def test_one_hidden_group_takes_the_next_smallest_with_it():
    groups = [row(3, unit="count", group="A"), row(10, unit="count", group="B"),
              row(12, unit="count", group="C")]
    out = suppress(groups, breakdown=True)
    assert [r["suppressed"] for r in out] == [True, True, False]


def test_a_zero_group_does_not_protect_a_hidden_one():
    groups = [row(3, unit="count", group="A"), row(0, unit="count", group="B"),
              row(20, unit="count", group="C")]
    out = suppress(groups, breakdown=True)
    assert [r["value"] for r in out] == [SUPPRESSED, 0, SUPPRESSED]


def test_numerators_and_denominators_are_protected_separately():
    groups = [row(2, 10, group="A"), row(7, 40, group="B"), row(9, 50, group="C"),
              row(30, 60, group="D")]
    out = suppress(groups, breakdown=True)
    # A's numerator is small; B (smallest other non-zero numerator) goes with it, which also
    # leaves two denominators hidden; C and D stay.
    assert [r["suppressed"] for r in out] == [True, True, False, False]


def test_indicators_in_one_breakdown_are_protected_independently():
    groups = [row(3, unit="count", id_="a", group="A"), row(50, unit="count", id_="a", group="B"),
              row(40, unit="count", id_="b", group="A"), row(50, unit="count", id_="b", group="B")]
    out = suppress(groups, breakdown=True)
    assert [r["suppressed"] for r in out] == [True, True, False, False]


def test_no_hidden_figure_can_be_recovered_from_the_total():
    """Whatever the breakdown, each of numerators and denominators has either no hidden
    non-zero cell or at least two (so total minus the shown cells gives only their sum), or
    one that no other non-zero cell could join: then it is the total itself, which the
    overall figure hides when it is 1 to 5."""
    rng = random.Random(903)
    for _ in range(500):
        groups = []
        for g in range(rng.randint(2, 8)):
            den = rng.choice([0, 1, 3, 5, 6, 9, 20, 45])
            groups.append(row(rng.randint(0, den) if den else 0, den, group=str(g)))
        out = suppress(groups, breakdown=True)
        for quantity in ("numerator", "denominator"):
            hidden = [g[quantity] for g, o in zip(groups, out) if o["suppressed"] and g[quantity]]
            others = [g[quantity] for g, o in zip(groups, out) if not o["suppressed"]]
            assert len(hidden) != 1 or not any(others), (groups, out)
        for g, o in zip(groups, out):
            small = 1 <= g["numerator"] <= 5 or 1 <= g["denominator"] <= 5
            assert o["suppressed"] or not small
