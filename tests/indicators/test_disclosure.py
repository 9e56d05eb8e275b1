"""Disclosure control over everything a member sees together: the protection on hand-made
figures, then the engine on a hand-built extract loaded into a real warehouse.

Each protected pattern is checked with the independent attacker of tests/attack.py (exact
fractions and bounds), not only by what the protection believes."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from etl.cli import main
from etl.config import load_config
from etl.indicators import disclosure, engine
from etl.indicators.catalogue import CATALOGUE
from etl.indicators.disclosure import OVERALL, Layout, nests, protect
from etl.warehouse.publish import connect_current
from tests.attack import View, protected, recover
from tests.builders import ExtractBuilder
from tests.indicators.support import load

AREAS = [("North", "N1"), ("North", "N2"), ("South", "S1"), ("South", "S2")]
LAYOUT = Layout(("team", "service_area", "sex"), nests("service_area", "team", AREAS))


def view(values: dict, hidden: frozenset, unit: str = "count", areas=AREAS) -> View:
    """What a member sees of one quantity as a count indicator's rows."""
    rows = {cell: {"numerator": "c" if cell in hidden else v, "denominator": None,
                   "value": "c" if cell in hidden else v, "note": None}
            for cell, v in values.items()}
    return View(unit, rows, areas=areas)


def small_recovered(values: dict, hidden: frozenset, **kw) -> list:
    return [r for r in recover(view(values, hidden, **kw)) if 1 <= r.value <= 5]


def cells(overall, teams: dict, sex: dict | None = None) -> dict:
    """Values for the council figure, teams, the areas they add up to, and a sex breakdown."""
    out = {OVERALL: overall, **{("team", t): v for t, v in teams.items()}}
    for area in {a for a, _ in AREAS}:
        out[("service_area", area)] = sum(teams.get(t, 0) for a, t in AREAS if a == area)
    for group, v in (sex or {"All": overall}).items():
        out[("sex", group)] = v
    return out


def test_a_hidden_team_is_not_its_area_less_the_other_teams():
    values = cells(48, {"N1": 3, "N2": 20, "S1": 10, "S2": 15})
    # one table at a time hides N1 and the next smallest team, S1 (in another area): then
    # N1 = North (23) - N2 (20)
    alone = {("team", t) for t in ("N1", "S1")}
    assert small_recovered(values, frozenset(alone)) != []
    hidden = protect(values, LAYOUT)
    assert ("team", "N1") in hidden and small_recovered(values, hidden) == []
    assert hidden == {("team", "N1"), ("team", "N2")}  # the cheapest protection


def test_a_hidden_council_figure_is_not_the_sum_of_its_groups():
    values = cells(4, {"N1": 1, "N2": 3}, {"F": 4, "M": 0})
    hidden = protect(values, LAYOUT)
    assert OVERALL in hidden
    assert ("sex", "M") not in hidden  # zero is shown as zero
    assert small_recovered(values, hidden) == []


def test_a_single_non_zero_group_is_shown_when_it_is_not_small():
    values = cells(30, {"N1": 30}, {"F": 30, "M": 0})
    assert protect(values, LAYOUT) == frozenset()


def test_a_single_small_group_hides_with_the_council_figure_and_zeros_stay():
    values = cells(2, {"S2": 2}, {"F": 0, "M": 2})
    hidden = protect(values, LAYOUT)
    assert hidden == {OVERALL, ("team", "S2"), ("service_area", "South"), ("sex", "M")}
    assert small_recovered(values, hidden) == []


def test_two_hidden_ones_are_not_left_adding_up_to_two():
    """Zero is shown as zero, so a member knows a hidden count is at least 1: two hidden
    groups adding up to 2 are both 1."""
    values = cells(20, {"N1": 6, "N2": 6, "S1": 4, "S2": 4}, {"F": 1, "M": 1, "X": 18})
    only_ones = frozenset({("sex", "F"), ("sex", "M"), ("team", "S1"), ("team", "S2")})
    assert {r.cell for r in small_recovered(values, only_ones)} >= {("sex", "F"), ("sex", "M")}
    hidden = protect(values, LAYOUT)
    assert small_recovered(values, hidden) == []


def test_identical_figures_get_identical_patterns_whatever_they_belong_to():
    """Children looked after, and the denominator of a percentage of them, are one set of
    figures: protected alike, a member cannot set one against the other."""
    counts = cells(48, {"N1": 3, "N2": 20, "S1": 10, "S2": 15}, {"F": 2, "M": 46})
    denominators = dict(reversed(list(counts.items())))  # another order, same figures
    numerators = cells(30, {"N1": 2, "N2": 10, "S1": 9, "S2": 9}, {"F": 1, "M": 29})
    as_count = disclosure.protect_indicator("count", counts, None, LAYOUT)
    as_percentage = disclosure.protect_indicator("%", numerators, denominators, LAYOUT)
    assert protect(denominators, LAYOUT) == as_count
    assert as_count <= as_percentage
    assert protect({**counts, ("sex", "X"): 0}, LAYOUT) == as_count  # a listed zero adds nothing


