"""Messy 903 extracts: every table, every column, random values from a mix of valid codes and
junk, the way other tools' fake 903 data looks (DfE's fake data for its open validator holds
random codes in every column). Deterministic for a seed.

    write_messy_extract(folder, seed=1, rows=200)

Each cell is drawn from a mix: the column's valid values of ANY collection year (SEX 1/2 and
M/F/U, PLACE with H5 and Z11 alike), blanks, upper/lower-case junk, dd/mm/yyyy dates from 1990
to 2035 including impossible ones (31/02/2020), ISO dates, numbers, negative numbers, 5,000
character strings, unicode (emoji, right-to-left, zero-width), formula-like cells, quotes and
embedded commas and line breaks (CSV-quoted). CHILD ids are drawn from a pool shared by every
table most of the time, and are sometimes ids no other table holds.

Also here, for the tests that feed such input to the command line: `run_cpd` (in-process, an
exception escaping `etl.cli.main` counts as a traceback), `run_cpd_process` (the installed
script) and `Problems`, which collects every unacceptable run of a test so one failure lists
them all.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import random
import string
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from schemas import codes as c
from schemas import columns as cols
from schemas.tables import TABLES

try:  # the file names a case system might use; any name works, files are known by columns
    from tests.builders import FILE_NAMES
except ImportError:  # pragma: no cover
    FILE_NAMES = {}

YEARS = [f"{y}/{str(y + 1)[-2:]}" for y in range(2014, 2028)]
LETTERS_NO_IOS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UNICODE = [
    "😀", "👶🏽", "🏳️‍🌈", "שלום", "مرحبا", "\u200b", "A\u200bB", "\u200fC1\u200e", "\ufeffX",
    "Zoë", "Ñandú", "日本語", "\u202eevil\u202c", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "e\u0301", "\u00a0N1\u00a0", "Ω≈ç√",
]
FORMULAS = ["=1+1", "@SUM(A1:A9)", "+1", "-1+2", "=HYPERLINK(\"http://x\",\"y\")",
            "=cmd|' /C calc'!A0", "\t=1", "@A1", "=", "+"]
QUOTED = ['"', '""', 'say "hi"', "a,b", "a,\nb", "line1\r\nline2", "lone\rcr", ",", "\n",
          "'quoted'", 'C1,"U4"', "x\n\n\ny", "  ", "\t"]

# The mix: (kind, weight). Valid values weigh most, so a good share of rows survive
# validation and the warehouse and indicators get exercised too.
MIX = [
    ("valid", 40), ("blank", 10), ("junk", 8), ("dmy", 8), ("iso", 4), ("number", 4),
    ("negative", 3), ("long", 1), ("unicode", 5), ("formula", 3), ("quoted", 4),
    ("shared_code", 4),
]


def _year_codes(key: str) -> list[str]:
    found: list[str] = []
    for year in YEARS:
        for code in c.codes_for(year).get(key, ()):
            if code not in found:
                found.append(code)
    return found


def _all_codes() -> list[str]:
    """Every code of every column: a valid code in the wrong column is the commonest mess."""
    found: set[str] = set()
    for table in cols.COLUMNS.values():
        for spec in table.values():
            found.update(spec.values)
            if spec.year_codes:
                found.update(_year_codes(spec.year_codes))
    return sorted(found)


ALL_CODES = _all_codes()


def _valid_date(rng: random.Random, first=2000, last=2026) -> str:
    day = dt.date(first, 1, 1) + dt.timedelta(days=rng.randrange((last - first + 1) * 365))
    return f"{day:%d/%m/%Y}"


def _pattern_value(rng: random.Random, regex: str | None) -> str:
    digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    if regex == cols.UPN:
        return rng.choice([
            rng.choice(LETTERS_NO_IOS) + digits(12),
            rng.choice(LETTERS_NO_IOS) + digits(11) + rng.choice(LETTERS_NO_IOS),
            f"UN{rng.randint(1, 5)}"])
    if regex == cols.URN:
        return rng.choice(["SC" + digits(6), digits(6), digits(7), "XXXXXXX"])
    if regex == cols.POSTCODE:
        return rng.choice(["DE1 1AA", "DE22 3XT", "de221ab", "SW1A 1AA", "M1 1AE", "B33 8TH",
                           "CR2 6XH", "DN55 1PT", "EC1A 1BB", " w1a 0ax "])
    if regex == cols.SW_ID:
        return rng.choice(["SW", "XX", "sw"]) + digits(rng.randint(1, 8))
    if regex == cols.PARTIAL_DATE:
        return rng.choice([_valid_date(rng), f"ZZ/ZZ/{rng.randint(1995, 2025)}",
                           f"zz/{rng.randint(1, 12):02d}/{rng.randint(1995, 2025)}"])
    return _junk(rng)


def _junk(rng: random.Random) -> str:
    text = "".join(rng.choice(string.ascii_letters + string.digits + " -_/.")
                   for _ in range(rng.randint(1, 12)))
    return rng.choice([text, text.upper(), text.lower()])


def _dmy(rng: random.Random) -> str:
    year = rng.randint(1990, 2035)
    if rng.random() < 0.25:  # impossible or odd: 31/02, 30/02, 00/13, 29/02 of any year
        day, month = rng.choice([(31, 2), (30, 2), (29, 2), (31, 4), (0, 1), (1, 13), (32, 1),
                                 (31, 6), (0, 0), (99, 99)])
        return f"{day:02d}/{month:02d}/{year}"
    text = f"{dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365)):%d/%m/%Y}"
    return rng.choice([text, text, text, text.replace("/", "-"), text.replace("/", "."),
                       text.lstrip("0"), f" {text} ", text[:-4] + text[-2:]])


def _iso(rng: random.Random) -> str:
    day = dt.date(rng.randint(1990, 2035), 1, 1) + dt.timedelta(days=rng.randrange(365))
    return rng.choice([day.isoformat(), f"{day.isoformat()}T00:00:00", f"{day} 12:00:00",
                       f"{day.year}-02-30", day.strftime("%Y%m%d")])


def _valid(rng: random.Random, table: str, column: str, child_ids: list[str]) -> str:
    spec = cols.COLUMNS.get(table, {}).get(column)
    if spec is None:
        return _junk(rng)
    if spec.kind == "id":
        return rng.choice(child_ids)
    if spec.kind == "date":
        return _valid_date(rng)
    if spec.kind == "code":
        values = list(spec.values) or _year_codes(spec.year_codes or "")
        code = rng.choice(values) if values else _junk(rng)
        # codes are case-insensitive and may carry stray spaces
        return rng.choice([code, code, code, code.lower(), f" {code} "])
    if spec.kind == "pattern":
        return _pattern_value(rng, spec.pattern)
    if spec.kind == "number":
        low, high = spec.low or 0, spec.high if spec.high is not None else 100
        if spec.integer:
            return str(rng.randint(int(low), int(high)))
        return rng.choice([str(rng.randint(int(low), int(high))),
                           f"{rng.uniform(low, high):.{rng.randint(1, 3)}f}"])
    return rng.choice(["Team A", "North", "Looked after children", "Fostering", "x", "Derby",
                       "Leaving care team", "Corporate Parenting"])


def _cell(rng: random.Random, table: str, column: str, child_ids: list[str]) -> str:
    kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
    if kind == "valid":
        return _valid(rng, table, column, child_ids)
    if kind == "blank":
        return ""
    if kind == "junk":
        return _junk(rng)
    if kind == "dmy":
        return _dmy(rng)
    if kind == "iso":
        return _iso(rng)
    if kind == "number":
        return rng.choice([str(rng.randint(0, 10 ** rng.randint(1, 20))),
                           f"{rng.uniform(0, 1000):.{rng.randint(1, 6)}f}", "1e309", "NaN",
                           "inf", "0", "00", "1,000", "0x1F"])
    if kind == "negative":
        return rng.choice([str(-rng.randint(1, 10 ** rng.randint(1, 20))),
                           f"-{rng.uniform(0, 1000):.2f}", "-0", "-inf", "-1e309"])
    if kind == "long":
        return "".join(rng.choice(string.ascii_letters + " ,\"") for _ in range(5000))
    if kind == "unicode":
        return "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 4)))
    if kind == "formula":
        return rng.choice(FORMULAS)
    if kind == "quoted":
        return rng.choice(QUOTED)
    return rng.choice(ALL_CODES)


def _child_id(rng: random.Random, shared: list[str]) -> str:
    """Mostly a child every table may share; sometimes an id only this row holds."""
    roll = rng.random()
    if roll < 0.75:
        return rng.choice(shared)
    if roll < 0.9:
        return str(rng.randint(1, 10 ** 9))
    return _cell(rng, "", "", shared)


def _quote(value: str) -> str:
    """RFC 4180 quoting: a cell holding a comma, a quote or any line break (a lone CR too,
    which Python's csv writer leaves bare under an LF terminator) is quoted."""
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def file_name(table: str) -> str:
    return FILE_NAMES.get(table, f"{table.lower()}.csv")


def write_messy_extract(folder, seed: int, rows: int = 200) -> Path:
    """Write every table of TABLES into `folder` with `rows` messy rows each; returns the
    folder. Same seed, same bytes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    shared = sorted({str(rng.randint(1, 99_999)) for _ in range(max(rows // 2, 5))}
                    | {f"C{rng.randint(1, 999)}" for _ in range(5)})
    for table in sorted(TABLES):
        columns = list(TABLES[table].columns)
        rng.shuffle(columns)  # any column order is allowed
        header = [rng.choice([name, name, name, name.lower(), f" {name} "]) for name in columns]
        terminator = rng.choice(["\n", "\r\n"])
        lines = [header] + [
            [_child_id(rng, shared) if name == "CHILD" and rng.random() < 0.85
             else _cell(rng, table, name, shared) for name in columns]
            for _ in range(rows)]
        with open(folder / file_name(table), "w", newline="", encoding="utf-8") as handle:
            handle.write("".join(",".join(map(_quote, line)) + terminator for line in lines))
    return folder


# --- running the command line and catching what escapes ------------------------------------

@dataclass
class Run:
    argv: list[str]
    code: object  # the exit code, or the exception's name when one escaped
    out: str
    err: str

    @property
    def shown(self) -> str:
        """What the person at the terminal would see, for assertion messages."""
        def tail(text: str) -> str:  # the last lines, each cut to a readable length
            lines = [ln if len(ln) <= 300 else f"{ln[:200]}...({len(ln):,} chars)"
                     for ln in text.splitlines()]
            return "\n".join(lines[-40:])
        return (f"$ cpd {' '.join(_short(a) for a in self.argv)}\nexit {self.code}\n"
                f"--- stdout (end) ---\n{tail(self.out)}\n--- stderr (end) ---\n{tail(self.err)}")

    def problems(self, allowed=(0, 1, 2)) -> list[str]:
        """Why this run is not an acceptable answer: a traceback, an exit code outside
        `allowed`, or a refusal (exit 2) with nothing on stderr to say why."""
        found = []
        if "Traceback" in self.out or "Traceback" in self.err:
            found.append("a traceback was shown")
        if self.code not in allowed:
            found.append(f"exit code {self.code!r} (allowed: {allowed})")
        if self.code == 2 and not self.err.strip():
            found.append("refused (exit 2) with no message on stderr")
        return found


def _short(arg: str) -> str:
    arg = repr(arg) if (not arg or any(ch.isspace() for ch in arg)) else arg
    return arg if len(arg) <= 80 else f"{arg[:60]}...({len(arg)} chars)"


class _Records(logging.Handler):
    def __init__(self, sink: io.StringIO):
        super().__init__(logging.DEBUG)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record):
        self.sink.write(self.format(record) + "\n")


def run_cpd(argv: list[str]) -> Run:
    """`cpd ARGV` in this process (etl.cli.main), capturing stdout, stderr and log records.
    An exception that escapes main is what the user would see as a traceback: it is caught and
    its traceback put on stderr, so the caller's check finds it."""
    from etl.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = _Records(err)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exit_:  # argparse
                code = exit_.code if isinstance(exit_.code, int) else (
                    0 if exit_.code is None else 1)
            except BaseException as exc:  # noqa: BLE001 -- exactly what must never happen
                if isinstance(exc, KeyboardInterrupt):
                    raise
                err.write(traceback.format_exc())
                code = type(exc).__name__
    finally:
        root.removeHandler(handler)
    return Run(list(argv), code, out.getvalue(), err.getvalue())


def run_cpd_process(argv: list[str], env: dict | None = None, timeout: float = 120,
                    cwd=None, preexec=None) -> Run:
    """`.venv/bin/cpd ARGV` as a separate process (what a user runs); `preexec` runs in the
    child before it starts (to limit its memory, say)."""
    cpd = Path(sys.executable).with_name("cpd")
    command = [str(cpd)] if cpd.exists() else [sys.executable, "-m", "etl.cli"]
    done = subprocess.run(command + list(argv), capture_output=True, text=True,
                          errors="replace", env=env, timeout=timeout, cwd=cwd,
                          preexec_fn=preexec)
    return Run(list(argv), done.returncode, done.stdout, done.stderr)


class Problems(list):
    """Every unacceptable run of a test, so one failure lists them all."""

    def check(self, argv, allowed=(0, 1, 2), run=run_cpd, parse=None):
        result = run(argv)
        found = result.problems(allowed)
        if not found and parse and result.code == 0:
            try:
                parse(result.out)
            except Exception as err:  # noqa: BLE001 -- reported, with the output
                found.append(f"output does not parse ({type(err).__name__}: {err})")
        if found:
            self.append("; ".join(found) + "\n" + result.shown)
        return result

    def report(self) -> str:
        return f"{len(self)} unacceptable run(s):\n\n" + "\n\n".join(self)


if __name__ == "__main__":  # python -m tests.messy OUT SEED [ROWS]
    out = write_messy_extract(sys.argv[1], int(sys.argv[2]),
                              int(sys.argv[3]) if len(sys.argv) > 3 else 200)
    print(out)
