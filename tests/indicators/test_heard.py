"""Heard indicators (indicators.md "Heard"): review participation and convictions.
P = 31/03/2025, W = 01/04/2024 to 31/03/2025."""
from __future__ import annotations

import pytest

from tests.builders import ExtractBuilder
from tests.indicators.support import check, figures, load
from tests.indicators.test_healthy import oc2_extract


@pytest.fixture
def review_figs(data_dir, tmp_path):
    b = ExtractBuilder()
    b.child("V1", dob="01/01/2012")
    b.child("V2", dob="01/01/2012")
    b.child("V3", dob="01/06/2021")  # under 4: PN0
    for child in ["V1", "V2", "V3"]:
        b.episode(child, "01/01/2024", rne="S")
    for child, date, code in [
            ("V1", "31/03/2024", "PN1"),  # the day before W: left out
            ("V1", "01/04/2024", "PN1"),  # first day of W
            ("V1", "15/05/2024", "PN2"),
            ("V1", "15/06/2024", "PN3"),
            ("V1", "15/07/2024", "PN4"),  # attended, views not conveyed
            ("V2", "15/08/2024", "PN5"),
            ("V2", "15/09/2024", "PN6"),
            ("V2", "15/10/2024", "PN7"),  # did not attend, views not conveyed
            ("V2", "31/03/2025", "PN1"),  # on P
            ("V3", "15/11/2024", "PN0")]:  # under 4: left out of both figures
        b.add("Reviews", CHILD=child, DOB="01/06/2021" if child == "V3" else "01/01/2012",
              REVIEW=date, REVIEW_CODE=code)
    load(b, tmp_path)
    return figures()


def test_review_participation(review_figs):
    # Reviews in W with PN1-PN7: 8. Views conveyed (PN1, PN2, PN3, PN5, PN6): PN1 x2, PN2,
    # PN3, PN5, PN6 = 6. 6/8 = 75.0%.
    check(review_figs, "review_participation", 6, 8, 75.0)


def test_review_spoke_for_self(review_figs):
    # PN1 in W: 01/04/2024 and 31/03/2025 = 2 of 8 = 25.0%.
    check(review_figs, "review_spoke_for_self", 2, 8, 25.0)


def test_convictions(data_dir, tmp_path):
    load(oc2_extract(), tmp_path)
    # OC2 cohort aged 10+: H3 (11, no OC2 row), H9 (16), H10 (17), H11 (10 on P), H14 (12)
    # = 5; H12 (9, 10 tomorrow) is out despite CONVICTED = 1. CONVICTED = 1: H10, H11 = 2.
    # Non-cohort rows (H2, H4, H5, H13, all convicted) ignored. 2/5 = 40.0%.
    check(figures(), "convictions", 2, 5, 40.0)
