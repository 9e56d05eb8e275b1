"""Time the board pack and the Ofsted preparation pack, stage by stage: the figures (read
through the data layer), the page (HTML with the figures and charts), and the print (Chromium
drawing the plotly charts and printing the PDF). Targets: board pack under 10 s at one-LA
scale, each pack under 30 s at England scale.

    .venv/bin/python bench/packs.py [--data-dir DIR] [--repeat 2] [--keep DIR]

Uses the warehouse published in DIR (default: CPD_DATA_DIR or ./data): after `make sample`
for one LA, or at England scale after `bench/load.py --scales england --keep DIR` with
`--data-dir DIR/data-england`. Each build is a fresh process's work after the first (the
data layer caches figures per warehouse file, as a long-lived clock would). Prints figures;
asserts nothing.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/dashboard.py sits beside this script and would hide the dashboard package
sys.path[0] = str(Path(__file__).resolve().parents[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", help="folder to keep the PDFs in")
    args = parser.parse_args()
    if args.data_dir:
        os.environ["CPD_DATA_DIR"] = str(Path(args.data_dir).resolve())

    from dashboard import access
    from dashboard.packs import build

    out = Path(args.keep or tempfile.mkdtemp(prefix="cpd-packs-"))
    out.mkdir(parents=True, exist_ok=True)
    la, period_end = build.check_request(None, None)
    children = access.figures_for(access.User("bench", "manager"), la, period_end)
    teams = len(access.teams(la, period_end))
    print(f"{la} at {period_end}: {children['cla_at_period_end']['value']:,} children looked "
          f"after, {teams:,} teams, {len(access.periods(la))} periods loaded")
    print(f"{'pack':<8} {'run':>3} {'figures s':>9} {'page s':>7} {'print s':>8} "
          f"{'total s':>8} {'pages':>6} {'MB':>6}")
    for kind in ("board", "ofsted"):
        totals = []
        for run in range(1, args.repeat + 1):
            marks = {}
            started = time.perf_counter()

            def stage(words: str) -> None:
                marks[words] = time.perf_counter() - started

            built = build.build_pack(kind, la, period_end, out / f"{kind}-{run}.pdf",
                                     "bench", on_stage=stage, built_on=dt.date.today())
            total = time.perf_counter() - started
            totals.append(total)
            figures = marks["Laying out the pages"] - marks["Working out the figures"]
            page = marks["Printing the PDF"] - marks["Laying out the pages"]
            printing = total - marks["Printing the PDF"]
            print(f"{kind:<8} {run:>3} {figures:>9.2f} {page:>7.2f} {printing:>8.2f} "
                  f"{total:>8.2f} {built.pages:>6} {built.size / 1e6:>6.2f}", flush=True)
        print(f"{kind:<8} median {statistics.median(totals):.2f} s over {len(totals)} builds")
    print(f"PDFs in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
