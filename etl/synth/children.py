"""The children: who starts to be looked after, when, and at what age; their sex, ethnicity,
identifiers (synthetic CHILD ids, well-formed UPNs) and whether they are unaccompanied asylum
seekers or disabled children who only have short breaks.

Proportions follow DfE's children looked after in England statistics: about a fifth of
starters are babies, a fifth are 16-17; boys are a small majority; unaccompanied asylum
seekers are almost all boys of 16-17 and mostly not white.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas.codes import ETHNIC

# Age at first entry (non-UASC), years: (low, high, share).
AGE_AT_ENTRY = [(0, 1, 0.23), (1, 5, 0.17), (5, 10, 0.20), (10, 16, 0.28), (16, 18, 0.12)]
NEWBORN_SHARE = 0.45  # of babies: removed in their first week
UASC_SHARE = 0.19  # of first entries
SHORT_BREAK_SHARE = 0.05  # disabled children who only have short breaks, per first entry
DISABLED_SHARE = 0.03  # children in care whose category of need is disability (N2)

ETHNIC_MIX = {  # children in care other than UASC, England (approximate)
    "WBRI": 69.0, "WIRI": 0.3, "WOTH": 4.0, "WIRT": 0.4, "WROM": 0.8, "MWBC": 4.2,
    "MWBA": 1.3, "MWAS": 1.0, "MOTH": 3.8, "AIND": 0.8, "APKN": 1.6, "ABAN": 0.5, "AOTH": 1.3,
    "BCRB": 1.3, "BAFR": 2.6, "BOTH": 1.1, "CHNE": 0.1, "OOTH": 2.4, "REFU": 0.2, "NOBT": 0.3,
}
ETHNIC_MIX_UASC = {"AOTH": 34, "BAFR": 26, "OOTH": 20, "WOTH": 10, "BOTH": 5, "APKN": 2,
                   "AIND": 1, "MOTH": 2}
UPN_LA = "000"  # not a DfE LA number, so a synthetic UPN can never be a real pupil's
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


@dataclass
class Children:
    first_entry: np.ndarray
    dob: np.ndarray
    male: np.ndarray
    ethnic: np.ndarray  # index into schemas.codes.ETHNIC
    uasc: np.ndarray
    disabled: np.ndarray
    short_breaks: np.ndarray
    child_id: np.ndarray
    upn: np.ndarray  # a valid UPN, or UN2/UN3/UN5 where the LA never obtained one
    group: np.ndarray  # sibling group (siblings.py) the child came into care with, or -1

    def __len__(self) -> int:
        return len(self.dob)


def upn_check_letter(digits: str) -> str:
    """DfE's UPN check letter: the 12 digits weighted 2..13 by position, modulo 23."""
    return UPN_CHECK_LETTERS[sum(int(d) * w for d, w in zip(digits, range(2, 14))) % 23]


def upns(rng, n: int) -> np.ndarray:
    """Well-formed UPNs: check letter, LA number, establishment, year, serial."""
    rest = rng.integers(2000, 8000, n) * 10**5 + rng.integers(0, 10**5, n)  # 9 digits
    digits = np.char.add(UPN_LA, rest.astype("U9"))
    place = 10 ** np.arange(8, -1, -1)
    weighted = ((rest[:, None] // place) % 10 * np.arange(5, 14)).sum(axis=1)
    weighted += sum(int(d) * w for d, w in zip(UPN_LA, range(2, 5)))
    letters = np.array(list(UPN_CHECK_LETTERS))[weighted % 23]
    return np.char.add(letters, digits).astype(object)


def not_obtained(upn: np.ndarray, u: np.ndarray, uasc: np.ndarray) -> None:
    """The UN codes (from uniform draws `u`) where the LA never obtained a UPN."""
    upn[uasc & (u < 0.4)] = "UN2"  # never attended a maintained school in England
    upn[~uasc & (u < 0.008)] = "UN5"
    upn[~uasc & (u > 0.997)] = "UN3"


def _mix(rng, n, mix: dict) -> np.ndarray:
    codes = list(mix)
    weights = np.array([mix[c] for c in codes], dtype=float)
    picked = rng.choice(len(codes), n, p=weights / weights.sum())
    index = np.array([ETHNIC.index(c) for c in codes])
    return index[picked]


def create(rng: np.random.Generator, first_entries_per_year: float, sim_start: int,
           horizon: int) -> Children:
    """Children in order of their first day looked after (or first short break)."""
    years = (horizon - sim_start) / 365.25
    n_care = rng.poisson(first_entries_per_year * years)
    n_breaks = rng.poisson(first_entries_per_year * SHORT_BREAK_SHARE * years)
    n = n_care + n_breaks
    first = np.sort(rng.integers(sim_start, horizon, n))
    short_breaks = np.zeros(n, bool)
    short_breaks[rng.permutation(n)[:n_breaks]] = True
    uasc = ~short_breaks & (rng.random(n) < UASC_SHARE)

    band = rng.choice(len(AGE_AT_ENTRY), n, p=[s for *_, s in AGE_AT_ENTRY])
    low = np.array([lo for lo, _, _ in AGE_AT_ENTRY])[band]
    high = np.array([hi for _, hi, _ in AGE_AT_ENTRY])[band]
    age = (low + rng.random(n) * (high - low)) * 365.25
    newborn = (band == 0) & (rng.random(n) < NEWBORN_SHARE)
    age[newborn] = rng.integers(0, 7, newborn.sum())
    age[uasc] = np.where(rng.random(uasc.sum()) < 0.85, 16 + rng.random(uasc.sum()) * 1.9,
                         14 + rng.random(uasc.sum()) * 2) * 365.25
    age[short_breaks] = (5 + rng.random(n_breaks) * 11) * 365.25
    age = np.minimum(age, 17.95 * 365.25)  # nobody starts within days of turning 18
    dob = first - age.astype(np.int64)

    male = rng.random(n) < np.where(uasc, 0.94, 0.53)
    ethnic = _mix(rng, n, ETHNIC_MIX)
    ethnic[uasc] = _mix(rng, uasc.sum(), ETHNIC_MIX_UASC)
    disabled = short_breaks | (~uasc & (rng.random(n) < DISABLED_SHARE))

    ids = rng.choice(90_000_000, n, replace=False) + 10_000_000
    child_id = np.char.add("C", ids.astype("U8")).astype(object)
    upn = upns(rng, n)
    not_obtained(upn, rng.random(n), uasc)
    return Children(first, dob, male, ethnic, uasc, disabled, short_breaks, child_id, upn,
                    np.full(n, -1))
