"""Cross-record rules that fit one extract (ssda903.md, "Cross-file and cross-record checks").

Each rule is a function of one table's normalised frame (and the extract `Context`) that
returns a boolean Series, True where the row passes; `checks_for` hands them to the pandera
schema as dataframe-wide checks named by rule code. Rules never change the frames they read.
A value a column check already rejects (an unparseable date) passes here, so one mistake is
reported once.
"""
from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.codes import LS_SHORT_BREAK, PLACE_TEMPORARY, REC_ADOPTED, codes_for, collection_year
from schemas.dates import age_on, parse_dates, text_array
from schemas.rules import NOT_IN_HEADER, ONCE_PER_CHILD
from schemas.tables import TABLES


@dataclass
class Context:
    """The whole extract, normalised, as the cross-record rules need it."""

    period_end: dt.date
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def year(self) -> str:
        return collection_year(self.period_end)

    @cached_property
    def header_pool(self) -> pa.Array:
        """The Header's children as one Arrow array, for `among` (built once, not once per
        table that checks its children against it). Empty without a Header."""
        header = self.frames.get("Header")
        if header is None:
            return pa.array([], type=pa.large_string())
        return pc.unique(text_array(header["CHILD"]))

    @cached_property
    def oc2_pool(self) -> pa.Array:
        return pa.array(list(self.oc2_cohort), type=pa.large_string())

    def distinct(self, df: pd.DataFrame) -> pd.Series:
        """True for the first of identical rows: the duplicate check and the key check both
        need it, over every column of the same table, so it is worked out once."""
        # by weak reference: a frame held here would outlive its validation, and pandera's
        # finaliser for it would then run at interpreter exit
        held = self._distinct.get(id(df))
        if held is None or held[0]() is not df:
            held = self._distinct[id(df)] = (weakref.ref(df), ~df.duplicated(keep="first"))
        return held[1]

    _distinct: dict = field(default_factory=dict, repr=False)

    @cached_property
    def dob(self) -> pd.Series:
        """Date of birth by CHILD, from Header (first row per child)."""
        header = self.frames.get("Header")
        if header is None:
            return pd.Series(dtype="datetime64[ns]")
        first = header.drop_duplicates("CHILD")
        return pd.Series(parse_dates(first["DOB"]).to_numpy(), index=first["CHILD"])

    @cached_property
    def episodes(self) -> pd.DataFrame:
        """Episodes with parsed dates (CHILD, DECOM, DEC, open-ended flag, LS, RNE)."""
        eps = self.frames.get("Episodes")
        if eps is None:
            return pd.DataFrame(columns=["CHILD", "DECOM", "DEC", "OPEN", "LS", "RNE"])
        return pd.DataFrame({
            "CHILD": eps["CHILD"], "DECOM": parse_dates(eps["DECOM"]), "DEC": parse_dates(eps["DEC"]),
            "OPEN": eps["DEC"] == "", "LS": eps["LS"], "RNE": eps["RNE"],
        })

    @cached_property
    def oc2_cohort(self) -> set[str]:
        """DfE's OC2 cohort, as the OC2 file is written: children looked after at 31 March
        ending the collection year whose latest period of care in this extract began at least
        a year before it (or before the extract's window), with no short break since it began.
        An in-year extract's open episodes are taken to run on to 31 March, as its OC2 rows
        are for the children expected in that cohort; one ending on 31 March itself counts,
        as in DfE's own check (the indicators' cohort, at P, is in sql/05_int_cohorts.sql)."""
        eps = self.episodes
        p = pd.Timestamp(int(self.year[:4]) + 1, 3, 31)
        short_break = eps["LS"].isin(LS_SHORT_BREAK)
        care = eps[~short_break]
        open_at_p = care[(care["DECOM"] <= p) & (care["OPEN"] | (care["DEC"] >= p))]
        latest_start = care[care["RNE"] == "S"].groupby("CHILD")["DECOM"].max()
        starts = latest_start.reindex(open_at_p["CHILD"].unique())
        year_before = p - pd.DateOffset(years=1)
        cohort = starts[starts.isna() | (starts <= year_before)]
        breaks = eps[short_break].merge(cohort.rename("START"), left_on="CHILD", right_index=True)
        broken = breaks[breaks["START"].isna() | (breaks["OPEN"] | (breaks["DEC"] > breaks["START"]))]
        return set(cohort.index) - set(broken["CHILD"])


