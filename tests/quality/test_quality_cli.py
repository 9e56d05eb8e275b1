"""`cpd quality`: the checks across the warehouse that a council's load in use ran, read from
the sample's real loads. JSON lists every check of the suite with `success`; the text is
grouped by area with those not met first; anything that cannot be answered is exit 2 with a
plain message; nothing is ever written."""
from __future__ import annotations

import json
import os

import duckdb
import pytest

from dashboard import access
from dashboard.access import User
from etl.config import default_code
from tests.live import SECOND_LA, SECOND_LA_PERIOD, own_copy
from tests.messy import run_cpd
from tests.quality.test_quality_page import _current, old_warehouse

SAMPLE_LA = default_code()
KEYS = {"la", "period_end", "load_id", "ran_at", "compared_with", "expectations", "failed",
        "not_run", "results"}
RESULT_KEYS = {"expectation", "area", "rule", "title", "success", "checked", "unexpected",
               "unexpected_percent", "observed", "not_run", "fix", "rows"}


def quality(*argv: str):
    return run_cpd(["quality", *argv])


def refused(result, *words: str) -> None:
    assert result.code == 2, result.shown
    assert "Traceback" not in result.err + result.out
    assert result.out == ""
    for word in words:
        assert word in result.err, result.shown


def snapshot(folder) -> dict:
    """Every file under the data folder with its size and modification time."""
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            stat = os.stat(os.path.join(root, name))
            out[os.path.relpath(os.path.join(root, name), folder)] = (stat.st_size,
                                                                     stat.st_mtime_ns)
    return out


def test_json_lists_every_check_of_the_suite_with_success(sample_env):
    from schemas.expectations import SUITE

    result = quality("--la", SAMPLE_LA, "--format", "json")
    assert result.code == 0, result.shown
    report = json.loads(result.out)
    assert set(report) == KEYS
    latest = access.periods(SAMPLE_LA)[-1]
    run = next(r for r in access.quality_checks(User("t", "analyst"), SAMPLE_LA)["runs"]
               if r["status"] == "active" and r["period_end"] == latest)
    assert (report["la"], report["period_end"], report["load_id"]) == (
        SAMPLE_LA, latest.isoformat(), run["load_id"])
    assert [r["expectation"] for r in report["results"]] == [c.key for c in SUITE]
    assert report["expectations"] == len(SUITE)
    for r in report["results"]:
        assert set(r) == RESULT_KEYS
        assert r["success"] in (True, False, None)
        assert (r["not_run"] is not None) == (r["success"] is None)
    assert report["failed"] == sum(r["success"] is False for r in report["results"])
    assert report["not_run"] == sum(r["success"] is None for r in report["results"])


def test_json_gives_the_rows_each_failed_check_found(sample_env):
    """The period end with the most checks not met: its rows, as the warehouse holds them."""
    runs = [r for r in access.quality_checks(User("t", "analyst"), SAMPLE_LA)["runs"]
            if r["status"] == "active"]
    run = max(runs, key=lambda r: r["failed"])
    assert run["failed"] > 0, "the sample's injected errors should fail some check"
    result = quality("--la", SAMPLE_LA, "--period-end", run["period_end"].isoformat(),
                     "--format", "json")
    assert result.code == 0, result.shown
    report = json.loads(result.out)
    assert report["load_id"] == run["load_id"]
    with duckdb.connect(str(_current(sample_env)), read_only=True) as con:
        stored = con.execute("SELECT expectation, child, detail FROM quality_rows WHERE "
                             "load_id = ? ORDER BY expectation, seq",
                             [run["load_id"]]).fetchall()
    listed = [(r["expectation"], row["child"], row["detail"])
              for r in sorted(report["results"], key=lambda r: r["expectation"])
              for row in r["rows"]]
    assert listed == stored and stored
    assert all(not r["rows"] for r in report["results"] if r["success"] is not False)


def test_text_groups_by_area_with_those_not_met_first(sample_env):
    runs = [r for r in access.quality_checks(User("t", "analyst"), SAMPLE_LA)["runs"]
            if r["status"] == "active"]
    run = max(runs, key=lambda r: r["failed"])
    text = quality("--la", SAMPLE_LA, "--period-end", run["period_end"].isoformat())
    assert text.code == 0, text.shown
    report = json.loads(quality("--la", SAMPLE_LA, "--period-end",
                                run["period_end"].isoformat(), "--format", "json").out)
    lines = text.out.splitlines()
    assert f"{report['failed']} not met" in lines[1]
    for area in {r["area"] for r in report["results"]}:
        assert area in lines
        # within an area, no check met comes before one not met
        start = lines.index(area)
        end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
        marks = [ln.strip()[0] for ln in lines[start + 1:end]
                 if ln.startswith("  ") and not ln.startswith("      ")]
        assert marks == sorted(marks, key="✕–✓".index), (area, marks)
    for r in report["results"]:
        assert r["title"] in text.out
        if r["success"] is False:
            assert r["fix"] in text.out
            for row in r["rows"][:5]:
                assert row["detail"] in text.out
    if any(len(r["rows"]) > 5 for r in report["results"]):
        assert "--format json" in text.out


def test_a_second_council_is_chosen_with_la(sample_env):
    result = quality("--la", SECOND_LA, "--format", "json")
    assert result.code == 0, result.shown
    assert json.loads(result.out)["period_end"] == SECOND_LA_PERIOD
    # with two councils loaded, one must be named (as `cpd indicators` asks)
    refused(quality(), "--la")


@pytest.mark.parametrize("argv,words", [
    (["--la", "E06000099"], ["E06000099"]),  # a council not loaded
    (["--la", "not a council"], ["ONS code"]),
    (["--la", SAMPLE_LA, "--period-end", "2020-03-31"], ["2020-03-31", "period ends"]),
    (["--la", SAMPLE_LA, "--period-end", "yesterday"], ["yesterday"]),
    (["--la", SECOND_LA, "--period-end", "2025-03-31"], ["2025-03-31"]),
])
def test_a_council_or_period_end_not_loaded_is_refused(sample_env, argv, words):
    refused(quality(*argv), *words)


def test_nothing_loaded_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "data"))
    refused(quality(), "nothing is loaded")
    refused(quality("--format", "json"), "nothing is loaded")


def test_a_load_made_before_the_checks_is_refused(sample_warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "old"))
    old_warehouse(sample_warehouse, tmp_path / "old")
    refused(quality("--la", SAMPLE_LA), "before the checks")
    refused(quality("--la", SAMPLE_LA, "--format", "json"), "before the checks")


def test_it_writes_nothing(sample_warehouse, tmp_path, monkeypatch):
    """Over a data folder of its own (the sample's warehouse, its users), so no other test's
    writing can be taken for the command's."""
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "own"))
    folder = own_copy(sample_warehouse, tmp_path / "own")
    before = snapshot(folder)
    for argv in (["--la", SAMPLE_LA], ["--la", SAMPLE_LA, "--format", "json"],
                 ["--la", SAMPLE_LA, "--period-end", "2025-03-31"], ["--la", "E06000099"]):
        assert quality(*argv).code in (0, 2)
    assert snapshot(folder) == before and before
