"""Loading: periods side by side, idempotence, corrected extracts, the load log, the lock,
and `cpd validate` leaving every warehouse alone."""
from __future__ import annotations

import json

import duckdb
import pytest

from etl.cli import main
from etl.warehouse import publish
from tests.builders import small_extract


def loads_json(capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["loads", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["loads"]


def count(sql, *params):
    con = duckdb.connect(str(publish.current_path()), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchone()[0]
    finally:
        con.close()


def test_periods_side_by_side_and_a_second_load_changes_nothing(data_dir, tmp_path, capsys):
    folder = small_extract().write(tmp_path / "x")
    for period_end in ("2025-03-31", "2025-06-30"):
        assert main(["load", str(folder), "--period-end", period_end]) == 0
    pointer = (publish.warehouse_dir() / "CURRENT").read_text()
    files = sorted(publish.warehouse_dir().glob("warehouse-*.duckdb"))
    log = loads_json(capsys)
    assert [(e["period_end"], e["status"]) for e in log] == [
        ("2025-06-30", "active"), ("2025-03-31", "active")]
    first = log[1]
    assert (first["rows_read"], first["rows_loaded"], first["rows_rejected"]) == (9, 9, 0)
    assert {f["table_name"]: (f["file"], f["rows_read"]) for f in first["files"]} == {
        "Episodes": ("episodes.csv", 4), "Header": ("header.csv", 3),
        "Reviews": ("reviews.csv", 2)}
    assert all(len(f["sha256"]) == 64 for f in first["files"])

    capsys.readouterr()
    assert main(["load", str(folder), "--period-end", "2025-03-31"]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert (publish.warehouse_dir() / "CURRENT").read_text() == pointer
    assert sorted(publish.warehouse_dir().glob("warehouse-*.duckdb")) == files
    assert len(loads_json(capsys)) == 2
    assert count("SELECT count(*) FROM stg_episodes") == 8


def test_corrected_extract_replaces_its_period_only(data_dir, tmp_path, capsys):
    assert main(["load", str(small_extract().write(tmp_path / "a")), "--period-end",
                 "2025-03-31"]) == 0
    assert main(["load", str(small_extract().write(tmp_path / "b")), "--period-end",
                 "2025-06-30"]) == 0
    corrected = small_extract()
    corrected.episode("A1", "01/01/2025", rne="P", place="U5")
    corrected.rows["Episodes"][0].update(DEC="01/01/2025", REC="X1")
    folder = corrected.write(tmp_path / "c", empty=())
    (folder / "reviews.csv").unlink()  # the corrected extract has no Reviews file
    assert main(["load", str(folder), "--period-end", "2025-03-31"]) == 0
    log = loads_json(capsys)
    assert [(e["period_end"], e["status"]) for e in log] == [
        ("2025-03-31", "active"), ("2025-06-30", "active"), ("2025-03-31", "superseded")]
    assert count("SELECT count(*) FROM stg_episodes WHERE period_end = '2025-03-31'") == 5
    assert count("SELECT count(*) FROM stg_episodes WHERE period_end = '2025-06-30'") == 4
    # a table absent from the new extract reads as no data, not as last time's rows
    assert count("SELECT count(*) FROM stg_reviews WHERE period_end = '2025-03-31'") == 0
    assert count("SELECT count(*) FROM stg_reviews WHERE period_end = '2025-06-30'") == 2


def test_a_second_load_at_the_same_time_is_refused(data_dir, tmp_path, capsys):
    folder = small_extract().write(tmp_path / "x")
    with publish.load_lock():
        assert main(["load", str(folder), "--period-end", "2025-03-31"]) == 2
    assert "another load into this data directory is running" in capsys.readouterr().err
    assert publish.current_path() is None
    assert main(["load", str(folder), "--period-end", "2025-03-31"]) == 0


def test_only_the_last_few_warehouse_files_are_kept(data_dir, tmp_path):
    folder = small_extract().write(tmp_path / "x")
    for month in ("03-31", "04-30", "05-31", "06-30", "07-31"):
        assert main(["load", str(folder), "--period-end", f"2025-{month}"]) == 0
    kept = list(publish.warehouse_dir().glob("warehouse-*.duckdb"))
    assert len(kept) == publish.KEEP_PUBLISHED
    assert publish.current_path() in kept
    assert count("SELECT count(DISTINCT period_end) FROM stg_header") == 5


def test_validate_reports_and_touches_no_warehouse(data_dir, tmp_path, capsys):
    good = small_extract().write(tmp_path / "good")
    assert main(["validate", str(good), "--period-end", "2025-03-31",
                 "--report-dir", str(tmp_path / "r1")]) == 0
    bad = small_extract()
    bad.rows["Header"][0]["SEX"] = "1"  # a 2023/24 code, not valid in 2024/25
    assert main(["validate", str(bad.write(tmp_path / "bad")), "--period-end", "2025-03-31",
                 "--report-dir", str(tmp_path / "r2")]) == 1
    report = (tmp_path / "r2" / "rejects.csv").read_text().splitlines()
    assert report[0] == ("file,table_name,row_number,child,column_name,value,rule,message,"
                         "severity,action")
    assert report[1].startswith("header.csv,Header,2,A1,SEX,1,101,")
    assert "Problems by rule" in (tmp_path / "r2" / "rejects.html").read_text()
    assert publish.current_path() is None
    assert not (data_dir / "warehouse" / "CURRENT").exists()


def test_validate_infers_the_period_end_when_not_given(data_dir, tmp_path, capsys):
    folder = small_extract().write(tmp_path / "x")
    assert main(["validate", str(folder), "--report-dir", str(tmp_path / "r")]) == 0
    assert "assuming 31/03/2025" in capsys.readouterr().out


@pytest.mark.parametrize("year,sex,place,ok", [
    ("2024-03-31", "1", "H5", True), ("2024-03-31", "M", "U4", False),
    ("2024-03-31", "2", "K3", False), ("2025-03-31", "F", "K3", True),
    ("2025-03-31", "2", "U4", False), ("2026-03-31", "F", "H5", False),
    ("2026-03-31", "M", "Z11", True), ("2026-09-30", "U", "Z14", True),
])
def test_code_lists_follow_the_collection_year(year, sex, place, ok, data_dir, tmp_path):
    b = small_extract()
    b.rows["Header"][0]["SEX"] = sex
    b.rows["Episodes"][0]["PLACE"] = place
    if place.startswith("Z1") and len(place) == 3:  # Z11-Z14 have no placement provider
        b.rows["Episodes"][0]["PLACE_PROVIDER"] = ""
    for row in b.rows["Header"][1:]:
        row["SEX"] = "2" if year == "2024-03-31" else "F"
    for table in ("Episodes", "Reviews"):  # keep every date inside the period
        for row in b.rows[table]:
            for column in ("DECOM", "DEC", "REVIEW"):
                if row.get(column, "").endswith(("/2024", "/2025")):
                    row[column] = row[column][:6] + "2023"
    assert main(["load", str(b.write(tmp_path / "x")), "--period-end", year]) == 0
    assert count("SELECT count(*) FROM rejects WHERE severity = 'error'") == (0 if ok else 1)
