"""The seeds' commitments the 903 already holds (indicators.md, catalogue v2): kinship_all,
secure_or_custody, young_parents, placement_breakdowns, re_entries_12m and
adoption_days_to_move_in, each worked out by hand from the definitions. (The OC3 one,
care_leavers_with_former_carers_19_21, is in test_adulthood.py.)

P = 31/03/2025, W = 01/04/2024 to 31/03/2025. Episodes are written as a child's whole history
and cut as a case system would for each extract: those open during its collection year, with
an end after its period end not yet known.
"""
from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import ExtractBuilder
from tests.indicators.support import P, check, figures, load, own_data_dir

P1 = "2024-03-31"  # the extract before: the episodes of 2023/24


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def cut(children: dict, histories: dict, period_end: str) -> ExtractBuilder:
    """The extract for `period_end`: every episode open at some time in its collection year
    (1 April to the period end), an end after the period end not yet known; a Header row for
    each child with one."""
    end = dt.date.fromisoformat(period_end)
    start = dt.date(end.year - 1, 4, 1)
    b = ExtractBuilder()
    for child, episodes in histories.items():
        held = [e for e in episodes if _date(e["decom"]) <= end
                and (not e.get("dec") or _date(e["dec"]) >= start)]
        if not held:
            continue
        details = dict(children.get(child, {}))
        if end < dt.date(2024, 4, 1):  # SEX was 1 or 2 until 2023/24
            details["sex"] = {"M": "1", "F": "2"}[details.get("sex", "M")]
        b.child(child, **details)
        for e in held:
            e = dict(e)
            if e.get("dec") and _date(e["dec"]) > end:
                e.update(dec="", rec="", REASON_PLACE_CHANGE="")
            b.episode(child, **e)
    return b


def ep(decom, rne="S", place="U4", dec="", rec="", reason="", **more) -> dict:
    return dict(decom=decom, rne=rne, place=place, dec=dec, rec=rec,
                REASON_PLACE_CHANGE=reason, **more)


@pytest.fixture(scope="module")
def module_data(tmp_path_factory):
    with own_data_dir(tmp_path_factory, "commitments") as folder:
        yield folder


# --- At the period end: kinship_all, secure_or_custody, young_parents ----------------------

SNAPSHOT_CHILDREN = {
    "K1": dict(dob="01/01/2012"),
    "K2": dict(sex="F", dob="01/01/2010", MOTHER="1", MC_DOB="01/02/2025"),
    "K3": dict(sex="F", dob="01/04/2013", MOTHER="1", MC_DOB="01/02/2025"),  # 12 tomorrow
    "K8": dict(sex="F", dob="31/03/2013", MOTHER="1", MC_DOB="01/02/2025"),  # 12 on P
    "K4": dict(dob="01/01/2011"),
    "K5": dict(dob="01/01/2008"),
    "K6": dict(sex="F", dob="01/01/2012", MOTHER="1", MC_DOB="01/02/2025"),
    "K7": dict(sex="F", dob="01/01/2009", MOTHER="1", MC_DOB="01/02/2025"),
    "K9": dict(dob="01/01/2010"),
}
SNAPSHOT = {
    "K1": [ep("01/01/2024", place="U1")],
    "K2": [ep("01/05/2024", place="U3")],
    "K3": [ep("01/01/2024", place="U4")],
    "K8": [ep("01/01/2024", place="K2")],
    "K4": [ep("01/01/2024", place="K1")],  # secure children's home
    "K5": [ep("01/01/2024", place="R5", PLACE_PROVIDER="PR4")],  # young offender institution
    "K6": [ep("01/01/2024", place="U2", ls="V3")],  # a short break: not looked after
    "K7": [ep("01/01/2024", place="U1", dec="01/02/2025", rec="E4A")],  # left before P
    "K9": [ep("01/01/2024", place="K1", dec="01/03/2025", rec="X1", reason="CARPL"),
           ep("01/03/2025", rne="P", place="U4")],  # out of the secure home before P
}


@pytest.fixture(scope="module")
def snapshot(module_data):
    b = cut(SNAPSHOT_CHILDREN, SNAPSHOT, P)
    load(b, module_data / "snapshot")
    return figures()


def test_kinship_all(snapshot):
    # Looked after at P: K1, K2, K3, K8, K4, K5, K9 = 7 (K6 a short break, K7 left). With
    # relatives or friends (U1-U3): K1 (U1), K2 (U3) = 2. 2/7 = 28.57 -> 28.6%.
    check(snapshot, "kinship_all", 2, 7, 28.6)