def _ordered_overlap(children: pd.Series, starts: pd.Series, ends: pd.Series,
                     open_ended: pd.Series, only_ended: bool = False) -> pd.Series:
    """True where a record starts before the same child's previous record has ended: still
    open, or with an end date after this start (only the latter with `only_ended`)."""
    order = pd.DataFrame({"c": children, "s": starts, "e": ends, "o": open_ended}) \
        .sort_values(["c", "s"], kind="stable")
    same_child = order["c"].eq(order["c"].shift())
    prev_open = order["o"].shift(fill_value=False).astype(bool)
    before_end = ~prev_open & (order["s"] < order["e"].shift())
    clash = same_child & order["s"].notna() & (before_end if only_ended else
                                               prev_open | before_end)
    return clash.reindex(children.index, fill_value=False)


def among(values: pd.Series, pool) -> pd.Series:
    """`values.isin(pool)` for a large pool of identifiers. pandas' own isin on its Arrow
    strings makes a scalar of every member of the pool first: a second or more per table for
    a 30,000-child Header."""
    text = text_array(values)
    if not isinstance(pool, pa.Array):
        pool = pa.array(list(pool), type=text.type)
    found = pc.is_in(text, value_set=pool.cast(text.type))
    return pd.Series(pc.fill_null(found, False).to_numpy(zero_copy_only=False),
                     index=values.index)


# --- rules for every table ------------------------------------------------------------------

def _distinct(ctx: Context | None, df: pd.DataFrame) -> pd.Series:
    return ctx.distinct(df) if ctx is not None else ~df.duplicated(keep="first")


def _exact_duplicate(ctx: Context | None):
    return lambda df: _distinct(ctx, df)


def _key_clash(key: tuple[str, ...], ctx: Context | None):
    def check(df: pd.DataFrame) -> pd.Series:
        distinct = _distinct(ctx, df)
        clash = df[distinct].duplicated(subset=list(key), keep=False)
        return ~clash.reindex(df.index, fill_value=False)
    return check


def _in_header(ctx: Context):
    return lambda df: among(df["CHILD"], ctx.header_pool)


# --- Episodes -------------------------------------------------------------------------------

def _dec_not_before_decom(df):
    return ~(parse_dates(df["DEC"]) < parse_dates(df["DECOM"]))


def _dec_not_decom(df):
    return ~(parse_dates(df["DEC"]).notna() & (parse_dates(df["DEC"]) == parse_dates(df["DECOM"])))


def _rec_with_dec(df):
    return (df["DEC"] == "") == (df["REC"] == "")


def _starts_before_previous_ended(df):
    """DfE 501: an episode starting before the previous one's end date (one left open is
    142's, `_closed_before_next`)."""
    return ~_ordered_overlap(df["CHILD"], parse_dates(df["DECOM"]), parse_dates(df["DEC"]),
                             df["DEC"] == "", only_ended=True)


def _closed_before_next(df):
    """DfE 142, on the episode at fault: one left open (no DEC) while a later episode of the
    same child has begun. Both rows are kept; the derived layer ends it where the next
    begins (sql/01_int_episodes.sql)."""
    order = pd.DataFrame({"c": df["CHILD"], "s": parse_dates(df["DECOM"])}).sort_values(
        ["c", "s"], kind="stable")
    later = order["c"].eq(order["c"].shift(-1)) & order["s"].shift(-1).notna()
    open_ = (df["DEC"] == "").reindex(order.index)
    return ~(later & open_ & order["s"].notna()).reindex(df.index, fill_value=False)


# Placement types a provider code may not go with (DfE 527-531), and PR0's only one (550).
_PROVIDER_NOT_WITH = {
    "527": ("PR1", {"P1", "R2", "R5"}),
    "528": ("PR2", {"P1", "R2", "R5"}),
    "529": ("PR3", {"P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5",
                    "U6"}),
    "530": ("PR4", {"P1"}),
    "531": ("PR5", {"P1"}),
}


