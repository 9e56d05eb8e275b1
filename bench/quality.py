"""Time the great-expectations data-quality suite against the load it follows, at one-LA and
England scale; print figures (target: the suite under a quarter of the load's time).

    .venv/bin/python bench/quality.py [--scales sample,la,england] [--keep DIR] [--repeat 3]

"sample": the bundled sample's five extracts loaded in order (children looked after at each
period end). For la and england: a synthetic annual extract (`cpd synth`, kept in DIR/SCALE when --keep is
given), loaded into a fresh data folder (the whole `cpd load`: read, validate, stage, derive,
the suite, publish), then the suite run again over the published warehouse `--repeat` times.
Importing great-expectations is timed apart, in a fresh process: a load starts that import in
a thread while it reads the extract, so it is not part of the suite's own time. Asserts
nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/ shadows the package

PERIOD_END = dt.date(2026, 3, 31)
LA = "E06000015"


def import_seconds() -> float:
    code = ("import time, os; os.environ['GX_ANALYTICS_ENABLED'] = 'false'; "
            "t = time.perf_counter(); import great_expectations; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True)
    return float(out.stdout.strip())


def sample(work: Path, repeat: int) -> None:
    """The bundled sample's five extracts loaded in order, as `make run` does: each load's
    time and its suite's."""
    import tomllib

    from etl.load import load
    from etl.warehouse import publish

    root = Path(__file__).resolve().parents[1] / "sample_data"
    os.environ["CPD_DATA_DIR"] = str(work / f"data-sample-{os.getpid()}")
    for extract in tomllib.loads((root / "extracts.toml").read_text())["extract"]:
        period_end = dt.date.fromisoformat(extract["period_end"])
        started = time.perf_counter()
        result = load(root / extract["path"], period_end, LA)
        load_s = time.perf_counter() - started
        con = publish.connect_current()
        try:
            in_load, failed, children = con.execute(
                "SELECT seconds, failed, (SELECT count(*) FROM int_cla_at_period_end c "
                "WHERE c.period_end = q.period_end) FROM quality_runs q WHERE load_id = ?",
                [result.load_id]).fetchone()
        finally:
            con.close()
        print(f"{'sample ' + extract['path']:<18} {children:>8,} {load_s:>7.2f} {in_load:>15.2f} "
              f"{'':>27} {in_load / load_s:>13.0%} {failed:>7}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="sample,la,england",
                        help="sample (the bundled extracts, in order), la, england")
    parser.add_argument("--keep", help="folder for the extracts (DIR/SCALE) and data folders")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="cpd-bench-quality-"))
    cpd = Path(sys.executable).with_name("cpd")
    print(f"importing great_expectations in a fresh process: {import_seconds():.2f} s")
    print(f"{'scale':<18} {'children':>8} {'load s':>7} {'suite in load s':>15} "
          f"{'suite again s (min/median)':>27} {'share of load':>13} {'not met':>7}")
    for scale in args.scales.split(","):
        if scale == "sample":
            sample(work, args.repeat)
            continue
        out = work / scale
        if not (out / "episodes.csv").exists():
            subprocess.run([str(cpd), "synth", str(out), "--scale", scale, "--period-end",
                            PERIOD_END.isoformat()], check=True, stdout=subprocess.DEVNULL)
        data = work / f"data-{scale}-{os.getpid()}"
        os.environ["CPD_DATA_DIR"] = str(data)

        from etl import quality
        from etl.load import load
        from etl.warehouse import publish

        started = time.perf_counter()
        result = load(out, PERIOD_END, LA)
        load_s = time.perf_counter() - started
        con = publish.connect_current()
        try:
            in_load, failed = con.execute(
                "SELECT seconds, failed FROM quality_runs WHERE load_id = ?",
                [result.load_id]).fetchone()
            children = con.execute("SELECT count(DISTINCT child) FROM int_episodes").fetchone()[0]
            again = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                quality.run(con, result.load_id, LA, PERIOD_END)
                again.append(time.perf_counter() - started)
        finally:
            con.close()
        print(f"{scale:<18} {children:>8,} {load_s:>7.2f} {in_load:>15.2f} "
              f"{min(again):>13.2f} / {statistics.median(again):<11.2f} "
              f"{in_load / load_s:>13.0%} {failed:>7}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
