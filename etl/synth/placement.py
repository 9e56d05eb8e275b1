"""Placements: what kind, with whom, where, and how long they hold.

A placement is a carer (a foster household, a children's home, a supported accommodation
provider, the child's parents, adopters). Its PLACE code, provider (PR0-PR5), Ofsted URN and
postcode come from the carer, so they stay consistent: PR1 homes are inside the LA (DfE rule
1015), parents are PR0 (550), temporary placements have no provider or URN (213, 222),
children's homes and foster carers always carry a URN (218).

How long a placement holds is drawn when it starts, from a mixture: some break down early
(emergency and short-notice placements), the rest last years, shorter for teenagers and in
children's homes. A team's practice scales the hazard.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.synth.geography import Geography

PLACES = ("U1", "U2", "U3", "U4", "U5", "U6", "K1", "K2", "SUPP", "P1", "A3", "A4", "A5", "A6",
          "S1", "R2", "T1", "T2", "T3", "T4")
P = {code: i for i, code in enumerate(PLACES)}
# "SUPP" is supported accommodation: H5 until 2023/24, registered K3 from 2024/25 (DfE told
# LAs to report an open H5 episode as K3 in the new year, so it is one code per extract).
FOSTER = np.array([P[c] for c in ("U1", "U2", "U3", "U4", "U5", "U6")])
KINSHIP = np.array([P[c] for c in ("U1", "U2", "U3")])
ADOPTION = np.array([P[c] for c in ("A3", "A4", "A5", "A6")])
TEMPORARY = np.array([P[c] for c in ("T1", "T2", "T3", "T4")])

# Placement kinds chosen by context.
KIN, FOSTERING, HOME, SUPPORTED, SECURE, SCHOOL, HEALTH = range(7)
IN_LA, NEAR, FAR = 0, 1, 2

# P(kinship, foster, children's home, supported, secure, residential school, NHS) by age.
KIND_BY_AGE = [  # (upper age bound in years, probabilities)
    (5, (0.29, 0.69, 0.02, 0.0, 0.0, 0.0, 0.0)),
    (10, (0.26, 0.64, 0.10, 0.0, 0.0, 0.0, 0.0)),
    (13, (0.20, 0.54, 0.24, 0.0, 0.0, 0.02, 0.0)),
    (16, (0.12, 0.46, 0.355, 0.0, 0.03, 0.03, 0.005)),
    (18, (0.06, 0.28, 0.217, 0.44, 0.0, 0.0, 0.003)),
]
KIND_UASC = [(16, (0.0, 0.82, 0.18, 0.0, 0.0, 0.0, 0.0)),
             (18, (0.0, 0.33, 0.05, 0.62, 0.0, 0.0, 0.0))]


@dataclass(frozen=True)
class Providers:
    """Establishments and agencies the LA places with, each with a fixed provider code,
    postcode and URN, plus the URNs of its own fostering and adoption services."""

    urns: np.ndarray  # every URN string; index -1 means none
    la_fostering: int
    la_adoption: int
    regional_adoption: int  # "XXXXXXX": DfE's URN for regional adoption agencies
    agencies: np.ndarray  # independent/voluntary fostering agencies: URN index
    agency_provider: np.ndarray
    vaas: np.ndarray  # voluntary adoption agencies: URN index
    # establishments by kind (children's home, supported, secure, school): arrays of
    # (urn, provider, postcode) indices
    homes: dict


def _urn_block(rng, n, prefix, used):
    """Synthetic URNs: "SC9" and five digits, a range Ofsted has not issued, so a synthetic
    URN never names a real provider (residential schools: six digits starting 9)."""
    out = []
    while len(out) < n:
        s = f"{prefix}{rng.integers(0, 10**5):05d}"
        if s not in used:
            used.add(s)
            out.append(s)
    return out


def build_providers(rng: np.random.Generator, geo: Geography, size: float) -> Providers:
    """`size` = expected children looked after at 31 March / 430 (one mid-sized LA)."""
    used: set[str] = set()
    urns = ["XXXXXXX"] + _urn_block(rng, 2, "SC9", used)
    homes = {}
    spec = {  # kind: (establishments for one mid-sized LA, (provider code, share) pairs)
        HOME: (45, ((1, 0.10), (4, 0.82), (5, 0.08))),
        SUPPORTED: (20, ((1, 0.10), (4, 0.70), (5, 0.20))),
        SECURE: (6, ((2, 0.70), (5, 0.30))),
        SCHOOL: (6, ((4, 0.60), (5, 0.40))),
        HEALTH: (3, ((3, 1.0),)),  # NHS units: other public sector (PR3), no Ofsted URN
    }
    # Where they are: in the LA, near it, far away. Most children's homes are out of area.
    where_by_kind = {HOME: (0.20, 0.35, 0.45), SUPPORTED: (0.55, 0.37, 0.08),
                     SECURE: (0.0, 0.3, 0.7), SCHOOL: (0.0, 0.4, 0.6), HEALTH: (0.0, 0.6, 0.4)}
    for kind, (count, providers) in spec.items():
        n = max(count // 3, int(round(count * size)))
        codes = np.array([c for c, _ in providers])
        weights = np.array([w for _, w in providers])
        provider = codes[rng.choice(len(codes), n, p=weights / weights.sum())]
        where = rng.choice(3, n, p=where_by_kind[kind])
        where[provider == 1] = IN_LA  # an LA runs its own homes inside its area (rule 1015)
        where[provider == 2] = np.where(where[provider == 2] == IN_LA, NEAR,
                                        where[provider == 2])  # another LA's home is outside
        postcode = geo.pick(rng, where)
        prefix = "9" if kind == SCHOOL else "SC9"
        first = len(urns)
        urns += _urn_block(rng, n, prefix, used)
        homes[kind] = (np.arange(first, first + n), provider, postcode)
    n_agencies = max(6, int(round(10 * size ** 0.5)))
    first = len(urns)
    urns += _urn_block(rng, n_agencies, "SC9", used)
    agencies = np.arange(first, first + n_agencies)
    agency_provider = np.where(rng.random(n_agencies) < 0.8, 4, 5)
    n_vaa = max(3, int(round(4 * size ** 0.3)))
    first = len(urns)
    urns += _urn_block(rng, n_vaa, "SC9", used)
    return Providers(np.array(urns, dtype=object), 1, 2, 0, agencies, agency_provider,
                     np.arange(first, first + n_vaa), homes)


def choose_kind(rng, age_years: np.ndarray, uasc: np.ndarray, moves: np.ndarray,
                was_home: np.ndarray) -> np.ndarray:
    """A placement kind by age; children who have already moved a lot, or are moving on from
    a children's home, are more likely to go to (another) home."""
    out = np.empty(len(age_years), dtype=np.int8)
    for table, rows in ((KIND_BY_AGE, ~uasc), (KIND_UASC, uasc)):
        idx = np.flatnonzero(rows)
        bounds = np.array([b for b, _ in table])
        probs = np.array([p for _, p in table])[
            np.searchsorted(bounds, age_years[idx], side="right").clip(0, len(table) - 1)].copy()
        probs[moves[idx] >= 3, HOME] *= 2.0
        probs[was_home[idx], HOME] *= 3.0
        probs /= probs.sum(axis=1, keepdims=True)
        out[idx] = (rng.random(len(idx))[:, None] > probs.cumsum(axis=1)).sum(axis=1).clip(
            0, HEALTH)
    return out


