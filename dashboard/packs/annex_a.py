"""The Annex A style child lists for an Ofsted inspection, as an Excel workbook.

When an inspection of children's services (ILACS) is announced, Ofsted asks the council for
child-level lists within hours (the "Annex A" lists). Two of them come from the 903: the
children in care at the period end, and the care leavers. This module words the data layer's
rows for an inspector and a council's performance team (readable headings, the DfE code beside
a plain label where the code is cryptic) and writes them as a workbook: a cover sheet that says
what the lists are, who built them and how to handle them, then one sheet per list.

Only managers may have the lists (`access.annex_a_lists` refuses anyone else and audits every
export). Every text cell is written as text: a value that a spreadsheet would run as a formula
(= + - @, tab, carriage return at its start) never becomes one.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboard import access
from etl.config import parse_la_code
from etl.report import FORMULA_STARTS
from schemas.codes import (ACCOM_LABEL, ACTIV_EET, ACTIV_LABEL, CIN_LABEL, ETHNIC_LABEL,
                           IN_TOUCH_LABEL, LEGAL_STATUS_LABEL, PLACE_LABEL, PROVIDER_LABEL)

CHILDREN_IN_CARE = "Children in care"
CARE_LEAVERS = "Care leavers"
MARKING = "OFFICIAL-SENSITIVE"
LONDON = ZoneInfo("Europe/London")

AGE_GROUP = {"17_18": "17 to 18", "19_21": "19 to 21"}

DEFINITIONS = {
    CHILDREN_IN_CARE: (
        "Every child looked after by the council at the period end: a child with an episode "
        "of care open on that day (started on or before it, not ended before it), leaving out "
        "care that is only a series of short breaks. The same children as the dashboard's "
        "count of children in care."),
    CARE_LEAVERS: (
        "Young people aged 17 to 21 at the period end with a care leaver (OC3) record in the "
        "period's 903 extract: whether the council is in touch with them, their activity and "
        "their accommodation, as recorded around their birthday. Care leavers aged 22 to 25 "
        "whom the council still supports are not in the 903 and are not listed here."),
}
NOTES = [
    "Codes are DfE's 903 codes; the column beside each code says what it means.",
    "Placement postcode district only (for example DE22): full postcodes are never exported.",
    "Distance from home: the straight line between the home and placement postcodes, in "
    "miles, where both are known to the ONS postcode directory (blank otherwise).",
    "Placements in the last 12 months: placements open at any time in the 12 months ending "
    "the period end; changes of legal status only, same-carer changes and temporary "
    "placements are not new placements.",
    "Missing and away from placement without authorisation: episodes that began in the 12 "
    "months ending the period end. Blank where the period's extract had no missing file.",
    "Note: a start date marked as the earliest held began before the earliest data loaded, so "
    "the true date is earlier.",
    "Team and social worker: the social worker allocated at the period end and their team. "
    "Care leavers usually have a personal adviser rather than a social worker, which the 903 "
    "does not record, so most appear under the unallocated team.",
]
HANDLING = (
    f"{MARKING}. This workbook holds personal data about children and young people, including "
    "special category data (ethnicity). Keep it on the council's secure systems; share it only "
    "with the inspectors and officers who need it, and never by unsecured email; do not copy "
    "it to personal devices; delete your copies when the inspection is over. Each export is "
    "recorded in the dashboard's audit log.")


def _label(codes: pd.Series, labels: dict[str, str]) -> list[str]:
    return ["Not known" if code is None else labels.get(code, "Code not recognised")
            for code in codes]


def _yes_no(values: pd.Series) -> list[str]:
    return ["Not known" if v is None else ("Yes" if v else "No") for v in values]


def _not_known(values: pd.Series) -> list:
    return ["Not known" if v is None else v for v in values]


def _dates_note(care_unknown: bool, placement_unknown: bool) -> str | None:
    which = [name for name, unknown in (("period of care start", care_unknown),
                                         ("placement start", placement_unknown)) if unknown]
    return f"Earliest held: {' and '.join(which)}" if which else None


def _children_in_care(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "LA child id": rows["child"],
        "Sex": rows["sex"],
        "Date of birth": rows["dob"],
        "Age at period end": rows["age_at_period_end"],
        "Ethnicity code": rows["ethnic"],
        "Ethnicity": _label(rows["ethnic"], ETHNIC_LABEL),
        "Unaccompanied asylum-seeking child": _yes_no(rows["is_uasc"]),
        "Legal status code": rows["ls"],
        "Legal status": _label(rows["ls"], LEGAL_STATUS_LABEL),
        "Category of need code": rows["cin"],
        "Category of need": _label(rows["cin"], CIN_LABEL),
        "Date period of care started": rows["period_of_care_start"],
        "Placement type code": rows["place"],
        "Placement type": _label(rows["place"], PLACE_LABEL),
        "Placement provider code": rows["place_provider"],
        "Placement provider": ["None (temporary placement)" if code is None
                               else PROVIDER_LABEL.get(code, "Code not recognised")
                               for code in rows["place_provider"]],
        "Placement start date": rows["placement_start"],
        "Placement postcode district": _not_known(rows["placement_district"]),
        "Placed outside the council's area": _yes_no(rows["placed_outside"]),
        "Distance from home (miles)": rows["miles_from_home"],
        "Placements in the last 12 months": rows["placements_12m"],
        "Missing episodes in the last 12 months": rows["missing_12m"],
        "Away without authorisation in the last 12 months": rows["away_12m"],
        "Latest review date": rows["latest_review"],
        "Latest PEP review date": rows["latest_pep_review"],
        "Social worker": rows["social_worker"],
        "Team": rows["team"],
        "Service area": rows["service_area"],
        "Note": [_dates_note(c, p) for c, p in zip(rows["period_of_care_start_unknown"],
                                                    rows["placement_start_unknown"])],
    }, dtype=object)


def _suitable(accom: pd.Series) -> list[str]:
    return ["Yes" if code and code.endswith("1") else "No" if code and code.endswith("2")
            else "Not known" for code in accom]


def _in_education_or_work(activity: pd.Series) -> list[str]:
    return ["Not known" if code in (None, "0") else ("Yes" if code in ACTIV_EET else "No")
            for code in activity]


def _care_leavers(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "LA child id": rows["child"],
        "Sex": rows["sex"],
        "Date of birth": rows["dob"],
        "Age at period end": rows["age_at_period_end"],
        "Age group": _label(rows["age_band"], AGE_GROUP),
        "Ethnicity code": rows["ethnic"],
        "Ethnicity": _label(rows["ethnic"], ETHNIC_LABEL),
        "In touch code": rows["in_touch"],
        "In touch": _label(rows["in_touch"], IN_TOUCH_LABEL),
        "Activity code": rows["activ"],
        "Activity": _label(rows["activ"], ACTIV_LABEL),
        "In education, employment or training": _in_education_or_work(rows["activ"]),
        "Accommodation code": rows["accom"],
        "Accommodation": ["Not known" if code in (None, "0")
                          else ACCOM_LABEL.get(code[:1], "Code not recognised")
                          for code in rows["accom"]],
        "Accommodation suitable": _suitable(rows["accom"]),
        "Social worker": rows["social_worker"],
        "Team": rows["team"],
        "Service area": rows["service_area"],
    }, dtype=object)


def lists(user: access.User, la: str, period_end: dt.date) -> dict[str, pd.DataFrame]:
    """The Annex A lists of children in care and care leavers at a period end, each sorted by
    the child's id, with readable headings: {list name: frame}. Managers only (anyone else is
    refused, and the refusal audited); a manager with a remit gets their teams' children
    only. Audited as an export with the number of rows."""
    rows = access.annex_a_lists(user, la, period_end)
    return {CHILDREN_IN_CARE: _children_in_care(rows["children_in_care"]),
            CARE_LEAVERS: _care_leavers(rows["care_leavers"])}


# --- the workbook ---------------------------------------------------------------------------
DATE_FORMAT = "dd/mm/yyyy"
NARROWEST, WIDEST = 8, 45  # column widths, in characters


def _put(sheet, row: int, column: int, value):
    """Write one cell. Text is always text: openpyxl would make a string starting with "="
    a formula (and "#N/A" an error), so the type is set after the value; text that a
    spreadsheet could read as a formula also gets Excel's quote prefix, so it stays text
    when someone edits the cell."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, str):
        # characters XML cannot hold would stop the whole workbook (with the value in the
        # error message): they are dropped instead
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif value is None or (isinstance(value, float) and value != value):  # NaN
        cell.value = None
    else:
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = DATE_FORMAT + " hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
    return cell


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return len(str(value))