def test_secure_or_custody(snapshot):
    # K4 in a secure children's home (K1) and K5 in a young offender institution (R5) at P;
    # K9 left the secure home before P.
    check(snapshot, "secure_or_custody", 2, None, 2)


def test_young_parents(snapshot):
    # Looked after at P, aged 12 or over, MOTHER = 1: K2 (15) and K8 (12 on P). K3 is 11
    # (12 the day after P), K6 is on a short break, K7 left care.
    row = check(snapshot, "young_parents", 2, None, 2)
    assert (row["principles"], row["outcome"], row["polarity"]) == ([1], "be healthy",
                                                                     "context")


# --- Moves, returns to care and adoption: two extracts, for the history -------------------

HISTORY_CHILDREN = {c: dict(dob="01/01/2012") for c in (
    "M1", "M2", "M3", "M4", "M5", "M6", "R1", "R2", "R3", "R4", "R5", "R6")}
HISTORY_CHILDREN.update({c: dict(dob="01/01/2021") for c in ("A1", "A2", "A3", "A4", "A5")})
RETURN = dict(PL_POST="DE22 3XT", URN="SC123456")  # the builder's placement postcode and URN
HISTORY = {
    # Placement moves in W and the reason on the episode just before each.
    "M1": [ep("01/01/2024", dec="01/06/2024", rec="X1", reason="CREQB"),
           ep("01/06/2024", rne="P", dec="01/09/2024", rec="X1", reason="PLACE"),
           ep("01/09/2024", rne="P", place="K2")],
    "M2": [ep("01/05/2024", dec="01/07/2024", rec="X1", reason="ALLEG"),
           ep("01/07/2024", rne="T", place="U5", dec="01/08/2024", rec="X1", reason="OTHER"),
           ep("01/08/2024", rne="P", place="U6")],
    "M3": [ep("01/01/2023", dec="01/03/2024", rec="X1", reason="CHILD"),
           ep("01/03/2024", rne="P", dec="01/02/2025", rec="X1", reason="STAND", **RETURN),
           ep("01/02/2025", rne="P", place="T1", dec="10/02/2025", rec="X1", reason="CARPL"),
           ep("10/02/2025", rne="P", **RETURN)],  # back to the same placement
    "M4": [ep("01/04/2024", dec="01/10/2024", rec="X1", reason="CUSTOD"),
           ep("01/10/2024", rne="P", place="R5", PLACE_PROVIDER="PR4", dec="01/12/2024",
              rec="X1", reason="CLOSE"),
           ep("01/12/2024", rne="B")],
    "M5": [ep("01/06/2024", dec="15/06/2024", rec="X1"),
           ep("15/06/2024", rne="P", place="U5", dec="01/03/2025", rec="X1", reason="CREQO"),
           ep("01/03/2025", rne="P")],
    "M6": [ep("01/01/2024", dec="31/03/2025", rec="X1", reason="CHILD"),
           ep("31/03/2025", rne="P", place="U5")],
    # Periods of care starting in W, and the one before each.
    "R1": [ep("01/01/2023", dec="01/12/2023", rec="E4A"), ep("01/11/2024")],
    "R2": [ep("01/01/2023", dec="10/04/2023", rec="E4A"), ep("09/04/2024")],
    "R3": [ep("01/01/2023", dec="10/04/2023", rec="E4A"), ep("10/04/2024")],
    "R4": [ep("01/04/2024", dec="01/06/2024", rec="E4A"), ep("01/02/2025")],
    "R5": [ep("01/09/2024")],
    "R6": [ep("01/09/2024", ls="V3")],  # a short break
    # Children adopted (or not) and when they were placed for adoption.
    "A1": [ep("01/02/2024", dec="01/08/2024", rec="X1"),
           ep("01/08/2024", rne="P", place="A3", ls="E1", dec="01/03/2025", rec="E11")],
    "A2": [ep("01/06/2024", dec="01/09/2024", rec="X1"),
           ep("01/09/2024", rne="P", place="A4", ls="E1", dec="01/10/2024", rec="X1"),
           ep("01/10/2024", rne="P", dec="01/12/2024", rec="X1"),
           ep("01/12/2024", rne="P", place="A5", ls="E1", dec="20/03/2025", rec="E12")],
    "A3": [ep("01/01/2023", dec="15/01/2025", rec="E11")],  # adopted by its foster carers
    "A4": [ep("01/01/2022", dec="01/06/2022", rec="X1"),
           ep("01/06/2022", rne="P", place="A3", ls="E1", dec="01/02/2024", rec="E11")],
    "A5": [ep("01/01/2023", dec="01/06/2023", rec="X1"),
           ep("01/06/2023", rne="P", place="A3", ls="E1", dec="01/11/2024", rec="E45")],
}


