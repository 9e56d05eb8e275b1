"""The board and Ofsted packs, built from the sample as `cpd pack` builds them and read back
with pdftotext: every principle and outcome, the figures of `cpd indicators` for the same
period (suppressed in the board pack), no child's identifier, date of birth or postcode in the
board pack, the commentary written for the period, the same text and provenance when built
twice, and a tagged PDF whose charts carry alternative text."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from dashboard import state
from dashboard.components import fmt
from dashboard.themes import CONTEXT, OUTCOME_TEXT, principle_title
from etl.indicators.catalogue import BY_ID, OUTCOMES, PRINCIPLES
from tests.live import own_copy

PERIOD = "2026-09-30"
LA = "E06000015"
COMMENTARY = "Placement stability held up after the recruitment drive for foster carers."
ACTION = "Review the three-placement children with the fostering service"


def cpd(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl.cli", *args], capture_output=True,
                          text=True, env={**os.environ, "CPD_DATA_DIR": str(folder)})


def text_of(pdf) -> str:
    """The PDF's text, every run of white space one space (a table cell wraps its words over
    lines; pdftotext gives each cell in reading order), without hyphens."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    # pdftotext joins a word broken after its hyphen at the end of a line and drops the
    # hyphen ("asylum-" / "seeking": "asylumseeking"), so hyphens are compared as absent
    return plain(" ".join(out.split()))


def plain(text: str) -> str:
    return text.replace("-", "")


@pytest.fixture(scope="module")
def packs(sample_warehouse, tmp_path_factory):
    """Both packs built once from a private copy of the sample, with commentary written for
    the period, by the real command line."""
    folder = tmp_path_factory.mktemp("packs") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CPD_DATA_DIR", str(folder))
        own_copy(sample_warehouse, folder)
        state.write_commentary(LA, "placement_stability_short", dt.date.fromisoformat(PERIOD),
                               COMMENTARY, ACTION, "Head of fostering", "2027-01-31",
                               "sample.analyst", "analyst")
        state.write_commentary(LA, "placement_stability_short", dt.date(2026, 6, 30),
                               "Written for the quarter before, not this one.", "", "", None,
                               "sample.analyst", "analyst")
    out = {}
    for kind in ("board", "ofsted"):
        pdf = folder.parent / f"{kind}.pdf"
        done = cpd(folder, "pack", kind, "--period-end", PERIOD, "--out", str(pdf))
        assert done.returncode == 0, done.stderr
        assert f"Built the {kind} pack: {pdf}" in done.stdout
        out[kind] = pdf
    out["folder"] = folder
    out["board_text"], out["ofsted_text"] = text_of(out["board"]), text_of(out["ofsted"])
    return out


def indicators(folder, suppress: bool) -> dict[str, dict]:
    args = ["indicators", "--la", LA, "--period-end", PERIOD, "--format", "json"] + \
        (["--suppress"] if suppress else [])
    done = cpd(folder, *args)
    assert done.returncode == 0, done.stderr
    return {row["id"]: row for row in json.loads(done.stdout)["indicators"]}


def test_every_principle_and_outcome_has_its_section(packs):
    text = packs["board_text"]
    for number in PRINCIPLES:
        assert plain(principle_title(number)) in text
    for outcome in OUTCOMES:
        assert plain(f"Outcome: {outcome}") in text and plain(OUTCOME_TEXT[outcome]) in text
    for heading in ("What needs attention", "Scorecard", "What changed since the last board",
                    "Data quality", "Provenance", "How to read this pack"):
        assert plain(heading) in text
    assert "Synthetic Unitary Council (E06000015)" in text
    assert "Figures at 30 Sep 2026" in text


def test_board_figures_are_the_members_figures_of_cpd_indicators(packs):
    """Every measure of every principle's table reads as `cpd indicators --suppress` gives it:
    title, figure, then status; a figure withheld is c."""
    text = packs["board_text"]
    rows = indicators(packs["folder"], suppress=True)
    withheld = 0
    for i, row in rows.items():
        shown = fmt(row["value"], row["unit"])
        if not row.get("window_complete", True):
            shown += " (part year)"
        assert plain(f"{BY_ID[i].title} {shown} ") in text, (i, shown)
        withheld += row["value"] == "c"
    assert withheld, "the sample has figures members see as c"
    assert " c " in text


def test_ofsted_figures_are_the_unsuppressed_figures_of_cpd_indicators(packs):
    text = packs["ofsted_text"]
    rows = indicators(packs["folder"], suppress=False)
    for i, row in rows.items():
        assert plain(BY_ID[i].title) in text
        if row["unit"] in ("%", "score") and row["value"] is not None and i not in CONTEXT:
            assert plain(f"{BY_ID[i].title}: {fmt(row['value'], row['unit'])}") in text, i
    for heading in ("Context: children looked after", "Children in care", "Stability",
                    "Distance from home", "Missing from care", "Reviews", "Health",
                    "Education", "Children's voice", "Permanence and adoption",
                    "Care leavers", "Workforce: social worker changes", "Data quality"):
        assert plain(heading) in text
    # the ILACS order: context, children in care, permanence, care leavers, workforce
    order = [text.index(plain(h)) for h in ("Context: children looked after The children",
                                     "Stability By period", "Permanence and adoption By period",
                                     "Care leavers By period",
                                     "Workforce: social worker changes By period")]
    assert order == sorted(order)
    assert "Funnel plot:" in text and "teams against the council" in text
    assert "in the table below" not in text  # the pack has no team table under its funnels
    assert "OFFICIALSENSITIVE" in text


