"""Benchmarks: the England figures shipped in etl/england.toml, region and statistical-neighbour
figures from a council's la.toml (checked when it is read), and who sees which: a figure not
confirmed in its source (`to_check`) is for analysts only, marked, and never reaches a member."""
from __future__ import annotations

import json
import tomllib

import pytest

from dashboard.components import benchmark_cells, benchmark_text
from etl import config as config_module
from etl.cli import main
from etl.config import COMPARATORS, ENGLAND, ConfigError, load_config
from etl.indicators import judgement
from etl.indicators.catalogue import BY_ID
from tests.builders import small_extract

SHIPPED = tomllib.loads(ENGLAND.read_text(encoding="utf-8"))["benchmarks"]
MEMBER_WORDS = ("to check", "unverified", "No benchmark")


# --- the shipped England figures -------------------------------------------------------------

def test_every_shipped_england_figure_is_a_catalogue_measure_with_value_year_and_source():
    assert len(SHIPPED) >= 10
    for indicator_id, comparators in SHIPPED.items():
        assert indicator_id in BY_ID, indicator_id
        assert set(comparators) == {"england"}, indicator_id  # region and SN are the LA's
        bench = comparators["england"]
        assert isinstance(bench["value"], (int, float)) and not isinstance(bench["value"], bool)
        assert isinstance(bench["year"], int) and 2015 <= bench["year"] <= 2025, indicator_id
        assert bench["source"].strip(), indicator_id
        assert isinstance(bench.get("to_check", False), bool)
        if BY_ID[indicator_id].unit == "%":
            assert 0 <= bench["value"] <= 100, indicator_id
    config_module._england.cache_clear()
    assert config_module._england()["benchmarks"] == SHIPPED  # passes its own checks


def test_a_figure_shown_as_verified_comes_from_dfe_and_a_secondary_one_is_to_check():
    """Fewer verified figures beat many guesses: only DfE's own figures go out unmarked."""
    for indicator_id, comparators in SHIPPED.items():
        bench = comparators["england"]
        if not bench.get("to_check"):
            assert bench["source"].startswith("DfE"), indicator_id
        else:
            assert bench.get("note"), f"{indicator_id}: say why it is not verified"


def test_known_england_figures_as_published():
    assert SHIPPED["cla_rate_per_10k"]["england"] == {
        "value": 67, "year": 2025, "source": SHIPPED["cla_rate_per_10k"]["england"]["source"]}
    assert SHIPPED["placement_stability_short"]["england"]["value"] == 10
    assert SHIPPED["placement_stability_long"]["england"]["value"] == 69
    assert SHIPPED["health_assessment"]["england"]["to_check"] is True


# --- region and statistical-neighbour figures in a council's la.toml --------------------------

LA = '[la]\nname = "Test council"\ncode = "E06000099"\n\n'


def la_toml(tmp_path, body: str, name: str = "la.toml"):
    path = tmp_path / name
    path.write_text(LA + body, encoding="utf-8")
    return path


def test_region_and_statistical_neighbours_load_with_england_first(tmp_path):
    path = la_toml(tmp_path, """
[benchmarks.placement_stability_long.statistical_neighbours]
value = 66.5
year = 2025
source = "DfE, CLA in England 2025, LA rows, mean of our ten neighbours"
note = "Mean of percentages"

[benchmarks.placement_stability_long.region]
value = 70
year = 2025
source = "DfE, CLA in England 2025, regional row"
to_check = true
""")
    found = judgement.benchmarks(BY_ID["placement_stability_long"], load_config(path))
    assert list(found) == ["england", "region", "statistical_neighbours"]
    assert found["statistical_neighbours"] == {
        "value": 66.5, "year": 2025, "note": "Mean of percentages", "to_check": False,
        "source": "DfE, CLA in England 2025, LA rows, mean of our ten neighbours"}
    assert found["region"]["to_check"] is True
    member = judgement.benchmarks(BY_ID["placement_stability_long"], load_config(path),
                                  verified_only=True)
    assert list(member) == ["england", "statistical_neighbours"]


def test_a_council_figure_replaces_the_shipped_england_one(tmp_path):
    path = la_toml(tmp_path, """
[benchmarks.health_assessment.england]
value = 91
year = 2025
source = "DfE, CLA in England 2025, read by our analyst"
""")
    found = judgement.benchmarks(BY_ID["health_assessment"], load_config(path))
    assert (found["england"]["value"], found["england"]["to_check"]) == (91, False)