def _list_sheet(book: Workbook, name: str, frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(name)
    for column, heading in enumerate(frame.columns, start=1):
        cell = _put(sheet, 1, column, heading)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        for column, value in enumerate(values, start=1):
            cell = _put(sheet, row, column, value)
            if isinstance(value, float):
                cell.number_format = "0.0"
    for column, heading in enumerate(frame.columns, start=1):
        widest = max([_width(v) for v in frame[heading]] + [min(len(heading), 20)])
        sheet.column_dimensions[get_column_letter(column)].width = \
            max(NARROWEST, min(WIDEST, widest + 2))
    sheet.freeze_panes = "B2"  # the heading row and the child's id stay in view
    last = get_column_letter(max(len(frame.columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.oddHeader.center.text = MARKING
    sheet.oddFooter.center.text = f"{name}: page &P of &N"


def _scope(user: access.User) -> str:
    if not user.has_remit:
        return "every team"
    return "the teams " + ", ".join(sorted(user.teams)) if user.teams else "no team"


def _cover(book: Workbook, user: access.User, la: str, period_end: dt.date,
           built: dt.datetime, found: dict[str, pd.DataFrame]) -> None:
    sheet = book.active
    sheet.title = "About these lists"
    source = access.annex_a_source(la, period_end)
    window = (f"{source['window_start']:%d/%m/%Y} to {period_end:%d/%m/%Y}"
              if source["window_start"] else "not known")
    if source["window_complete"] is False:
        window += (f" (events are held only from {source['events_from']:%d/%m/%Y}, so the "
                   "counts over 12 months are for part of the year)")
    council = access.config(la)
    lines: list[tuple] = [
        ("Annex A child lists: children in care and care leavers",),
        (HANDLING,),
        (),
        ("Council", f"{council.name} ({la})"),
        ("Period end", period_end),
        ("Built (London time)", built),
        ("Built by", f"{user.name} (manager)"),
        ("Children included", _scope(user)),
        (CHILDREN_IN_CARE, len(found[CHILDREN_IN_CARE])),
        (CARE_LEAVERS, len(found[CARE_LEAVERS])),
        ("12 months counted", window),
        ("Load", source["load_id"]),
        ("Warehouse", source["warehouse"]),
        (),
        ("What each list holds",),
        *[(name, words) for name, words in DEFINITIONS.items()],
        (),
        ("About the columns",),
        *[("", words) for words in NOTES],
    ]
    for row, line in enumerate(lines, start=1):
        for column, value in enumerate(line, start=1):
            cell = _put(sheet, row, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")
            if column == 1 and (len(line) == 1 or value in (CHILDREN_IN_CARE, CARE_LEAVERS)):
                cell.font = Font(bold=True, size=14 if row == 1 else 11)
            elif column == 1:
                cell.font = Font(bold=True)
        if len(line) == 1:  # a heading or the handling line runs across both columns
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    sheet.row_dimensions[2].height = 80
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    sheet.oddHeader.center.text = MARKING


def workbook(user: access.User, la: str, period_end: dt.date) -> bytes:
    """The lists as an .xlsx workbook (cover sheet, then one sheet per list), as bytes for a
    download. Refused (AccessDenied) as `lists` is."""
    return _build(user, la, period_end)[0]


def write_workbook(user: access.User, la: str, period_end: dt.date, out: Path) -> int:
    """Write the workbook to `out`, whole or not at all (a temporary file beside it, readable
    by its owner only, renamed into place); returns the number of rows listed (children in
    care and care leavers)."""
    data, rows = _build(user, la, period_end)
    out = Path(out)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask, or an older file's mode
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return rows


def _build(user: access.User, la: str, period_end: dt.date) -> tuple[bytes, int]:
    """The workbook's bytes and the number of rows it lists."""
    found = lists(user, la, period_end)
    la = parse_la_code(la)  # checked by the data layer; as the code is written
    book = Workbook()
    book.properties.title = f"Annex A child lists, {la}, {period_end.isoformat()}"
    book.properties.creator = "Corporate parenting dashboard"
    # Excel has no time zones: the time as the council reads it
    built = dt.datetime.now(LONDON).replace(microsecond=0, tzinfo=None)
    _cover(book, user, la, period_end, built, found)
    for name, frame in found.items():
        _list_sheet(book, name, frame)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), sum(len(frame) for frame in found.values())
