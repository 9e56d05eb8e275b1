"""Time validate + load at one-LA and England scale; print rows per second.

    .venv/bin/python bench/load.py [--scales la,england] [--keep DIR]

Generates a synthetic annual extract at each scale with `cpd synth`, then times, in a fresh
data directory each: the whole load (read, validate, stage, derive, publish), then reading the
files and pandera validation on their own. Prints figures; asserts nothing.

`synth(...)` and `measure(...)` are what bench/run.py calls: it runs `measure` in a fresh
Python process for each repetition, so that no repetition finds another's imports done.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PERIOD_END = dt.date(2026, 3, 31)
LA_CODE = "E06000015"  # the bundled sample council's code (sample_data/la.toml)


def synth(out: Path, scale: str, period_end: dt.date = PERIOD_END) -> float | None:
    """Write the annual extract `cpd synth --scale SCALE` gives (default seed) into `out`;
    the seconds it took, or None when `out` already holds one (it is reused as it is)."""
    if (Path(out) / "episodes.csv").exists():
        return None
    cpd = Path(sys.executable).with_name("cpd")
    started = time.perf_counter()
    subprocess.run([str(cpd), "synth", str(out), "--scale", scale, "--period-end",
                    period_end.isoformat()], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(folder: Path, data_dir: Path, *, period_end: dt.date = PERIOD_END,
            la_code: str = LA_CODE, steps: bool = False) -> dict:
    """Load the extract in `folder` into `data_dir`, which must hold no warehouse yet, in this
    process, and time `etl.load.load` alone (its module imported before the clock starts).

    With `steps`, reading the files and validating them are then timed on their own too
    (after the load: the files are in the page cache and pandera is imported by then).
    Returns seconds (load_s, read_s, validate_s) and the rows the load read and loaded.
    """
    os.environ["CPD_DATA_DIR"] = str(Path(data_dir).resolve())
    from etl.load import load

    started = time.perf_counter()
    result = load(Path(folder), period_end, la_code)
    load_s = time.perf_counter() - started
    if result.unchanged:  # a warehouse that already held this extract: nothing was timed
        raise RuntimeError(f"{data_dir} already holds this extract (load {result.load_id}); "
                           "give an empty data folder")
    validated = result.validated
    out = {"load_s": load_s, "load_id": result.load_id,
           "rows_read": int(sum(validated.rows_read.values())),
           "rows_loaded": int(sum(validated.rows_loaded.values())),
           "read_s": None, "validate_s": None}
    if steps:
        from etl.read import read_extract
        from etl.validate import validate

        started = time.perf_counter()
        extract = read_extract(Path(folder))
        out["read_s"] = time.perf_counter() - started
        started = time.perf_counter()
        validate(extract, period_end)
        out["validate_s"] = time.perf_counter() - started
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="la,england")
    parser.add_argument("--keep", help="folder to keep the generated extracts (DIR/SCALE) "
                        "and warehouses (DIR/data-SCALE) in")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ shadows the package
    work = Path(args.keep or tempfile.mkdtemp(prefix="cpd-bench-"))
    print(f"{'scale':<8} {'rows':>9} {'MB':>6} {'synth s':>8} {'read s':>7} {'validate s':>10} "
          f"{'load s':>7} {'rows/s (load)':>14}")
    for scale in args.scales.split(","):
        out = work / scale
        synth_s = synth(out, scale) or 0.0
        data_dir = work / f"data-{scale}"
        shutil.rmtree(data_dir, ignore_errors=True)  # a load into a fresh folder each time
        figures = measure(out, data_dir, steps=True)
        rows = figures["rows_read"]
        size = sum(p.stat().st_size for p in out.glob("*.csv")) / 1024 / 1024
        print(f"{scale:<8} {rows:>9,} {size:>6.1f} {synth_s:>8.1f} {figures['read_s']:>7.2f} "
              f"{figures['validate_s']:>10.2f} {figures['load_s']:>7.2f} "
              f"{rows / figures['load_s']:>14,.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