@pytest.mark.parametrize("table,problem", [
    ('[benchmarks.placement_stability_long.region]\nvalue = "ten"\nyear = 2025\n'
     'source = "x"\n', "[benchmarks.placement_stability_long.region]: value must be a number, "
                       "not 'ten'"),
    ('[benchmarks.placement_stability_long.region]\nvalue = 70\nsource = "x"\n',
     "[benchmarks.placement_stability_long.region]: year is missing"),
    ('[benchmarks.placement_stabilty_long.region]\nvalue = 70\nyear = 2025\nsource = "x"\n',
     "'placement_stabilty_long' is not an indicator id in the catalogue (did you mean "
     "placement_stability_long?)"),
    ('[benchmarks.placement_stability_long.nation]\nvalue = 70\nyear = 2025\nsource = "x"\n',
     "'nation' is not a comparator; use england, region, statistical_neighbours"),
    ('[benchmarks.placement_stability_long.region]\nvalue = 70\nyear = 2025\nsource = "x"\n'
     'tocheck = true\n', "unknown key 'tocheck'"),
    ('[benchmarks.placement_stability_long.region]\nvalue = 120\nyear = 2025\nsource = "x"\n',
     "value 120 is not a possible percentage"),
    ('[benchmarks.placement_stability_long.region]\nvalue = nan\nyear = 2025\nsource = "x"\n',
     "value must be a number"),
    ('[benchmarks.placement_stability_long.region]\nvalue = 70\nyear = "2025"\nsource = "x"\n',
     "year must be a year like 2025, not '2025'"),
    ('[benchmarks.placement_stability_long.region]\nvalue = 70\nyear = 2025\n',
     "source is missing"),
    ('[benchmarks.placement_stability_long.region]\nvalue = 70\nyear = 2025\nsource = "x"\n'
     'to_check = "yes"\n', "to_check must be true or false"),
    ('[benchmarks.placement_stability_long]\nregion = 70\n',
     "[benchmarks.placement_stability_long.region] must be a table"),
])
def test_a_bad_benchmark_stops_the_load_naming_file_key_and_problem(tmp_path, table, problem):
    path = la_toml(tmp_path, table)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path.resolve()) in message
    assert problem in message


# --- who sees what ---------------------------------------------------------------------------

ROW = {"unit": "%", "benchmarks": {
    "england": {"value": 10, "year": 2023, "source": "s", "to_check": True, "note": None},
    "region": {"value": 68, "year": 2024, "source": "s", "to_check": False, "note": None},
    "statistical_neighbours": {"value": 19.1, "year": 2022, "source": "s", "to_check": False,
                               "note": None}}}


def test_members_and_managers_never_see_an_unverified_figure():
    text = benchmark_text(ROW)
    assert text == "Region 68% (2024); Statistical neighbours 19.1% (2022)"
    assert not any(word in text for word in MEMBER_WORDS)
    assert benchmark_cells(ROW) == {"England": "", "Region": "68% (2024)",
                                    "Statistical neighbours": "19.1% (2022)"}


def test_analysts_see_an_unverified_figure_marked():
    assert benchmark_text(ROW, analyst=True) == (
        "England 10% (2023) (unverified: analysts only); Region 68% (2024); "
        "Statistical neighbours 19.1% (2022)")
    assert benchmark_cells(ROW, analyst=True)["England"] == \
        "10% (2023) (unverified: analysts only)"


def test_nothing_to_show_says_nothing_to_a_member_and_names_the_gap_to_an_analyst():
    only_unverified = {"unit": "%", "benchmarks": {"england": dict(ROW["benchmarks"]["england"])}}
    for row in ({"unit": "%", "benchmarks": {}}, {"unit": "%"}, only_unverified):
        assert benchmark_text(row) == ""
        assert benchmark_cells(row) == {"England": "", "Region": "",
                                        "Statistical neighbours": ""}
    assert benchmark_text({"unit": "%", "benchmarks": {}}, analyst=True) == \
        "No benchmark configured"


def test_counts_and_rates_are_written_as_published():
    row = {"unit": "count", "benchmarks": {"england": {"value": 81770, "year": 2025}}}
    assert benchmark_cells(row)["England"] == "81,770 (2025)"
    row = {"unit": "rate", "benchmarks": {"region": {"value": 62.5, "year": 2025}}}
    assert benchmark_text(row) == "Region 62.5 (2025)"


def test_benchmarks_for_is_the_one_rule():
    assert list(judgement.benchmarks_for(ROW["benchmarks"], verified_only=True)) == \
        ["region", "statistical_neighbours"]
    assert list(judgement.benchmarks_for(ROW["benchmarks"], verified_only=False)) == \
        list(COMPARATORS)
    assert judgement.benchmarks_for(None, verified_only=True) == {}


def test_a_member_reading_the_real_engine_sees_only_verified_figures(data_dir, tmp_path,
                                                                     capsys):
    """The sample council's configuration, a real warehouse, the engine as members get it:
    an unverified figure never leaves the engine in a member's answer, and the text an
    analyst reads marks it."""
    assert main(["load", str(small_extract().write(tmp_path / "x")),
                 "--period-end", "2025-03-31"]) == 0
    capsys.readouterr()
    assert main(["indicators", "--format", "json"]) == 0
    health = {r["id"]: r for r in json.loads(capsys.readouterr().out)["indicators"]}[
        "health_assessment"]
    assert health["benchmarks"]["england"]["to_check"] is True  # shipped, not yet confirmed
    assert benchmark_text(health) == "Statistical neighbours 90% (2025)"
    assert benchmark_text(health, analyst=True) == (
        "England 89% (2024) (unverified: analysts only); Statistical neighbours 90% (2025)")
    assert main(["indicators", "--format", "json", "--suppress"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)["indicators"]}
    assert "england" not in rows["health_assessment"]["benchmarks"]
    assert not any(b.get("to_check") for r in rows.values() for b in r["benchmarks"].values())
    for row in rows.values():
        member = benchmark_text(row)
        assert not any(word in member for word in MEMBER_WORDS), (row["id"], member)
    assert benchmark_cells(rows["placement_stability_long"]) == {
        "England": "69% (2025)", "Region": "69% (2025)", "Statistical neighbours": "67% (2025)"}