@pytest.fixture(scope="module")
def history(module_data):
    load(cut(HISTORY_CHILDREN, HISTORY, P1), module_data / "history", period_end=P1)
    load(cut(HISTORY_CHILDREN, HISTORY, P), module_data / "history")
    return figures()


def test_placement_breakdowns(history):
    # Placement starts in W other than the first of a period of care, with the reason on
    # the episode just before each:
    #   M1 01/06/2024 CREQB (breakdown); M1 01/09/2024 PLACE (left out)
    #   M2 01/08/2024 OTHER (the same-carer T episode's reason, not ALLEG); 01/07 (RNE T) is
    #      no placement start
    #   M3 none in W: its move of 01/03/2024 is before W, T1 is temporary and 10/02/2025 is
    #      the return to the same placement
    #   M4 01/10/2024 CUSTOD (left out); 01/12/2024 CLOSE
    #   M5 15/06/2024 blank reason (in neither); 01/03/2025 CREQO (breakdown)
    #   M6 31/03/2025 (on P) CHILD (breakdown)
    #   A1 01/08/2024, A2 01/09, 01/10, 01/12/2024: blank reasons (in neither)
    # Counted: M1, M2, M4 (CLOSE), M5 (CREQO), M6 = 5 moves; breakdowns M1, M5, M6 = 3. 60.0%.
    check(history, "placement_breakdowns", 3, 5, 60.0)


def test_re_entries_12m(history):
    # Periods of care starting in W (RNE S, not a short break): M2, M4, M5, R1, R2, R3, R4,
    # R5, A2 = 9 children (= cla_starts). The previous period ended 365 days or less before:
    #   R1: 01/12/2023 to 01/11/2024 = 336 days (from the 2023/24 extract's history): yes
    #   R2: 10/04/2023 to 09/04/2024 = 365 days (2024 is a leap year): yes
    #   R3: 10/04/2023 to 10/04/2024 = 366 days: no
    #   R4: two starts in W; the second, 01/02/2025, is 245 days after 01/06/2024: yes, once
    # 3/9 = 33.3%.
    assert (_date("09/04/2024") - _date("10/04/2023")).days == 365
    assert (_date("01/11/2024") - _date("01/12/2023")).days == 336
    row = check(history, "re_entries_12m", 3, 9, 33.3)
    assert history["cla_starts"]["value"] == 9
    assert "came back" not in (row["note"] or "")  # the year before W is loaded


def test_re_entries_12m_without_the_year_before(data_dir, tmp_path):
    # Only the 2024/25 extract: R1's, R2's and R3's earlier periods are not in it (they ended
    # before W), so only R4 counts, and the note says the history is short.
    load(cut(HISTORY_CHILDREN, HISTORY, P), tmp_path)
    row = check(figures(), "re_entries_12m", 1, 9, 11.1)
    assert "hold episodes from 1 Apr 2024 only" in row["note"], row["note"]
    assert "not counted as coming back" in row["note"], row["note"]


def test_adoption_days_to_move_in(history):
    # Leaving care in W by adoption (E11, E12) with an episode placed for adoption (A3-A6)
    # in that period of care:
    #   A1: period from 01/02/2024, placed 01/08/2024: 182 days
    #   A2: period from 01/06/2024, first placed 01/09/2024 (that placement broke down; the
    #       first counts): 92 days
    # A3 was adopted by its foster carers with no A3-A6 episode (left out), A4 was adopted
    # before W, A5 left by special guardianship. (182 + 92) / 2 = 137.0 days.
    assert (_date("01/08/2024") - _date("01/02/2024")).days == 182
    assert (_date("01/09/2024") - _date("01/06/2024")).days == 92
    row = check(history, "adoption_days_to_move_in", 274, 2, 137.0)
    assert row["unit"] == "score" and row["polarity"] == "down"
