"""Charts: the plotly builders from plain data (what each trace holds, the words in hovers,
bars and cells, suppressed figures kept out of the plot but in the text), the sparkline's fixed
scale, and the charts drawn by real Chromium in a tiny Dash app behind the dashboard's own
content-security policy: drawn, hoverable, clickable, no console errors, nothing fetched from
anywhere but the app, no serious axe-core violation."""
from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from dashboard import figures

D = dt.date
SVG = "{http://www.w3.org/2000/svg}"

TREND = [  # out of order on purpose: the chart sorts by date
    {"period_end": D(2026, 3, 31), "value": 9.4, "numerator": 47, "denominator": 500,
     "status": "red"},
    {"period_end": D(2024, 3, 31), "value": 6.4, "numerator": 32, "denominator": 500,
     "status": "green"},
    {"period_end": D(2025, 3, 31), "value": "c", "numerator": "c", "denominator": "c",
     "status": None},
    {"period_end": D(2026, 6, 30), "value": 7.8, "numerator": 39, "denominator": 500,
     "status": "amber"},
]
ROWS = [
    {"group": "Under 1", "value": 12.5, "numerator": 5, "denominator": 40, "rag": "green",
     "rag_label": "On target"},
    {"group": "1 to 4", "value": "c", "numerator": "c", "denominator": "c", "rag": None,
     "rag_label": None},
    {"group": "5 to 9", "value": None, "numerator": None, "denominator": None, "rag": None,
     "rag_label": None},
    {"group": "South & West <East>", "value": 30.0, "numerator": 27, "denominator": 90,
     "rag": "red", "rag_label": "Off target"},
    {"group": "16 and over", "value": 21.0, "numerator": 21, "denominator": 100,
     "rag": "amber", "rag_label": "Near target"},
]
TEAMS = [
    {"group": "North 1", "value": 10.0, "numerator": 10, "denominator": 100},
    {"group": "North 2", "value": 10.5, "numerator": 10, "denominator": 95},
    {"group": "South & West", "value": 30.0, "numerator": 27, "denominator": 90},
    {"group": "Riverside", "value": 4.0, "numerator": 6, "denominator": 150},
    {"group": "Tiny", "value": "c", "numerator": "c", "denominator": 3},
]
MEASURES = [{"id": "placement_stability_short", "unit": "%",
             "title": "Three or more placements in the year"},
            {"id": "cla_at_period_end", "unit": "count", "title": "Children looked after"}]
CELLS = {("North 1", "placement_stability_short"): ROWS[0],
         ("North 1", "cla_at_period_end"): {"value": 57, "rag": None, "numerator": 57,
                                            "denominator": None},
         ("North 2", "placement_stability_short"): ROWS[1]}


def trace(fig, name):
    return next(t for t in fig.data if t.name == name)


# --- trend ---------------------------------------------------------------------------------

def test_trend_plots_figures_by_date_and_keeps_suppressed_ones_out_of_the_plot():
    fig = figures.trend_figure(TREND, "%", "Moves", target=8.0, england=10.0)
    council = trace(fig, "This council")
    assert list(council.x) == [D(2024, 3, 31), D(2025, 3, 31), D(2026, 3, 31), D(2026, 6, 30)]
    assert fig.layout.xaxis.type == "date"  # a quarter sits closer than a year
    assert list(council.y) == [6.4, None, 9.4, 7.8]  # c: a gap, never a point
    assert council.connectgaps is False
    assert list(council.text) == ["6.4%", "", "9.4%", "7.8%"]
    hovered = council.hovertext[2]
    assert all(w in hovered for w in ("31 Mar 2026", "9.4%", "47 of 500", "✕ Off target"))
    assert "withheld" in council.hovertext[1] and "31 Mar 2025" in council.hovertext[1]
    # the suppressed period says so on the chart, at its date
    (note,) = fig.layout.annotations
    assert (note.text, note.x) == ("c", D(2025, 3, 31)) and "withheld" in note.hovertext
    assert (trace(fig, "Target").line.dash, set(trace(fig, "Target").y)) == ("dash", {8.0})
    assert (trace(fig, "England").line.dash, set(trace(fig, "England").y)) == ("dot", {10.0})
    assert fig.layout.yaxis.ticktext[-1].endswith("%") and fig.layout.yaxis.range[0] == 0


