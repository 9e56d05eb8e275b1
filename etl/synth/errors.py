"""A small, documented set of deliberate errors for the bundled sample, so the rejects report
and the data-quality page have something real to show. Each is listed (folder, file, row
counting the header as row 1, column, value, the DfE rule expected to catch it) in
INJECTED_ERRORS.md. Two are traps for the loader rather than errors: a padded lower-case
code that is valid once trimmed and upper-cased, and a spreadsheet formula in a text field.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.synth.extract import FILES, Window
from schemas.codes import PLACE_TEMPORARY

FORMULA = '=HYPERLINK("http://x","y")'


@dataclass
class Injected:
    folder: str
    file: str
    row: int  # line in the file, the header being line 1
    column: str
    value: str
    was: str
    rule: str
    what: str


def _pick(rng, candidates: np.ndarray) -> int:
    if len(candidates) == 0:
        raise RuntimeError("no row to inject an error into")
    return int(candidates[rng.integers(0, len(candidates))])


def _set(frames, w: Window, table: str, i: int, column: str, value: str, rule: str,
         what: str) -> Injected:
    df = frames[table]
    was = df.at[i, column]
    df.at[i, column] = value
    return Injected(w.folder, FILES[table], i + 2, column, value, was, rule, what)


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")


def inject(frames: dict[str, pd.DataFrame], w: Window, seed: int) -> list[Injected]:
    """Errors for the sample's folders (none for other folders)."""
    rng = np.random.default_rng([seed, 99, w.period_end.toordinal()])
    eps, hdr = frames["Episodes"], frames["Header"]
    out: list[Injected] = []
    if w.folder == "2023-24":
        i = _pick(rng, np.flatnonzero(hdr["ETHNIC"] == "WBRI"))
        out.append(_set(frames, w, "Header", i, "ETHNIC", "WBR", "103",
                        "ethnicity code not in the list"))
        scored = frames["OC2"]["SDQ_SCORE"] != ""
        i = _pick(rng, np.flatnonzero(scored))
        out.append(_set(frames, w, "OC2", i, "SDQ_SCORE", "45", "180",
                        "SDQ score above the maximum of 40"))
    elif w.folder == "2024-25":
        i = _pick(rng, np.flatnonzero(frames["Reviews"]["REVIEW"].str.endswith("/2025")))
        out.append(_set(frames, w, "Reviews", i, "REVIEW", "31/02/2025", "166",
                        "impossible date"))
        # A leaver whose only episode is a short stay this year: its end put before its start.
        n = eps.groupby("CHILD")["CHILD"].transform("size")
        ok = ((n == 1) & (eps["RNE"] == "S") & ~eps["REC"].isin(["", "X1"])
              & ~eps["LS"].isin(["V3", "V4"])
              & (_dates(eps["DECOM"]) >= pd.Timestamp(w.period_end.year - 1, 4, 8)))
        i = _pick(rng, np.flatnonzero(ok))
        before = (_dates(eps["DECOM"])[i] - pd.Timedelta(days=7)).strftime("%d/%m/%Y")
        out.append(_set(frames, w, "Episodes", i, "DEC", before, "356",
                        "episode ends before it starts"))
        i = _pick(rng, np.flatnonzero(eps["PLACE"] == "U4"))
        out.append(_set(frames, w, "Episodes", i, "PLACE", " u4", "none",
                        "lower case with a leading space: valid once trimmed and upper-cased, "
                        "so the loader must accept it"))
    elif w.folder == "2025-26":
        # An episode starting five days before the previous one ended; not the child's last,
        # with no review while it lasts, and not a temporary placement (whose length limits
        # other rules check), so keeping it out leaves a gap in the history and nothing else.
        same_child = eps["CHILD"].eq(eps["CHILD"].shift())
        followed = eps["CHILD"].eq(eps["CHILD"].shift(-1))
        prev_dec, decom = _dates(eps["DEC"].shift()), _dates(eps["DECOM"])
        prev_decom = _dates(eps["DECOM"].shift())
        ok = (same_child & followed & (eps["RNE"] == "P") & (prev_dec == decom)
              & (decom - prev_decom > pd.Timedelta(days=30))
              & ~eps["PLACE"].isin(PLACE_TEMPORARY) & ~_reviewed_during(eps, frames["Reviews"]))
        i = _pick(rng, np.flatnonzero(ok))
        earlier = (decom[i] - pd.Timedelta(days=5)).strftime("%d/%m/%Y")
        out.append(_set(frames, w, "Episodes", i, "DECOM", earlier,
                        "501, 433 (and 388 on the row before)",
                        "episode overlaps the previous one"))
        out += _drop_header_row(frames, w, rng)
        male = np.flatnonzero((frames["Header"]["SEX"] == "M")
                              & ~frames["Header"]["CHILD"].isin(frames["UASC"]["CHILD"]))
        i = _pick(rng, male)
        out.append(_set(frames, w, "Header", i, "SEX", "1", "101",
                        "SEX code 1 was replaced by M/F/U from 2024/25"))
    elif w.folder == "2026-27-Q1":
        # On a new carer's episode that is the child's last, so no episode-to-episode check
        # (434-436) compares it with a neighbour.
        last = ~eps["CHILD"].eq(eps["CHILD"].shift(-1))
        i = _pick(rng, np.flatnonzero(eps["URN"].str.startswith("SC") & last
                                      & eps["RNE"].isin(["S", "P", "B"])))
        out.append(_set(frames, w, "Episodes", i, "URN", FORMULA,
                        "none (URN checks need Ofsted's provider lists)",
                        "a spreadsheet formula in a text field: the loader must not let it "
                        "reach a report as a live formula"))
    elif w.folder == "2026-27-Q2":
        i = _pick(rng, np.flatnonzero(frames["Missing"]["MISSING"] == "M"))
        out.append(_set(frames, w, "Missing", i, "MISSING", "X", "1006",
                        "missing type neither M nor A"))
    return out


