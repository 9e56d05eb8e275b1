"""`cpd`: the command line of the corporate parenting dashboard.

Exit codes: 0 done; 1 `validate` found rows that would be rejected, or `audit --verify` found
the audit log changed; 2 the input or the command cannot be used (the message says what to
fix); nothing is ever left half-done.

Only the standard library and etl.settings are imported at the top. Each command imports what
it needs (pandas, DuckDB, pandera, the dashboard's state, the synthetic data's numpy) when it
runs, so `cpd --help`, `cpd COMMAND --help` and a mistyped argument answer at once instead of
after a second of imports; tests/etl/test_cli_start.py keeps it so.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import secrets
import sys
import tomllib
from pathlib import Path

from etl import settings


class UsageError(Exception):
    pass


# The errors that mean the input or the command cannot be used (exit 2, "Nothing was
# changed."), as (module, class). A command can only raise one from a module it imported, so
# main looks for them among the modules loaded rather than importing pandas or DuckDB to name
# them.
REFUSALS = (("etl.read", "ExtractError"), ("etl.config", "ConfigError"),
            ("etl.warehouse.publish", "LoadInProgress"),
            ("etl.warehouse.publish", "WarehouseError"), ("dashboard.state", "StateError"))


def _refusals() -> tuple[type[Exception], ...]:
    loaded = (getattr(sys.modules.get(module), name, None) for module, name in REFUSALS)
    return (UsageError, *(error for error in loaded if error is not None))


def period_end_arg(text: str) -> dt.date:
    from etl.period import PeriodEndError, parse_period_end

    try:
        return parse_period_end(text)
    except PeriodEndError as err:
        raise UsageError(str(err)) from None


def _la_arg(text: str) -> str:
    from etl.config import ConfigError, parse_la_code

    try:
        return parse_la_code(text)
    except ConfigError as err:
        raise UsageError(f"--la {err}") from None


def _la_code(args) -> str:
    """The LA an extract is loaded for: --la, else the configured LA."""
    from etl.config import default_code

    return _la_arg(args.la) if args.la else default_code()


def _reading(args):
    """The published warehouse and the LA a reading command asks about (--la, else the only
    LA loaded). Raises UsageError before anything is loaded."""
    from etl.config import ConfigError, resolve_la
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
    from etl.report import summary_by_rule

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
        width = max(14, summary["rule"].str.len().max())
        for row in summary.itertuples():
            print(f"  {row.rule:<{width}} {row.rows:>6}  {row.action:<14} {row.message}")


def cmd_validate(args) -> int:
    from etl.read import read_extract
    from etl.report import write_reports
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
    from etl.period import guess_period_end
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
    checks = result.checks
    print(f"Checks across the warehouse: {len(checks.results) - checks.failed - checks.not_run}"
          f" met, {checks.failed} not met, {checks.not_run} not run "
          f"({checks.seconds:.1f} s); see `cpd quality` or the data-quality page.")
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
    from etl.config import config_for
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


QUALITY_EXAMPLES = 5  # rows shown per failed check in the text format


def _quality_run(con, la_code: str, period_end: dt.date | None) -> dict:
    """The checks across the warehouse that the load in use for a council's period end ran
    (default: its latest period end), with the rows each failed check found. Raises
    UsageError when there is no such load, or it ran no checks."""
    from etl.indicators.engine import loaded_periods

    periods = loaded_periods(con, la_code)
    period_end = period_end or (periods[-1] if periods else None)
    if period_end not in periods:
        raise UsageError(f"nothing is loaded for {la_code} at {period_end}: the period ends "
                         f"loaded are {', '.join(p.isoformat() for p in periods) or 'none'}.")
    load = con.execute("SELECT load_id FROM load_log WHERE la_code = ? AND period_end = ? AND "
                       "status = 'active' ORDER BY loaded_at DESC LIMIT 1",
                       [la_code, period_end]).fetchone()
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    run = None if load is None or not {"quality_runs", "quality_results"} <= tables else \
        con.execute("SELECT ran_at, compared_with, expectations, failed, not_run FROM "
                    "quality_runs WHERE load_id = ?", [load[0]]).fetchone()
    if run is None:
        raise UsageError(f"the load in use for {la_code} at {period_end.isoformat()} was made "
                         "before the checks across the warehouse existed, so it ran none.")
    cursor = con.execute(
        "SELECT expectation, area, rule, title, success, checked, unexpected, "
        "unexpected_percent, observed, not_run, fix FROM quality_results WHERE load_id = ? "
        "ORDER BY seq", [load[0]])
    names = [d[0] for d in cursor.description]
    results = [dict(zip(names, row), rows=[]) for row in cursor.fetchall()]
    if "quality_rows" in tables:
        found = {r["expectation"]: r["rows"] for r in results}
        for key, child, detail in con.execute(
                "SELECT expectation, child, detail FROM quality_rows WHERE load_id = ? "
                "ORDER BY expectation, seq", [load[0]]).fetchall():
            if key in found:
                found[key].append({"child": child, "detail": detail})
    ran_at, compared_with, expectations, failed, not_run = run
    return {"la": la_code, "period_end": period_end.isoformat(), "load_id": load[0],
            "ran_at": ran_at.isoformat(timespec="seconds"),
            "compared_with": compared_with.isoformat() if compared_with else None,
            "expectations": expectations, "failed": failed, "not_run": not_run,
            "results": results}


def _print_quality(report: dict) -> None:
    """The checks grouped by area, those not met first in each, with a few of the rows each
    found."""
    def day(text):
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y")

    compared = (f"compared with the period end {day(report['compared_with'])}"
                if report["compared_with"] else "no earlier period end to compare with")
    met = sum(r["success"] is True for r in report["results"])
    print(f"Checks across the warehouse for {report['la']} at {day(report['period_end'])} "
          f"(load {report['load_id']}, run {report['ran_at'].replace('T', ' ')} UTC; "
          f"{compared}).")
    print(f"{len(report['results'])} checks: {met} met, {report['failed']} not met, "
          f"{report['not_run']} not run.")
    areas: dict[str, list[dict]] = {}
    for result in report["results"]:
        areas.setdefault(result["area"], []).append(result)
    order = {False: 0, None: 1, True: 2}  # not met first, then not run, then met
    for area, results in areas.items():
        print(f"\n{area}")
        for r in sorted(results, key=lambda r: order[r["success"]]):
            rule = f" [{r['rule']}]" if r["rule"] else ""
            if r["success"] is None:
                print(f"  – NOT RUN  {r['title']}{rule}: {r['not_run'] or 'not run'}")
                continue
            mark = "✓ met     " if r["success"] else "✕ NOT MET "
            print(f"  {mark} {r['title']}{rule}: {r['observed'] or ''}")
            if r["success"] is False:
                print(f"      What to do: {r['fix']}")
                for row in r["rows"][:QUALITY_EXAMPLES]:
                    print("      " + (f"{row['child']}: " if row["child"] else "")
                          + row["detail"])
                more = max(len(r["rows"]), r["unexpected"] or 0) - QUALITY_EXAMPLES
                if more > 0:
                    print(f"      ... and {more:,} more: see `--format json` (up to "
                          f"{len(r['rows']):,} listed) or the data-quality page.")


def cmd_quality(args) -> int:
    """The checks across the warehouse for a council's load in use at a period end, read
    from the published warehouse (read-only: nothing is written)."""
    period_end = period_end_arg(args.period_end) if args.period_end else None
    con, la_code = _reading(args)
    try:
        report = _quality_run(con, la_code, period_end)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_quality(report)
    return 0


def _operator() -> str:
    """Who ran a command, for a pack's record and the audit log: the account on this
    machine."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):
        return "cli:unknown"