def test_trend_alt_lists_every_period_with_target_and_england():
    assert figures.trend_alt(TREND, "%", "Moves", 8.0, 10.0) == (
        "Line chart: Moves. This council: 31 Mar 2024: 6.4%; 31 Mar 2025: c (withheld so that "
        "no child can be identified); 31 Mar 2026: 9.4%; 30 Jun 2026: 7.8%. Target 8.0%. "
        "England 10.0%.")
    assert "no figures yet" in figures.trend_alt(
        [{"period_end": D(2026, 3, 31), "value": None}], "count", "Children")


def test_trend_with_no_figure_still_builds():
    fig = figures.trend_figure([{"period_end": D(2026, 3, 31), "value": None}], "count",
                               "Children looked after")
    assert list(trace(fig, "This council").y) == [None]
    assert fig.layout.annotations[0].text == "–"


# --- bars ----------------------------------------------------------------------------------

def test_bars_say_each_status_in_words_and_keep_a_row_for_every_group():
    fig = figures.bars_figure(ROWS, "%", "By age", target=20.0, polarity="down")
    labels = list(fig.layout.yaxis.ticktext)
    assert labels == ["Under 1", "1 to 4", "5 to 9", "South &amp; West &lt;East&gt;",
                      "16 and over"]
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # first row at the top
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert set(bars) == {"✓ On target", "! Near target", "✕ Off target"}
    red = bars["✕ Off target"]
    assert (list(red.x), list(red.y), red.marker.color) == ([30.0], [3], "#b10e1e")
    assert list(red.text) == ["30.0% ✕ Off target"]  # not colour alone
    assert list(bars["✓ On target"].text) == ["12.5% ✓ On target"]
    assert list(red.customdata) == ["South & West <East>"]  # a click drills to the group
    assert "27 of 90" in red.hovertext[0] and "South &amp; West" in red.hovertext[0]
    # no bar for c or for no figure: words instead, on their own rows
    plotted = [y for t in bars.values() for y in t.y]
    assert sorted(plotted) == [0, 3, 4]
    words = trace(fig, "No figure")
    assert (list(words.y), list(words.text)) == ([1, 2], ["c (suppressed)", "no figure"])
    assert list(words.customdata) == ["1 to 4", "5 to 9"]
    target = trace(fig, "Target 20.0% (lower is better)")
    assert (list(target.x), target.line.dash) == ([20.0, 20.0], "dash")
    assert figures.bars_alt(ROWS, "%", "By age", 20.0) == (
        "Bar chart: By age. Under 1: 12.5%, ✓ On target; 1 to 4: c (withheld so that no child "
        "can be identified); 5 to 9: no figure; South & West <East>: 30.0%, ✕ Off target; "
        "16 and over: 21.0%, ! Near target. Target 20.0%.")


def test_bars_with_no_status_are_blue_and_have_no_legend():
    fig = figures.bars_figure([{"group": "31 Mar 2026", "value": 12}], "count", "Problems")
    (bar,) = fig.data
    assert (bar.marker.color, bar.showlegend, list(bar.text)) == ("#1d70b8", False, ["12"])


# --- funnel --------------------------------------------------------------------------------

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


