"""Read an extract: find its files, decode them, recognise each table by its header.

Accepts UTF-8 (with or without BOM) and UTF-16, LF or CRLF, any column order, extra columns
(ignored, with a warning). Anything else is refused with an `ExtractError` that names the
file, says what is wrong and how to fix it; nothing is read into the warehouse until every
file of the extract has been read.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from schemas.tables import TABLES, Table, closest, identify

# A whole England 903 episodes file is about 20 MB; a file much larger than that is almost
# always the wrong export. Raise the limit with CPD_MAX_FILE_MB for a genuine one.
DEFAULT_MAX_FILE_MB = 64


class ExtractError(Exception):
    """An extract that cannot be used at all. The message is for the analyst who will fix it."""


@dataclass
class TableFile:
    """One file of an extract, read as text: every cell a string, blanks as ""."""

    path: Path
    table: Table
    frame: pd.DataFrame  # index = row number in the file (the header is row 1)
    sha256: str
    encoding: str
    extra_columns: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, int]] = field(default_factory=list)  # (row, fields) of ragged rows


@dataclass
class Extract:
    files: dict[str, TableFile]  # by table name
    warnings: list[str] = field(default_factory=list)


def max_file_bytes() -> int:
    value = os.environ.get("CPD_MAX_FILE_MB", str(DEFAULT_MAX_FILE_MB))
    try:
        limit = float(value)
    except ValueError:
        limit = float("nan")
    if not 0 < limit < 1024 * 1024:  # also refuses nan
        raise ExtractError(f"CPD_MAX_FILE_MB is {value[:40]!r}, not a number of megabytes. Set "
                           f"it to the largest file to accept (default {DEFAULT_MAX_FILE_MB}), "
                           "or unset it.")
    return int(limit * 1024 * 1024)


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was in."""
    name = path.name
    if not raw.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ExtractError(f"{name} is empty. Export the table again from the case system, "
                           "or remove the file from the folder if the table is not needed.")
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw[1:200:2].count(0) > 50 and raw[0:200:2].count(0) == 0:
        encoding = "utf-16-le"  # UTF-16 without a byte order mark
    elif raw[0:200:2].count(0) > 50 and raw[1:200:2].count(0) == 0:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        kind = "is not a text file" if b"\x00" in raw[:4096] else "is not UTF-8 or UTF-16 text"
        raise ExtractError(
            f"{name} {kind} (undecodable byte 0x{raw[err.start]:02x} at byte {err.start}). "
            "Save it from the case system or Excel as 'CSV UTF-8 (comma delimited)'.") from None
    if "\x00" in text:
        raise ExtractError(f"{name} is not a text file (it holds binary data). "
                           "Export the table again as CSV.")
    return text, encoding


def _header_problem(name: str, header: list[str]) -> str | None:
    line = ",".join(header)
    if len(header) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if sep in line:
                return (f"{name} separates its columns with {label}, not commas. Save it as "
                        "'CSV UTF-8 (comma delimited)' and load it again.")
        return (f"{name} has a single column ({line[:60]!r}), so it is not a 903 CSV file. "
                "Export the table again as comma-separated values.")
    names = [h.strip().upper() for h in header]
    dupes = sorted(n for n, count in Counter(names).items() if count > 1 and n)
    if dupes:
        return f"{name} has the column {', '.join(dupes)} more than once. Remove the copies."
    return None


def _check_quotes_closed(name: str, text: str, rows: list[list[str]]) -> None:
    """A quote opened and never closed swallows the rest of the file into one cell, silently:
    refuse it, naming the row."""
    last = rows[-1][-1] if rows and rows[-1] else ""
    if "\n" not in last and "\r" not in last:
        return
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as err:
        if "unexpected end of data" in str(err):
            lines = last.count("\n") or last.count("\r")
            raise ExtractError(
                f"{name}: a quote (\") opened in row {len(rows) + 1} is never closed, so the "
                f"{lines:,} line(s) after it read as a single value. Remove the stray quote, or "
                "double any quote inside a value (\"\"), and export the file again.") from None