def _out_path(text: str, suffix: str) -> Path:
    """--out: a file of this kind in a folder that exists (checked before any work)."""
    out = Path(text)
    if out.suffix.lower() != suffix:
        raise UsageError(f"--out {out} should name a {suffix} file.")
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: the folder {out.parent} does not exist.")
    return out


def cmd_pack(args) -> int:
    """Build a board or Ofsted pack into --out (and, with --archive, into the archive as a
    recorded run, as the clock does)."""
    from dashboard.packs import build, printing

    la = None if args.la is None else _la_arg(args.la)
    period_end = None if args.period_end is None else period_end_arg(args.period_end)
    if args.archive:
        run = build.run_pack(args.kind, la, period_end, "command line", _operator())
        if run.status != "done":
            raise UsageError(run.error or f"the pack run {run.id} is {run.status}.")
        print(f"Built the {args.kind} pack: {build.archive_dir() / run.file} ({run.pages} "
              f"pages, sha256 {run.sha256}).")
        return 0
    if not args.out:
        raise UsageError("say where to write the pack with --out FILE.pdf, or keep it in the "
                         "archive with --archive.")
    out = _out_path(args.out, ".pdf")
    try:
        built = build.build_pack(args.kind, la, period_end, out, _operator())
    except (build.PackError, printing.PrintError) as err:
        raise UsageError(str(err)) from None
    print(f"Built the {args.kind} pack: {built.path} ({built.pages} pages, sha256 "
          f"{built.sha256}).")
    return 0