def test_a_team_in_two_areas_joins_them():
    pairs = [("North", "N1"), ("North", "N2"), ("South", "N2"), ("South", "S1"),
             ("East", "E1")]
    found = {(n.parents, n.children) for n in nests("service_area", "team", pairs)}
    assert found == {(frozenset({"North", "South"}), frozenset({"N1", "N2", "S1"})),
                     (frozenset({"East"}), frozenset({"E1"}))}


@pytest.mark.parametrize("seed", range(4))
def test_random_tables_leave_nothing_small_to_work_out(seed):
    """Random councils (small teams in two areas, and a second breakdown): the attacker pins
    no hidden figure of 1 to 5, no zero is hidden and every figure of 1 to 5 is."""
    rng = random.Random(seed)
    for _ in range(40):
        teams = {t: rng.choice([0, 1, 1, 2, 3, 4, 5, 6, 8, 12, 25]) for _, t in AREAS}
        overall = sum(teams.values())
        split = rng.randint(0, overall)
        values = cells(overall, teams, {"F": split, "M": overall - split})
        hidden = protect(values, LAYOUT)
        assert all(values[c] for c in hidden), "a zero was hidden"
        assert all(c in hidden for c, v in values.items() if 1 <= v <= 5)
        assert small_recovered(values, hidden) == [], (values, hidden)


def test_a_percentage_hides_for_either_figure_and_a_rate_for_its_numerator():
    numerators = {OVERALL: 20, ("sex", "F"): 10, ("sex", "M"): 10}
    denominators = {OVERALL: 44, ("sex", "F"): 4, ("sex", "M"): 40}
    hidden = disclosure.protect_indicator("%", numerators, denominators, Layout(("sex",)))
    assert hidden == {("sex", "F"), ("sex", "M")}
    rates = disclosure.protect_indicator("rate", numerators, denominators, Layout(("sex",)))
    assert rates == frozenset()  # a rate's denominator is the public population


# --- the engine, on a hand-built extract --------------------------------------------------

P1, P2 = "2024-03-31", "2025-03-31"
TEAMS = {"N1": ("North", 3, 0), "N2": ("North", 20, 5), "S1": ("South", 10, 2),
         "S2": ("South", 15, 3)}  # team: (area, children looked after, in a children's home)


def council() -> ExtractBuilder:
    """48 children looked after at P2 in four teams: N1 (3), N2 (20) in North, S1 (10), S2 (15)
    in South; some in children's homes, the rest fostered; one whose start is not known."""
    b = ExtractBuilder()
    n = 0
    for team, (area, children, in_homes) in TEAMS.items():
        b.add("StaffTeams", SW_ID=f"SW{team}", TEAM=team, SERVICE_AREA=area)
        for i in range(children):
            n += 1
            child = f"K{n:02d}"
            b.child(child, sex="M" if n % 2 else "F", dob="01/01/2012")
            b.episode(child, "01/01/2024", rne="L" if child == "K48" else "S",
                      place="K2" if i < in_homes else "U4")
            b.add("SWEpisodes", CHILD=child, DOB="01/01/2012", SW_ID=f"SW{team}",
                  SW_DECOM="01/01/2024", SW_DEC="", SW_REASON="")
    return b


def earlier() -> ExtractBuilder:
    """Four children looked after at P1: a council figure a member never sees."""
    b = ExtractBuilder()
    for n in range(1, 5):
        b.child(f"K{n:02d}", sex="1", dob="01/01/2012")  # 2023/24 codes sex as 1 or 2
        b.episode(f"K{n:02d}", "01/01/2024")
    return b


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):
    """Both periods loaded once for the module's engine tests (they only read)."""
    folder = tmp_path_factory.mktemp("council")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CPD_DATA_DIR", str(folder / "data"))
        load(earlier(), folder, P1)
        load(council(), folder, P2)
        con = connect_current()
        try:
            yield con, load_config()
        finally:
            con.close()


def rows(con, config, breakdown=None, suppress=True, period=P2) -> dict:
    result = engine.compute(con, config, dt.date.fromisoformat(period), breakdown, suppress)
    return {(r["id"], r.get("group")): r for r in result["indicators"]}


def test_the_engine_hides_a_team_with_its_partner_in_the_same_area(two_periods):
    con, config = two_periods
    teams, areas = rows(con, config, "team"), rows(con, config, "service_area")
    shown = {t: teams[("cla_at_period_end", t)]["value"] for t in TEAMS}
    assert shown == {"N1": "c", "N2": "c", "S1": 10, "S2": 15}
    assert areas[("cla_at_period_end", "North")]["value"] == 23
    linked = engine.compute_linked(con, config, dt.date.fromisoformat(P2))
    assert linked["team"]["indicators"] == engine.compute(
        con, config, dt.date.fromisoformat(P2), "team", True)["indicators"]