def read_file(path: Path) -> TableFile | None:
    """Read one CSV file as a table of strings, or None if it is not any table we know of
    (the caller decides whether that matters)."""
    size = path.stat().st_size
    if size > max_file_bytes():
        raise ExtractError(
            f"{path.name} is {size / 1024 / 1024:.0f} MB, more than the "
            f"{max_file_bytes() // 1024 // 1024} MB limit for one file (a whole England "
            "episodes file is about 20 MB). Check it is the right export; if it is, set "
            "CPD_MAX_FILE_MB to a larger limit and load again.")
    raw = path.read_bytes()
    text, encoding = _decode(path, raw)
    fast = _plain_table(text)
    if fast is not None:
        header, columns = fast
        rows = None
    else:
        # One cell may be as long as the file (a pasted document, a quote left open): it is
        # read, and the rules deal with the value, rather than csv's 128 KB limit refusing
        # the file.
        csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader)
            rows = list(reader)
        except csv.Error as err:
            raise ExtractError(f"{path.name} is not valid CSV ({err}). Export it again as "
                               "CSV.") from None
        _check_quotes_closed(path.name, text, rows)
    problem = _header_problem(path.name, header)
    if problem:
        raise ExtractError(problem)
    names = [h.strip().upper() for h in header]
    table, extras = identify(names)
    if table is None:
        like, lacking = closest(names)
        # Most of a table's columns, its identifier among them: a mistyped or short export.
        if like.columns[0] in names and len(set(names) & set(like.columns)) * 2 >= len(
                like.columns):
            raise ExtractError(
                f"{path.name} looks like the {like.name} table but has no "
                f"{', '.join(lacking)} column. Add the missing column(s) to the export "
                "(they may be blank where DfE allows it) and load again.")
        return None
    keep = [i for i, n in enumerate(names) if n in table.columns]
    if rows is None:  # read by Arrow: every row has the header's width
        frame = columns.iloc[:, keep].set_axis([names[i] for i in keep], axis=1)
        frame.index = pd.Index(np.arange(2, len(frame) + 2), name="row")
        bad_rows = []
    else:
        frame, bad_rows = _frame(rows, names, keep)
    frame = frame[list(table.columns)].astype(str)
    return TableFile(path, table, frame, hashlib.sha256(raw).hexdigest(), encoding,
                     extras, bad_rows)


def _frame(rows: list[list[str]], names: list[str], keep: list[int]
           ) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """The rows csv read as a frame of the kept columns, blank lines skipped and rows of the
    wrong width set aside as (row, fields)."""
    width = len(names)
    columns: dict[str, list[str]] = {names[i]: [] for i in keep}
    row_numbers, bad_rows = [], []
    for number, row in enumerate(rows, start=2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line (often a trailing one)
        if len(row) != width:
            bad_rows.append((number, len(row)))
            continue
        row_numbers.append(number)
        for i in keep:
            columns[names[i]].append(row[i])
    frame = pd.DataFrame(columns, index=pd.Index(row_numbers, name="row"), dtype=object)
    return frame, bad_rows


# A quote that neither opens a value (after a comma or a line break) nor closes one (before
# them, or at the end): a doubled quote, or one inside a value. Only csv's own reading is
# trusted with those.
_ODD_QUOTE = re.compile(r'(?<![,\r\n])"(?![,\r\n]|\Z)')
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' own str dtype


def _plain_table(text: str) -> tuple[list[str], pd.DataFrame] | None:
    """The header and rows (columns by position) of a well-formed file, read by Arrow's CSV
    reader (ten times csv's speed, which matters at England scale), or None for csv to read
    it: a file with a blank line, a row of another width, a quote that is not simply around
    a value, or anything Arrow cannot parse. On the files it takes, Arrow reads exactly what
    csv reads (tests/etl/test_read_fast.py)."""
    if '"' in text and _ODD_QUOTE.search(text, 1 if text.startswith('"') else 0):
        return None
    # a blank line: Arrow skips it whatever it is told, and the rows after it would be
    # numbered one short (a line break straight after another, "\r\n" being one)
    if text[:1] in ("\r", "\n") or "\n\n" in text or "\n\r" in text or "\r\r" in text:
        return None
    try:
        width = len(next(csv.reader(io.StringIO(text, newline=""))))
    except (csv.Error, StopIteration):
        return None
    uneven: list = []
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True,
                                            use_threads=False, block_size=1 << 26),
            parse_options=pa_csv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False,
                invalid_row_handler=lambda row: uneven.append(row) or "skip"),
            convert_options=pa_csv.ConvertOptions(
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                column_types={f"f{i}": pa.string() for i in range(width)}))
    except (pa.ArrowInvalid, ValueError):
        return None
    if uneven or table.num_rows == 0 or table.num_columns != width or not all(
            pa.types.is_string(t) for t in table.schema.types):
        return None
    header = [table.column(i)[0].as_py() for i in range(width)]
    rows = table.slice(1).to_pandas(types_mapper=lambda t: _TEXT if pa.types.is_string(t)
                                    else None)
    return header, rows