def test_funnel_names_the_teams_outside_the_limits_and_every_hover_has_the_figures():
    fig = figures.funnel_figure(TEAMS, 10.0, "Moves: teams")
    within = trace(fig, "Within the limits")
    above, below = trace(fig, "Above the limits"), trace(fig, "Below the limits")
    assert sorted(within.customdata) == ["North 1", "North 2"] and within.text is None
    assert (list(above.text), list(above.customdata)) == (["South &amp; West"],
                                                          ["South & West"])
    assert (list(below.text), above.marker.symbol, below.marker.symbol) == (
        ["Riverside"], "triangle-up", "triangle-down")
    assert within.mode == "markers" and "text" in above.mode
    assert all(w in above.hovertext[0] for w in (
        "South &amp; West", "30.0% (27 of 90)", "Children: 90", "Above: outside 99.8% limits"))
    assert "Within limits" in within.hovertext[0]
    # the suppressed team is not plotted anywhere
    assert not any("Tiny" in (t.customdata or ()) for t in fig.data)
    limits = [t for t in fig.data if t.legendgroup in ("95% limits", "99.8% limits")]
    assert len(limits) == 4 and all(len(t.x) <= 40 for t in limits)
    assert {t.line.dash for t in limits} == {"dash", "dot"}
    assert set(trace(fig, "Council 10.0%").y) == {10.0}
    assert figures.funnel_alt(TEAMS, 10.0, "Moves: teams") == (
        "Funnel plot: Moves: teams. 4 teams shown (1 not shown: too few children, or no "
        "figure); 2 within the 95% limits; outside them: South & West (above: outside 99.8% "
        "limits); Riverside (below: outside 95% limits). Each team's figure is in the table "
        "below.")


# --- heatmap -------------------------------------------------------------------------------

def test_heatmap_writes_figure_and_status_in_every_cell():
    fig = figures.heatmap_figure(["North 1", "North 2"], MEASURES, CELLS)
    (cells,) = fig.data
    assert [list(r) for r in cells.text] == [["12.5% ✓", "57"], ["c", "–"]]
    assert [list(r) for r in cells.z] == [[3, 0], [0, 0]]  # green; the rest no status
    assert [list(r) for r in cells.customdata[0]] == [
        ["North 1", "placement_stability_short"], ["North 1", "cla_at_period_end"]]
    # what Dash's clickData carries for a heatmap: the cell's column and row
    assert (list(cells.x), list(cells.y)) == ([m["id"] for m in MEASURES], ["North 1",
                                                                            "North 2"])
    assert list(fig.layout.xaxis.ticktext) == ["Three or more<br>placements in<br>the year",
                                               "Children looked<br>after"]
    hovered = cells.hovertext[0][0]
    assert all(w in hovered for w in ("North 1", "Three or more placements in the year",
                                      "12.5%", "5 of 40", "✓ On target"))
    assert "No children in scope" in cells.hovertext[1][1]
    assert "withheld" in cells.hovertext[1][0]
    assert figures.heatmap_alt(["North 1", "North 2"], MEASURES, CELLS) == (
        "Heatmap: Teams by measure. North 1 — Three or more placements in the year: 12.5%, "
        "✓ On target; Children looked after: 57. North 2 — Three or more placements in the "
        "year: c (withheld so that no child can be identified); Children looked after: no "
        "children in scope.")


def test_every_chart_shares_the_layout():
    for fig in (figures.trend_figure(TREND, "%", "A"), figures.bars_figure(ROWS, "%", "B"),
                figures.funnel_figure(TEAMS, 10.0, "C"),
                figures.heatmap_figure(["North 1"], MEASURES, CELLS)):
        lay = fig.layout
        assert (lay.hovermode, lay.dragmode, lay.paper_bgcolor, lay.plot_bgcolor) == (
            "closest", False, "white", "white")
        assert lay.font.family.startswith("system-ui") and lay.height > 0
        assert lay.xaxis.fixedrange and lay.yaxis.fixedrange
        assert len(fig.to_json()) < 12_000  # no template, a few dozen points a line


# --- graph and sparkline -------------------------------------------------------------------

def test_graph_keeps_only_download_and_carries_its_text_alternative():
    fig = figures.bars_figure(ROWS, "%", "By age")
    wrapped = figures.graph(fig, "age-bars", "Bar chart: By age.")
    chart, caption = wrapped.children
    assert (chart.id, chart.figure is fig, chart.style["height"]) == (
        "age-bars", True, f"{fig.layout.height}px")
    assert (chart.config["displaylogo"], chart.config["showSendToCloud"]) == (False, False)
    removed = chart.config["modeBarButtonsToRemove"]
    assert "toImage" not in removed and {"zoom2d", "pan2d", "sendChartToCloud"} <= set(removed)
    assert chart.config["toImageButtonOptions"]["format"] == "png"
    assert (caption.children, caption.id) == ("Bar chart: By age.", "age-bars-alt")


