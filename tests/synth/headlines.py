"""Headline figures measured on written extracts, following the definitions in
indicators.md closely enough to check the generator's calibration (the product's own
indicator code is the authority; this is an independent reading of the CSVs)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from etl.synth import geography
from etl.synth.extract import FILES

TEMP = {"T0", "T1", "T2", "T3", "T4"}
FOSTER = {f"U{i}" for i in range(1, 7)}


def read(folder: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for table, name in FILES.items():
        df = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        for col in df.columns:
            if col in ("DOB", "DECOM", "DEC", "REVIEW", "DUC", "MIS_START", "MIS_END",
                       "SW_DECOM", "SW_DEC", "PEP_REVIEW_DATE", "MC_DOB"):
                df[col + "_d"] = pd.to_datetime(df[col], format="%d/%m/%Y", errors="coerce")
        out[table] = df
    return out


def _history(extracts: list[dict], current: dict) -> pd.DataFrame:
    """The current extract's episodes plus, per child, earlier extracts' episodes ending on or
    before the child's earliest episode in the current one (the latest extract wins)."""
    eps = current["Episodes"]
    first = eps.groupby("CHILD")["DECOM_d"].min()
    parts = [eps]
    for older in reversed(extracts):
        e = older["Episodes"]
        lim = e["CHILD"].map(first)
        add = e[lim.notna() & (e["DEC_d"] <= lim) & (e["DEC"] != "")]
        parts.append(add)
        first = pd.concat([first, add.groupby("CHILD")["DECOM_d"].min()]).groupby(level=0).min()
    h = pd.concat(parts).drop_duplicates(["CHILD", "DECOM"]).sort_values(["CHILD", "DECOM_d"])
    return h.reset_index(drop=True)


def _pct(num, den):
    return None if den == 0 else round(100 * num / den, 1)


def _age(dob: pd.Series, when: pd.Timestamp) -> pd.Series:
    years = when.year - dob.dt.year
    before = (when.month < dob.dt.month) | ((when.month == dob.dt.month) & (when.day < dob.dt.day))
    return years - before.astype(int)