def test_every_member_figure_of_the_hand_built_council_resists_the_attacker(two_periods):
    con, config = two_periods
    period = dt.date.fromisoformat(P2)
    seen = {b: rows(con, config, b) for b in [None, *engine.MEMBER_BREAKDOWNS]}
    truth = {b: rows(con, config, b, suppress=False) for b in seen}

    def cells(tables: dict, indicator_id: str) -> dict:
        return {(b, g): r for b, table in tables.items() for (i, g), r in table.items()
                if i == indicator_id}

    areas = [(area, team) for team, (area, _, _) in TEAMS.items()]
    for entry in CATALOGUE:
        shares = {b: engine.disproportionality(con, config, period, entry.id, b, True)
                  for b in engine.MEMBER_BREAKDOWNS}
        population = {c: r["numerator"] for c, r in cells(seen, "cla_at_period_end").items()}
        member = View(entry.unit, cells(seen, entry.id), areas=areas, shares=shares,
                      population=population)
        found = [r for r in recover(member) if protected(
            r, cells(truth, entry.id), None, cells(truth, "cla_at_period_end"))]
        assert found == [], entry.id


def test_the_direction_of_travel_is_hidden_beside_a_hidden_previous_figure(two_periods):
    con, config = two_periods
    member = rows(con, config)[("cla_at_period_end", None)]
    analyst = rows(con, config, suppress=False)[("cla_at_period_end", None)]
    assert member["value"] == 48 and member["direction"] is None
    assert analyst["direction"]["previous"] == 4  # "up 44" beside 48 would give the 4 away
    earlier_view = rows(con, config, period=P1)[("cla_at_period_end", None)]
    assert earlier_view["value"] == "c"


def test_a_small_count_in_a_note_is_c_for_a_member(two_periods):
    con, config = two_periods
    member = rows(con, config)[("placement_stability_short", None)]["note"]
    analyst = rows(con, config, suppress=False)[("placement_stability_short", None)]["note"]
    assert "for 1 child the start" in analyst
    assert "for c children the start" in member and "for 1 child" not in member
    assert "child(ren)" not in analyst + member


def test_social_workers_are_never_shown_with_disclosure_control(two_periods, capsys):
    con, config = two_periods
    with pytest.raises(engine.EngineError, match="social worker"):
        engine.compute(con, config, None, "social_worker", True)
    with pytest.raises(engine.EngineError, match="social worker"):
        engine.disproportionality(con, config, None, "family_based_placements",
                                  "social_worker", True)
    assert engine.compute(con, config, None, "social_worker", False)["indicators"]
    assert main(["indicators", "--suppress", "--breakdown", "social_worker"]) == 2
    assert "social worker" in capsys.readouterr().err


def test_disproportionality_comes_from_the_true_figures(two_periods):
    con, config = two_periods
    period = dt.date.fromisoformat(P2)
    # family-based placements: 38 of 48 fostered (N1 3 of 3, N2 15 of 20, S1 8 of 10,
    # S2 12 of 15); all children looked after: 3, 20, 10, 15 of 48
    full = engine.disproportionality(con, config, period, "family_based_placements", "team",
                                     False)
    assert full == [
        {"group": "N1", "share_counted": 7.9, "share_all": 6.3, "ratio": 1.26},
        {"group": "N2", "share_counted": 39.5, "share_all": 41.7, "ratio": 0.95},
        {"group": "S1", "share_counted": 21.1, "share_all": 20.8, "ratio": 1.01},
        {"group": "S2", "share_counted": 31.6, "share_all": 31.3, "ratio": 1.01}]
    member = engine.disproportionality(con, config, period, "family_based_placements", "team",
                                       True)
    # hidden where the member's tables hide the team; the shown ones are still shares of 38
    # and 48 (not of what is left once N1 and N2 are hidden: 8 of 20 would say 40.0%)
    assert member[:2] == [{"group": g, "share_counted": "c", "share_all": "c", "ratio": "c"}
                          for g in ("N1", "N2")]
    assert member[2:] == full[2:]


def test_disproportionality_is_hidden_beside_a_hidden_council_figure(two_periods):
    con, config = two_periods
    shares = engine.disproportionality(con, config, dt.date.fromisoformat(P1),
                                       "cla_at_period_end", "sex", True)
    assert shares and all(r["share_counted"] == r["share_all"] == "c" for r in shares)


def test_asking_for_some_indicators_gives_the_same_protected_rows(two_periods):
    con, config = two_periods
    period = dt.date.fromisoformat(P2)
    some = engine.compute(con, config, period, "team", True,
                          ids=["family_based_placements", "cla_at_period_end"])
    every = rows(con, config, "team")
    assert [r["id"] for r in some["indicators"]][:1] == ["family_based_placements"]
    for row in some["indicators"]:
        assert row == every[(row["id"], row["group"])]
