"""The schema definitions agree with each other and with the input contract."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from schemas import codes
from schemas.columns import COLUMNS
from schemas.cross_record import Context, checks_for
from schemas.rules import RULES
from schemas.ssda903 import schema_for
from schemas.tables import TABLES, identify


def test_every_table_has_a_spec_for_exactly_its_columns():
    for name, table in TABLES.items():
        assert tuple(COLUMNS[name]) == table.columns, name


def test_every_check_is_named_by_a_registered_rule():
    context = Context(dt.date(2025, 3, 31), {name: pd.DataFrame(columns=t.columns)
                                             for name, t in TABLES.items()})
    for name in TABLES:
        schema = schema_for(name, "2024/25", context)
        names = {c.name for col in schema.columns.values() for c in col.checks}
        names |= {c.name for c in schema.checks}
        assert names <= set(RULES), (name, names - set(RULES))


def test_rule_columns_exist():
    every_column = {c for t in TABLES.values() for c in t.columns}
    assert all(r.column is None or r.column in every_column for r in RULES.values())


@pytest.mark.parametrize("period_end,year", [
    (dt.date(2024, 3, 31), "2023/24"), (dt.date(2024, 4, 1), "2024/25"),
    (dt.date(2026, 9, 30), "2026/27"), (dt.date(2027, 3, 31), "2026/27")])
def test_collection_year(period_end, year):
    assert codes.collection_year(period_end) == year


def test_year_differences_build_on_the_base():
    y23, y24, y25, y26 = (codes.codes_for(y) for y in ("2023/24", "2024/25", "2025/26", "2026/27"))
    assert y23["SEX"] == ("1", "2") and y24["SEX"] == ("M", "F", "U")
    assert "K3" not in y23["PLACE"] and "K3" in y24["PLACE"]
    assert {"H5", "P2", "Z1"} <= set(y24["PLACE"])
    assert not {"H5", "P2", "Z1"} & set(y25["PLACE"])
    assert {"Z11", "Z12", "Z13", "Z14"} <= set(y25["PLACE"])
    assert y26 == y25  # a year DfE has not changed keeps the latest lists
    # a year older than the earliest held is validated with the earliest, and says so
    assert codes.rule_set("2019/20") == "2019/20"
    assert codes.rule_set("2014/15") == codes.FIRST_YEAR == "2016/17"
    assert codes.codes_for("2014/15") == codes.codes_for("2016/17")
    assert codes.readable("2003/04") and not codes.readable("2002/03")
    three_years_on = dt.date(dt.date.today().year + 3, 3, 31)
    assert not codes.readable(codes.collection_year(three_years_on))


def test_files_are_recognised_by_their_columns_in_any_order_and_case():
    table, extras = identify(["urn", "PL_POST", "home_post", "REASON_PLACE_CHANGE", "REC",
                              "DEC", "PLACE_PROVIDER", "PLACE", "CIN", "LS", "RNE", "DECOM",
                              "CHILD", "Notes"])
    assert table.name == "Episodes" and extras == ["NOTES"]
    assert identify(["CHILD", "DOB"]) == (None, [])


def test_cross_file_rules_need_the_file_they_join_to():
    alone = Context(dt.date(2025, 3, 31), {"Episodes": pd.DataFrame(
        columns=TABLES["Episodes"].columns)})
    codes_alone = {code for code, _ in checks_for("Episodes", alone)}
    assert "INT01" not in codes_alone and "142" in codes_alone
