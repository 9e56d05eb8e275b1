"""Time the indicator engine: every indicator for one period, overall and by every breakdown,
with disclosure control, answered from the figures and protection a load stores
(etl/indicators/published.py) and, for comparison, worked out at request time from
`ind_units` as for a warehouse without them; and the load-time builds of `ind_units` and of
the stored figures.

    .venv/bin/python bench/indicators.py [--data-dir DIR] [--repeat 5]

Uses the warehouse published in DIR (default: CPD_DATA_DIR or ./data), so run it after
`make sample` (one LA) or, at England scale, after `bench/load.py --scales england --keep DIR`
with `--data-dir DIR/data-england`. Prints figures; asserts nothing.

`measure(data_dir)` returns the same figures as a dict (bench/run.py reads FIGURE_ALL, every
indicator by every breakdown, from it).
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

# the figure bench/run.py holds to its target: every indicator, overall and by every breakdown,
# one period, from the stored figures, nothing cached
FIGURE_ALL = "all_breakdowns"


def _times(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return {"best_ms": min(times) * 1000, "median_ms": statistics.median(times) * 1000}


def measure(data_dir: Path | None = None, *, repeat: int = 5, worked_out: bool = True,
            builds: bool = True) -> dict:
    """Time the engine over the warehouse published in `data_dir` (None: CPD_DATA_DIR or
    ./data), each figure `repeat` times with nothing cached: best and median in ms.

    `worked_out`: also time each figure over a copy of the warehouse without the stored
    tables (slow at England scale). `builds`: also time the load-time builds of `ind_units`
    and of the stored figures over an in-memory copy. Raises LookupError when nothing is
    loaded there.
    """
    before = os.environ.get("CPD_DATA_DIR")
    if data_dir is not None:
        os.environ["CPD_DATA_DIR"] = str(Path(data_dir).resolve())
    try:
        return _measure(repeat, worked_out, builds)
    finally:
        if before is None:
            os.environ.pop("CPD_DATA_DIR", None)
        else:
            os.environ["CPD_DATA_DIR"] = before


def _measure(repeat: int, worked_out: bool, builds: bool) -> dict:
    from etl.config import load_config
    from etl.indicators import disclosure, engine, published, units
    from etl.indicators.engine import BREAKDOWNS, compute, compute_linked, loaded_periods
    from etl.warehouse.publish import current_path

    path = current_path()
    if path is None:
        raise LookupError(f"nothing loaded in {os.environ.get('CPD_DATA_DIR', './data')}")
    con = duckdb.connect(str(path), read_only=True)
    config = load_config()
    la_code = con.execute("SELECT la_code FROM int_periods ORDER BY period_end DESC LIMIT 1"
                          ).fetchall()[0][0]
    config = type(config)(config.name, la_code, config.region, config.population, config.raw)
    periods = loaded_periods(con, la_code)
    period = periods[-1]
    units_rows = con.execute("SELECT count(*) FROM ind_units WHERE period_end = ?",
                             [period]).fetchall()[0][0]
    children = con.execute("SELECT count(*) FROM int_child_attributes WHERE period_end = ?",
                           [period]).fetchall()[0][0]

    def cold(fn):
        """fn with the engine's caches emptied first: a period nobody has asked for yet."""
        def run():
            engine._CACHE.clear()
            disclosure._protect.cache_clear()
            return fn()
        return run

    old = scratch = None
    if worked_out:
        # the same warehouse without the stored tables, read-only as the dashboard reads it:
        # the engine works everything out at request time
        scratch = Path(tempfile.mkdtemp(prefix="cpd-bench-"))
        shutil.copyfile(path, scratch / "without-stored.duckdb")
        with duckdb.connect(str(scratch / "without-stored.duckdb")) as writable:
            for table in published.TABLES:
                writable.execute(f"DROP TABLE IF EXISTS {table}")
            writable.execute("CHECKPOINT")
        old = duckdb.connect(str(scratch / "without-stored.duckdb"), read_only=True)

    figures = {
        "member_history": ("a member's history (council figures, every period)",
                           lambda c: [compute(c, config, p, None, True) for p in periods]),
        "overall_suppressed": ("all indicators, overall, suppressed",
                               lambda c: compute(c, config, period, None, True)),
        "member_tables": ("every member table of the period, protected",
                          lambda c: compute_linked(c, config, period)),
        FIGURE_ALL: (f"all indicators x overall + {len(BREAKDOWNS)} breakdowns, unsuppressed",
                     lambda c: [compute(c, config, period, b, False)
                                for b in (None, *BREAKDOWNS)]),
    }
    out = {"warehouse": path.name, "periods": len(periods), "period": str(period),
           "children": int(children), "units_rows": int(units_rows), "repeat": repeat,
           "figures": {}}
    try:
        for key, (label, fn) in figures.items():
            out["figures"][key] = {
                "label": label,
                "stored": _times(cold(lambda c=con, fn=fn: fn(c)), repeat),
                "worked_out": (_times(cold(lambda c=old, fn=fn: fn(c)), repeat)
                               if old is not None else None)}
        out["cached"] = _times(lambda: compute(con, config, period, "team", True), repeat)
        out["builds"] = None
        if builds:
            copy = duckdb.connect()  # the builds need a writable copy of the warehouse
            copy.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
            copy.execute("COPY FROM DATABASE w TO memory")
            copy.execute("DETACH w")

            def build_stored():
                copy.execute("DROP TABLE IF EXISTS ind_published")  # decide every period again
                disclosure._protect.cache_clear()
                published.rebuild(copy)

            out["builds"] = {"ind_units": _times(lambda: units.rebuild(copy), repeat),
                             "stored": _times(build_stored, repeat)}
            copy.close()
    finally:
        con.close()
        if old is not None:
            old.close()
            shutil.rmtree(scratch)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ shadows the package
    try:
        result = measure(Path(args.data_dir) if args.data_dir else None, repeat=args.repeat)
    except LookupError as err:
        print(err)
        return 2
    print(f"warehouse {result['warehouse']}: {result['periods']} periods; period "
          f"{result['period']}, {result['children']:,} children in the extract, "
          f"{result['units_rows']:,} indicator unit rows")
    print(f"{'cold: nothing cached in the process (median of ' + str(args.repeat) + ')':<62}"
          f"{'stored':>10} {'worked out':>12}")
    for figure in result["figures"].values():
        print(f"  {figure['label']:<60}{figure['stored']['median_ms']:8.1f} ms "
              f"{figure['worked_out']['median_ms']:9.1f} ms")
    print(f"  one breakdown, suppressed, once cached:{'':<21}"
          f"{result['cached']['median_ms']:8.1f} ms")
    print("load time, every loaded period:")
    print(f"  building ind_units:{'':<41}{result['builds']['ind_units']['median_ms']:8.1f} ms")
    print(f"  building the stored figures and protection:{'':<17}"
          f"{result['builds']['stored']['median_ms']:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