def _provider_not_needed(no_provider: set[str]):
    return lambda df: ~(df["PLACE"].isin(no_provider) & (df["PLACE_PROVIDER"] != ""))


def _provider_needed(no_provider: set[str]):
    return lambda df: ~(~df["PLACE"].isin(no_provider) & (df["PLACE_PROVIDER"] == ""))


def _provider_not_with(provider: str, places: set[str]):
    return lambda df: ~((df["PLACE_PROVIDER"] == provider) & df["PLACE"].isin(places))


def _pr0_only_with_parents(df):
    return ~((df["PLACE_PROVIDER"] == "PR0") & (df["PLACE"] != "P1"))


def _dob(ctx: Context, children: pd.Series) -> pd.Series:
    """Each row's child's date of birth from Header (NaT for a child not in it)."""
    return pd.Series(ctx.dob.reindex(children).to_numpy(), index=children.index)


def _born_before_decom(ctx: Context):
    def check(df):
        return ~(_dob(ctx, df["CHILD"]) > parse_dates(df["DECOM"]))
    return check


def _not_adopted_after_18(ctx: Context):
    def check(df):
        dob = pd.to_datetime(_dob(ctx, df["CHILD"]))
        dec = parse_dates(df["DEC"])
        adult = age_on(dob, dec) >= 18
        return ~(df["REC"].isin(REC_ADOPTED) & adult.fillna(False).astype(bool))
    return check


# --- Missing, social workers, reviews, OC2 --------------------------------------------------

def _missing_no_overlap(df):
    return ~_ordered_overlap(df["CHILD"], parse_dates(df["MIS_START"]), parse_dates(df["MIS_END"]),
                             df["MIS_END"] == "")


def _missing_end_after_start(df):
    return ~(parse_dates(df["MIS_END"]) < parse_dates(df["MIS_START"]))


def _sw_end_after_start(df):
    return ~(parse_dates(df["SW_DEC"]) < parse_dates(df["SW_DECOM"]))


def _review_in_care(ctx: Context):
    def check(df):
        reviews = pd.DataFrame({"CHILD": df["CHILD"], "REVIEW": parse_dates(df["REVIEW"]),
                                "row": df.index})
        spans = ctx.episodes[["CHILD", "DECOM", "DEC", "OPEN"]]
        joined = reviews.merge(spans, on="CHILD", how="inner")
        inside = (joined["DECOM"] <= joined["REVIEW"]) & (
            joined["OPEN"] | (joined["REVIEW"] <= joined["DEC"]))
        ok_rows = set(joined.loc[inside, "row"]) | set(reviews.loc[reviews["REVIEW"].isna(), "row"])
        return pd.Series(df.index.isin(list(ok_rows)), index=df.index)
    return check


def _oc2_in_cohort(ctx: Context):
    return lambda df: among(df["CHILD"], ctx.oc2_pool)


def _cohort_has_oc2(ctx: Context):
    """Checked on Header: a cohort child with no OC2 row is reported against its Header row."""
    def check(df):
        with_oc2 = text_array(ctx.frames["OC2"]["CHILD"])
        return ~(among(df["CHILD"], ctx.oc2_pool) & ~among(df["CHILD"], with_oc2))
    return check


def _sdq_for_4_to_16(ctx: Context):
    def check(df):
        age = age_on(parse_dates(df["DOB"]), ctx.period_end)
        needs = age.between(4, 16).fillna(False).astype(bool) & among(df["CHILD"],
                                                                      ctx.oc2_pool)
        return ~(needs & (df["SDQ_SCORE"] == "") & (df["SDQ_REASON"] == ""))
    return check


# --- The local extracts of the seeds' commitments ---------------------------------------------

# A care leaver up to 21 has an OC3 row, so a Header row, in the extract of the collection
# year in which they had a birthday: an annual extract holds them all, an in-year one those
# whose birthday fell between 1 April and its period end. Older ones are in no 903.
CARE_LEAVER_OC3_AGES = 21
CARE_LEAVER_AGES = (18, 25)