@dataclass
class Carers:
    """The placements chosen for a batch of rows."""
    place: np.ndarray
    provider: np.ndarray  # 0-5, -1 none
    postcode: np.ndarray
    urn: np.ndarray  # index into Providers.urns, -1 none
    carer: np.ndarray  # identity: same carer => RNE T/U, not P/B


class CarerIds:
    """Fresh carer identities; establishments keep a fixed identity per establishment."""

    def __init__(self):
        self.next = 1_000_000

    def fresh(self, n: int) -> np.ndarray:
        out = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return out


def place_with(rng, geo: Geography, prov: Providers, ids: CarerIds, kind: np.ndarray,
               age_years: np.ndarray, ffa: np.ndarray, long_term: np.ndarray) -> Carers:
    """Carers for each row of a kind: foster households are new each time; homes, supported
    accommodation, secure units and schools are drawn from the LA's establishments."""
    n = len(kind)
    place = np.empty(n, np.int8)
    provider = np.full(n, -1, np.int8)
    postcode = np.zeros(n, np.int64)
    urn = np.full(n, -1, np.int64)
    carer = np.zeros(n, np.int64)

    r = np.flatnonzero(kind == KIN)
    place[r] = np.where(long_term[r], P["U1"], np.where(ffa[r], P["U2"], P["U3"]))
    provider[r] = 1
    urn[r] = prov.la_fostering
    postcode[r] = geo.pick(rng, rng.choice(3, len(r), p=(0.62, 0.22, 0.16)))
    carer[r] = ids.fresh(len(r))

    r = np.flatnonzero(kind == FOSTERING)
    place[r] = np.where(ffa[r], P["U5"], np.where(long_term[r], P["U4"], P["U6"]))
    agency = rng.random(len(r)) < np.where(age_years[r] < 5, 0.35, 0.55)
    which = rng.integers(0, len(prov.agencies), len(r))
    provider[r] = np.where(agency, prov.agency_provider[which], 1)
    urn[r] = np.where(agency, prov.agencies[which], prov.la_fostering)
    where = np.where(agency, rng.choice(3, len(r), p=(0.45, 0.38, 0.17)),
                     rng.choice(3, len(r), p=(0.76, 0.22, 0.02)))
    postcode[r] = geo.pick(rng, where)
    carer[r] = ids.fresh(len(r))

    for k, code in ((HOME, "K2"), (SUPPORTED, "SUPP"), (SECURE, "K1"), (SCHOOL, "S1"),
                    (HEALTH, "R2")):
        r = np.flatnonzero(kind == k)
        est_urn, est_provider, est_postcode = prov.homes[k]
        which = rng.integers(0, len(est_urn), len(r))
        place[r] = P[code]
        provider[r] = est_provider[which]
        urn[r] = -1 if k == HEALTH else est_urn[which]  # NHS: no URN (rule 222)
        postcode[r] = est_postcode[which]
        carer[r] = est_urn[which]  # the establishment is the carer
    return Carers(place, provider, postcode, urn, carer)


