"""The rejects report an analyst works from: CSV to sort and filter, HTML to read.

rejects.csv lists every problem. rejects.html groups them by rule (what the rule says, what
was done about it, how many problems and rows, in which files and columns) with a few example
rows each, so it stays short however big the extract; the CSV has the rest.

Values are written as the file held them, except that anything a spreadsheet would run as a
formula gets a leading apostrophe, so opening the report in Excel cannot run it. In the HTML
every value is escaped. Report files are created readable by their owner only: they hold
child ids.

A load's report is published like its warehouse: written in full to a private folder and
renamed into place (`publish_reports`), so a folder under a load's id is never half-written.
"""
from __future__ import annotations

import html
import json
import logging
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from etl.validate import REJECT_COLUMNS
from etl.warehouse.publish import BUILDING_PREFIX, fsync_path, open_private
from schemas.rules import BLANKED, KEPT_OUT, NOT_RECORDED, REPORTED

log = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXAMPLES = 5  # example rows per rule in the HTML report
LONGEST_VALUE = 120  # characters of a value shown in the HTML report (the CSV has it all)

ACTIONS = {  # what each action means, in plain English, in the order the report explains them
    BLANKED: "The value broke a rule but is not part of what identifies the row, so the value "
             "was left blank (not known) and the rest of the row was loaded.",
    KEPT_OUT: "The row could not be trusted: a value that identifies it (such as the child or "
              "a date that orders their episodes) is wrong, or the row contradicts itself or "
              "another row. The whole row was kept out of the warehouse.",
    REPORTED: "A warning, or a required value that was already blank: nothing was changed and "
              "the row was loaded as it is. Check it in the case system.",
}
SUMMARY_COLUMNS = ["rule", "severity", "message", "action", "rows", "problems", "where"]


def neutralise_cell(value):
    """A cell value safe to open in a spreadsheet (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell made safe; as objects, so whole numbers stay whole in the CSV."""
    return pd.DataFrame({column: [neutralise_cell(v) for v in frame[column]]
                         for column in frame.columns}, index=frame.index, dtype=object)


def _with_action(rejects: pd.DataFrame) -> pd.DataFrame:
    """The rejects with every REJECT_COLUMN, an action that is never missing (a report made
    from an old load's rejects, before actions were recorded, says "not recorded")."""
    out = rejects.reindex(columns=REJECT_COLUMNS).copy()
    out["action"] = out["action"].astype(object).where(out["action"].notna(), NOT_RECORDED)
    return out


def _where(group: pd.DataFrame) -> str:
    """Files and columns a rule's problems are in: "episodes.csv (PLACE, URN); header.csv"."""
    parts = []
    for file, in_file in group.groupby("file", sort=True):
        columns = sorted({str(c) for c in in_file["column_name"] if pd.notna(c) and c != ""})
        parts.append(f"{file} ({', '.join(columns)})" if columns else str(file))
    return "; ".join(parts)


def summary_by_rule(rejects: pd.DataFrame) -> pd.DataFrame:
    """One line per rule and action: rule, severity, message, action, rows (distinct file
    rows), problems, where (files and columns). Errors first, then most rows first."""
    if rejects.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    frame = _with_action(rejects)
    out = []
    for (rule, severity, message, action), group in frame.groupby(
            ["rule", "severity", "message", "action"], sort=False, dropna=False):
        out.append({"rule": rule, "severity": severity, "message": message, "action": action,
                    "rows": int(group[["file", "row_number"]].drop_duplicates().shape[0]),
                    "problems": len(group), "where": _where(group)})
    summary = pd.DataFrame(out, columns=SUMMARY_COLUMNS)
    summary["_order"] = (summary["severity"] != "error").astype(int)
    return (summary.sort_values(["_order", "rows", "rule", "action"],
                                ascending=[True, False, True, True], kind="stable")
            .drop(columns="_order").reset_index(drop=True))


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _e(value) -> str:
    return html.escape(_text(value), quote=True)