def test_the_data_quality_statement_names_the_checks_not_met(packs):
    # the sample's last load does not meet two checks across the warehouse (explained in
    # tests/quality/test_sample_checks.py): members read which, officers also what was found
    for kind in ("board", "ofsted"):
        text = packs[f"{kind}_text"]
        assert plain("Once loaded, the extract for 30 Sep 2026 was checked as a whole against "
                     "24 expectations") in text
        assert plain("22 met, 2 not met, 0 not run") in text
        assert plain("Every social worker with a child at the period end is in the "
                     "staff-to-team extract with a team") in text
        assert ("2 of 39 social workers" in text) == (kind == "ofsted")


def test_no_child_identifier_date_of_birth_or_postcode_in_the_board_pack(packs):
    text = packs["board_text"]
    name = (packs["folder"] / "warehouse" / "CURRENT").read_text().strip()
    con = duckdb.connect(str(packs["folder"] / "warehouse" / name), read_only=True)
    try:
        children = {r[0] for r in con.execute(
            "SELECT DISTINCT child FROM stg_header").fetchall()}
        births = {r[0] for r in con.execute(
            "SELECT DISTINCT dob FROM stg_header WHERE dob IS NOT NULL").fetchall()}
        postcodes = {r[0] for r in con.execute(
            "SELECT DISTINCT home_post FROM stg_episodes WHERE home_post IS NOT NULL UNION "
            "SELECT DISTINCT pl_post FROM stg_episodes WHERE pl_post IS NOT NULL").fetchall()}
    finally:
        con.close()
    assert len(children) > 500 and births and postcodes
    words = set(re.findall(r"[A-Za-z0-9]+", text))
    assert not children & words
    for day in births:
        for shown in (day.isoformat(), f"{day:%d/%m/%Y}", f"{day:%-d %b %Y}"):
            assert plain(shown) not in text or day in PACK_DATES, shown
    spaced = {p.replace(" ", "") for p in postcodes}
    assert not {w for w in words if w in spaced}
    assert not [p for p in postcodes if " " in p and p in text]


# dates a pack prints for its own reasons (period ends, the day it was built)
PACK_DATES = {dt.date(2024, 3, 31), dt.date(2025, 3, 31), dt.date(2026, 3, 31),
              dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2025, 9, 30),
              dt.date.today()}


def test_commentary_for_the_period_is_printed_and_no_other(packs):
    for kind in ("board", "ofsted"):
        text = packs[f"{kind}_text"]
        assert plain(COMMENTARY) in text
        assert plain(f"Action: {ACTION} (Head of fostering, due 31 Jan 2027)") in text
        assert "Written for the quarter before" not in text


def test_the_same_warehouse_builds_the_same_pack(packs, tmp_path):
    again = tmp_path / "again.pdf"
    done = cpd(packs["folder"], "pack", "board", "--period-end", PERIOD, "--out", str(again))
    assert done.returncode == 0, done.stderr
    assert text_of(again) == packs["board_text"]
    provenance = re.search(r"Provenance (.*?) How to read this pack", packs["board_text"])
    assert provenance and "Built from the warehouse" in provenance.group(1)
    assert re.search(r"Provenance (.*?) How to read", text_of(again)).group(1) == \
        provenance.group(1)


def test_provenance_names_the_extracts_loads_and_code(packs):
    text = packs["board_text"]
    name = (packs["folder"] / "warehouse" / "CURRENT").read_text().strip()
    con = duckdb.connect(str(packs["folder"] / "warehouse" / name), read_only=True)
    try:
        files = con.execute("SELECT f.load_id, f.file, f.sha256 FROM load_files f JOIN "
                            "load_log l USING (load_id) WHERE l.la_code = ? AND l.period_end "
                            "<= ? AND l.status <> 'superseded'", [LA, PERIOD]).fetchall()
    finally:
        con.close()
    assert files
    for load_id, file, sha in files:
        assert plain(load_id) in text and plain(f"{file} ") in text and sha in text
    assert plain(f"Built from the warehouse {name}") in text
    assert re.search(r"Code: version [0-9.]+, source digest [0-9a-f]{16}", text)


def test_the_pdf_is_tagged_with_an_outline_and_alt_text_for_every_chart(packs):
    for kind in ("board", "ofsted"):
        info = subprocess.run(["pdfinfo", str(packs[kind])], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"Tagged:\s+yes", info)
        assert re.search(r"Page size:\s+594.96 x 841.92 pts \(A4\)", info)
        if kind == "board":  # the scorecard's many columns on landscape pages of their own
            sizes = subprocess.run(["pdfinfo", "-f", "1", "-l", "9", str(packs[kind])],
                                   capture_output=True, text=True, check=True).stdout
            assert "841.92 x 594.96 pts (A4)" in sizes
        raw = packs[kind].read_bytes()
        figures = subprocess.run(["pdfinfo", "-struct", str(packs[kind])], capture_output=True,
                                 text=True, check=True).stdout.count("Figure\n") // 2
        assert figures > 10
        assert raw.count(b"/Alt (Chart: ") >= figures
        assert b"/Outlines" in raw


def test_a_pack_refuses_plainly_what_it_cannot_build(packs, tmp_path):
    folder = packs["folder"]
    out = str(tmp_path / "x.pdf")
    for args, words in (
            (["board", "--period-end", "2025-12-31", "--out", out], "no figures for E06000015"),
            (["ofsted", "--la", "E06000017", "--out", out], "E06000017 is not loaded"),
            (["board", "--out", str(tmp_path / "nowhere" / "x.pdf")], "does not exist"),
            (["board", "--out", str(tmp_path / "x.txt")], "should name a .pdf file"),
            (["board"], "--out FILE.pdf")):
        done = cpd(folder, "pack", *args)
        assert done.returncode == 2, args
        assert words in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())
