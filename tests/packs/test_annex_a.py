"""The Annex A child lists workbook: for managers only, the same children as the warehouse's
figures, a manager's remit kept, every export audited without a child's id, no full postcode,
and no cell that a spreadsheet would run as a formula. Against the real sample warehouse, and
a private one for the formula-like values."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from dashboard import access, state
from dashboard.access import AccessDenied, User
from dashboard.packs import annex_a
from etl.cli import main
from etl.config import default_code
from etl.warehouse.publish import current_path
from tests.live import MANAGER_AREA, ROOT, SECOND_LA, area_teams
from tests.warehouse import query

LA = default_code()
MARCH = dt.date(2026, 3, 31)  # a year end of the sample
LATEST = dt.date(2026, 9, 30)  # its latest period: an in-year extract
CHILD_ID = re.compile(r"^C\d{8}$")  # the sample's child ids


def last_audit(name: str) -> dict:
    [entry] = state.audit_entries(limit=1, user=name)
    return entry


def engine_figures(folder, period_end: dt.date) -> dict[str, dict]:
    """The indicators as `cpd indicators` reports them, by id."""
    out = subprocess.run(
        [sys.executable, "-m", "etl.cli", "indicators", "--la", LA, "--period-end",
         period_end.isoformat(), "--format", "json"],
        env={**os.environ, "CPD_DATA_DIR": str(folder)}, check=True, capture_output=True,
        text=True).stdout
    return {row["id"]: row for row in json.loads(out)["indicators"]}


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data))


def every_cell(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.mark.parametrize("role", ["member", "analyst", "admin"])
def test_only_managers_may_have_the_lists(sample_env, role, tmp_path):
    user = User(f"annex-a {role}", role)
    out = tmp_path / "lists.xlsx"
    for attempt in (lambda: annex_a.lists(user, LA, MARCH),
                    lambda: annex_a.workbook(user, LA, MARCH),
                    lambda: annex_a.write_workbook(user, LA, MARCH, out)):
        before = state.audit_entries(limit=1)[0]["id"]
        with pytest.raises(AccessDenied, match="managers only"):
            attempt()
        entry = last_audit(user.name)
        assert entry["id"] > before  # each refusal written to the log
        assert (entry["action"], entry["role"], entry["rows"], entry["outcome"]) == \
            ("Annex A lists", role, 0, "refused")
        assert entry["what"] == {"la": LA, "period_end": MARCH.isoformat()}
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.parametrize("period_end", [MARCH, LATEST])
def test_a_manager_with_every_team_gets_every_child_in_care(sample_env, period_end):
    manager = User("annex-a head of service", "manager")
    found = annex_a.lists(manager, LA, period_end)
    children, leavers = found["Children in care"], found["Care leavers"]
    figures = engine_figures(sample_env, period_end)

    # the same children as the dashboard's count, once each, sorted by id
    assert len(children) == figures["cla_at_period_end"]["value"] > 0
    ids = list(children["LA child id"])
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(0 <= age <= 18 for age in children["Age at period end"])

    # care leavers: the OC3 cohort behind the in-touch measures (which leave out those who
    # died or went home to their parents), aged 17 to 21
    bands = [figures[f"care_leavers_in_touch_{band}"] for band in ("17_18", "19_21")]
    left_out = leavers["In touch code"].isin(["DIED", "RHOM"]).sum()
    assert len(leavers) == sum(f["denominator"] for f in bands) + left_out > 0
    assert (leavers["In touch"] == "In touch").sum() == sum(f["numerator"] for f in bands)
    assert all(17 <= age <= 21 for age in leavers["Age at period end"])
    assert list(leavers["LA child id"]) == sorted(leavers["LA child id"])

    # audited as an export: the council, the period and how many rows; no child's id
    entry = last_audit(manager.name)
    assert (entry["action"], entry["outcome"], entry["rows"]) == \
        ("Annex A lists", "exported", len(children) + len(leavers))
    assert entry["what"] == {"la": LA, "period_end": period_end.isoformat()}
    logged = json.dumps(entry, default=str)
    assert not any(child in logged for child in ids + list(leavers["LA child id"]))


def test_codes_come_with_plain_words(sample_env):
    manager = User("annex-a reader", "manager")
    found = annex_a.lists(manager, LA, MARCH)
    for frame in found.values():
        for code_column in [c for c in frame.columns if c.endswith(" code")]:
            label = code_column.removesuffix(" code")
            pairs = frame[[code_column, label]].dropna()
            assert len(pairs) > 0
            # every code the sample holds is one the lists can put in words
            assert "Code not recognised" not in set(pairs[label]), code_column
    children = found["Children in care"]
    assert set(children["Placed outside the council's area"]) <= {"Yes", "No", "Not known"}
    miles = children["Distance from home (miles)"].dropna()
    assert len(miles) > len(children) / 2 and (miles >= 0).all()


def test_a_manager_with_a_remit_gets_only_their_teams(sample_env):
    teams = frozenset(area_teams(sample_env, MANAGER_AREA))
    everyone = annex_a.lists(User("annex-a director", "manager"), LA, MARCH)
    remit = User("annex-a team manager", "manager", teams=teams)
    theirs = annex_a.lists(remit, LA, MARCH)
    for name, frame in theirs.items():
        assert set(frame["Team"]) <= teams
        whole = everyone[name]
        expected = whole[whole["Team"].isin(teams)]
        assert list(frame["LA child id"]) == list(expected["LA child id"])
    assert 0 < len(theirs["Children in care"]) < len(everyone["Children in care"])
    assert last_audit(remit.name)["rows"] == sum(len(f) for f in theirs.values())

    nobody = annex_a.lists(User("annex-a no teams", "manager", teams=frozenset()), LA, MARCH)
    assert all(len(frame) == 0 for frame in nobody.values())
    # an empty list is still a workbook with its headings
    book = read_back(annex_a.workbook(User("annex-a no teams", "manager",
                                           teams=frozenset()), LA, MARCH))
    assert book["Children in care"].max_row == 1
    assert book["Children in care"]["A1"].value == "LA child id"


def test_another_council_or_period_is_refused(sample_env):
    kept = User("annex-a one council", "manager", councils=frozenset({SECOND_LA}))
    with pytest.raises(AccessDenied):
        annex_a.lists(kept, LA, MARCH)
    assert last_audit(kept.name)["outcome"] == "refused"
    manager = User("annex-a wrong period", "manager")
    with pytest.raises(AccessDenied):
        annex_a.lists(manager, LA, dt.date(2026, 3, 30))
    assert last_audit(manager.name)["what"] == {"la": LA, "period_end": "2026-03-30"}


def test_the_workbook_reads_as_an_inspector_expects(sample_env):
    manager = User("annex-a performance lead", "manager")
    data = annex_a.workbook(manager, LA, MARCH)
    book = read_back(data)
    assert book.sheetnames == ["About these lists", "Children in care", "Care leavers"]
    cover: dict = {}
    for row in book["About these lists"].iter_rows():
        if row[0].value:  # the counts come before the definitions, under the same names
            cover.setdefault(row[0].value, row[1].value)
    assert "personal data" in book["About these lists"]["A2"].value
    assert cover["Council"] == f"{access.config(LA).name} ({LA})"
    assert cover["Period end"] == dt.datetime(2026, 3, 31)
    assert isinstance(cover["Built (London time)"], dt.datetime)
    assert cover["Built by"] == "annex-a performance lead (manager)"
    assert cover["Children included"] == "every team"
    for name in ("Children in care", "Care leavers"):
        sheet = book[name]
        assert cover[name] == sheet.max_row - 1 > 0
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
                                        f"{sheet.max_row}"
        assert sheet["A1"].value == "LA child id" and sheet["A1"].font.b
        assert all(CHILD_ID.match(c.value) for c in sheet["A"][1:])
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(8 <= w <= 45 for w in widths)
        # dates are real dates, shown day first
        birth = [c for c in sheet[1] if c.value == "Date of birth"][0].column_letter
        assert all(c.is_date and c.number_format == "dd/mm/yyyy" for c in sheet[birth][1:])
    # the rows are the lists' rows, as written
    found = annex_a.lists(manager, LA, MARCH)
    sheet = book["Children in care"]
    first = {h.value: c.value for h, c in zip(sheet[1], sheet[2])}
    expected = found["Children in care"].iloc[0].to_dict()
    assert first["LA child id"] == expected["LA child id"]
    assert first["Date of birth"].date() == expected["Date of birth"]
    assert first["Placement type"] == expected["Placement type"]
    assert not any(c.data_type == "f" for c in every_cell(book))


def test_no_full_postcode_leaves_in_the_workbook(sample_env):
    data = annex_a.workbook(User("annex-a postcode check", "manager"), LA, MARCH)
    postcodes = {p.replace(" ", "").upper() for row in query(
        "SELECT home_post, pl_post FROM int_cla_at_period_end WHERE la_code = ? AND "
        "period_end = ?", LA, MARCH) for p in row if p}
    assert len(postcodes) > 100
    book = read_back(data)
    texts = {str(c.value).replace(" ", "").upper() for c in every_cell(book)
             if c.value is not None}
    assert not postcodes & texts
    # nor anywhere in the file's XML, spaced or not
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8").upper()
    assert not [p for p in postcodes if p in xml.replace(" ", "")]
    districts = [c.value for c in book["Children in care"][
        [c for c in book["Children in care"][1]
         if c.value == "Placement postcode district"][0].column_letter][1:]]
    assert all(re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]?|Not known", d) for d in districts)


def test_write_workbook_replaces_the_file_whole_and_privately(sample_env, tmp_path):
    manager = User("annex-a operator", "manager")
    out = tmp_path / "annex-a.xlsx"
    out.write_bytes(b"an older file")
    out.chmod(0o644)
    rows = annex_a.write_workbook(manager, LA, MARCH, out)
    assert rows == last_audit(manager.name)["rows"]
    book = load_workbook(out)
    assert rows == sum(book[n].max_row - 1 for n in ("Children in care", "Care leavers"))
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["annex-a.xlsx"]  # no partial left


# --- values a spreadsheet would run -----------------------------------------------------------
FORMULAS = {
    "social_worker": '=HYPERLINK("http://example.invalid","open me")',
    "team": "@SUM(1+1)",
    "service_area": "+1+1",
    "ethnic": "\t=1+1",
    "place_provider": "\r=2+2",
}


@pytest.fixture
def formula_warehouse(data_dir, tmp_path):
    """The sample's 2025/26 extract in a private warehouse, with values a spreadsheet would
    run. The loader blanks text that starts like a formula (rule CPD-FORMULA) but lets a signed
    number by, so one team is named "-12" in the extract itself; the others are written into
    the loaded warehouse afterwards, as a warehouse built before that rule would hold them: the
    workbook must be safe whatever the warehouse holds."""
    extract = tmp_path / "extract"
    shutil.copytree(ROOT / "sample_data" / "2025-26", extract)
    staff = extract / "staff_teams.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    worker, team, area = lines[1].split(",")
    lines[1] = ",".join([worker, "-12", area])
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["load", str(extract), "--period-end", MARCH.isoformat()]) == 0
    con = duckdb.connect(str(current_path()))
    try:
        children = [r[0] for r in con.execute(
            "SELECT child FROM int_cla_at_period_end WHERE la_code = ? AND period_end = ? "
            "AND child IN (SELECT child FROM int_child_attributes WHERE team <> '-12') "
            "ORDER BY child LIMIT 3", [LA, MARCH]).fetchall()]
        first, second, third = children
        con.execute("UPDATE int_child_attributes SET social_worker = ?, team = ?, "
                    "service_area = ? WHERE child = ?",
                    [FORMULAS["social_worker"], FORMULAS["team"], FORMULAS["service_area"],
                     second])
        con.execute("UPDATE int_cla_at_period_end SET ethnic = ?, place_provider = ? "
                    "WHERE child = ?", [FORMULAS["ethnic"], FORMULAS["place_provider"], third])
        # a child's id that looks like a formula, in both tables the list joins
        for table in ("int_cla_at_period_end", "int_child_attributes"):
            con.execute(f"UPDATE {table} SET child = '=1+2' WHERE child = ?", [first])
        signed = con.execute("SELECT count(*) FROM int_child_attributes WHERE team = '-12' "
                             "AND looked_after_at_period_end").fetchone()[0]
    finally:
        con.close()
    assert signed > 0  # the extract's own value reached the warehouse
    return data_dir


def test_no_value_becomes_a_formula(formula_warehouse):
    manager = User("=cmd|' /C calc'!A0", "manager")  # an operator's name is text too
    data = annex_a.workbook(manager, LA, MARCH)
    book = read_back(data)
    cells = list(every_cell(book))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    # each value is there as it was written, as text that stays text when edited
    # (a carriage return comes back as a line feed: XML readers, Excel's too, turn one into
    # the other)
    risky = {"=1+2", "-12", manager.name + " (manager)",
             *(v.replace("\r", "\n") for v in FORMULAS.values())}
    found = {c.value: c for c in cells if c.value in risky}
    assert set(found) == risky
    for value, cell in found.items():
        assert cell.data_type == "s" and cell.quotePrefix, value
    sheet = book["Children in care"]
    assert sheet["A2"].value == "=1+2"  # still sorted by id: "=" before "C"


def test_a_plain_openpyxl_write_would_have_made_formulas(tmp_path):
    """The check above can fail: the same values written as openpyxl does by default come
    back as formulas."""
    book = Workbook()
    book.active.append(["=1+2", FORMULAS["social_worker"]])
    buffer = io.BytesIO()
    book.save(buffer)
    assert [c.data_type for c in read_back(buffer.getvalue()).active[1]] == ["f", "f"]


def test_counts_from_a_file_the_extract_lacked_are_blank_not_zero(data_dir, tmp_path):
    """An extract without a missing file (it is optional) says nothing about missing
    episodes: the list leaves those counts blank, as the figures show "no data"."""
    extract = tmp_path / "extract"
    shutil.copytree(ROOT / "sample_data" / "2025-26", extract)
    (extract / "missing.csv").unlink()
    assert main(["load", str(extract), "--period-end", MARCH.isoformat()]) == 0
    manager = User("annex-a no missing file", "manager")
    children = annex_a.lists(manager, LA, MARCH)["Children in care"]
    assert len(children) > 0
    for heading in ("Missing episodes in the last 12 months",
                    "Away without authorisation in the last 12 months"):
        assert children[heading].isna().all()
    assert children["Placements in the last 12 months"].notna().all()
    sheet = read_back(annex_a.workbook(manager, LA, MARCH))["Children in care"]
    column = [c for c in sheet[1] if c.value == "Missing episodes in the last 12 months"][0]
    assert all(c.value is None for c in sheet[column.column_letter][1:])
