"""`cpd`: the command line of the corporate parenting dashboard.

Exit codes: 0 done; 1 `validate` found rows that would be rejected; 2 the input or the command
cannot be used (the message says what to fix); nothing is ever left half-done.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import tomllib
from pathlib import Path

from etl import settings, synth
from etl.config import ConfigError, config_for, default_code, parse_la_code, resolve_la
from etl.period import PeriodEndError, guess_period_end, parse_period_end
from etl.read import ExtractError, read_extract
from etl.report import summary_by_rule, write_reports
from etl.warehouse.publish import LoadInProgress, WarehouseError, private_data_dir


class UsageError(Exception):
    pass


def period_end_arg(text: str) -> dt.date:
    try:
        return parse_period_end(text)
    except PeriodEndError as err:
        raise UsageError(str(err)) from None


def _la_arg(text: str) -> str:
    try:
        return parse_la_code(text)
    except ConfigError as err:
        raise UsageError(f"--la {err}") from None


def _la_code(args) -> str:
    """The LA an extract is loaded for: --la, else the configured LA."""
    return _la_arg(args.la) if args.la else default_code()


def _reading(args):
    """The published warehouse and the LA a reading command asks about (--la, else the only
    LA loaded). Raises UsageError before anything is loaded."""
    from etl.indicators.engine import loaded_las
    from etl.warehouse.publish import connect_current

    con = connect_current()
    if con is None:
        raise UsageError("nothing is loaded yet: load an extract with `cpd load` first.")
    try:
        return con, resolve_la(getattr(args, "la", None), loaded_las(con))
    except ConfigError as err:
        con.close()
        raise UsageError(str(err)) from None


def _print_summary(validated, warnings) -> None:
    for warning in warnings:
        print(f"warning: {warning}")
    kept_out = validated.rows_kept_out
    for name in validated.rows_read:
        print(f"  {name:<15} read {validated.rows_read[name]:>7}  "
              f"loaded {validated.rows_loaded[name]:>7}  kept out {kept_out[name]:>6}")
    if validated.values_blanked:
        print(f"  {validated.values_blanked:,} bad value(s) blanked; their rows are loaded")
    summary = summary_by_rule(validated.rejects)
    if not summary.empty:
        print("Problems by rule (rows, what was done):")
        for row in summary.itertuples():
            print(f"  {row.rule:<14} {row.rows:>6}  {row.action:<14} {row.message}")


def cmd_validate(args) -> int:
    from etl.validate import validate

    extract = read_extract(Path(args.path))
    if args.period_end:
        period_end = period_end_arg(args.period_end)
    else:
        period_end = _guess_period_end(extract)
        print(f"No --period-end given: assuming {period_end:%d/%m/%Y}, the 31 March on or after "
              "nearly all dates in the episodes file. Pass --period-end to be sure.")
    validated = validate(extract, period_end)
    print(f"Validated {args.path} for period end {period_end:%d/%m/%Y} "
          f"(collection year {validated.year}).")
    _print_summary(validated, extract.warnings + list(validated.warnings))
    folder = Path(args.report_dir) if args.report_dir else (
        settings.data_dir() / "reports" / f"validate-{dt.datetime.now():%Y%m%dT%H%M%S}")
    try:
        paths = write_reports(validated.rejects, folder, f"Validation of {Path(args.path).name}")
    except OSError as err:
        raise UsageError(f"cannot write the report to {str(folder)[:200]} "
                         f"({err.strerror or err}); give another --report-dir.") from None
    print(f"Report: {paths['html']} and {paths['csv']}")
    return 1 if not validated.errors.empty else 0


def _guess_period_end(extract) -> dt.date:
    from schemas.ssda903 import normalise

    episodes = extract.files.get("Episodes")
    if episodes is None:
        raise UsageError("Give --period-end YYYY-MM-DD: there is no episodes file to infer it "
                         "from.")
    guess = guess_period_end(normalise("Episodes", episodes.frame))
    if guess is None:
        raise UsageError("Give --period-end YYYY-MM-DD: no date in the episodes file parses.")
    return guess


def cmd_load(args) -> int:
    from etl.load import load

    period_end = period_end_arg(args.period_end)
    result = load(Path(args.path), period_end, _la_code(args))
    if result.unchanged:
        print(f"{args.path} for {result.la_code}, period end {period_end:%d/%m/%Y}, is already "
              f"loaded (load {result.load_id}); nothing changed.")
        return 0
    validated = result.validated
    print(f"Loaded {args.path} for {result.la_code}, period end {period_end:%d/%m/%Y} "
          f"(collection year {validated.year}, validated with the {validated.rule_set} rules) "
          f"as load {result.load_id}.")
    _print_summary(validated, list(result.warnings) + list(validated.warnings))
    print(f"Rejects report: {result.reports['html']} and {result.reports['csv']}")
    return 0


def cmd_load_sample(args) -> int:
    """Load every extract listed in a manifest (default sample_data/extracts.toml, the bundled
    synthetic LA; `cpd synth --years N` writes one too), oldest first."""
    manifest = Path(args.manifest)
    try:
        entries = tomllib.loads(manifest.read_text(encoding="utf-8"))["extract"]
        extracts = [(manifest.parent / str(e["path"]), str(e["period_end"])) for e in entries]
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or err
        raise UsageError(f"cannot read the manifest {manifest} ({reason}).") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as err:
        raise UsageError(f"{manifest} is not a manifest of extracts: it needs [[extract]] "
                         f"tables with path and period_end ({err}).") from None
    for path, period_end in extracts:
        cmd_load(argparse.Namespace(path=str(path), period_end=period_end, la=args.la))
    return 0


def cmd_loads(args) -> int:
    from etl.load import load_log

    loads = load_log()
    if args.la:
        code = _la_arg(args.la)
        loads = [entry for entry in loads if entry["la_code"] == code]
    if args.format == "json":
        print(json.dumps({"loads": loads}, indent=2))
        return 0
    if not loads:
        print("Nothing loaded yet into", settings.data_dir())
        return 0
    print(f"{'loaded at (UTC)':<20} {'LA':<10} {'period end':<11} {'status':<10} "
          f"{'read':>7} {'loaded':>7} {'rejected':>8}  load")
    for entry in loads:
        print(f"{entry['loaded_at'][:19]:<20} {entry['la_code']:<10} {entry['period_end']:<11} "
              f"{entry['status']:<10} {entry['rows_read']:>7} {entry['rows_loaded']:>7} "
              f"{entry['rows_rejected']:>8}  {entry['load_id']}")
    return 0


def cmd_indicators(args) -> int:
    from etl.indicators.engine import EngineError, compute
    from etl.indicators.export import to_csv

    con, la_code = _reading(args)
    try:
        result = compute(con, config_for(la_code),
                         period_end_arg(args.period_end) if args.period_end else None,
                         args.breakdown, args.suppress)
    except EngineError as err:
        raise UsageError(str(err)) from None
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(to_csv(result))
    return 0


def cmd_synth(args) -> int:
    return synth.run(args)


def cmd_serve(args) -> int:
    from dashboard.app import create_app

    create_app().run(host=args.host, port=args.port, debug=False)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="cpd", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check an extract and write a rejects report; "
                                        "changes no warehouse")
    p.add_argument("path", help="folder of 903 CSV files (or one file)")
    p.add_argument("--period-end", help="YYYY-MM-DD (default: the 31 March after the latest "
                                        "episode date)")
    p.add_argument("--report-dir", help="where to write rejects.csv and rejects.html")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("load", help="validate an extract and publish it to the warehouse")
    p.add_argument("path", help="folder of 903 CSV files")
    p.add_argument("--period-end", required=True, help="YYYY-MM-DD, the extract's period end")
    p.add_argument("--la", help="ONS code of the LA (default: the configured LA)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("load-sample", help="load the bundled synthetic LA's extracts")
    p.add_argument("--manifest", default=str(settings.PROJECT_ROOT / "sample_data" /
                                             "extracts.toml"))
    p.add_argument("--la", help="ONS code of the LA (default: the configured LA)")
    p.set_defaults(func=cmd_load_sample)

    p = sub.add_parser("loads", help="list the loads in the current warehouse")
    p.add_argument("--la", help="only this LA's loads (ONS code)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_loads)

    p = sub.add_parser("indicators", help="compute the indicator catalogue for a loaded period")
    p.add_argument("--la", help="ONS code of the LA (default: the only LA loaded)")
    p.add_argument("--period-end", help="YYYY-MM-DD (default: the latest loaded)")
    p.add_argument("--breakdown", help="team, social_worker, service_area, age_band, sex, "
                                       "ethnic_group, uasc, legal_status_group, "
                                       "placement_type_group or provider")
    p.add_argument("--suppress", action="store_true",
                   help="apply disclosure control (as members see figures)")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("synth", help="write synthetic 903 extracts")
    synth.add_arguments(p)
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("serve", help="serve the dashboard (development server)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.set_defaults(func=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    # Everything written under the data folder is its owner's alone: files 0600, folders 0700
    # (DuckDB's own WAL and temporary files included).
    os.umask(0o077)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        private_data_dir()
        return args.func(args)
    except (ExtractError, UsageError, ConfigError, LoadInProgress, WarehouseError) as err:
        print(f"cpd {args.command}: {err}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
