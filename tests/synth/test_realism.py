"""England-like headline figures on a generated LA (one LA is small: ranges, not points)."""
from __future__ import annotations

from etl.synth import SAMPLE_EXTRACTS
from tests.synth.headlines import headlines

EXPECTED = {  # indicator: (low, high); England about the middle
    "cla_rate_per_10k": (67, 75),
    "family_based_placements": (62, 77),
    "kinship_share": (18, 40),
    "children_homes_share": (6, 17),
    "uasc_share": (4, 15),
    "placement_stability_short": (4, 16),
    "placement_stability_long": (55, 82),
    "placed_out_of_area": (30, 52),
    "placed_over_20_miles": (8, 24),
    "missing_children": (6, 18),
    "health_assessment": (82, 96),
    "dental_check": (70, 88),
    "sdq_average": (12, 16),
    "care_leavers_in_touch_19_21": (80, 97),
    "care_leavers_eet_19_21": (40, 70),
}


def test_headlines_in_england_like_ranges(clean, config):
    folders = [clean / f for f, _ in SAMPLE_EXTRACTS[:3]]
    ends = [d for _, d in SAMPLE_EXTRACTS[:3]]
    got = headlines(folders, ends, config["la"]["code"], int(config["population"]["2026"]))
    out_of_range = {k: got[k] for k, (lo, hi) in EXPECTED.items()
                    if got[k] is None or not lo <= got[k] <= hi}
    assert not out_of_range, out_of_range


def test_teams_differ(clean):
    """Review timeliness differs between teams (so breakdowns have something to show)."""
    import pandas as pd

    from tests.synth.test_extracts import table

    sw = table(clean, "2025-26", "SWEpisodes")
    staff = table(clean, "2025-26", "StaffTeams")
    team = sw.drop_duplicates("CHILD", keep="last").merge(staff, on="SW_ID", how="left")
    r = table(clean, "2025-26", "Reviews")
    r["date"] = pd.to_datetime(r["REVIEW"], format="%d/%m/%Y")
    r = r.sort_values(["CHILD", "date"])
    r["gap"] = r.groupby("CHILD")["date"].diff().dt.days
    late = r.dropna(subset=["gap"]).merge(team[["CHILD", "TEAM"]], on="CHILD")
    by_team = (late["gap"] > 184).groupby(late["TEAM"]).mean()
    by_team = by_team[late.groupby("TEAM").size() >= 30]
    assert by_team.max() - by_team.min() > 0.05, by_team.to_dict()