def _reviewed_during(eps: pd.DataFrame, reviews: pd.DataFrame) -> pd.Series:
    """Per episode: the child had a review from its start to its end."""
    spans = pd.DataFrame({"row": eps.index, "CHILD": eps["CHILD"], "start": _dates(eps["DECOM"]),
                          "end": _dates(eps["DEC"]).fillna(pd.Timestamp.max)})
    both = spans.merge(pd.DataFrame({"CHILD": reviews["CHILD"],
                                     "review": _dates(reviews["REVIEW"])}), on="CHILD")
    during = both.loc[both["review"].between(both["start"], both["end"]), "row"]
    return pd.Series(eps.index.isin(during), index=eps.index)


def _drop_header_row(frames, w: Window, rng) -> list[Injected]:
    """A child left out of the Header; chosen among children who appear only in Episodes
    (and social worker episodes, which DfE does not cross-check), so one rule shows it: in
    none of the local extracts either, whose rows would be reported as not in the Header."""
    hdr = frames["Header"]
    elsewhere = set()
    for table in ("Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption", "PrevPerm",
                  "Missing", "Education", "Permanence", "Siblings", "Voice", "CareLeavers"):
        elsewhere |= set(frames[table]["CHILD"])
    eps = frames["Episodes"]
    only_eps = np.array(sorted(set(eps["CHILD"]) - elsewhere), dtype=object)
    child = only_eps[rng.integers(0, len(only_eps))]
    frames["Header"] = hdr[hdr["CHILD"] != child].reset_index(drop=True)
    return [Injected(w.folder, FILES["Episodes"], int(i) + 2, "CHILD", child, child, "INT03",
                     "child in Episodes but missing from Header")
            for i in np.flatnonzero(eps["CHILD"] == child)]


def write_injected(path: Path, injected: list[Injected]) -> None:
    lines = [
        "# Deliberate errors in the sample data",
        "",
        "The bundled synthetic extracts carry these deliberate errors so the rejects report and",
        "the data-quality page have something real to show (`cpd synth sample_data --sample`",
        "writes them; `--clean` leaves them out). Row = line in the file, the header being",
        "line 1. Everything else is valid; the rules DfE's validator still reports on valid",
        "rows are listed below the table.",
        "",
        "| folder | file | row | column | value | was | expected DfE rule | what |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for x in injected:
        cells = [x.folder, x.file, str(x.row), x.column, f"`{x.value}`", f"`{x.was}`",
                 x.rule, x.what]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    path.write_text("\n".join(lines) + "\n" + VALID_ROWS_FLAGGED, encoding="utf-8")


VALID_ROWS_FLAGGED = """
## Rules that fire on valid rows

Run over each folder (`.venv-903/bin/python tools/validate_903.py FOLDER --collection-year
YYYY/YY`), DfE's validator (`csc-validator-be-903` 0.1.17) also reports these on correct rows:

- `SW12STG2`, every year: children who came back into care during the year. DfE asks for
  all their social worker episodes in the year, including those before the new period of
  care began; the rule expects each one to start on or after the new `S` episode.
- `146`, 2024/25: every `K3` episode (the validator's 2024/25 code list has `k3` in lower
  case; its 2025/26 rules are fixed).
- `218`, from 2025/26: every short-break (`V3`/`V4`) episode. The rule now asks almost every
  placement for a URN, while rule `214` forbids placement location details (`PL_POST`,
  `URN`) on short breaks; the sample follows `214`.
- `241`, from 2025/26: `K3` placements outside the LA (the rule compares the placement's LA
  with the reporting LA, not with the provider's LA from Ofsted's lists).
- In-year folders (2026-27-Q1, 2026-27-Q2) are checked against the whole 2026/27 year, and
  the validator fills a blank `DEC` with 31 March 2027: an episode still open at the
  quarter end then seems to last until March (`361`, `362`, `365`, `367`, `376`), and a
  missing incident still open at the period end seems to outlast its placement (`575`,
  `577`; also in an annual folder when an incident is open on 31 March).
- `231` and `233` never run (they read columns the CSV reader does not create).

With last year's folder given (`--previous`), also: `202` (SEX changed from 1/2 to M/F in
2024/25), `624` (a young mother who is now only a care leaver: `MC_DOB` must be blank when
`MOTHER` is, rules 612 and 628) and `1001`/`1002` (care leavers who left care before last
year: the validator sees only two years of episodes).
"""