def _shown(path: Path) -> str:
    """A path as a message shows it: whole unless absurdly long."""
    text = str(path)
    return text if len(text) <= 200 else f"{text[:120]}...{text[-60:]} ({len(text):,} characters)"


def _candidates(path: Path) -> list[Path]:
    """The CSV files of an extract folder, or the one file given."""
    try:
        if path.is_dir():
            return sorted(p for p in path.iterdir()
                          if p.suffix.lower() == ".csv" and p.is_file())
        if path.is_file():
            return [path]
        exists = path.exists() or path.is_symlink()
    except OSError as err:
        raise ExtractError(f"{_shown(path)} cannot be opened ({err.strerror}). Give the folder "
                           "that holds the extract's CSV files.") from None
    if not exists:
        raise ExtractError(f"{_shown(path)} does not exist. Give the folder that holds the "
                           "extract's CSV files.")
    if path.is_symlink():
        raise ExtractError(f"{_shown(path)} is a symbolic link that leads nowhere (it points at "
                           "itself or at a file that is gone). Give the folder that holds the "
                           "extract's CSV files.")
    raise ExtractError(f"{_shown(path)} is not a folder or a regular file (it is a device, "
                       "pipe or socket). Give the folder that holds the extract's CSV files.")


def read_extract(path: Path) -> Extract:
    """Read every CSV file of an extract folder (or one file). Raises ExtractError when a file
    cannot be read or two files hold the same table."""
    path = Path(path)
    candidates = _candidates(path)
    if not candidates:
        raise ExtractError(f"{_shown(path)} holds no .csv files. Give the folder that holds the "
                           "extract's CSV files.")
    files: dict[str, TableFile] = {}
    warnings: list[str] = []
    for candidate in candidates:
        try:
            table_file = read_file(candidate)
        except OSError as err:
            raise ExtractError(f"{candidate.name} cannot be read ({err.strerror}). Check the "
                               "file's permissions and that it is not open elsewhere.") from None
        if table_file is None:
            warnings.append(f"{candidate.name}: ignored, its columns are not those of any 903 "
                            "table or local extract")
            continue
        name = table_file.table.name
        if name in files:
            raise ExtractError(
                f"{files[name].path.name} and {candidate.name} both hold the {name} table. "
                "Keep one of them in the folder.")
        files[name] = table_file
        if table_file.extra_columns:
            extras = table_file.extra_columns
            named = ", ".join(e if len(e) <= 40 else f"{e[:37]}..." for e in extras[:20])
            more = f" and {len(extras) - 20:,} more" if len(extras) > 20 else ""
            warnings.append(f"{candidate.name}: extra column(s) ignored: {named}{more}")
    return Extract(files, warnings)


def require_tables(extract: Extract, source: Path) -> None:
    """An extract to load must hold Header and Episodes, each with at least one row."""
    for name in [t.name for t in TABLES.values() if t.required]:
        table_file = extract.files.get(name)
        if table_file is None:
            raise ExtractError(
                f"{source} has no {name} file (a CSV whose columns are "
                f"{', '.join(TABLES[name].columns)}). Every extract needs Header and "
                "Episodes; add the file and load again.")
        if table_file.frame.empty:
            raise ExtractError(
                f"{table_file.path.name} has column names but no rows. A {name} file with no "
                "children cannot be loaded: export it again for the right period.")