def _shown_value(value) -> str:
    """A value for the HTML report: escaped, blank said in words, very long ones shortened."""
    text = _text(value)
    if text.strip() == "":
        return "<i>(blank)</i>"
    if len(text) > LONGEST_VALUE:
        return _e(text[:LONGEST_VALUE]) + f"&hellip; <i>({len(text)} characters)</i>"
    return _e(text)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _html(rejects: pd.DataFrame, title: str) -> str:
    frame = _with_action(rejects)
    summary = summary_by_rule(frame)
    rows_with_problems = int(frame[["file", "row_number"]].drop_duplicates().shape[0])
    by_action = frame["action"].value_counts()

    actions = "\n".join(f"<dt>{_e(action)}</dt><dd>{_e(meaning)}</dd>"
                        for action, meaning in ACTIONS.items())
    if frame.empty:
        body = "<p>No problems were found: every row was loaded as it is.</p>"
    else:
        counts = "; ".join(f"{_e(a)}: {int(by_action.get(a, 0)):,}"
                           for a in (*ACTIONS, NOT_RECORDED) if by_action.get(a, 0))
        head = "".join(f'<th scope="col">{h}</th>' for h in (
            "Rule", "Severity", "Message", "What was done", "Problems", "Rows",
            "Files (columns)"))
        lines = "\n".join(
            f'<tr><th scope="row"><a href="#rule-{i}">{_e(r.rule)}</a></th>'
            f"<td>{_e(r.severity)}</td><td>{_e(r.message)}</td><td>{_e(r.action)}</td>"
            f'<td class="n">{r.problems:,}</td><td class="n">{r.rows:,}</td>'
            f"<td>{_e(r.where)}</td></tr>"
            for i, r in enumerate(summary.itertuples(index=False), start=1))
        groups = dict(iter(frame.groupby(["rule", "severity", "message", "action"],
                                         sort=False, dropna=False)))
        sections = "\n".join(
            _section(i, r, groups[(r.rule, r.severity, r.message, r.action)])
            for i, r in enumerate(summary.itertuples(index=False), start=1))
        body = f"""<p>{_plural(len(frame), 'problem')} on {_plural(rows_with_problems, 'row')}
({counts}). Rule codes are DfE's 903 validation rule numbers where DfE has one; row numbers
count the header as row 1.</p>
<p>This page shows up to {EXAMPLES} example rows for each rule. Every problem, with its file,
row number, child, column, value, rule and what was done, is in
<a href="rejects.csv">rejects.csv</a> (values a spreadsheet would run as a formula start with
an apostrophe there).</p>
<table><caption>Problems by rule</caption><thead><tr>{head}</tr></thead>
<tbody>
{lines}
</tbody></table>
{sections}"""
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#0b0c0c;max-width:75rem}}
table{{border-collapse:collapse;margin:1rem 0}}th,td{{border:1px solid #505a5f;padding:.25rem .5rem;text-align:left;vertical-align:top}}
td.n{{text-align:right}}caption{{font-weight:bold;text-align:left;padding:.5rem 0}}
dt{{font-weight:bold;margin-top:.5rem}}dd{{margin-left:1rem}}a{{color:#1d70b8}}a:focus{{outline:3px solid #fd0}}</style>
</head>
<body><main><h1>{_e(title)}</h1>
<h2>What was done about each problem</h2>
<dl>
{actions}
</dl>
{body}
</main></body></html>
"""


def _section(i: int, r, group: pd.DataFrame) -> str:
    """A rule's heading, what was done, and up to EXAMPLES example rows of its `group`."""
    examples = group.sort_values(["file", "row_number"], kind="stable").head(EXAMPLES)
    shown = len(examples)
    caption = ("The only problem" if r.problems == 1 else
               f"All {r.problems:,} problems" if shown == r.problems else
               f"First {shown} of {r.problems:,} problems") + \
        f" for rule {_text(r.rule)} ({_text(r.action)})"
    lines = "\n".join(
        f"<tr><td>{_e(x.file)}</td><td class=\"n\">{_e(x.row_number)}</td>"
        f"<td>{_e(x.child)}</td><td>{_e(x.column_name)}</td>"
        f"<td>{_shown_value(x.value)}</td></tr>"
        for x in examples.itertuples(index=False))
    more = "" if shown == r.problems else (
        f'<p>The other {r.problems - shown:,} are in <a href="rejects.csv">rejects.csv</a>.</p>')
    return f"""<section aria-labelledby="rule-{i}">
<h2 id="rule-{i}">Rule {_e(r.rule)} ({_e(r.action)}): {_e(r.message)}</h2>
<p>{_e(r.severity.capitalize() if isinstance(r.severity, str) else r.severity)};
what was done: <strong>{_e(r.action)}</strong>. {_plural(r.problems, 'problem')} on
{_plural(r.rows, 'row')}, in {_e(r.where)}.</p>
<table><caption>{_e(caption)}</caption><thead><tr><th scope="col">File</th>
<th scope="col">Row</th><th scope="col">Child</th><th scope="col">Column</th>
<th scope="col">Value</th></tr></thead>
<tbody>
{lines}
</tbody></table>
{more}
</section>"""


def write_reports(rejects: pd.DataFrame, folder: Path, title: str) -> dict[str, Path]:
    """rejects.csv and rejects.html in `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    csv_path, html_path = folder / "rejects.csv", folder / "rejects.html"
    with open_private(csv_path) as handle:
        neutralise(rejects.reindex(columns=REJECT_COLUMNS)).to_csv(
            handle, index=False, lineterminator="\n")
    with open_private(html_path) as handle:
        handle.write(_html(rejects, title))
    return {"csv": csv_path, "html": html_path}


def publish_reports(rejects: pd.DataFrame, reports: Path, load_id: str,
                    title: str, gx_results: list[dict] | None = None,
                    data_docs: Path | None = None) -> dict[str, Path]:
    """A published load's report, as `reports/<load_id>/`: written in full to
    `reports/.building-<pid>` and renamed into place, so a report folder under a load id is
    always complete. Its Data Docs go in the same folder (`data-docs/`): `data_docs`, built
    already (by the data-quality worker), or built here from the load's great-expectations
    results. Call with the load lock held."""
    reports = Path(reports)
    reports.mkdir(mode=0o700, parents=True, exist_ok=True)
    building = reports / f"{BUILDING_PREFIX}{os.getpid()}"
    final = reports / load_id
    shutil.rmtree(building, ignore_errors=True)
    paths = write_reports(rejects, building, title)
    for path in paths.values():
        fsync_path(path)
    if data_docs is not None and data_docs.is_dir():
        os.replace(data_docs, building / "data-docs")
    elif gx_results:
        write_data_docs(gx_results, building / "data-docs", title)
    if final.is_symlink() or final.is_file():
        final.unlink()
    elif final.exists():  # only if a load id were ever reused: replace, never mix
        shutil.rmtree(final)
    os.replace(building, final)
    fsync_path(reports)
    return {kind: final / path.name for kind, path in paths.items()}


def write_data_docs(gx_results: list[dict], folder: Path, title: str) -> bool:
    """The load's Data Docs; whether they were built. They only present results the
    warehouse already holds (and the data-quality page shows), so a failure to build them
    costs the docs, not the report."""
    try:
        from etl.quality import docs

        docs.write_site(gx_results, folder, title.replace("Rejects for", "Data checks for"))
    except Exception as err:  # a fault in building the docs; the message may quote data
        log.warning("Data Docs were not built (%s)", type(err).__name__)
        shutil.rmtree(folder, ignore_errors=True)
        return False
    return True


def load_title(source: str, period_end) -> str:
    """The heading of a load's report."""
    return f"Rejects for {Path(str(source)).name}, period end {pd.Timestamp(period_end):%d/%m/%Y}"


def _gx_results(con, load_id: str) -> list[dict] | None:
    """A load's great-expectations results as stored (None for a load from before them)."""
    try:
        row = con.execute("SELECT gx_results FROM quality_runs WHERE load_id = ?",
                          [load_id]).fetchone()
    except duckdb.CatalogException:  # a warehouse built before the data-quality checks
        return None
    return json.loads(row[0]) if row else None


def restore_missing() -> list[str]:
    """Write the report of every load in the current warehouse whose report folder is missing
    (a load killed after it was published, before its report was in place), from the
    warehouse's rejects table. Returns the load ids whose reports were written. Call with the
    load lock held, after `publish.clear_leftovers()`."""
    from etl.warehouse import publish

    con = publish.connect_current()
    if con is None:
        return []
    try:
        reports = publish.reports_dir()
        loads = con.execute("SELECT load_id, source, period_end FROM load_log "
                            "ORDER BY loaded_at, load_id").fetchall()
        missing = [load for load in loads if not (reports / load[0]).is_dir()]
        columns = ", ".join(REJECT_COLUMNS)
        for load_id, source, period_end in missing:
            rejects = con.execute(f"SELECT {columns} FROM rejects WHERE load_id = ? "
                                  "ORDER BY file, row_number, rule", [load_id]).df()
            # loads made before actions were recorded kept every row with an error out and
            # changed nothing for a warning
            old = rejects["action"].isna()
            rejects.loc[old, "action"] = rejects.loc[old, "severity"].map(
                {"error": KEPT_OUT, "warning": REPORTED})
            publish_reports(rejects, reports, load_id, load_title(source, period_end),
                            _gx_results(con, load_id))
    finally:
        con.close()
    return [load[0] for load in missing]
