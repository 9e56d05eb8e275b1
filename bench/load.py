"""Time validate + load at one-LA and England scale; print rows per second.

    .venv/bin/python bench/load.py [--scales la,england] [--keep DIR]

Generates a synthetic annual extract at each scale with `cpd synth`, then times, in a fresh
data directory each: reading the files, pandera validation, and the whole `cpd load` (read,
validate, stage, derive, publish). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PERIOD_END = dt.date(2026, 3, 31)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="la,england")
    parser.add_argument("--keep", help="folder to keep the generated extracts (DIR/SCALE) "
                        "and warehouses (DIR/data-SCALE) in")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="cpd-bench-"))
    cpd = Path(sys.executable).with_name("cpd")
    print(f"{'scale':<8} {'rows':>9} {'MB':>6} {'synth s':>8} {'read s':>7} {'validate s':>10} "
          f"{'load s':>7} {'rows/s (load)':>14}")
    for scale in args.scales.split(","):
        out = work / scale
        started = time.perf_counter()
        if not (out / "episodes.csv").exists():
            subprocess.run([str(cpd), "synth", str(out), "--scale", scale, "--period-end",
                            PERIOD_END.isoformat()], check=True, stdout=subprocess.DEVNULL)
        synth_s = time.perf_counter() - started
        os.environ["CPD_DATA_DIR"] = str(work / f"data-{scale}")

        from etl.load import load
        from etl.read import read_extract
        from etl.validate import validate

        started = time.perf_counter()
        extract = read_extract(out)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        validated = validate(extract, PERIOD_END)
        validate_s = time.perf_counter() - started
        rows = sum(validated.rows_read.values())
        size = sum(p.stat().st_size for p in out.glob("*.csv")) / 1024 / 1024
        started = time.perf_counter()
        load(out, PERIOD_END, "E06000015")
        load_s = time.perf_counter() - started
        print(f"{scale:<8} {rows:>9,} {size:>6.1f} {synth_s:>8.1f} {read_s:>7.2f} "
              f"{validate_s:>10.2f} {load_s:>7.2f} {rows / load_s:>14,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