def with_parents(home_postcode: np.ndarray, ids: CarerIds) -> Carers:
    n = len(home_postcode)
    return Carers(np.full(n, P["P1"], np.int8), np.zeros(n, np.int8), home_postcode.copy(),
                  np.full(n, -1, np.int64), ids.fresh(n))


def with_adopters(rng, geo: Geography, prov: Providers, ids: CarerIds, current: Carers,
                  consent: np.ndarray) -> Carers:
    """Placed for adoption: with the current foster carers (A3/A5, same carer, so RNE T or U)
    when they were fostering for adoption or choose to adopt; otherwise with new adopters
    (A4/A6). Consent placements (A3/A4) have no placement order."""
    n = len(consent)
    was_foster = np.isin(current.place, FOSTER)
    same = was_foster & ((current.place == P["U5"]) | (current.place == P["U2"])
                         | (rng.random(n) < 0.15))
    place = np.where(same, np.where(consent, P["A3"], P["A5"]),
                     np.where(consent, P["A4"], P["A6"])).astype(np.int8)
    agency = rng.random(n)
    vaa = prov.vaas[rng.integers(0, len(prov.vaas), n)]
    provider = np.where(agency < 0.65, 1, np.where(agency < 0.93, 5, 4)).astype(np.int8)
    urn = np.where(agency < 0.35, prov.regional_adoption,
                   np.where(agency < 0.65, prov.la_adoption, vaa))
    postcode = np.where(same, current.postcode,
                        geo.pick(rng, rng.choice(3, n, p=(0.30, 0.45, 0.25))))
    carer = np.where(same, current.carer, ids.fresh(n))
    return Carers(place, provider, postcode, urn, carer)


def temporary(rng, geo: Geography, ids: CarerIds, n: int) -> tuple[Carers, np.ndarray]:
    """Temporary placements (T1 hospital, T2 child's holiday, T3 carer's holiday, T4 other,
    up to seven days) and their lengths within DfE's limits (rules 375, 376, 379)."""
    kind = rng.choice(4, n, p=(0.25, 0.15, 0.35, 0.25))
    length = np.select([kind == 0, kind == 1, kind == 2],
                       [rng.integers(1, 15, n), rng.integers(3, 15, n), rng.integers(3, 15, n)],
                       rng.integers(1, 7, n))
    where = np.where(kind == 1, rng.choice(3, n, p=(0.2, 0.3, 0.5)),
                     rng.choice(3, n, p=(0.5, 0.45, 0.05)))
    carers = Carers(TEMPORARY[kind].astype(np.int8), np.full(n, -1, np.int8),
                    geo.pick(rng, where), np.full(n, -1, np.int64), ids.fresh(n))
    return carers, length


def holds_for(rng, kind: np.ndarray, age_years: np.ndarray, first: np.ndarray,
              hazard_scale: np.ndarray) -> np.ndarray:
    """Days until the placement breaks down or is ended by the LA (if nothing else ends it
    first): an early-breakdown component plus a long tail."""
    n = len(kind)
    teen = age_years >= 11
    early_p = np.select([kind == KIN, kind == FOSTERING, kind == HOME, kind == SUPPORTED],
                        [0.07, np.where(teen, 0.16, 0.10), 0.22, 0.16], 0.0)
    early_p = np.where(first, early_p + 0.30, early_p)  # first placements are often emergencies
    long_mean = np.select(
        [kind == KIN, kind == FOSTERING, kind == HOME, kind == SUPPORTED, kind == SECURE,
         kind == HEALTH],
        [3400, np.where(teen, 850, 2400), 800, 700, 90, 60], 1100)
    early = rng.random(n) < np.clip(early_p * hazard_scale, 0, 0.9)
    mean = np.where(early, 35, long_mean / hazard_scale)
    return rng.geometric(1.0 / mean)
