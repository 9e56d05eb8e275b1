"""The corpus of bad inputs: each kind gets its documented outcome, and a refused load never
changes the warehouse.

Unusable extracts exit 2 with a message naming the file and the fix; row-level problems load
the rest and put the row in the rejects table with its rule; inputs that are merely unusual
(UTF-16, BOM, CRLF, lower-case padded codes, any column order) load in full.
"""
from __future__ import annotations

import csv
import hashlib
import random

import duckdb
import pytest

from etl.cli import main
from etl.warehouse.publish import current_path, warehouse_dir
from tests.builders import small_extract

PERIOD_END = "2025-03-31"


def warehouse_state():
    """What a refused load must not change: the pointer and the bytes it points at."""
    path = current_path()
    pointer = (warehouse_dir() / "CURRENT").read_text()
    return pointer, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded(data_dir, tmp_path):
    """A warehouse with one good load in it, to prove a bad load leaves it alone."""
    assert main(["load", str(small_extract().write(tmp_path / "good")), "--period-end",
                 PERIOD_END]) == 0
    return warehouse_state()


def rewrite(path, transform):
    path.write_bytes(transform(path.read_bytes()))


def drop_column(path, column):
    rows = list(csv.reader(path.open(newline="")))
    i = rows[0].index(column)
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])


# --- unusable extracts: exit 2, a message that names the file and the fix -------------------

def _empty(folder):
    (folder / "episodes.csv").write_bytes(b"")


def _header_only(folder):
    rewrite(folder / "episodes.csv", lambda raw: raw.splitlines(keepends=True)[0])


def _semicolons(folder):
    rewrite(folder / "header.csv", lambda raw: raw.replace(b",", b";"))


def _binary_junk(folder):
    (folder / "episodes.csv").write_bytes(random.Random(7).randbytes(20_000))


def _missing_column(folder):
    drop_column(folder / "episodes.csv", "REC")


def _no_header_file(folder):
    (folder / "header.csv").unlink()


def _two_episode_files(folder):
    (folder / "episodes_copy.csv").write_bytes((folder / "episodes.csv").read_bytes())


def _windows_1252(folder):
    rewrite(folder / "header.csv", lambda raw: raw.replace(b"UN1", "UN1£".encode("cp1252"), 1))


def _duplicate_column(folder):
    rewrite(folder / "header.csv", lambda raw: raw.replace(b"MC_DOB", b"DOB", 1))


