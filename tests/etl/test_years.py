"""Every collection year a council holds, from 2016/17 (ssda903.md, "Collection years"):
each year's code lists, older years validated with the earliest held, consecutive annual
extracts stitched into one history, and a period end that does not fit the data."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from etl.cli import main
from etl.period import guess_period_end
from etl.read import read_extract
from etl.warehouse import publish
from schemas.ssda903 import normalise
from tests.warehouse import query


def column(folder, file_name: str, name: str) -> set[str]:
    with open(folder / file_name, newline="", encoding="utf-8") as handle:
        return {row[name] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    """Three consecutive annual extracts of one synthetic council, 2020/21 to 2022/23."""
    out = tmp_path_factory.mktemp("three_years")
    assert main(["synth", str(out), "--years", "3", "--period-end", "2023-03-31"]) == 0
    return out


@pytest.mark.parametrize("period_end, year, rec_codes, activ_codes", [
    ("2017-03-31", "2016/17", {"E43", "E44"}, {"F3", "P3"}),
    ("2020-03-31", "2019/20", {"E45", "E46", "E47", "E48"}, {"F3", "P3"}),
    ("2023-03-31", "2022/23", {"E45", "E46", "E47", "E48"}, {"F4", "P4", "F5", "P5"}),
])
def test_an_older_years_extract_loads_with_that_years_codes(
        data_dir, tmp_path, capsys, period_end, year, rec_codes, activ_codes):
    folder = tmp_path / "extract"
    assert main(["synth", str(folder), "--period-end", period_end]) == 0
    # the generator writes the codes of the year, and no social worker episodes before 2023/24
    assert not (folder / "social_workers.csv").exists()
    sgo = {c for c in column(folder, "episodes.csv", "REC") if c.startswith("E4") and
           c not in ("E41", "E4A", "E4B")}
    assert sgo and sgo <= rec_codes
    assert column(folder, "oc3.csv", "ACTIV") & activ_codes
    capsys.readouterr()
    assert main(["load", str(folder), "--period-end", period_end]) == 0
    out = capsys.readouterr().out
    assert f"collection year {year}, validated with the {year} rules" in out
    ((collection_year, rule_set, notes, rejected, blanked),) = query(
        "SELECT collection_year, rule_set, notes, rows_rejected, values_blanked FROM load_log")
    assert (collection_year, rule_set, notes) == (year, year, None)
    # the generator's own data breaks no rule of its year
    assert (rejected, blanked) == (0, 0), query("SELECT rule, count(*) FROM rejects GROUP BY 1")
    capsys.readouterr()
    assert main(["indicators", "--format", "json"]) == 0
    figures = {r["id"]: r for r in json.loads(capsys.readouterr().out)["indicators"]}
    assert figures["cla_at_period_end"]["value"] > 300
    assert figures["sw_changes_2plus"]["value"] is None  # no SWEpisodes before 2023/24
    assert "no data" in figures["sw_changes_2plus"]["note"]


def test_a_year_older_than_the_earliest_rule_set_is_validated_with_it(data_dir, tmp_path,
                                                                      capsys):
    folder = tmp_path / "extract"
    assert main(["synth", str(folder), "--period-end", "2015-03-31"]) == 0
    capsys.readouterr()
    assert main(["load", str(folder), "--period-end", "2015-03-31"]) == 0
    assert "validated with the 2016/17 rules" in capsys.readouterr().out
    ((year, rule_set, notes),) = query("SELECT collection_year, rule_set, notes FROM load_log")
    assert (year, rule_set) == ("2014/15", "2016/17")
    assert "older than the earliest rule set held (2016/17)" in notes
    capsys.readouterr()
    assert main(["loads", "--format", "json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["loads"]
    assert entry["rule_set"] == "2016/17" and "older than" in entry["notes"]


@pytest.mark.parametrize("period_end", ["1999-03-31", "2099-03-31"])
def test_a_year_no_extract_can_have_is_refused_with_the_range(data_dir, tmp_path, capsys,
                                                               three_years, period_end):
    assert main(["load", str(three_years / "2022-23"), "--period-end", period_end]) == 2
    err = capsys.readouterr().err
    assert "reads collection years 2003/04 to" in err and "Nothing was changed" in err
    assert publish.current_path() is None


def test_three_consecutive_annual_extracts_load_and_stitch(data_dir, tmp_path, capsys,
                                                           three_years):
    # the latest year alone: long stays start before the extract, so their start is unknown
    assert main(["load", str(three_years / "2022-23"), "--period-end", "2023-03-31"]) == 0
    p = dt.date(2023, 3, 31)
    alone = query("SELECT count(DISTINCT child) FROM int_episodes WHERE period_end = ? "
                  "AND start_unknown", p)[0][0]
    assert main(["load-sample", "--manifest", str(three_years / "extracts.toml")]) == 0
    assert query("SELECT collection_year, status FROM load_log ORDER BY period_end") == [
        ("2020/21", "active"), ("2021/22", "active"), ("2022/23", "active")]
    stitched = query("SELECT count(DISTINCT child) FROM int_episodes WHERE period_end = ? "
                     "AND start_unknown", p)[0][0]
    borrowed = query("SELECT count(*) FROM int_episodes WHERE period_end = ? AND "
                     "source_period_end < period_end", p)[0][0]
    assert borrowed > 100 and stitched < alone * 0.8, (borrowed, alone, stitched)
    capsys.readouterr()
    assert main(["indicators", "--format", "json"]) == 0
    figures = {r["id"]: r for r in json.loads(capsys.readouterr().out)["indicators"]}
    assert figures["placement_stability_long"]["denominator"] > 50
    assert figures["cla_at_period_end"]["direction"]["period_end"] == "2022-03-31"


def test_the_period_end_guess_ignores_a_stray_date(three_years):
    extract = read_extract(three_years / "2020-21")
    episodes = normalise("Episodes", extract.files["Episodes"].frame)
    assert guess_period_end(episodes) == dt.date(2021, 3, 31)
    stray = episodes.copy()
    stray.iloc[0, stray.columns.get_loc("DEC")] = "01/04/2024"
    assert guess_period_end(stray) == dt.date(2021, 3, 31)


def test_a_period_end_that_does_not_fit_is_a_warning_naming_the_likely_one(
        data_dir, three_years, capsys, tmp_path):
    report = ["--report-dir", str(tmp_path / "report")]
    assert main(["validate", str(three_years / "2022-23"), "--period-end", "2021-03-31",
                 *report]) == 1
    out = capsys.readouterr().out
    assert "warning:" in out and "--period-end 2023-03-31" in out
    # two years late: nothing starts after it, but nothing starts or ends in its year either
    assert main(["validate", str(three_years / "2020-21"), "--period-end", "2023-03-31",
                 *report]) in (0, 1)
    out = capsys.readouterr().out
    assert "no episode starts or ends between 01/04/2022 and 31/03/2023" in out
    assert "--period-end 2021-03-31" in out
    assert main(["validate", str(three_years / "2022-23"), "--period-end", "2023-03-31",
                 *report]) == 0
    assert "warning:" not in capsys.readouterr().out


def test_a_period_end_in_the_903s_own_date_form_suggests_the_same_date(data_dir, three_years,
                                                                       capsys):
    assert main(["load", str(three_years / "2022-23"), "--period-end", "31/03/2024"]) == 2
    err = capsys.readouterr().err
    assert "--period-end 2024-03-31" in err and "2025" not in err


def test_a_stray_date_does_not_move_the_guess_in_a_small_extract_either():
    import pandas as pd

    def guess(decoms):
        return guess_period_end(pd.DataFrame({"DECOM": decoms, "DEC": [""] * len(decoms)}))

    year = ["01/05/2016", "01/06/2016", "01/09/2016", "01/02/2017"]
    assert guess(year) == dt.date(2017, 3, 31)
    assert guess(year + ["01/04/2018"]) == dt.date(2017, 3, 31)  # a typing slip, a year on
    # a date just after the year may be the next year's first: in a small extract, it counts
    assert guess(year + ["01/04/2017"]) == dt.date(2018, 3, 31)
