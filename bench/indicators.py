"""Time the indicator engine: every indicator for one period, overall and by every breakdown,
with disclosure control; and the load-time build of the indicator layer (`ind_units`).

    .venv/bin/python bench/indicators.py [--data-dir DIR] [--repeat 5]

Uses the warehouse published in DIR (default: CPD_DATA_DIR or ./data), so run it after
`make sample` (one LA) or, at England scale, after `bench/load.py --scales england --keep DIR`
with `--data-dir DIR/data-england`. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
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
    from etl.indicators import units
    from etl.indicators import disclosure, engine
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

    overall = timed(cold(lambda: compute(con, config, period, None, True)))
    linked = timed(cold(lambda: compute_linked(con, config, period)))
    cached = timed(lambda: compute(con, config, period, "team", True))
    every = timed(lambda: [compute(con, config, period, b, False) for b in (None, *BREAKDOWNS)])
    copy = duckdb.connect()  # rebuilding ind_units needs a writable copy of the warehouse
    copy.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    copy.execute("COPY FROM DATABASE w TO memory")
    build = timed(lambda: units.rebuild(copy))
    print(f"warehouse {path.name}: period {period}, {children:,} children in the extract, "
          f"{units_rows:,} indicator unit rows")
    print(f"all indicators, overall, suppressed:           {overall * 1000:8.1f} ms (median of "
          f"{args.repeat})")
    print("  (linked disclosure control over every member breakdown and the previous "
          "period: the first ask for a period)")
    print(f"every member table of the period, protected:    {linked * 1000:8.1f} ms")
    print(f"one breakdown, suppressed, once protected:      {cached * 1000:8.1f} ms")
    print(f"all indicators x overall + {len(BREAKDOWNS)} breakdowns, unsuppressed: "
          f"{every * 1000:8.1f} ms")
    print(f"building ind_units for every loaded period:     {build * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