def headlines(folders: list[Path], period_ends: list[dt.date], la_code: str,
              population: int) -> dict:
    """Figures for the last folder; earlier folders (oldest first) supply episode history."""
    extracts = [read(f) for f in folders]
    cur = extracts[-1]
    P = pd.Timestamp(period_ends[-1])
    W0 = P - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    hdr = cur["Header"].set_index("CHILD")
    h = _history(extracts[:-1], cur)
    h = h[~h["LS"].isin(["V3", "V4"])].copy()
    open_ = h["DEC"] == ""
    cla_eps = h[open_ & (h["DECOM_d"] <= P)].drop_duplicates("CHILD", keep="last")
    cla = cla_eps["CHILD"]
    n = len(cla)
    out = {"cla_at_period_end": n, "cla_rate_per_10k": round(10_000 * n / population, 1)}

    uasc = cur["UASC"]
    uasc_now = set(uasc.loc[(uasc["DUC"] == "") | (uasc["DUC_d"] > P), "CHILD"])
    out["uasc_share"] = _pct(cla.isin(uasc_now).sum(), n)
    place = cla_eps["PLACE"].str.strip().str.upper()
    out["family_based_placements"] = _pct(place.isin(FOSTER).sum(), n)
    out["kinship_share"] = _pct(place.isin({"U1", "U2", "U3"}).sum(), place.isin(FOSTER).sum())
    out["children_homes_share"] = _pct((place == "K2").sum(), n)

    geo = geography.load(la_code)
    where = pd.DataFrame({"e": geo.east, "n": geo.north, "la": geo.utla},
                         index=pd.Index(geo.postcode))
    pl = where.reindex(cla_eps["PL_POST"].to_numpy())
    home = where.reindex(cla_eps["HOME_POST"].to_numpy())
    has_pl = pl["la"].notna().to_numpy()
    out["placed_out_of_area"] = _pct((has_pl & (pl["la"].to_numpy() != la_code)).sum(),
                                     has_pl.sum())
    both = has_pl & home["la"].notna().to_numpy() & ~cla.isin(uasc_now).to_numpy()
    miles = np.hypot(pl["e"].to_numpy() - home["e"].to_numpy(),
                     pl["n"].to_numpy() - home["n"].to_numpy()) / 1609.344
    out["placed_over_20_miles"] = _pct((both & (miles > 20)).sum(), both.sum())

    # Placements: starts are S/P/B episodes other than temporary ones and returns from them.
    prev_temp = h["PLACE"].shift().isin(TEMP) & h["CHILD"].eq(h["CHILD"].shift())
    before_temp = h.groupby("CHILD")["PLACE"].shift(2)
    back = prev_temp & (h["PLACE"] == before_temp)
    start = h["RNE"].isin(["S", "P", "B"]) & ~h["PLACE"].isin(TEMP) & ~back
    start |= ~h["CHILD"].eq(h["CHILD"].shift())  # a history's first episode starts one
    h["placement"] = start.cumsum()
    h["end_d"] = h["DEC_d"].fillna(pd.Timestamp("2100-01-01"))
    plc = h.groupby("placement").agg(CHILD=("CHILD", "first"), start=("DECOM_d", "first"),
                                     end=("end_d", "last"))
    overlapping = plc[(plc["start"] <= P) & (plc["end"] > W0 - pd.Timedelta(days=1))]
    count = overlapping.groupby("CHILD").size()
    out["placement_stability_short"] = _pct((cla.map(count).fillna(0) >= 3).sum(), n)

    period_start = h[h["RNE"] == "S"].groupby("CHILD")["DECOM_d"].max()
    period_start = period_start.combine_first(h.groupby("CHILD")["DECOM_d"].min())
    current_plc = plc.loc[h.set_index("CHILD").loc[cla, "placement"].groupby(level=0).max()]
    current_plc = current_plc.set_index("CHILD")["start"]
    age = _age(hdr.loc[cla, "DOB_d"], P)
    long_care = cla[(age.to_numpy() < 16)
                    & (cla.map(period_start) <= P - pd.Timedelta(days=913)).to_numpy()]
    out["placement_stability_long"] = _pct(
        (long_care.map(current_plc) <= P - pd.Timedelta(days=730)).sum(), len(long_care))

    during = h[(h["DECOM_d"] <= P) & (h["DEC_d"].isna() | (h["DEC_d"] > W0 - pd.Timedelta(days=1)))]
    during_children = set(during["CHILD"])
    m = cur["Missing"]
    m = m[(m["MIS_START_d"] >= W0) & (m["MIS_START_d"] <= P) & m["CHILD"].isin(during_children)]
    out["missing_children"] = _pct(m.loc[m["MISSING"] == "M", "CHILD"].nunique(),
                                   len(during_children))
    out["away_children"] = _pct(m.loc[m["MISSING"] == "A", "CHILD"].nunique(), len(during_children))

    leaving = h[(h["DEC_d"] >= W0) & (h["DEC_d"] <= P) & ~h["REC"].isin(["", "X1"])]
    last_leaving = leaving.drop_duplicates("CHILD", keep="last")
    out["cla_ceased"] = len(last_leaving)
    out["permanence_exits"] = _pct(last_leaving["REC"].isin(
        ["E11", "E12", "E41", "E45", "E46", "E47", "E48"]).sum(), len(last_leaving))
    out["returned_home"] = _pct(last_leaving["REC"].isin(["E4A", "E4B"]).sum(), len(last_leaving))
    adult = last_leaving[(last_leaving["DEC_d"] >= last_leaving["CHILD"].map(
        hdr["DOB_d"] + pd.DateOffset(years=18))) & last_leaving["PLACE"].isin(FOSTER)]
    out["staying_put"] = _pct((adult["REC"] == "E17").sum(), len(adult))

    year_ago = P - pd.DateOffset(years=1)
    cohort = cla[(cla.map(period_start) <= year_ago).to_numpy()]
    oc2 = cur["OC2"].set_index("CHILD").reindex(cohort)
    out["oc2_cohort"] = len(cohort)
    for col, name in (("HEALTH_ASSESSMENT", "health_assessment"), ("TEETH_CHECK", "dental_check"),
                      ("IMMUNISATIONS", "immunisations")):
        out[name] = _pct((oc2[col] == "1").sum(), len(cohort))
    age_c = _age(hdr.loc[cohort, "DOB_d"], P).to_numpy()
    under5 = oc2["HEALTH_CHECK"].to_numpy()[age_c < 5]
    out["health_surveillance_under5"] = _pct((under5 == "1").sum(), len(under5))
    sdq_age = (age_c >= 5) & (age_c <= 16)
    scores = pd.to_numeric(oc2["SDQ_SCORE"].to_numpy()[sdq_age], errors="coerce")
    scores = scores[~np.isnan(scores)]
    out["sdq_completion"] = _pct(len(scores), sdq_age.sum())
    out["sdq_average"] = round(float(scores.mean()), 1) if len(scores) else None
    out["sdq_concern"] = _pct((scores >= 17).sum(), len(scores))
    out["convictions"] = _pct((oc2["CONVICTED"].to_numpy()[age_c >= 10] == "1").sum(),
                              (age_c >= 10).sum())
    out["substance_misuse"] = _pct((oc2["SUBSTANCE_MISUSE"] == "1").sum(), len(cohort))

    oc3 = cur["OC3"].copy()
    oc3["age"] = _age(oc3["DOB_d"], P)
    for band, ages in (("17_18", (17, 18)), ("19_21", (19, 20, 21))):
        rows = oc3[oc3["age"].isin(ages) & ~oc3["IN_TOUCH"].isin(["DIED", "RHOM"])]
        out[f"care_leavers_in_touch_{band}"] = _pct((rows["IN_TOUCH"] == "YES").sum(), len(rows))
        out[f"care_leavers_eet_{band}"] = _pct(rows["ACTIV"].isin(
            ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"]).sum(), len(rows))
        out[f"care_leavers_suitable_accom_{band}"] = _pct(rows["ACCOM"].str.endswith("1").sum(),
                                                          len(rows))
        if band == "19_21":
            out["care_leavers_higher_education_19_21"] = _pct(
                rows["ACTIV"].isin(["F1", "P1"]).sum(), len(rows))

    r = cur["Reviews"]
    r = r[r["REVIEW_d"].between(W0, P)]
    coded = r[r["REVIEW_CODE"].isin([f"PN{i}" for i in range(1, 8)])]
    out["review_participation"] = _pct(coded["REVIEW_CODE"].isin(
        ["PN1", "PN2", "PN3", "PN5", "PN6"]).sum(), len(coded))

    sw = cur["SWEpisodes"]
    sw = sw[sw["CHILD"].isin(set(cla))].sort_values(["CHILD", "SW_DECOM_d"])
    later = sw[sw["CHILD"].eq(sw["CHILD"].shift()) & sw["SW_DECOM_d"].between(W0, P)]
    out["sw_changes_2plus"] = _pct((cla.map(later.groupby("CHILD").size()).fillna(0) >= 2).sum(), n)

    ed = cur["Education"].set_index("CHILD")
    age_p = _age(hdr.loc[cla, "DOB_d"], P).to_numpy()
    school = cla[(age_p >= 5) & (age_p <= 15)]
    pep = ed["PEP_REVIEW_DATE_d"].reindex(school)
    in_date = (pep >= P - pd.DateOffset(months=6)) & (pep <= P)
    out["pep_in_date"] = _pct(in_date.sum(), len(school))
    att = pd.to_numeric(ed["ATTENDANCE_PCT"].reindex(school), errors="coerce").dropna()
    out["persistent_absence"] = _pct((att < 90).sum(), len(att))
    moves = pd.to_numeric(ed["SCHOOL_MOVES_12M"].reindex(school), errors="coerce").dropna()
    out["school_moves"] = _pct((moves >= 1).sum(), len(moves))
    return out