def cmd_annex_a(args) -> int:
    """The Annex A child lists, as a manager of every team sees them; audited under the
    operator's name like any export."""
    from dashboard import access
    from dashboard.packs import annex_a, build

    la = None if args.la is None else _la_arg(args.la)
    period_end = None if args.period_end is None else period_end_arg(args.period_end)
    out = _out_path(args.out, ".xlsx")
    try:
        la, period_end = build.check_request(la, period_end)
    except build.PackError as err:
        raise UsageError(str(err)) from None
    user = access.User(name=_operator(), role="manager", address="command line")
    rows = annex_a.write_workbook(user, la, period_end, out)
    print(f"Wrote the Annex A lists for {la} at {period_end.isoformat()}: {out} ({rows:,} "
          "rows). It holds personal data: keep it on the council's secure systems.")
    return 0


def cmd_clock(args) -> int:
    from dashboard.packs import clock

    return clock.main(None if args.schedule is None else Path(args.schedule))


def cmd_synth(args) -> int:
    from etl import synth

    return synth.run(args)


def _synth_arguments(p) -> None:
    from etl import synth

    synth.add_arguments(p)


def cmd_serve(args) -> int:
    from dashboard.serve import ServeError, serve

    try:
        serve(args.host, args.port, args.workers, args.demo)
    except ServeError as err:
        raise UsageError(str(err)) from None
    return 0


# --- users and the audit log (the state database beside the warehouse) ------------------------

def _teams_arg(text: str | None):
    """--teams "Team A,Team B", or --teams all for every team; None when not given."""
    from dashboard import state

    if text is None:
        return None
    if text.strip().lower() == state.ALL_TEAMS:
        return state.ALL_TEAMS
    teams = [team.strip() for team in text.split(",") if team.strip()]
    if not teams:
        raise UsageError("--teams needs team names separated by commas, or all.")
    return teams


def _councils_arg(values: list[str] | None) -> list[str] | None:
    """--la CODE (repeatable, or codes separated by commas); None = every council loaded."""
    if not values:
        return None
    return [_la_arg(code) for value in values for code in value.split(",")]


def _read_password() -> str:
    """One line from stdin (without echo when it is a terminal): the new password."""
    from dashboard import state

    try:
        if sys.stdin is None:
            raise EOFError
        if sys.stdin.isatty():
            import getpass
            password = getpass.getpass("New password: ")
        else:
            password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    except (OSError, EOFError, UnicodeDecodeError, ValueError):
        raise UsageError("cannot read a password from stdin.") from None
    if len(password) < state.MIN_PASSWORD:
        raise UsageError(f"the password needs at least {state.MIN_PASSWORD} characters.")
    if len(password) > state.MAX_PASSWORD:
        raise UsageError(f"the password can have at most {state.MAX_PASSWORD} characters.")
    return password


def _new_password(from_stdin: bool) -> tuple[str, bool]:
    """(password, whether it was made here and so must be shown once)."""
    if from_stdin:
        return _read_password(), False
    return secrets.token_urlsafe(18), True  # 144 random bits


def _show_password(name: str, password: str) -> None:
    print(f"Password for {name}: {password}")
    print("Pass it on safely (in person or by phone, not in the same email as the name). It is "
          "not stored and will not be shown again; `cpd users reset` makes a new one.")


def _remit(user) -> str:
    teams = "every team" if user.teams is None else ", ".join(user.teams)
    councils = "every council" if user.councils is None else ", ".join(user.councils)
    return f"{teams}; {councils}"


def _audit_change(action: str, user, what: dict | None = None) -> None:
    """User administration goes in the audit log too: who ran it (the account on this
    machine), what changed, for whom."""
    from dashboard import state

    state.audit(_operator(), "admin", action,
                {"user": user.name, "role": user.role, **(what or {})}, 0, "changed",
                source="command line")


def cmd_users_add(args) -> int:
    from dashboard import state

    teams, councils = _teams_arg(args.teams), _councils_arg(args.la)
    if args.role == "manager" and teams is None:
        raise UsageError("a manager needs --teams: the teams they manage, separated by commas, "
                         "or --teams all.")
    password, made_here = _new_password(args.password_stdin)
    user = state.add_user(args.name, args.role, teams=teams, councils=councils,
                          password=password)
    _audit_change("user added", user, {"remit": _remit(user)})
    print(f"Added {user.name}, {user.role} ({_remit(user)}).")
    if made_here:
        _show_password(user.name, password)
    return 0


