"""Messy extracts (tests/messy.py: random codes and junk in every column of every table, the way
other tools' fake 903 data looks) never produce a traceback.

For each seed, `cpd validate` and `cpd load` run for period ends in four collection years into
one warehouse, so later loads meet the earlier ones. Each run either works (validate exit 0 or
1, load exit 0) or is refused with exit 2 and a message on stderr. After each load that works,
`cpd indicators` (JSON, and CSV with disclosure control) and `cpd loads --format json` work
too, and after the last, every breakdown.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from etl.indicators.engine import BREAKDOWNS
from etl.read import read_extract
from schemas.tables import TABLES
from tests.messy import Problems, run_cpd_process, write_messy_extract

# Each seed's extract loaded into one warehouse for these period ends (old and new code
# lists, before and after SWEpisodes); validation is slow on data this broken (pandera's
# failure cases), so only the first seed goes through every year.
PERIOD_ENDS = {1: ["2017-03-31", "2020-03-31", "2023-03-31", "2025-03-31"],
               2: ["2020-03-31"], 3: ["2025-03-31"]}


@pytest.fixture
def env(data_dir, monkeypatch, tmp_path):
    for name in ("CPD_LA_CONFIG", "CPD_LA_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _csv(text: str):
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and len(rows) > 1, "no rows"


@pytest.mark.parametrize("seed", PERIOD_ENDS)
def test_messy_extract_never_a_traceback(seed, env):
    folder = write_messy_extract(env / f"messy-{seed}", seed)
    problems = Problems()
    loaded = []
    problems.check(["validate", str(folder), "--period-end", PERIOD_ENDS[seed][0],
                    "--report-dir", str(env / "report")], (0, 1, 2))
    for period_end in PERIOD_ENDS[seed]:
        load = problems.check(["load", str(folder), "--period-end", period_end], (0, 2))
        if load.code != 0:
            continue
        loaded.append(period_end)
        problems.check(["indicators", "--period-end", period_end, "--format", "json"], (0,),
                       parse=json.loads)
        problems.check(["indicators", "--period-end", period_end, "--format", "csv",
                        "--suppress"], (0,), parse=_csv)
        problems.check(["loads", "--format", "json"], (0,), parse=json.loads)
    problems.check(["validate", str(folder), "--report-dir", str(env / "guessed")], (0, 1, 2))
    if loaded:
        for breakdown in BREAKDOWNS:
            # figures by social worker are never published with disclosure control: members
            # never see them, so asking is a plain refusal (exit 2)
            expected = (2,) if breakdown == "social_worker" else (0,)
            problems.check(["indicators", "--breakdown", breakdown, "--suppress", "--format",
                            "csv"], expected, parse=None if expected == (2,) else _csv)
    assert not problems, problems.report()


def test_messy_extract_as_a_process(env):
    """The installed script, as a user runs it."""
    folder = write_messy_extract(env / "messy", 4)
    problems = Problems()
    problems.check(["validate", str(folder), "--period-end", "2025-03-31",
                    "--report-dir", str(env / "report")], (0, 1, 2),
                   run=lambda argv: run_cpd_process(argv, cwd=env))
    assert not problems, problems.report()


# --- the generator itself ------------------------------------------------------------------------

def test_same_seed_same_bytes(tmp_path):
    one = write_messy_extract(tmp_path / "one", 7, rows=50)
    two = write_messy_extract(tmp_path / "two", 7, rows=50)
    other = write_messy_extract(tmp_path / "other", 8, rows=50)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert all((one / n).read_bytes() == (two / n).read_bytes() for n in names)
    assert any((one / n).read_bytes() != (other / n).read_bytes() for n in names)


def test_every_table_and_column_is_written_and_recognised(tmp_path):
    extract = read_extract(write_messy_extract(tmp_path / "x", 5, rows=300))
    assert set(extract.files) == set(TABLES), extract.warnings
    assert not extract.warnings
    cells = []
    for name, table_file in extract.files.items():
        assert len(table_file.frame) == 300 and not table_file.bad_rows, name
        cells += [v for column in table_file.frame for v in table_file.frame[column]]
    # the mix is there: blanks, long strings, line breaks, commas, quotes, formulas, unicode,
    # impossible and ISO dates, negative numbers, codes of another year
    for what, test in [
        ("blank", lambda v: v == ""), ("5,000 characters", lambda v: len(v) == 5000),
        ("a line break", lambda v: "\n" in v), ("a lone CR", lambda v: "\r" in v
                                                 and "\r\n" not in v),
        ("a comma", lambda v: "," in v), ("a quote", lambda v: '"' in v),
        ("a formula", lambda v: v[:1] in "=@+"), ("an emoji", lambda v: "😀" in v),
        ("right-to-left text", lambda v: "שלום" in v), ("zero-width", lambda v: "\u200b" in v),
        ("31/02", lambda v: v.startswith("31/02/")), ("an ISO date", lambda v: v[4:5] == "-"),
        ("a negative number", lambda v: v[:1] == "-" and v[1:2].isdigit()),
        ("an old SEX code", lambda v: v == "1"), ("a new PLACE code", lambda v: v == "Z11"),
    ]:
        assert any(test(v) for v in cells), f"no cell holds {what}"
    header = extract.files["Header"].frame["CHILD"]
    episodes = extract.files["Episodes"].frame["CHILD"]
    shared = set(header) & set(episodes)
    assert shared and set(episodes) - set(header), "CHILD ids are shared only sometimes"