def _hundred_megabytes(folder):
    """A 100 MB episodes file, made here and never committed."""
    raw = (folder / "episodes.csv").read_bytes()
    head, body = raw.split(b"\n", 1)
    with (folder / "episodes.csv").open("wb") as handle:
        handle.write(head + b"\n")
        for _ in range(100 * 1024 * 1024 // len(body) + 1):
            handle.write(body)


UNUSABLE = [
    ("empty file", _empty, "episodes.csv is empty"),
    ("header only", _header_only, "episodes.csv has column names but no rows"),
    ("wrong delimiter", _semicolons, "header.csv separates its columns with semicolons"),
    ("binary junk", _binary_junk, "episodes.csv is not"),
    ("missing column", _missing_column, "looks like the Episodes table but has no REC column"),
    ("missing Header", _no_header_file, "has no Header file"),
    ("two files of one table", _two_episode_files, "both hold the Episodes table"),
    ("not UTF-8", _windows_1252, "header.csv is not UTF-8 or UTF-16 text"),
    ("duplicate column", _duplicate_column, "header.csv has the column DOB more than once"),
    ("100 MB file", _hundred_megabytes, "episodes.csv is 100 MB, more than the 64 MB limit"),
]


@pytest.mark.parametrize("kind,spoil,message", UNUSABLE, ids=[u[0] for u in UNUSABLE])
def test_unusable_extract_is_refused_and_changes_nothing(kind, spoil, message, loaded, tmp_path,
                                                         capsys):
    folder = small_extract().write(tmp_path / "bad")
    spoil(folder)
    capsys.readouterr()
    assert main(["load", str(folder), "--period-end", PERIOD_END]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err and "Nothing was changed." in err
    assert warehouse_state() == loaded


@pytest.mark.parametrize("args,message", [
    (["--period-end", "2025-13-01"], "--period-end '2025-13-01' is not a date"),
    (["--period-end", "31/03/2025"], "is not in the form YYYY-MM-DD: for 31 March 2025 give "
                                     "--period-end 2025-03-31"),
    (["--period-end", PERIOD_END, "--la", "Derby"], "--la 'Derby' is not an upper-tier LA"),
])
def test_unusable_arguments_are_refused(args, message, loaded, tmp_path, capsys):
    folder = small_extract().write(tmp_path / "ok")
    assert main(["load", str(folder), *args]) == 2
    assert message in capsys.readouterr().err
    assert warehouse_state() == loaded


def test_missing_folder_is_refused(loaded, tmp_path, capsys):
    assert main(["load", str(tmp_path / "nowhere"), "--period-end", PERIOD_END]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert warehouse_state() == loaded


# --- row-level problems: a bad value is blanked, a row without identity kept out ----------

def _rejects(load_id):
    con = duckdb.connect(str(current_path()), read_only=True)
    try:
        return con.execute("SELECT file, row_number, child, column_name, value, rule, severity, "
                           "action FROM rejects WHERE load_id = ? ORDER BY row_number, rule",
                           [load_id]).fetchall()
    finally:
        con.close()


def _load_and_get(folder):
    assert main(["load", str(folder), "--period-end", PERIOD_END]) == 0
    con = duckdb.connect(str(current_path()), read_only=True)
    try:
        load_id = con.execute("SELECT load_id FROM load_log WHERE period_end = ? AND "
                              "status = 'active'", [PERIOD_END]).fetchone()[0]
        episodes = con.execute("SELECT count(*) FROM stg_episodes WHERE period_end = ?",
                               [PERIOD_END]).fetchone()[0]
    finally:
        con.close()
    return load_id, episodes


KEPT_OUT, BLANKED, REPORTED = ("error", "row kept out"), ("error", "value blanked"), (
    "warning", "reported only")
ROW_PROBLEMS = [
    # kind, change to the small extract, (file, row, child, column, value, rule),
    # (severity, what was done), episodes lost
    ("unknown code", lambda b: b.rows["Header"][2].update(ETHNIC="ZZZZ"),
     ("header.csv", 4, "C3", "ETHNIC", "ZZZZ", "103"), BLANKED, 0),
    ("impossible date", lambda b: b.rows["Episodes"][0].update(DECOM="31/02/2022"),
     ("episodes.csv", 2, "A1", "DECOM", "31/02/2022", "141"), KEPT_OUT, 1),
    ("DEC before DECOM", lambda b: b.rows["Episodes"][3].update(DEC="01/01/2023"),
     ("episodes.csv", 5, "C3", "DEC", "01/01/2023", "356"), KEPT_OUT, 1),
    ("starts before the previous ended", lambda b: b.rows["Episodes"][3].update(
        DECOM="01/01/2023", DEC="01/06/2023", REC="X1") or b.episode("C3", "01/05/2023"),
     ("episodes.csv", 6, "C3", "DECOM", "01/05/2023", "501"), KEPT_OUT, 1),
    ("previous episode left open", lambda b: b.episode("A1", "01/06/2024", rne="P"),
     ("episodes.csv", 2, "A1", "DEC", "", "142"), ("error", "reported only"), 0),
    ("child missing from Header", lambda b: b.episode("Z9", "01/05/2024"),
     ("episodes.csv", 6, "Z9", "CHILD", "Z9", "INT03"), REPORTED, 0),
    ("duplicate row", lambda b: b.rows["Episodes"].append(dict(b.rows["Episodes"][0])),
     ("episodes.csv", 6, "A1", "CHILD", "A1", "CPD-DUPLICATE"), KEPT_OUT, 1),
    ("formula-like text", lambda b: b.rows["Episodes"][0].update(URN='=HYPERLINK("http://x","y")'),
     ("episodes.csv", 2, "A1", "URN", '=HYPERLINK("http://x","y")', "CPD-FORMULA"), BLANKED, 0),
]


@pytest.mark.parametrize("kind,change,expected,done,lost", ROW_PROBLEMS,
                         ids=[r[0] for r in ROW_PROBLEMS])
def test_a_bad_value_costs_the_value_and_a_row_without_identity_the_row(
        kind, change, expected, done, lost, data_dir, tmp_path):
    builder = small_extract()
    change(builder)
    load_id, episodes = _load_and_get(builder.write(tmp_path / "x"))
    assert expected + done in _rejects(load_id)
    assert episodes == len(builder.rows["Episodes"]) - lost


def test_formula_is_neutralised_in_the_rejects_csv(data_dir, tmp_path):
    builder = small_extract()
    builder.rows["Episodes"][0]["URN"] = "=HYPERLINK(\"http://x\",\"y\")"
    load_id, _ = _load_and_get(builder.write(tmp_path / "x"))
    text = (data_dir / "reports" / load_id / "rejects.csv").read_text()
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    page = (data_dir / "reports" / load_id / "rejects.html").read_text()
    assert "=HYPERLINK(&quot;http://x&quot;" in page


def test_ragged_row_is_rejected_with_its_row_number(data_dir, tmp_path):
    folder = small_extract().write(tmp_path / "x")
    with (folder / "reviews.csv").open("a") as handle:
        handle.write("C3,02/02/2009,01/12/2024,PN1,surplus\n")
    load_id, _ = _load_and_get(folder)
    assert ("reviews.csv", 4, None, None, "5 fields", "CPD-ROW-SHAPE", *KEPT_OUT) in \
        _rejects(load_id)


# --- unusual but valid: loads in full --------------------------------------------------------

def _staged(period_end):
    con = duckdb.connect(str(current_path()), read_only=True)
    try:
        return con.execute(
            "SELECT child, decom, rne, ls, place, pl_post FROM stg_episodes WHERE period_end = ? "
            "ORDER BY child, decom", [period_end]).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_other_encodings_load_like_utf8(encoding, data_dir, tmp_path):
    plain = small_extract().write(tmp_path / "plain")
    assert main(["load", str(plain), "--period-end", "2025-06-30"]) == 0
    other = small_extract().write(tmp_path / encoding)
    for path in other.iterdir():
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        # utf-16-le and -be write no byte order mark: recognised from the zero bytes
        path.write_bytes(text.encode(encoding))
    assert main(["load", str(other), "--period-end", PERIOD_END]) == 0
    assert _staged(PERIOD_END) == _staged("2025-06-30")


def test_case_spaces_column_order_and_extra_columns(data_dir, tmp_path, capsys):
    plain = small_extract().write(tmp_path / "plain")
    assert main(["load", str(plain), "--period-end", "2025-06-30"]) == 0
    messy = small_extract().write(tmp_path / "messy")
    path = messy / "episodes.csv"
    rows = list(csv.reader(path.open(newline="")))
    order = list(reversed(range(len(rows[0]))))
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([rows[0][i].lower() for i in order] + ["NOTES"])
        for row in rows[1:]:
            # codes in lower case with stray spaces; CHILD ids keep their case
            writer.writerow([f" {row[i].lower()} " if rows[0][i] not in ("CHILD",) else row[i]
                             for i in order] + ["free text"])
    capsys.readouterr()
    assert main(["load", str(messy), "--period-end", PERIOD_END]) == 0
    assert "episodes.csv: extra column(s) ignored: NOTES" in capsys.readouterr().out
    assert _staged(PERIOD_END) == _staged("2025-06-30")