def spark_drawing(img):
    return ET.fromstring(base64.b64decode(img.src.split(",", 1)[1]))


def polyline(img) -> list[tuple[float, float]]:
    (line,) = spark_drawing(img).iter(SVG + "polyline")
    return [tuple(map(float, p.split(","))) for p in line.get("points").split()]


def test_sparkline_scale_is_fixed_so_a_small_move_looks_small():
    img = figures.sparkline([(D(2025, 3, 31), 50.0), (D(2026, 3, 31), 49.9)], "%", "Stable")
    (_, y0), (_, y1) = polyline(img)
    assert 0 < y1 - y0 < 0.01 * img.height  # on a 0-100 scale, 0.1 points is a hair
    assert abs(y0 - img.height / 2) < 1.5  # and 50% sits half way up
    counts = figures.sparkline([{"period_end": D(2025, 3, 31), "value": 100},
                                {"period_end": D(2026, 3, 31), "value": 120}], "count", "CLA")
    (_, a), (_, b) = polyline(counts)
    pad = 3  # 0 to 1.2 x the highest: 120 sits at 1/1.2 of the drawable height
    assert b == pytest.approx(img.height - pad - (img.height - 2 * pad) / 1.2, abs=0.1)
    assert a - b == pytest.approx((img.height - 2 * pad) * 20 / 144, abs=0.1)


def test_sparkline_draws_the_target_band_on_the_side_that_misses():
    img = figures.sparkline([(D(2025, 3, 31), 50.0), (D(2026, 3, 31), "c"),
                             (D(2026, 6, 30), 58.0)], "%", "Health checks", target=60.0,
                            tolerance=5.0, polarity="up")
    root = spark_drawing(img)
    (band,) = [r for r in root.iter(SVG + "rect") if r.get("class") == "target-band"]
    top, height = float(band.get("y")), float(band.get("height"))
    drawable = img.height - 6

    def y(v):
        return img.height - 3 - v / 100 * drawable
    assert (top, top + height) == (pytest.approx(y(60), abs=0.01), pytest.approx(y(55),
                                                                                   abs=0.01))
    (target,) = [line for line in root.iter(SVG + "line") if line.get("class") == "target"]
    assert float(target.get("y1")) == pytest.approx(y(60), abs=0.01)
    assert img.alt == ("Health checks trend: 50.0% at 31 Mar 2025, c at 31 Mar 2026, 58.0% at "
                       "30 Jun 2026. Target 60.0%.")
    lower = spark_drawing(figures.sparkline([(D(2026, 3, 31), 5)], "count", "Moves",
                                            target=4, tolerance=2, polarity="down"))
    (band,) = [r for r in lower.iter(SVG + "rect") if r.get("class") == "target-band"]
    assert float(band.get("y")) < float(band.get("y")) + float(band.get("height"))


def test_importing_the_charts_does_not_import_plotly_express():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, time; t = time.perf_counter(); "
         "import dashboard.figures; print(time.perf_counter() - t); "
         "print('plotly.express' in sys.modules)"],
        capture_output=True, text=True, check=True).stdout.split()
    print(f"import dashboard.figures: {float(out[0]) * 1000:.0f} ms")
    assert out[1] == "False"


# --- in real Chromium, behind the dashboard's content-security policy -----------------------

# each chart, and what is there once plotly.js has drawn its data
GRAPHS = {"trend": ".scatterlayer .trace", "bars": ".barlayer .trace",
          "funnel": ".scatterlayer .trace", "heatmap": ".heatmaplayer image"}
HEAT_TEAMS = ["North 1", "North 2"]


