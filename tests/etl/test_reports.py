"""The rejects report: HTML grouped by rule with a few examples each (short however big the
extract), every problem in the CSV, formula cells neutralised, everything escaped."""
from __future__ import annotations

import csv
import html.parser

import pandas as pd

from etl.cli import main
from etl.report import EXAMPLES, summary_by_rule, write_reports
from etl.validate import REJECT_COLUMNS
from tests.builders import small_extract

FORMULA = '=HYPERLINK("http://evil.example","click")'
SCRIPT = '<script>alert("x")</script>'


def problem(row, child, column, value, rule, message, severity, action, file="header.csv",
            table="Header"):
    return dict(zip(REJECT_COLUMNS, [file, table, row, child, column, value, rule, message,
                                     severity, action]))


def many_problems(n: int = 40) -> pd.DataFrame:
    rows = [problem(2 + i, f"C{i}", "ETHNIC", f"Z{i}", "103", "ETHNIC is not a valid code",
                    "error", "value blanked") for i in range(n)]
    rows[0]["value"] = FORMULA
    rows[1]["value"] = SCRIPT
    rows[2]["child"] = "-1+1"  # a formula-like child id, too
    rows.append(problem(5, "B<b>2", "DECOM", "01/01/2030", "142", "episodes <overlap> & more",
                        "error", "row kept out", "episodes.csv", "Episodes"))
    rows.append(problem(7, "D4", "UPN", "", "UPN-W", "UPN missing", "warning",
                        "reported only"))
    return pd.DataFrame(rows, columns=REJECT_COLUMNS)


class Page(html.parser.HTMLParser):
    """What the accessibility checks need: tags with their attributes, and each table's rows."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.tables: list[dict] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag == "table":
            self.tables.append({"caption": "", "body_rows": 0})
        elif tag == "tr" and "tbody" in self._in:
            self.tables[-1]["body_rows"] += 1

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if self._in and self._in[-1] == "caption":
            self.tables[-1]["caption"] += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def test_a_rule_with_many_problems_shows_examples_in_html_and_every_row_in_csv(tmp_path):
    rejects = many_problems(40)
    paths = write_reports(rejects, tmp_path / "r", "Rejects for <extract> & co")
    text = paths["html"].read_text()
    page = parse(text)

    # accessible: language, a caption on every table, every header cell scoped
    assert ("html", {"lang": "en-GB"}) in page.tags
    assert page.tables and all(t["caption"].strip() for t in page.tables)
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in page.tags if tag == "th")

    # the summary: one line per rule and action, with what was done, counts and where
    summary = page.tables[0]
    assert summary["caption"] == "Problems by rule" and summary["body_rows"] == 3
    words = " ".join(page.text)
    for action in ("value blanked", "row kept out", "reported only"):
        assert action in words
    assert "header.csv (ETHNIC)" in words and "episodes.csv (DECOM)" in words
    # the three actions explained in plain English before the tables
    assert text.index("kept out of the warehouse") < text.index("<table")
    assert text.index("was loaded") < text.index("<table")

    # examples only: 5 of the 40 for rule 103, and a pointer to the CSV for the rest
    examples = {t["caption"]: t["body_rows"] for t in page.tables[1:]}
    assert examples == {
        f"First {EXAMPLES} of 40 problems for rule 103 (value blanked)": EXAMPLES,
        "The only problem for rule 142 (row kept out)": 1,
        "The only problem for rule UPN-W (reported only)": 1}
    assert 'href="rejects.csv"' in text and "The other 35 are in" in words
    assert "C4" in words and "C5" not in words.split()  # rows 2-6 shown, not row 7

    # HTML: everything escaped, nothing from the file runs
    assert "<script" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "<b>" not in text and "B&lt;b&gt;2" in text
    assert "episodes &lt;overlap&gt; &amp; more" in text
    assert "<title>Rejects for &lt;extract&gt; &amp; co</title>" in text
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in text

    # CSV: every problem, formula-like cells neutralised, the action on every line
    with paths["csv"].open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert list(lines[0]) == REJECT_COLUMNS
    assert len(lines) == 42
    assert lines[0]["value"] == "'" + FORMULA and lines[2]["child"] == "'-1+1"
    assert lines[1]["value"] == SCRIPT  # a CSV is not HTML: kept as the file held it
    assert {line["action"] for line in lines} == {"value blanked", "row kept out",
                                                   "reported only"}
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines
                   for cell in line.values())


def test_the_html_stays_short_however_many_problems(tmp_path):
    small = write_reports(many_problems(10), tmp_path / "a", "t")["html"].stat().st_size
    big = write_reports(many_problems(50_000), tmp_path / "b", "t")
    assert big["html"].stat().st_size < small + 200
    assert sum(1 for _ in big["csv"].open()) == 1 + 50_002


def test_summary_by_rule_keeps_its_columns_and_adds_the_action():
    summary = summary_by_rule(many_problems(40))
    assert {"rule", "severity", "message", "rows", "action"} <= set(summary.columns)
    assert list(summary[["rule", "severity", "action", "rows"]].itertuples(index=False,
                                                                          name=None)) == [
        ("103", "error", "value blanked", 40), ("142", "error", "row kept out", 1),
        ("UPN-W", "warning", "reported only", 1)]
    assert {"rule", "severity", "message", "rows", "action"} <= set(
        summary_by_rule(pd.DataFrame(columns=REJECT_COLUMNS)).columns)


def test_an_old_load_without_actions_still_reports(tmp_path):
    rejects = many_problems(3).assign(action=None)
    text = write_reports(rejects, tmp_path / "r", "t")["html"].read_text()
    assert "not recorded" in text


def test_a_clean_extract_says_so(tmp_path):
    text = write_reports(pd.DataFrame(columns=REJECT_COLUMNS), tmp_path / "r",
                         "t")["html"].read_text()
    assert "No problems were found" in text and "<table" not in text


def test_a_load_writes_the_grouped_report(data_dir, tmp_path, capsys):
    builder = small_extract()
    builder.rows["Header"][0]["SEX"] = "Q"  # not a code in any year
    assert main(["load", str(builder.write(tmp_path / "x")), "--period-end",
                 "2025-03-31"]) == 0
    out = capsys.readouterr().out
    assert "Problems by rule" in out and "101" in out
    [folder] = [p for p in (data_dir / "reports").iterdir()]
    with (folder / "rejects.csv").open(newline="") as handle:
        [line] = list(csv.DictReader(handle))
    assert (line["file"], line["row_number"], line["child"], line["column_name"],
            line["value"], line["rule"]) == ("header.csv", "2", "A1", "SEX", "Q", "101")
    assert line["action"] in ("value blanked", "row kept out")
    page = parse((folder / "rejects.html").read_text())
    assert [t["caption"] for t in page.tables if "rule 101" in t["caption"]] == [
        f"The only problem for rule 101 ({line['action']})"]
    assert page.tables[0]["caption"] == "Problems by rule"