def _user_row(user) -> dict:
    """What `users list` shows of a user: never the password hash."""
    return {"name": user.name, "role": user.role,
            "teams": None if user.teams is None else list(user.teams),
            "councils": None if user.councils is None else list(user.councils),
            "source": user.source, "status": user.status}


def cmd_users_list(args) -> int:
    from dashboard import state

    rows = [_user_row(user) for user in state.list_users()]
    if args.format == "json":
        print(json.dumps({"users": rows}, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No users yet: add one with `cpd users add NAME --role ROLE`.")
        return 0
    shown = [{**row, "teams": "all" if row["teams"] is None else ", ".join(row["teams"]),
              "councils": "all" if row["councils"] is None else ", ".join(row["councils"])}
             for row in rows]
    _print_table(shown, ["name", "role", "teams", "councils", "source", "status"])
    return 0


def _print_table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(row[c])) for row in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns).rstrip())


def cmd_users_disable(args) -> int:
    from dashboard import state

    user = state.disable_user(args.name)
    _audit_change("user disabled", user)
    print(f"Disabled {user.name}: they cannot sign in, and every session they had has ended.")
    return 0


def cmd_users_enable(args) -> int:
    from dashboard import state

    user = state.enable_user(args.name)
    _audit_change("user enabled", user)
    print(f"Enabled {user.name}: they can sign in again.")
    return 0


def cmd_users_reset(args) -> int:
    from dashboard import state

    password, made_here = _new_password(args.password_stdin)
    user = state.reset_password(args.name, password)
    _audit_change("password reset", user)
    print(f"Gave {user.name} a new password and signed them out everywhere.")
    if made_here:
        _show_password(user.name, password)
    return 0


def cmd_audit(args) -> int:
    from dashboard import state

    if args.verify:
        return _verify_audit(args.format)
    if not 1 <= args.limit <= state.MAX_AUDIT_LIMIT:
        raise UsageError(f"--limit must be between 1 and {state.MAX_AUDIT_LIMIT:,}.")
    entries = state.audit_entries(limit=args.limit, user=args.user, outcome=args.outcome)
    if args.format == "json":
        print(json.dumps({"entries": entries}, indent=2, ensure_ascii=False))
        return 0
    if not entries:
        print("No audit entries" + (" match." if args.user or args.outcome else " yet."))
    else:
        _print_table([{**entry, "at": entry["at"][:19].replace("T", " "),
                       "what": json.dumps(entry["what"], ensure_ascii=False)}
                      for entry in entries],
                     ["id", "at", "user", "role", "action", "outcome", "rows", "source", "what"])
    if (settings.data_dir() / "audit.sqlite").exists():  # from versions before state.sqlite
        print("Entries written before this version are in audit.sqlite, kept as they were.")
    return 0


def _verify_audit(output: str) -> int:
    """Exit 0 when the chain is intact, 1 (each problem printed) when it is not."""
    from dashboard import state

    problems = state.verify_audit()
    if output == "json":
        print(json.dumps({"intact": not problems, "entries": state.audit_count(),
                          "problems": problems}, indent=2))
        return 1 if problems else 0
    if not problems:
        count = state.audit_count()
        print(f"The audit log is intact: {count:,} {'entry' if count == 1 else 'entries'}.")
        return 0
    for problem in problems:
        print(problem)
    print(f"The audit log has been tampered with: {len(problems)} problem(s) found.")
    return 1


def _add_password_stdin(p) -> None:
    p.add_argument("--password-stdin", action="store_true",
                   help="read the new password (12 characters or more) from stdin instead "
                        "of making one")


def _users_arguments(users) -> None:
    """`cpd users ...`: the users in the state database beside the warehouse."""
    from dashboard.state import ROLES

    verbs = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")

    p = verbs.add_parser("add", help="add a user (prints a new password once)")
    p.add_argument("name", help="1 to 64 letters, digits, dots, underscores, hyphens or @")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--teams", help='the teams they see, "Team A,Team B", or all (a manager '
                                   "needs this)")
    p.add_argument("--la", action="append", metavar="CODE",
                   help="a council they see (ONS code; repeat for several; default every "
                        "council loaded)")
    _add_password_stdin(p)
    p.set_defaults(func=cmd_users_add)

    p = verbs.add_parser("list", help="list the users (never their passwords)")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=cmd_users_list)

    for verb, func, text in (("disable", cmd_users_disable,
                              "stop a user signing in, ending their sessions"),
                             ("enable", cmd_users_enable, "let a disabled user sign in again")):
        p = verbs.add_parser(verb, help=text)
        p.add_argument("name")
        p.set_defaults(func=func)

    p = verbs.add_parser("reset", help="give a user a new password and sign them out "
                                       "everywhere")
    p.add_argument("name")
    _add_password_stdin(p)
    p.set_defaults(func=cmd_users_reset)