def chart_app():
    """A tiny Dash app with one chart of each kind and a paragraph that shows what a click on
    a chart sent to the server; headers by flask-talisman with the policy dashboard/security.py
    sets (its script hashes for this app's own inline script)."""
    from dash import Dash, Input, Output, html
    from flask_talisman import Talisman

    from tests.live import ROOT

    app = Dash(__name__, serve_locally=True, update_title=None, compress=False,
               assets_folder=str(ROOT / "dashboard" / "assets"))
    app.index_string = app.index_string.replace("<html>", '<html lang="en-GB">')
    app.layout = html.Main([
        html.H1("Charts"),
        figures.graph(figures.trend_figure(TREND, "%", "Moves & changes", 8.0, 10.0), "trend",
                      figures.trend_alt(TREND, "%", "Moves & changes", 8.0, 10.0)),
        figures.graph(figures.bars_figure(ROWS, "%", "By age", 20.0, "down"), "bars",
                      figures.bars_alt(ROWS, "%", "By age", 20.0)),
        figures.graph(figures.funnel_figure(TEAMS, 10.0, "Teams"), "funnel",
                      figures.funnel_alt(TEAMS, 10.0, "Teams")),
        figures.graph(figures.heatmap_figure(HEAT_TEAMS, MEASURES, CELLS), "heatmap",
                      figures.heatmap_alt(HEAT_TEAMS, MEASURES, CELLS)),
        html.P(id="clicked"),
    ])

    @app.callback(Output("clicked", "children"), Input("bars", "clickData"),
                  Input("funnel", "clickData"), Input("heatmap", "clickData"),
                  prevent_initial_call=True)
    def clicked(bar, team, cell):
        said = [f"bar {bar['points'][0]['customdata']}" if bar else "",
                f"team {team['points'][0]['customdata']}" if team else "",
                f"cell {cell['points'][0]['y']} / {cell['points'][0]['x']}" if cell else ""]
        return "; ".join(filter(None, said))

    Talisman(app.server, force_https=False, content_security_policy={
        "default-src": "'self'", "script-src": ["'self'", *app.csp_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"], "connect-src": "'self'", "object-src": "'none'",
        "base-uri": "'none'", "form-action": "'self'", "frame-ancestors": "'none'"})
    return app


@pytest.fixture(scope="module")
def chart_server():
    from werkzeug.serving import make_server

    from tests.live import free_port

    port = free_port()
    server = make_server("127.0.0.1", port, chart_app().server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def chart_page(browser, chart_server, request):
    from tests.live import ARTIFACTS

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.console_problems, tab.requested = [], []
    tab.on("console", lambda m: tab.console_problems.append(f"{m.type}: {m.text}")
           if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: tab.console_problems.append(f"page error: {e}"))
    tab.on("request", lambda r: tab.requested.append(r.url))
    yield tab
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def point_at(tab, selector: str, click: bool = False) -> None:
    """Move the mouse to the middle of an element of a chart (plotly's drag layer lies over
    its points, so Playwright's own hover would refuse), and click if asked."""
    target = tab.locator(selector).first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tab.mouse.move(x, y)
    if click:
        tab.mouse.click(x, y)


def hover_label(tab, graph: str) -> str:
    label = tab.locator(f"#{graph} .hoverlayer .hovertext")
    label.first.wait_for(state="attached", timeout=5000)
    return label.first.text_content()


def texts(tab, selector: str) -> list[str]:
    return tab.eval_on_selector_all(selector, "nodes => nodes.map(n => n.textContent)")


def drawn(tab) -> None:
    for graph, data in GRAPHS.items():
        tab.wait_for_selector(f"#{graph} .main-svg {data}", state="attached")


def test_charts_draw_hover_and_click_in_chromium_under_the_csp(chart_page, chart_server):
    from playwright.sync_api import expect

    from tests.live import check_accessibility

    tab = chart_page
    response = tab.goto(chart_server + "/")
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    started = time.perf_counter()
    drawn(tab)
    print(f"\ncold: page to four charts drawn {1000 * (time.perf_counter() - started):.0f} ms "
          "after the HTML")
    tab.reload()
    drawn(tab)
    warm = tab.evaluate("() => performance.now()")
    print(f"warm (plotly.js cached): four charts drawn {warm:.0f} ms from navigation")
    every = tab.evaluate("""async () => {
        const t = performance.now();
        for (const id of %s) {
            const gd = document.querySelector('#' + id + ' .js-plotly-plot');
            const div = document.createElement('div');
            document.body.appendChild(div);
            await Plotly.newPlot(div, gd.data, gd.layout);
            Plotly.purge(div); div.remove();
        }
        return performance.now() - t; }""" % list(GRAPHS))
    print(f"plotly.js drawing the four figures again: {every:.0f} ms")

    # the trend: a point's hover has its figures; the suppressed period says why on hover
    point_at(tab, "#trend .scatterlayer .trace:first-child .points path:nth-child(2)")
    assert all(w in hover_label(tab, "trend") for w in ("31 Mar 2026", "9.4%", "47 of 500",
                                                         "✕ Off target"))
    assert texts(tab, "#trend .annotation-text") == ["c"]
    point_at(tab, "#trend .annotation")
    assert "withheld" in hover_label(tab, "trend")

    # the bars: status in words on every bar, c and no figure on their own rows
    assert sorted(texts(tab, "#bars .bartext")) == [
        "12.5% ✓ On target", "21.0% ! Near target", "30.0% ✕ Off target"]
    assert sorted(texts(tab, "#bars .textpoint")) == ["c (suppressed)", "no figure"]
    point_at(tab, "#bars .barlayer .trace:last-child .point path")
    assert "30.0%" in hover_label(tab, "bars")
    point_at(tab, "#bars .barlayer .trace:last-child .point path", click=True)
    expect(tab.locator("#clicked")).to_have_text("bar South & West <East>")

    # the funnel: outliers named on the chart; every team's hover has its children
    assert sorted(texts(tab, "#funnel .textpoint")) == ["Riverside", "South & West"]
    point_at(tab, "#funnel .scatterlayer .trace:nth-child(6) .point")
    assert all(w in hover_label(tab, "funnel") for w in ("Children:", "Within limits"))
    # traces: four limit lines, the council, then teams within, above and below the limits
    point_at(tab, "#funnel .scatterlayer .trace:nth-child(7) .point", click=True)
    expect(tab.locator("#clicked")).to_have_text("bar South & West <East>; team South & West")

    # the heatmap: figure and symbol in the cells; a click gives team and indicator
    assert {"12.5% ✓", "57", "c", "–"} <= set(texts(tab, "#heatmap .heatmaplayer text"))
    cells = tab.locator("#heatmap .heatmaplayer image")
    cells.scroll_into_view_if_needed()
    box = cells.bounding_box()
    top_left = box["x"] + box["width"] / 4, box["y"] + box["height"] / 4
    tab.mouse.move(*top_left)
    assert all(w in hover_label(tab, "heatmap") for w in (
        "North 1", "Three or more placements in the year", "12.5%", "✓ On target"))
    tab.mouse.click(*top_left)
    expect(tab.locator("#clicked")).to_contain_text(
        "cell North 1 / placement_stability_short")

    # the mode bar: only "download as PNG", named, on every chart
    for graph in GRAPHS:
        assert texts(tab, f"#{graph} .modebar-btn") == [""] and tab.get_attribute(
            f"#{graph} .modebar-btn", "aria-label") == "Download plot as a PNG"
    expect(tab.get_by_role("figure", name=re.compile("^Funnel plot: Teams"))).to_be_visible()

    check_accessibility(tab)
    # everything from the app itself: plotly.js served locally, no CDN, no MathJax, no maps
    foreign = [u for u in tab.requested if not u.startswith(chart_server + "/")]
    assert not foreign, f"requests outside the app: {foreign}"
    assert any("/_dash-component-suites/plotly/" in u and u.endswith("plotly.min.js")
               for u in tab.requested)
    assert not tab.console_problems, f"browser console: {tab.console_problems}"
