"""The dashboard's charts are built as plain figure data, not through plotly's graph_objects
(issue 14: validating every property cost a page up to a hundred milliseconds). Each is the
figure graph_objects would make of it: plotly takes every property as it is given, so the
browser draws the same chart, and the packs' graph_objects Figure holds the same data."""
from __future__ import annotations

import datetime as dt
import json

import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from dashboard import figures

D = dt.date
TREND = [{"period_end": D(2024, 3, 31), "value": 61.5, "numerator": 8, "denominator": 13,
          "rag": "green", "rag_label": "On target"},
         {"period_end": D(2025, 3, 31), "value": "c", "numerator": "c", "denominator": "c"},
         {"period_end": "2025-06-30", "value": None},
         {"period_end": D(2026, 3, 31), "value": 12.25, "rag": "red"}]
GROUPS = [{"group": "North 1", "value": 40.0, "rag": "green", "numerator": 4,
           "denominator": 10},
          {"group": "A team whose name is far too long to fit beside its bar", "value": 7.5,
           "rag": "red", "numerator": 3, "denominator": 40},
          {"group": "<b>Q&A</b> team", "value": "c", "rag": None},
          {"group": "Unallocated team", "value": None}]
TEAMS = [{"group": f"Team {n}", "value": value, "denominator": size, "numerator": 1}
         for n, (value, size) in enumerate([(10.0, 40), (95.0, 12), (0.0, 300), ("c", 4),
                                            (None, 0), (55.5, 25), (35.0, 50)])]
MEASURES = [{"id": "placement_stability_short", "title": "Three or more placements in the "
             "year", "unit": "%"}, ("sdq_average", "SDQ score", "score")]
CELLS = {("North 1", "placement_stability_short"): {"value": 12.5, "rag": "amber",
                                                    "numerator": 1, "denominator": 8},
         ("North 1", "sdq_average"): {"value": "c", "rag": None},
         ("South 2", "sdq_average"): {"value": 14.1, "rag": "green"}}

# each chart: (the builder of its data, the packs' graph_objects builder, the arguments)
TREND_OF = (figures.trend_figure_dict, figures.trend_figure)
BARS_OF = (figures.bars_figure_dict, figures.bars_figure)
FUNNEL_OF = (figures.funnel_figure_dict, figures.funnel_figure)
HEATMAP_OF = (figures.heatmap_figure_dict, figures.heatmap_figure)
CHARTS = {
    "trend": (*TREND_OF, (TREND, "%", "Placement stability over time", 50.0, 68.0)),
    "trend of counts": (*TREND_OF, (TREND, "count", "Children", None, 82000.0)),
    "trend with nothing loaded": (*TREND_OF, ([], "%", "Nothing yet")),
    "bars": (*BARS_OF, (GROUPS, "%", "By team", 30.0, "down")),
    "bars without a target": (*BARS_OF, (GROUPS[:1], "count", "One")),
    "funnel": (*FUNNEL_OF, (TEAMS, 33.3, "Teams against the council")),
    "funnel of nothing": (*FUNNEL_OF, ([], 10.0, "No team")),
    "heatmap": (*HEATMAP_OF, (["North 1", "South 2"], MEASURES, CELLS, "Teams by measure")),
}


def as_sent(figure) -> dict:
    """A figure as the browser receives it (the JSON Dash writes)."""
    return json.loads(to_json_plotly(figure))


@pytest.mark.parametrize("chart", CHARTS)
def test_graph_objects_takes_each_figure_as_it_is(chart):
    build, _, arguments = CHARTS[chart]
    data = build(*arguments)
    assert as_sent(go.Figure(data)) == as_sent(data)


@pytest.mark.parametrize("chart", CHARTS)
def test_the_packs_figure_holds_the_same_data(chart):
    build, build_for_packs, arguments = CHARTS[chart]
    figure = build_for_packs(*arguments)
    assert isinstance(figure, go.Figure)
    assert as_sent(figure) == as_sent(build(*arguments))


def test_a_figure_left_unset_is_not_sent_as_null():
    """A property given as None is left out, as graph_objects leaves it: plotly.js reads a
    null differently from a property not given."""
    funnel = figures.funnel_figure_dict(TEAMS, 33.3, "Teams")
    within = next(t for t in funnel["data"] if t.get("name") == "Within the limits")
    assert "text" not in within and "textposition" not in within
    trend = as_sent(figures.trend_figure_dict(TREND, "%", "Gaps"))
    assert trend["data"][0]["y"][1] is None  # a gap in the line stays a gap


def test_graph_draws_a_figure_given_as_data_at_its_own_height():
    build, _, arguments = CHARTS["bars"]
    data = build(*arguments)
    drawn = figures.graph(data, "bars", "alt text")
    assert drawn.children[0].style == {"height": f"{data['layout']['height']}px"}
    assert figures.graph(go.Figure(data), "bars", "alt text").children[0].style == \
        drawn.children[0].style