def _care_leaver_in_header(ctx: Context):
    def check(df):
        dob = parse_dates(df["DOB"])
        age = age_on(dob, ctx.period_end)
        before_year = dt.date(int(ctx.year[:4]), 3, 31)
        birthday_so_far = age > age_on(dob, before_year)
        expected = ((age <= CARE_LEAVER_OC3_AGES) & birthday_so_far).fillna(False).astype(bool)
        return ~expected | among(df["CHILD"], ctx.header_pool)
    return check


def _care_leaver_age(ctx: Context):
    def check(df):
        age = age_on(parse_dates(df["DOB"]), ctx.period_end)
        low, high = CARE_LEAVER_AGES
        return age.between(low, high).fillna(True).astype(bool)
    return check


def _sibling_group_of_two_or_more(df):
    return df["SIBLING_GROUP"].eq("") | df["SIBLING_GROUP"].duplicated(keep=False)


def _apart_reason_only_when_apart(df):
    return ~((df["PLACED_TOGETHER"] == "Y") & (df["APART_REASON"] != ""))


def _visitor_matched_after_offer(df):
    return ~((df["IV_MATCHED"] == "Y") & (df["IV_OFFERED"] != "Y"))


def checks_for(table: str, ctx: Context | None) -> list[tuple[str, object]]:
    """(rule code, check) pairs for a table; cross-file rules only when the extract has the
    file they join to."""
    spec = TABLES[table]
    checks: list[tuple[str, object]] = [("CPD-DUPLICATE", _exact_duplicate(ctx))]
    if spec.key:
        checks.append((ONCE_PER_CHILD.get(table, "CPD-KEY"), _key_clash(spec.key, ctx)))
    has_header = ctx is not None and "Header" in ctx.frames
    has = (lambda name: ctx is not None and name in ctx.frames)
    if has_header and table == "CareLeavers":
        checks.append(("CPD-CARE-LEAVER-NOT-IN-903", _care_leaver_in_header(ctx)))
    elif has_header and table != "Header" and "CHILD" in spec.columns:
        checks.append((NOT_IN_HEADER.get(table, "CPD-NOT-IN-HEADER"), _in_header(ctx)))
    if table == "Header" and has("OC2") and has("Episodes"):
        checks.append(("191", _cohort_has_oc2(ctx)))
    elif table == "Episodes":
        no_provider = set(codes_for(ctx.year)["PLACE_NO_PROVIDER"]) if ctx else set(
            PLACE_TEMPORARY)
        checks += [("356", _dec_not_before_decom), ("355", _dec_not_decom),
                   ("148", _rec_with_dec), ("142", _closed_before_next),
                   ("501", _starts_before_previous_ended),
                   ("213", _provider_not_needed(no_provider)),
                   ("526", _provider_needed(no_provider)), ("550", _pr0_only_with_parents)]
        checks += [(code, _provider_not_with(provider, places))
                   for code, (provider, places) in _PROVIDER_NOT_WITH.items()]
        if has_header:
            checks += [("302", _born_before_decom(ctx)), ("386", _not_adopted_after_18(ctx))]
    elif table == "Missing":
        checks += [("574", _missing_no_overlap), ("CPD-MISSING-END", _missing_end_after_start)]
    elif table == "SWEpisodes":
        checks.append(("CPD-SW-END", _sw_end_after_start))
    elif table == "Reviews" and has("Episodes"):
        checks.append(("CPD-REVIEW-OUTSIDE-CARE", _review_in_care(ctx)))
    elif table == "OC2" and has("Episodes"):
        checks += [("190", _oc2_in_cohort(ctx)), ("186", _sdq_for_4_to_16(ctx))]
    elif table == "Siblings":
        checks += [("CPD-SIBLING-GROUP", _sibling_group_of_two_or_more),
                   ("CPD-APART-REASON", _apart_reason_only_when_apart)]
    elif table == "Voice":
        checks.append(("CPD-IV-NOT-OFFERED", _visitor_matched_after_offer))
    elif table == "CareLeavers" and ctx is not None:
        checks.append(("CPD-CARE-LEAVER-AGE", _care_leaver_age(ctx)))
    return checks
