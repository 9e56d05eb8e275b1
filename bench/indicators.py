"""Time the indicator engine: every indicator for one period, overall and by every breakdown,
with disclosure control, answered from the figures and protection a load stores
(etl/indicators/published.py) and, for comparison, worked out at request time from
`ind_units` as for a warehouse without them; and the load-time builds of `ind_units` and of
the stored figures.

    .venv/bin/python bench/indicators.py [--data-dir DIR] [--repeat 5]

Uses the warehouse published in DIR (default: CPD_DATA_DIR or ./data), so run it after
`make sample` (one LA) or, at England scale, after `bench/load.py --scales england --keep DIR`
with `--data-dir DIR/data-england`. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.data_dir:
        os.environ["CPD_DATA_DIR"] = str(Path(args.data_dir).resolve())

    from etl.config import load_config
    from etl.indicators import disclosure, engine, published, units
    from etl.indicators.engine import BREAKDOWNS, compute, compute_linked, loaded_periods
    from etl.warehouse.publish import current_path

    path = current_path()
    if path is None:
        print("nothing loaded in", os.environ.get("CPD_DATA_DIR", "./data"))
        return 2
    con = duckdb.connect(str(path), read_only=True)
    config = load_config()
    la_code = con.execute("SELECT la_code FROM int_periods ORDER BY period_end DESC LIMIT 1"
                          ).fetchall()[0][0]
    config = type(config)(config.name, la_code, config.region, config.population, config.raw)
    period = loaded_periods(con, la_code)[-1]
    units_rows = con.execute("SELECT count(*) FROM ind_units WHERE period_end = ?",
                             [period]).fetchall()[0][0]
    children = con.execute("SELECT count(*) FROM int_child_attributes WHERE period_end = ?",
                           [period]).fetchall()[0][0]

    def timed(fn) -> float:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    def cold(fn):
        """fn with the engine's caches emptied first: a period nobody has asked for yet."""
        def run():
            engine._CACHE.clear()
            disclosure._protect.cache_clear()
            return fn()
        return run

    periods = loaded_periods(con, la_code)

    # the same warehouse without the stored tables, read-only as the dashboard reads it: the
    # engine works everything out at request time
    scratch = Path(tempfile.mkdtemp(prefix="cpd-bench-"))
    shutil.copyfile(path, scratch / "without-stored.duckdb")
    with duckdb.connect(str(scratch / "without-stored.duckdb")) as writable:
        for table in published.TABLES:
            writable.execute(f"DROP TABLE IF EXISTS {table}")
        writable.execute("CHECKPOINT")
    old = duckdb.connect(str(scratch / "without-stored.duckdb"), read_only=True)

    figures = {
        "a member's history (council figures, every period)": (
            lambda c: [compute(c, config, p, None, True) for p in periods]),
        "all indicators, overall, suppressed": (
            lambda c: compute(c, config, period, None, True)),
        "every member table of the period, protected": (
            lambda c: compute_linked(c, config, period)),
        f"all indicators x overall + {len(BREAKDOWNS)} breakdowns, unsuppressed": (
            lambda c: [compute(c, config, period, b, False) for b in (None, *BREAKDOWNS)]),
    }
    print(f"warehouse {path.name}: {len(periods)} periods; period {period}, {children:,} "
          f"children in the extract, {units_rows:,} indicator unit rows")
    print(f"{'cold: nothing cached in the process (median of ' + str(args.repeat) + ')':<62}"
          f"{'stored':>10} {'worked out':>12}")
    for name, fn in figures.items():
        stored, worked_out = (timed(cold(lambda c=c: fn(c))) for c in (con, old))
        print(f"  {name:<60}{stored * 1000:8.1f} ms {worked_out * 1000:9.1f} ms")
    cached = timed(lambda: compute(con, config, period, "team", True))
    print(f"  one breakdown, suppressed, once cached:{'':<21}{cached * 1000:8.1f} ms")

    def build_stored():
        copy.execute("DROP TABLE IF EXISTS ind_published")  # decide every period again
        disclosure._protect.cache_clear()
        published.rebuild(copy)

    copy = duckdb.connect()  # the builds need a writable copy of the warehouse
    copy.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    copy.execute("COPY FROM DATABASE w TO memory")
    copy.execute("DETACH w")
    build = timed(lambda: units.rebuild(copy))
    stored_build = timed(build_stored)
    print("load time, every loaded period:")
    print(f"  building ind_units:{'':<41}{build * 1000:8.1f} ms")
    print(f"  building the stored figures and protection:{'':<17}{stored_build * 1000:8.1f} ms")
    old.close()
    shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
