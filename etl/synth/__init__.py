"""`cpd synth`: a synthetic local authority's SSDA903 extracts, from a simulated history.

Children's journeys through care are simulated in days (geometric waiting times rather than
a loop over child-days) from a burn-in years before the first extract, so long stays, stable
placements and care leavers up to 21 all exist; each extract is then cut from that one
history as the LA's system would produce it at its period end. Same seed, same bytes.

    cpd synth sample_data --sample            # the bundled sample: 3 years + 2 quarters
    cpd synth OUT --scale england --seed 1     # one annual extract, England-sized
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

from etl.synth import (children, geography, journeys, missing, permanence, placement,
                       reviews, siblings, workforce)
from etl.synth.care_leavers import leavers
from etl.synth.dates import NEVER, day
from etl.synth.errors import inject, write_injected
from etl.synth.extract import Window, World, tables, write

SAMPLE_EXTRACTS = [
    ("2023-24", dt.date(2024, 3, 31)),
    ("2024-25", dt.date(2025, 3, 31)),
    ("2025-26", dt.date(2026, 3, 31)),
    ("2026-27-Q1", dt.date(2026, 6, 30)),
    ("2026-27-Q2", dt.date(2026, 9, 30)),
]
BURN_IN_YEARS = 19  # the oldest care leaver in the first extract came into care this long before
CLA_PER_10K = 70  # children looked after at 31 March per 10,000 aged 0-17 (England: 67-70)
ENGLAND_CLA = 80_000  # England: 81,770 at 31 March 2025; about 110,000 during a year
# Calibration of the simulation (measured): per child first entering care each year, how
# many are looked after at 31 March and at some time during a year.
CLA_PER_FIRST_ENTRY = 2.58
DURING_YEAR_PER_CLA = 1.41
LA_SIZE_CLA = 430  # a mid-sized LA, to scale teams and providers
# A few more children are simulated than needed, then a random subset is kept so the number
# looked after at the last 31 March is on target (one LA's count varies by several per cent
# from seed to seed, more than the 67-75 per 10,000 band allows).
OVERSAMPLE = 1.15
SIBLINGS = 6  # the random stream of brothers and sisters (others: extract.py, care_leavers.py)


class SynthError(Exception):
    pass


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="folder to write the extract(s) into")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--scale", default="la",
                        help="la (an LA sized from the config's population), england "
                             f"(about {ENGLAND_CLA:,} looked after at the period end, "
                             f"{int(ENGLAND_CLA * DURING_YEAR_PER_CLA):,} during the year) or "
                             "a number of children looked after during the year")
    parser.add_argument("--config", type=Path, default=Path("sample_data/la.toml"),
                        help="LA configuration (code, population); default sample_data/la.toml")
    parser.add_argument("--sample", action="store_true",
                        help="write the bundled sample: folders 2023-24 to 2026-27-Q2, "
                             "extracts.toml and INJECTED_ERRORS.md")
    parser.add_argument("--clean", action="store_true",
                        help="with --sample: do not inject the documented deliberate errors")
    parser.add_argument("--period-end", type=dt.date.fromisoformat,
                        default=dt.date(2026, 3, 31),
                        help="without --sample: the annual extract is for the year ending the "
                             "31 March on or before this date (default 2026-03-31)")
    parser.add_argument("--years", type=int, default=1,
                        help="without --sample: write this many consecutive annual extracts of "
                             "one simulated council, ending with --period-end's year, into "
                             "folders named by collection year (2021-22 ...) with "
                             "extracts.toml")


FIRST_PERIOD_END = dt.date(2005, 3, 31)  # the simulation's burn-in needs no earlier history
MAX_SCALE = 250_000  # children looked after during a year: twice England


def _check(args) -> None:
    """Refuse arguments the simulation cannot honour, before any work."""
    if not 0 <= args.seed < 2**32:
        raise SynthError(f"--seed {args.seed}: give a whole number from 0 to {2**32 - 1}")
    if not 1 <= args.years <= 12:
        raise SynthError(f"--years {args.years}: give 1 to 12 annual extracts")
    latest = dt.date(dt.date.today().year + 2, 3, 31)
    if not args.sample and not FIRST_PERIOD_END <= args.period_end <= latest:
        raise SynthError(f"--period-end {args.period_end}: give a date from "
                         f"{FIRST_PERIOD_END} to {latest}")


def run(args) -> int:
    try:
        _check(args)
        config = _read_config(args.config)
        scale = parse_scale(args.scale)
        if args.sample and isinstance(scale, int) and scale < 300:
            raise SynthError(f"--scale {scale}: the sample's documented errors need at least "
                             "300 children; give --scale la or more")
        if args.sample:
            extracts = SAMPLE_EXTRACTS
        elif args.years > 1:  # consecutive annual extracts of one history, a folder each
            last = last_march_31(args.period_end)
            extracts = [(f"{last.year - n - 1}-{str(last.year - n)[-2:]}",
                         dt.date(last.year - n, 3, 31)) for n in reversed(range(args.years))]
        else:
            extracts = [("", last_march_31(args.period_end))]
        started = time.perf_counter()
        summary = generate(args.out_dir, seed=args.seed, scale=scale, config=config,
                           extracts=extracts, inject_errors=args.sample and not args.clean)
        if args.sample or args.years > 1:
            write_extracts_toml(args.out_dir, extracts)
    except OSError as err:
        print(f"cpd synth: cannot write {err.filename or args.out_dir}: {err.strerror or err}. "
              "Give a folder that can be created.", file=sys.stderr)
        return 2
    except SynthError as err:
        print(f"cpd synth: {err}", file=sys.stderr)
        return 2
    for folder, info in summary["extracts"].items():
        print(f"{args.out_dir / folder}: period end {info['period_end']}, "
              f"{info['children']} children, {info['episodes']} episodes, "
              f"{info['cla']} looked after at the period end")
    print(f"{summary['children']} children simulated in {time.perf_counter() - started:.1f}s")
    return 0


def parse_scale(text) -> str | int:
    if isinstance(text, int) or text in ("la", "england"):
        return text
    try:
        n = int(str(text).replace(",", "").replace("_", ""))
    except ValueError:
        raise SynthError(f"--scale {text!r}: give la, england or a number of children "
                         "looked after during the year (e.g. 5000)") from None
    if not 50 <= n <= MAX_SCALE:
        raise SynthError(f"--scale {n}: give from 50 to {MAX_SCALE:,} children looked after "
                         "during the year")
    return n


def last_march_31(on_or_before: dt.date) -> dt.date:
    year = on_or_before.year if on_or_before >= dt.date(on_or_before.year, 3, 31) else (
        on_or_before.year - 1)
    return dt.date(year, 3, 31)


def _read_config(path: Path) -> dict:
    """The LA configuration as `etl.config` checks it (code, population) and its raw tables."""
    from etl.config import ConfigError, load_config

    try:
        config = load_config(Path(path))
    except ConfigError as err:
        raise SynthError(f"{err} (--config)") from None
    return {**config.raw, "la": {**config.raw.get("la", {}), "code": config.code},
            "population": config.population}


def _cla_target(scale, config: dict) -> float:
    """Children looked after at 31 March the simulation aims for."""
    if scale == "england":
        return ENGLAND_CLA
    if scale == "la":
        population = config.get("population") or {}
        if not population:
            raise SynthError("the LA configuration has no [population] to size the LA from")
        latest = population[max(population, key=int)]
        return CLA_PER_10K * int(latest) / 10_000
    return int(scale) / DURING_YEAR_PER_CLA


def generate(out_dir: Path, *, seed: int, scale, config: dict,
             extracts: list[tuple[str, dt.date]], inject_errors: bool = False) -> dict:
    """Simulate one LA and write each extract (folder name, period end) under `out_dir`
    (folder "" = `out_dir` itself). Returns a summary: children simulated and, per folder,
    children in the Header, episodes, and children looked after at the period end."""
    la_code = (config.get("la") or {}).get("code")
    if not la_code:
        raise SynthError("the LA configuration has no [la] code")
    windows = [Window(folder, end) for folder, end in extracts]
    cla = _cla_target(scale, config)
    size = cla / LA_SIZE_CLA
    geo = geography.load(la_code)
    rng = np.random.default_rng(seed)
    first = min(w.start for w in windows)
    horizon = max(w.end for w in windows) + 1
    sim_start = day(dt.date(int(windows[0].year[:4]) - BURN_IN_YEARS, 4, 1))

    teams = workforce.build_teams(rng, size)
    kids = children.create(rng, OVERSAMPLE * cla / CLA_PER_FIRST_ENTRY, sim_start, horizon)
    kids, groups = siblings.draw(np.random.default_rng([seed, SIBLINGS]), kids)
    providers = placement.build_providers(rng, geo, size)
    hist = journeys.simulate(rng, geo, teams, kids, providers, horizon, groups)
    year_ends = [w.end for w in windows if (w.period_end.month, w.period_end.day) == (3, 31)]
    reference = max(year_ends or [w.end for w in windows])
    hist = journeys.keep_children(hist, _on_target(rng, hist, cla, reference, groups))
    review_dates = reviews.generate(rng, hist, teams.review_late, horizon)
    incidents = missing.generate(rng, hist, horizon)
    workers = workforce.build_workers(rng, _caseload(hist, len(teams.name), horizon - 1))
    social = _social_worker_chains(rng, hist, teams, workers, first, horizon)
    world = World(seed, hist, geo, teams, workers, review_dates, incidents, social,
                  permanence.previous_permanence(rng, hist), leavers(hist))

    out_dir = Path(out_dir)
    summary = {"children": len(kids), "extracts": {}}
    injected = []
    for w in windows:
        frames = tables(world, w)
        if inject_errors:
            try:
                injected += inject(frames, w, seed)
            except RuntimeError as err:  # too few children for a documented error
                raise SynthError(f"cannot write the sample's deliberate errors: {err}; give a "
                                 "larger --scale") from None
        write(out_dir / w.folder, frames)
        e = frames["Episodes"]
        summary["extracts"][w.folder] = {
            "period_end": w.period_end.isoformat(), "episodes": len(e),
            "children": len(frames["Header"]),
            "cla": int(((e["DEC"] == "") & ~e["LS"].isin(["V3", "V4"])).sum()),
        }
    if inject_errors:
        write_injected(out_dir / "INJECTED_ERRORS.md", injected)
    return summary


def _on_target(rng, hist: journeys.History, cla: float, when: int,
               groups: siblings.Groups) -> np.ndarray:
    """Children to keep: a random subset holding `cla` of those looked after on `when`.
    Brothers and sisters are kept or left out with their group's lead: the draw is over
    everyone else (the children simulated before them), each counting with those who
    follow them."""
    per = hist.periods
    looked_after = np.zeros(len(hist.children), bool)
    looked_after[per.child[(per.start <= when) & (per.end > when)]] = True
    follows = groups.lead_of >= 0
    counts = np.where(follows, 0, looked_after)
    np.add.at(counts, groups.lead_of[follows], looked_after[follows])
    order = rng.permutation(int((~follows).sum()))  # followers come after everyone else
    enough = np.searchsorted(np.cumsum(counts[order]), int(round(cla)))
    keep = np.zeros(len(looked_after), bool)
    keep[order[:enough + 1]] = True
    keep[follows] = keep[groups.lead_of[follows]]
    return keep


def _caseload(hist: journeys.History, n_teams: int, when: int) -> np.ndarray:
    per = hist.periods
    open_ = (per.start <= when) & (per.end > when)
    return np.bincount(hist.team[per.child[open_]], minlength=n_teams)


def _social_worker_chains(rng, hist, teams, workers, first_window: int, horizon: int) -> dict:
    """Social worker episodes for the periods of care an extract could report: those of
    children in care from two years before the first extract on. A period that began before
    then starts its chain with the worker the child had at that point (earlier episodes are
    never reported)."""
    per = hist.periods
    order = np.lexsort((per.start, per.child))
    child, start, stop = per.child[order], per.start[order], per.end[order]
    following = np.r_[child[1:] == child[:-1], False]
    close = np.where(following, np.r_[start[1:], 0] - 1, NEVER)
    cutoff = first_window - 730 - rng.integers(0, 400, len(child))
    keep = close >= cutoff
    child, start, stop, close, cutoff = (a[keep] for a in (child, start, stop, close, cutoff))
    from_entry = start >= cutoff
    return workforce.sw_episodes(rng, workers, teams, child, hist.team[child],
                                 np.where(from_entry, start, cutoff), stop, close, from_entry,
                                 horizon)


def write_extracts_toml(out_dir: Path, extracts: list[tuple[str, dt.date]]) -> None:
    lines = ["# The bundled synthetic LA's extracts, oldest first (written by",
             "# `cpd synth sample_data --sample`); `make run` loads them in this order.", ""]
    for folder, end in extracts:
        lines += ["[[extract]]", f'path = "{folder}"', f'period_end = "{end.isoformat()}"', ""]
    (Path(out_dir) / "extracts.toml").write_text("\n".join(lines), encoding="utf-8")