def _audit_arguments(p) -> None:
    """`cpd audit`: the audit log in the state database."""
    from dashboard.state import OUTCOMES

    p.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    p.add_argument("--user", help="only this user's entries")
    p.add_argument("--outcome", choices=OUTCOMES)
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--verify", action="store_true",
                   help="check the hash chain: exit 0 if intact, 1 naming each problem "
                        "(--format json for monitoring)")


class _Command(argparse.ArgumentParser):
    """A subcommand's parser that may take its arguments from a module slow to import
    (`arguments`, a function that adds them): with `lazy`, they are added only when the
    subcommand is parsed, so `cpd --help` and the other commands never import that module."""

    def __init__(self, *args, arguments=None, lazy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._arguments = arguments
        if not lazy:
            self.add_arguments()

    def add_arguments(self) -> None:
        if self._arguments is not None:
            arguments, self._arguments = self._arguments, None
            arguments(self)

    def parse_known_args(self, args=None, namespace=None):
        self.add_arguments()
        return super().parse_known_args(args, namespace)


def parser(lazy: bool = False) -> argparse.ArgumentParser:
    """`cpd`'s parser. With `lazy` (as main builds it), synth, users and audit get their
    arguments only when run: they come from etl.synth (numpy, pandas) and dashboard.state
    (DuckDB). Without it every subcommand has all its arguments, for tests that read them."""
    top = argparse.ArgumentParser(prog="cpd", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Command)

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

    p = sub.add_parser("quality", help="print the checks across the warehouse that the "
                                       "load in use ran (read only)")
    p.add_argument("--la", help="ONS code of the LA (default: the only LA loaded)")
    p.add_argument("--period-end", help="YYYY-MM-DD (default: the latest loaded)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_quality)

    p = sub.add_parser("pack", help="build the board pack or the Ofsted preparation pack "
                                    "as a PDF")
    p.add_argument("kind", choices=["board", "ofsted"])
    p.add_argument("--la", help="ONS code of the LA (default: the configured LA)")
    p.add_argument("--period-end", help="YYYY-MM-DD (default: the latest loaded)")
    p.add_argument("--out", help="the PDF file to write")
    p.add_argument("--archive", action="store_true",
                   help="keep it in the archive (data folder/packs) as a recorded run instead")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser("annex-a", help="write the Annex A child lists (children in care, care "
                                       "leavers) as an Excel workbook; audited")
    p.add_argument("--la", help="ONS code of the LA (default: the configured LA)")
    p.add_argument("--period-end", help="YYYY-MM-DD (default: the latest loaded)")
    p.add_argument("--out", required=True, help="the .xlsx file to write")
    p.set_defaults(func=cmd_annex_a)

    p = sub.add_parser("clock", help="run the scheduler that builds packs on a schedule "
                                     "(the Procfile's clock process)")
    p.add_argument("--schedule", help="the schedule file (default: CPD_PACK_SCHEDULE, else "
                                      "the sample's sample_data/schedule.toml)")
    p.set_defaults(func=cmd_clock)

    p = sub.add_parser("synth", help="write synthetic 903 extracts",
                       arguments=_synth_arguments, lazy=lazy)
    p.set_defaults(func=cmd_synth)

    sub.add_parser("users", help="add, list, disable, enable or reset dashboard users",
                   arguments=_users_arguments, lazy=lazy)
    p = sub.add_parser("audit", help="show the newest audit log entries, or --verify it",
                       arguments=_audit_arguments, lazy=lazy)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("serve", help="serve the dashboard with gunicorn (--demo: the make run "
                                     "demo, this machine only)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--demo", action="store_true",
                   help="one demo user per role, a demo banner, served to 127.0.0.1 only")
    p.set_defaults(func=cmd_serve)
    return top


def main(argv: list[str] | None = None) -> int:
    # Everything written under the data folder is its owner's alone: files 0600, folders 0700
    # (DuckDB's own WAL and temporary files included).
    os.umask(0o077)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser(lazy=True).parse_args(argv)
    try:
        from etl.warehouse.publish import private_data_dir

        private_data_dir()
        return args.func(args)
    except _refusals() as err:  # evaluated when an error arrives, after the command's imports
        print(f"cpd {args.command}: {err}", file=sys.stderr)
        print("Nothing was changed.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
