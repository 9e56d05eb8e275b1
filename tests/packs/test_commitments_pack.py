"""Catalogue v2 in the board and Ofsted packs (issue 13), built by `cpd pack` from the warehouse
of tests/dashboard/test_commitments.py (the sample's 2025/26 extract with a voice and advocacy
file and without the education, permanence planning, siblings and care leavers 18 to 25 files)
and read back with pdftotext: each principle and outcome has measures of its own; a measure
whose file is missing says "no data" and why, never 0, never a status or a move; the loaded
voice file's measures have their figures; the data-quality statement names the council's own
files the extract holds and the measures that say "no data" without the others."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from dashboard.components import fmt
from dashboard.packs.content import OFSTED_PARTS, OFSTED_TOPICS, since_last
from dashboard.themes import CONTEXT, OUTCOME_TEXT, principle_title
from etl.indicators.catalogue import BY_ID, CATALOGUE, OUTCOMES, PRINCIPLES
from schemas.tables import TABLES
from tests.dashboard.test_commitments import (LEFT_OUT, NO_DATA, PERIOD, VOICE,
                                              build_warehouse, cpd_indicators)
from tests.packs.test_packs import plain, text_of

# every measure whose file the warehouse lacks
MISSING = [e.id for e in CATALOGUE if set(LEFT_OUT) & set(e.sources)]


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """Both packs built once, by the real command line."""
    folder = tmp_path_factory.mktemp("commitments-packs") / "data"
    build_warehouse(folder)
    out = {"folder": folder}
    for kind in ("board", "ofsted"):
        pdf = folder.parent / f"{kind}.pdf"
        done = subprocess.run([sys.executable, "-m", "etl.cli", "pack", kind, "--period-end",
                               PERIOD, "--out", str(pdf)], capture_output=True, text=True,
                              env={**os.environ, "CPD_DATA_DIR": str(folder)})
        assert done.returncode == 0, done.stderr
        out[kind] = text_of(pdf)
    return out


def between(text: str, start: str, end: str | None) -> str:
    """The text from the last `start` to the next `end` after it (a section of the pack: its
    title first appears in the contents)."""
    at = text.rindex(plain(start))
    return text[at:text.index(plain(end), at + 1)] if end else text[at:]


def test_each_principle_and_outcome_section_lists_measures_of_its_own(packs):
    text = packs["board"]
    captions = [f"{principle_title(n)}: every measure at 31 Mar 2026" for n in PRINCIPLES] + \
        [f"Outcome: {o}: every measure at 31 Mar 2026" for o in OUTCOMES]
    for k, caption in enumerate(captions):
        part = between(text, caption, captions[k + 1] if k + 1 < len(captions) else
                       "Data quality")
        number = k + 1 if k < len(PRINCIPLES) else None
        outcome = None if number else OUTCOMES[k - len(PRINCIPLES)]
        mine = [e for e in CATALOGUE if (number in e.principles if number else
                                         e.outcome == outcome)]
        shown = [e for e in mine if plain(e.title) in part]
        assert len(shown) >= 3 and len(shown) == len(mine), caption
        if outcome:
            assert plain(OUTCOME_TEXT[outcome]) in text
    heard = between(text, captions[2], captions[3])
    assert plain(BY_ID["convictions"].title) not in heard


def test_the_board_pack_says_no_data_and_why(packs):
    text = packs["board"]
    rows = cpd_indicators(packs["folder"], suppress=True)
    for i in MISSING:
        title = plain(BY_ID[i].title)
        assert rows[i]["value"] is None
        # every table row of it: the figure and the status in words, never a figure or a move
        assert text.count(f"{title} no data No data") >= 1, i
        assert not re.search(re.escape(title) + r" (\d|c |[▲▼■])", text), i
    for file in set(NO_DATA.values()):
        assert plain(f"The extract for this period has no {file} (not the same as zero), so "
                     "these measures say no data:") in text
    assert "no voice and advocacy file" not in text


def test_what_changed_since_the_last_board_does_not_compare_no_data(packs):
    """The warehouse has one period: the engine's rows of it stand for then and now."""
    rows = cpd_indicators(packs["folder"], suppress=True)
    assert since_last(rows["siblings_placed_together"], rows["siblings_placed_together"]) == \
        "Not compared (no data)"
    assert since_last(rows["advocacy_offered"], rows["siblings_placed_together"]) == \
        "Not compared (no data)"
    assert since_last(rows["advocacy_offered"], rows["advocacy_offered"]) == "■ No change"


def test_the_voice_files_measures_have_their_figures_in_both_packs(packs):
    members, officers = (cpd_indicators(packs["folder"], s) for s in (True, False))
    for i in VOICE:
        assert isinstance(members[i]["value"], float)
        assert plain(f"{BY_ID[i].title} {fmt(members[i]['value'], '%')} ") in packs["board"]
        assert plain(f"{BY_ID[i].title}: {fmt(officers[i]['value'], '%')} (") in \
            packs["ofsted"]


def test_the_ofsted_pack_says_no_data_once_and_why(packs):
    text = packs["ofsted"]
    for i in MISSING:
        table = next(t for t in LEFT_OUT if t in BY_ID[i].sources)
        assert plain(f"{BY_ID[i].title}: no data. The extract for this period has no "
                     f"{TABLES[table].file_label} (not the same as zero).") in text, i
        assert plain(f"{BY_ID[i].title} no data No data") in text  # its trend table row
    for heading in ("Brothers and sisters", "Children's voice", "Permanence and adoption",
                    "Care leavers"):
        assert plain(heading) in text
    assert "Other measures" not in text  # every measure has its place


def test_every_measure_has_its_place_in_the_ofsted_pack():
    placed = [i for _, ids in OFSTED_TOPICS for i in ids] + \
        [i for _, _, ids in OFSTED_PARTS for i in ids]
    assert len(placed) == len(set(placed))
    assert set(placed) | set(CONTEXT) == {e.id for e in CATALOGUE}


def test_the_data_quality_statement_names_the_councils_own_files(packs):
    for kind in ("board", "ofsted"):
        text = packs[kind]
        assert plain("a council sends files of its own: staff-to-team, education, permanence "
                     "planning, siblings, voice and advocacy and care leavers 18 to 25. The "
                     "extract for 31 Mar 2026 has 2 of the 6: staff-to-team and voice and "
                     "advocacy.") in text
        for table in LEFT_OUT:
            titles = "; ".join(e.title for e in CATALOGUE if table in e.sources)
            assert plain(f"No {TABLES[table].file_label}: these measures say \"no data\" "
                         f"(not the same as zero): {titles}.") in text, (kind, table)
