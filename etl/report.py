"""The rejects report an analyst works from: CSV to sort and filter, HTML to read.

Values are written as the file held them, except that anything a spreadsheet would run as a
formula gets a leading apostrophe, so opening the report in Excel cannot run it.
"""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from etl.validate import REJECT_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A cell value safe to open in a spreadsheet (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell made safe; as objects, so whole numbers stay whole in the CSV."""
    return pd.DataFrame({column: [neutralise_cell(v) for v in frame[column]]
                         for column in frame.columns}, index=frame.index, dtype=object)


def summary_by_rule(rejects: pd.DataFrame) -> pd.DataFrame:
    if rejects.empty:
        return pd.DataFrame(columns=["rule", "severity", "message", "rows"])
    return (rejects.groupby(["rule", "severity", "message"], as_index=False)
            .agg(rows=("row_number", "size"))
            .sort_values(["severity", "rows"], ascending=[True, False], ignore_index=True))


def write_reports(rejects: pd.DataFrame, folder: Path, title: str) -> dict[str, Path]:
    """rejects.csv and rejects.html in `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = folder / "rejects.csv", folder / "rejects.html"
    neutralise(rejects[REJECT_COLUMNS]).to_csv(csv_path, index=False)
    summary = summary_by_rule(rejects)

    def rows(frame: pd.DataFrame) -> str:
        return "\n".join(
            "<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>"
                             for v in record) + "</tr>"
            for record in frame.itertuples(index=False))

    def table(frame: pd.DataFrame, caption: str) -> str:
        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
        return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr>"
                f"</thead><tbody>{rows(frame)}</tbody></table>")

    errors = int((rejects["severity"] == "error").sum())
    warnings = int((rejects["severity"] == "warning").sum())
    html_path.write_text(f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#0b0c0c}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #505a5f;padding:.25rem .5rem;text-align:left}}
caption{{font-weight:bold;text-align:left;padding:.5rem 0}}</style></head>
<body><main><h1>{html.escape(title)}</h1>
<p>{errors} row problem(s) kept rows out of the warehouse (errors); {warnings} more are
reported only (warnings). Rule codes are DfE's 903 validation rule numbers where DfE has one.</p>
{table(summary, "Problems by rule")}
{table(rejects[REJECT_COLUMNS], "Every problem, by file and row (row 1 is the header)")}
</main></body></html>
""", encoding="utf-8")
    return {"csv": csv_path, "html": html_path}
