"""Charts are SVG images drawn from plain data: they must parse, say in their alt text what
they show, and keep one row per group so they match the table beside them."""
from __future__ import annotations

import base64
import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from dashboard import figures

SVG = "{http://www.w3.org/2000/svg}"


def drawing(img) -> ET.Element:
    assert img.src.startswith("data:image/svg+xml;base64,")
    return ET.fromstring(base64.b64decode(img.src.split(",", 1)[1]))


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(SVG + "text")]


def test_trend_draws_every_value_with_target_and_england_in_words():
    points = [(dt.date(2024, 3, 31), 6.4), (dt.date(2025, 3, 31), "c"),
              (dt.date(2026, 3, 31), 9.4), (dt.date(2026, 6, 30), 7.8)]
    img = figures.trend(points, "%", "Moves & changes <3+>", england=10.0, target=8.0)
    root = drawing(img)
    assert root.find(SVG + "title").text == "Moves & changes <3+>"
    assert len(root.findall(SVG + "circle")) == 3  # the suppressed period has no point
    assert {"6.4%", "9.4%", "7.8%", "Target", "England", "Mar 2024", "Jun 2026"} \
        <= set(texts(root))
    assert img.alt == ("Line chart: Moves & changes <3+>. This council: 6.4% at 31 Mar 2024; "
                       "9.4% at 31 Mar 2026; 7.8% at 30 Jun 2026. Target 8.0%. England 10.0%.")


def test_trend_with_no_figures_still_draws():
    img = figures.trend([(dt.date(2026, 3, 31), None)], "count", "Children looked after")
    assert not drawing(img).findall(SVG + "circle")
    assert "no figures yet" in img.alt


def test_bars_keep_a_row_for_each_group_and_say_why_one_is_empty():
    img = figures.bars(["Under 1", "1 to 4", "A very long group name that will not fit at all "
                        "in the space beside its bar"], [12.5, "c", None], "%", "By age")
    root = drawing(img)
    assert len(root.findall(SVG + "rect")) == 2  # the background and the one real bar
    words = texts(root)
    assert "12.5%" in words and "c (suppressed)" in words and "no figure" in words
    assert any(w.endswith("…") for w in words)
    assert img.alt == ("Bar chart: By age. Under 1: 12.5%; 1 to 4: no figure shown; A very long "
                       "group name that will not fit at all in the space beside its bar: no "
                       "figure shown.")


@pytest.mark.parametrize("value,denominator,words", [
    (10.0, 100, "within limits"),
    (16.0, 100, "above: outside 95% limits"),  # limits 4.1-15.9 (95%), 0.7-19.3 (99.8%)
    (20.0, 100, "above: outside 99.8% limits"),
    (3.0, 100, "below: outside 95% limits"),
    (40.0, 3, "within limits"),  # a small team needs a large difference
    ("c", 3, "not shown"),
])
def test_funnel_position(value, denominator, words):
    assert figures.funnel_position({"value": value, "denominator": denominator}, 10.0) == words


def test_funnel_names_every_team_and_the_ones_outside_the_limits():
    teams = [{"group": "North 1", "value": 10.0, "denominator": 100},
             {"group": "North 2", "value": 10.5, "denominator": 98},
             {"group": "South & West", "value": 30.0, "denominator": 90},
             {"group": "Tiny", "value": "c", "denominator": 3}]
    img = figures.funnel(teams, 10.0, "Moves: teams")
    root = drawing(img)
    labels = [t for t in root.iter(SVG + "text") if t.text in ("North 1", "North 2",
                                                                "South & West")]
    assert len(labels) == 3 and len(root.findall(SVG + "circle")) == 3
    # two teams at almost the same place: their labels are moved apart, not drawn over
    rows = sorted(float(t.get("y")) for t in labels if t.text.startswith("North"))
    assert rows[1] - rows[0] >= 14
    assert img.alt == ("Funnel plot: Moves: teams. 3 teams shown; 2 within the 95% limits; "
                       "outside them: South & West (above: outside 99.8% limits). Each team's "
                       "figure is in the table below.")


@pytest.mark.parametrize("high,ticks", [
    (9.4, [0, 2, 4, 6, 8, 10]), (100, [0, 20, 40, 60, 80, 100]),
    (434, [0, 100, 200, 300, 400, 500]), (0, [0, 1]), (11.0, [0, 2.5, 5, 7.5, 10, 12.5]),
])
def test_nice_ticks(high, ticks):
    assert figures.nice_ticks(high) == ticks
