"""The scan for children's identifiers in what the tests logged (issue 9: "a scan of
everything logged during the test suite finds no child identifier of the sample").

The identifiers are the sample's own: every CHILD value of the bundled extracts in
sample_data/. A hit is a whole token (letters and digits on neither side), so a longer number
that merely contains one does not count. Nothing here ever prints an identifier: callers get
counts per file.

Small and dependency-free: tests/conftest.py imports it at the end of every session.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
ARTIFACTS = ROOT / "tests" / "artifacts"
PYTHON_LOG = ARTIFACTS / "python.log"
SERVER_LOG = ARTIFACTS / "server.log"
MAX_FILE = 200 * 1024 * 1024  # a log bigger than this is read in part (its first bytes)
_TOKEN = re.compile(r"[A-Za-z0-9]+")


@lru_cache(maxsize=1)
def sample_child_ids() -> frozenset[str]:
    """Every CHILD of the bundled sample's extracts (each folder's CSVs with a CHILD
    column: header.csv and episodes.csv among them)."""
    found: set[str] = set()
    for path in sorted(SAMPLE.glob("*/*.csv")):
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            if "CHILD" not in header:
                continue
            column = header.index("CHILD")
            for row in reader:
                if len(row) > column and row[column].strip():
                    found.add(row[column].strip())
    return frozenset(found)


def count_ids(text: str, ids: frozenset[str] | set[str] | None = None) -> int:
    """How many times any of `ids` (default: the sample's children) appears in `text` as a
    whole token."""
    ids = sample_child_ids() if ids is None else ids
    if not ids or not text:
        return 0
    if all(_TOKEN.fullmatch(i) for i in ids):
        return sum(1 for token in _TOKEN.findall(text) if token in ids)
    pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(
        re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r")(?![A-Za-z0-9])")
    return len(pattern.findall(text))


def scan_files(paths, ids=None) -> dict[Path, int]:
    """{file: hits} for every readable file among `paths` with at least one hit."""
    hits: dict[Path, int] = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                text = handle.read(MAX_FILE).decode("utf-8", errors="replace")
        except OSError:
            continue
        found = count_ids(text, ids)
        if found:
            hits[Path(path)] = found
    return hits


def log_files(basetemp: Path | None = None) -> list[Path]:
    """What the tests log: tests/artifacts/*.log (the live servers' stderr, this process's
    Python log records) and every *.log under this session's pytest temp folder."""
    files = sorted(ARTIFACTS.glob("*.log")) if ARTIFACTS.is_dir() else []
    if basetemp is not None and Path(basetemp).is_dir():
        files += sorted(p for p in Path(basetemp).rglob("*.log") if p.is_file())
    return files


def report(hits: dict[Path, int]) -> list[str]:
    """Lines saying where the identifiers are and how many: never the identifiers."""
    return [f"{_shown(path)}: {count} occurrence(s) of the sample's child identifiers"
            for path, count in sorted(hits.items())]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
