"""Arrow's CSV reader takes the well-formed files (etl/read.py `_plain_table`); csv reads the
rest. On every file Arrow takes, the table read must be exactly what csv would have read:
values, row numbers, ragged rows, extra columns."""
from __future__ import annotations

import random

import pytest

from etl import read

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]


def _both(path):
    fast = read.read_file(path)
    taken = read._plain_table(path.read_text(encoding="utf-8")) is not None
    plain = read._plain_table
    read._plain_table = lambda text: None
    try:
        slow = read.read_file(path)
    finally:
        read._plain_table = plain
    return fast, slow, taken


def _same(fast, slow) -> None:
    assert list(fast.frame.columns) == list(slow.frame.columns)
    assert fast.frame.index.tolist() == slow.frame.index.tolist()
    assert fast.frame.index.name == slow.frame.index.name
    assert fast.frame.to_dict("list") == slow.frame.to_dict("list")
    assert (fast.frame.dtypes == slow.frame.dtypes).all()
    assert fast.bad_rows == slow.bad_rows
    assert fast.extra_columns == slow.extra_columns


@pytest.mark.parametrize("body,arrow_takes", [
    ("1,1,01/01/2010,WBRI,A123456789012,,\n2,2,02/02/2012,WBRI,,,\n", True),
    ("1,1,01/01/2010,WBRI,A123456789012,,\r\n2,2,02/02/2012,WBRI,,,\r\n", True),
    ("1,1,01/01/2010,WBRI,,,\n2,2,02/02/2012,WBRI,,,", True),  # no newline at the end
    ('"1","1","01/01/2010","WBRI","","",""\n', True),  # every value quoted
    ('1,1,01/01/2010,"WB,RI",,,\n', True),  # a comma inside quotes
    ('1,1,01/01/2010,"WB\nRI",,,\n2,2,02/02/2012,WBRI,,,\n', True),  # a line break inside
    ('1,1,01/01/2010,"WB""RI",,,\n', False),  # a doubled quote
    ('1,1,01/01/2010,WB"RI,,,\n', False),  # a quote inside a value
    ('1,1,01/01/2010, "WBRI",,,\n', False),  # a space before a quote
    ("1,1,01/01/2010,WBRI,,,\n\n2,2,02/02/2012,WBRI,,,\n", False),  # a blank line
    ("1,1,01/01/2010,WBRI,,,\n   \n", False),  # a line of spaces
    ("1,1,01/01/2010,WBRI,,\n2,2,02/02/2012,WBRI,,,\n", False),  # a short row
    ("1,1,01/01/2010,WBRI,,,,extra\n", False),  # a long row
    ('1,1,01/01/2010,"WBRI,,,\n2,2,02/02/2012,WBRI,,,\n', False),  # a quote never closed
    ('1,1,01/01/2010,"WBRI",,,"', None),  # a quote at the very end: either, the same
])
def test_arrow_reads_what_csv_reads_or_leaves_the_file_to_csv(tmp_path, body, arrow_takes):
    path = tmp_path / "header.csv"
    path.write_text(",".join(HEADER) + "\n" + body, encoding="utf-8", newline="")
    try:
        fast, slow, taken = _both(path)
    except read.ExtractError as err:  # refused: csv must refuse it the same way
        read._plain_table, plain = (lambda text: None), read._plain_table
        try:
            with pytest.raises(read.ExtractError) as again:
                read.read_file(path)
        finally:
            read._plain_table = plain
        assert str(again.value) == str(err)
        return
    if arrow_takes is not None:
        assert taken == arrow_takes
    _same(fast, slow)


def test_extra_columns_and_any_column_order_read_the_same(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("MC_DOB,NOTES,CHILD,SEX,DOB,ETHNIC,UPN,MOTHER\n"
                    ",free text,1,1,01/01/2010,WBRI,,\n,,2,2,02/02/2012,WBRI,,\n",
                    encoding="utf-8")
    fast, slow, taken = _both(path)
    assert taken
    _same(fast, slow)
    assert fast.extra_columns == ["NOTES"]


def test_random_files_read_the_same_whichever_reader_takes_them(tmp_path):
    """Several hundred small files of awkward characters: a bug in the choice of reader
    shows here as a difference."""
    rng = random.Random(14)
    plain, awkward = ["a", "B", "1", " ", "é", "\t"], [",", '"', "\n", "\r", "\r\n", '""']
    taken_by_arrow = 0
    for n in range(400):
        lines = []
        for _ in range(rng.randint(1, 6)):
            cells = []
            for _ in range(len(HEADER) + rng.choice([0] * 12 + [-1, 1])):
                value = "".join(rng.choice(plain) for _ in range(rng.randint(0, 4)))
                if rng.random() < 0.3:  # quoted, sometimes around something awkward
                    if rng.random() < 0.4:
                        value += rng.choice(awkward)
                    value = '"' + value.replace('"', '""') + '"'
                elif rng.random() < 0.04:  # a stray character where it should not be
                    value += rng.choice(awkward)
                cells.append(value)
            lines.append(",".join(cells))
        ending = rng.choice(["\n", "\r\n", ""])
        path = tmp_path / f"f{n}.csv"
        path.write_text(",".join(HEADER) + "\n" + "\n".join(lines) + ending, encoding="utf-8",
                        newline="")
        try:
            fast, slow, taken = _both(path)
        except read.ExtractError:
            continue  # refused by csv's path too (the fast reader never refuses)
        taken_by_arrow += taken
        _same(fast, slow)
    assert taken_by_arrow > 20  # the comparison ran on files Arrow took, not only on csv's


def test_a_sample_extract_is_read_by_arrow(tmp_path):
    from tests.live import ROOT

    for path in sorted((ROOT / "sample_data" / "2024-25").glob("*.csv")):
        fast, slow, taken = _both(path)
        assert taken, path.name
        _same(fast, slow)
