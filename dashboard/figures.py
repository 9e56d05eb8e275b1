"""Charts: one builder per kind of chart, each a plain function from plain data to a plotly
figure, used alike by the dashboard (interactive, through `graph`) and the PDF packs (the same
figure rendered offline). The builders know nothing of Dash: only `graph` (and the sparkline)
make Dash components.

What every chart keeps, whatever draws it:
- a text alternative (the `*_alt` functions) that says what the chart shows, for the page and
  the pack alike, and a real table beside it on the page (the page's job);
- status in words and a symbol (✓ ! ✕) as well as colour, lines told apart by dash as well as
  colour, colours that meet contrast on white;
- a figure that is not shown (c: a small number withheld; or no figure) keeps its place and
  says so in words, never as a zero.

Figures stay light: no plotly template (it would add ~6 KB to each), a few dozen points per
line, fixed heights (no layout shift while plotly.js draws), zoom and drag off (a board
member should not lose the chart to a stray drag; the mode bar keeps only "download as PNG").
`plotly.express` is never imported here: it adds about half a second (pandas) to a start.

Each builder makes the figure as plain data, as plotly's figure JSON holds it (`*_figure_dict`:
what the dashboard sends, for `graph`), and as a graph_objects Figure of that same data
(`*_figure`: for the packs and for reading in tests). Building through graph_objects
validates and copies every property: it cost a page up to a hundred milliseconds, and an
England-sized heatmap seconds. The data is the same either way (tests/dashboard/
test_speed_figures.py checks that graph_objects takes each dict as it is).

`sparkline` stays a tiny server-drawn SVG (dozens of them on a page). The legacy SVG `trend`,
`bars` and `funnel` at the bottom serve the pages until they switch to the builders.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import math
import textwrap
from base64 import b64encode
from xml.sax.saxutils import escape

import plotly.graph_objects as go
import plotly.io as pio
from dash import dcc, html

from dashboard.components import RAG_ICON, fmt, fmt_date, fmt_part
from etl.indicators.judgement import RAG_LABELS

# The dashboard's palette (assets/style.css). Contrast on white: blue 5.2:1, black 19.6:1,
# grey 7.1:1, orange 4.8:1; LIGHT is for gridlines and bands only.
BLUE, BLACK, GREY, ORANGE, LIGHT = "#1d70b8", "#0b0c0c", "#505a5f", "#b35900", "#dddddd"
# bars: 6.2:1, 6.8:1, 7.1:1 on white, each with its status in words beside it
STATUS_COLOUR = {"green": "#00703c", "amber": "#8a4b00", "red": "#b10e1e", None: BLUE}
# heatmap cells: light tints, so the black text in them reads at 13:1 or better
STATUS_TINT = {"green": "#cce2d8", "amber": "#fff7bf", "red": "#f4cdc6", None: "#f3f2f1"}
FONT = "system-ui, -apple-system, 'Segoe UI', Arial, sans-serif"
# a figure not shown: on the chart, and in words where there is room (hover, alt text)
NOT_SHOWN = {"c": "c (suppressed)", None: "no figure"}
WHY_NOT_SHOWN = {"c": "c (withheld so that no child can be identified)", None: "no figure"}

# Every button plotly.js (4.x) has but "download as PNG": zooming and panning mean nothing on
# these charts (a stray drag would leave a board member with a broken one), and "Share chart"
# would upload the figures to Plotly's cloud.
MODEBAR_REMOVED = [
    "autoScale2d", "downloadJson", "drawcircle", "drawclosedpath", "drawline", "drawopenpath",
    "drawrect", "eraseshape", "hoverClosest3d", "hoverClosestCartesian", "hoverClosestGeo",
    "hoverClosestPie", "hoverCompareCartesian", "lasso2d", "orbitRotation", "pan2d", "pan3d",
    "resetCameraDefault3d", "resetCameraLastSave3d", "resetGeo", "resetScale2d",
    "resetSankeyGroup", "resetViewMap", "resetViews", "select2d", "sendChartToCloud",
    "tableRotation", "toggleHover", "toggleSpikelines", "zoom2d", "zoom3d", "zoomIn2d",
    "zoomInGeo", "zoomInMap", "zoomOut2d", "zoomOutGeo", "zoomOutMap"]


def is_figure(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def status_words(item: dict) -> str:
    """A figure's status as a symbol and words ("✓ On target"), from the engine's `rag` and
    `rag_label` or a point's `status` (a RAG key or words of its own); "" when it has none."""
    key = item.get("status", item.get("rag"))
    if key in RAG_ICON:
        return f"{RAG_ICON[key]} {item.get('rag_label') or RAG_LABELS[key]}"
    return str(key or item.get("rag_label") or "")


def parts_text(item: dict, unit: str) -> str:
    """The numerator and denominator behind a figure, in words ("12 of 40")."""
    numerator, denominator = item.get("numerator"), item.get("denominator")
    if numerator is None or denominator in (None, 0):
        return ""
    if unit == "%":
        return f"{fmt_part(numerator)} of {fmt_part(denominator)}"
    return f"Numerator {fmt_part(numerator)}, denominator {fmt_part(denominator)}"


def hover(*lines: str) -> str:
    return "<br>".join(escape(line) for line in lines if line)


def wrap(text: str, width: int) -> str:
    """Text broken onto lines of at most `width` characters (plotly never wraps a title)."""
    return "<br>".join(escape(line) for line in textwrap.wrap(text, width)) or ""


def layout(heading: str, plot: int, above: int = 30, below: int = 56, **extra) -> dict:
    """What every chart shares: its title (wrapped, above the legend), the dashboard's font,
    white background, a fixed height (`plot` px of plotting area, `above` it room for the
    legend or the heatmap's labels, `below` it for the axis), hover on the nearest point,
    nothing to drag."""
    top = 34 + 20 * (len(textwrap.wrap(heading, 80)) or 1) + above
    base = dict(
        template=no_template(), height=top + plot + below, title=dict(
            text=wrap(heading, 80), x=0.01, xanchor="left", y=1, yanchor="top", pad=dict(t=12),
            yref="container", font=dict(size=16, color=BLACK, weight="bold")),
        font=dict(family=FONT, size=13, color=BLACK), paper_bgcolor="white",
        plot_bgcolor="white", margin=dict(l=64, r=24, t=top, b=below),
        hovermode="closest", dragmode=False,
        # the camera button at 7:1 on white, not plotly's 30% grey (a control needs 3:1)
        modebar=dict(bgcolor="white", color=GREY, activecolor=BLACK),
        hoverlabel=dict(bgcolor="white", bordercolor=BLACK, align="left",
                        font=dict(family=FONT, size=13, color=BLACK)),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.01, yanchor="bottom",
                    font=dict(size=13)),
    )
    return deep_merge(base, extra)


def no_template() -> dict:
    """plotly's "none" template as a figure's JSON holds it (graph_objects turns the name into
    this): no styling of its own, so the figure says everything."""
    return copy.deepcopy(_none_template())


@functools.cache
def _none_template() -> dict:
    return pio.templates["none"].to_plotly_json()


def trace(kind: str, **props) -> dict:
    """One trace as plain data: its type and the properties given (a property given as None
    is left unset, as graph_objects leaves it)."""
    return {**unset_none(props), "type": kind}


def unset_none(props: dict) -> dict:
    """The properties without those given as None, at every level (a None inside a list of
    values is a gap in the data, and stays)."""
    return {key: unset_none(value) if isinstance(value, dict) else value
            for key, value in props.items() if value is not None}


def figure_dict(data: list[dict], layout: dict) -> dict:
    return {"data": data, "layout": unset_none(layout)}


def deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and \
            isinstance(out.get(key), dict) else value
    return out


def axis(**extra) -> dict:
    """An axis that cannot be zoomed, with light gridlines and a dark baseline."""
    return dict(fixedrange=True, gridcolor=LIGHT, zeroline=False, showline=True,
                linecolor=GREY, ticks="outside", tickcolor=GREY, automargin=True,
                tickfont=dict(size=13, color=BLACK)) | extra


def value_axis(top: float, unit: str, **extra) -> dict:
    """A value axis from 0 to round ticks at or above `top`, "%" after percentages."""
    ticks = nice_ticks(top)
    return axis(range=[0, ticks[-1]], tickvals=ticks,
                ticktext=[tick_label(t, unit) for t in ticks]) | extra


def shown_or_why(value, unit: str) -> str:
    """A figure as a person reads it, or why there is none."""
    return fmt(value, unit) if is_figure(value) else WHY_NOT_SHOWN.get(value, "no figure")


def as_date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# --- trend --------------------------------------------------------------------------------

def comparable_england(unit: str, england: float | None) -> float | None:
    """England's figure as a line beside the council's, where the two compare: a share, a
    rate or a score does; England's count of children (tens of thousands) does not."""
    return None if unit == "count" else england


def trend_figure(points: list[dict], unit: str, title: str, target: float | None = None,
                 england: float | None = None) -> go.Figure:
    """trend_figure_dict as a graph_objects Figure."""
    return go.Figure(trend_figure_dict(points, unit, title, target, england))


def trend_figure_dict(points: list[dict], unit: str, title: str, target: float | None = None,
                      england: float | None = None) -> dict:
    """The indicator over the loaded periods, by date (quarterly points sit closer than
    annual ones), with the target (dashed) and England (dotted) as lines. A period whose
    figure is not shown has a gap in the line and a "c" or "–" at the foot of its date, with
    the reason on hover."""
    points = sorted(points, key=lambda p: as_date(p["period_end"]))
    england = comparable_england(unit, england)
    days = [as_date(p["period_end"]) for p in points]
    shown = [p["value"] for p in points if is_figure(p["value"])]
    top = max(shown + [target or 0, england or 0]) * 1.15 or 1
    if unit == "%":
        top = min(top, 100)
    pad = dt.timedelta(days=max(45, ((days[-1] - days[0]).days if days else 0) // 12))
    left, right = (days[0] - pad, days[-1] + pad) if days else \
        (dt.date.today() - pad, dt.date.today() + pad)
    chart = layout(
        title, 260, xaxis=axis(type="date", range=[left, right], tickvals=days,
                               ticktext=[f"{d:%b %Y}" for d in days], showgrid=False),
        yaxis=value_axis(top, unit))
    data = [trace(
        "scatter", x=days, y=[p["value"] if is_figure(p["value"]) else None for p in points],
        mode="lines+markers+text", name="This council", connectgaps=False,
        line=dict(color=BLUE, width=3), marker=dict(color=BLUE, size=10),
        text=[fmt(p["value"], unit) if is_figure(p["value"]) else "" for p in points],
        textposition="top center", textfont=dict(color=BLACK, size=13), cliponaxis=False,
        hovertext=[hover(fmt_date(d), shown_or_why(p["value"], unit), parts_text(p, unit),
                         status_words(p)) for d, p in zip(days, points)],
        hovertemplate="%{hovertext}<extra></extra>", customdata=[d.isoformat() for d in days])]
    for value, name, colour, dash in ((target, "Target", GREY, "dash"),
                                      (england, "England", ORANGE, "dot")):
        if value is not None:
            data.append(trace(
                "scatter", x=[left, right], y=[value, value], mode="lines", name=name,
                line=dict(color=colour, width=2, dash=dash),
                hovertemplate=f"{name} {escape(fmt(value, unit))}<extra></extra>"))
    notes = [dict(x=day, y=0, yref="paper", yanchor="bottom", showarrow=False,
                  text="c" if point["value"] == "c" else "–", font=dict(size=14, color=BLACK),
                  hovertext=hover(fmt_date(day), shown_or_why(point["value"], unit)))
             for day, point in zip(days, points) if not is_figure(point["value"])]
    if notes:
        chart["annotations"] = notes
    return figure_dict(data, chart)


def trend_alt(points: list[dict], unit: str, title: str, target: float | None = None,
              england: float | None = None) -> str:
    """The trend chart in words: every period's figure, the target and England."""
    england = comparable_england(unit, england)
    listed = [f"{fmt_date(as_date(p['period_end']))}: {shown_or_why(p['value'], unit)}"
              for p in sorted(points, key=lambda p: as_date(p["period_end"]))]
    return (f"Line chart: {title}. This council: "
            + ("; ".join(listed) if any(is_figure(p["value"]) for p in points)
               else "no figures yet")
            + ("" if target is None else f". Target {fmt(target, unit)}")
            + ("" if england is None else f". England {fmt(england, unit)}") + ".")


# --- bars ---------------------------------------------------------------------------------

HIGHER_IS = {"up": "higher is better", "down": "lower is better"}


def short(name: str, most: int = 34) -> str:
    return name if len(name) <= most else name[:most - 1] + "…"


def bars_figure(rows: list[dict], unit: str, title: str, target: float | None = None,
                polarity: str | None = None) -> go.Figure:
    """bars_figure_dict as a graph_objects Figure."""
    return go.Figure(bars_figure_dict(rows, unit, title, target, polarity))


def bars_figure_dict(rows: list[dict], unit: str, title: str, target: float | None = None,
                     polarity: str | None = None) -> dict:
    """One horizontal bar per group, top to bottom in the rows' order (as the table beside
    it), coloured by status and labelled with its figure and status in words; the target as
    a dashed line. A group with no figure keeps its row and says why. Each bar's customdata
    is its group, for a click to drill down."""
    groups = [str(r["group"]) for r in rows]
    shown = [r["value"] for r in rows if is_figure(r["value"])]
    ticks = nice_ticks(max(shown + [target or 0]) or 1)
    chart = layout(
        title, 34 * max(len(rows), 1), barmode="overlay", bargap=0.3,
        # room to the right of the longest bar for its words ("12.5% ✕ Off target")
        xaxis=axis(range=[0, ticks[-1] * 1.45], tickvals=ticks,
                   ticktext=[tick_label(t, unit) for t in ticks]),
        yaxis=axis(range=[max(len(rows), 1) - 0.5, -0.5], tickvals=list(range(len(rows))),
                   ticktext=[escape(short(g)) for g in groups], showgrid=False,
                   ticks=""))
    data = []
    for status in ("green", "amber", "red", None):
        mine = [(i, r) for i, r in enumerate(rows)
                if is_figure(r["value"]) and r.get("rag") == status]
        if not mine:
            continue
        data.append(trace(
            "bar", orientation="h", x=[r["value"] for _, r in mine], y=[i for i, _ in mine],
            name=(f"{RAG_ICON[status]} {RAG_LABELS[status]}" if status else "No status"),
            showlegend=status is not None, marker=dict(color=STATUS_COLOUR[status]),
            text=[" ".join(filter(None, (fmt(r["value"], unit), status_words(r))))
                  for _, r in mine],
            textposition="outside", textfont=dict(color=BLACK, size=13), cliponaxis=False,
            hovertext=[hover(r["group"], fmt(r["value"], unit), parts_text(r, unit),
                             status_words(r)) for _, r in mine],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=[str(r["group"]) for _, r in mine]))
    missing = [(i, r) for i, r in enumerate(rows) if not is_figure(r["value"])]
    if missing:
        data.append(trace(  # clear of the axis line
            "scatter", x=[ticks[-1] * 0.01] * len(missing), y=[i for i, _ in missing], mode="text",
            name="No figure",
            showlegend=False, text=[NOT_SHOWN.get(r["value"], "no figure") for _, r in missing],
            textposition="middle right", textfont=dict(color=BLACK, size=13),
            cliponaxis=False,
            hovertext=[hover(r["group"], shown_or_why(r["value"], unit)) for _, r in missing],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=[str(r["group"]) for _, r in missing]))
    if target is not None:
        words = f"Target {fmt(target, unit)}" + (f" ({HIGHER_IS[polarity]})"
                                                 if polarity in HIGHER_IS else "")
        data.append(trace(
            "scatter", x=[target, target], y=[-0.5, len(rows) - 0.5], mode="lines",
            name=words, line=dict(color=BLACK, width=2, dash="dash"),
            hovertemplate=f"{escape(words)}<extra></extra>"))
    return figure_dict(data, chart)


def bars_alt(rows: list[dict], unit: str, title: str, target: float | None = None) -> str:
    """The bar chart in words: each group's figure and status, in the chart's order."""
    def one(r):
        if not is_figure(r["value"]):
            return f"{r['group']}: {shown_or_why(r['value'], unit)}"
        return f"{r['group']}: " + ", ".join(filter(None, (fmt(r["value"], unit),
                                                            status_words(r))))
    return (f"Bar chart: {title}. " + "; ".join(one(r) for r in rows)
            + ("" if target is None else f". Target {fmt(target, unit)}") + ".")


# --- funnel -------------------------------------------------------------------------------

def funnel_limits(rate: float, n: float, z: float) -> tuple[float, float]:
    """Control limits (as %) around an LA rate for a unit of size n: the normal approximation
    to the binomial, p +/- z * sqrt(p(1-p)/n), clipped to 0-100."""
    p = rate / 100
    spread = z * math.sqrt(max(p * (1 - p), 0) / n) if n else 1
    return max(0.0, 100 * (p - spread)), min(100.0, 100 * (p + spread))


def funnel_position(unit: dict, la_rate: float) -> str:
    """Where a team sits on the funnel, in words."""
    if not isinstance(unit["value"], (int, float)) or not unit["denominator"]:
        return "not shown"
    for z, words in ((3.09, "outside 99.8% limits"), (1.96, "outside 95% limits")):
        low, high = funnel_limits(la_rate, unit["denominator"], z)
        if unit["value"] > high:
            return f"above: {words}"
        if unit["value"] < low:
            return f"below: {words}"
    return "within limits"


FUNNEL_MARKS = {  # position -> legend name, marker symbol, colour: shape says it, not colour
    "within": ("Within the limits", "circle", BLUE),
    "above": ("Above the limits", "triangle-up", BLACK),
    "below": ("Below the limits", "triangle-down", BLACK),
}
LIMIT_POINTS = 40


def funnel_shown(units: list[dict]) -> list[dict]:
    return [u for u in units if is_figure(u["value"]) and is_figure(u.get("denominator"))
            and u["denominator"] > 0]


def funnel_figure(units: list[dict], la_rate: float, title: str) -> go.Figure:
    """funnel_figure_dict as a graph_objects Figure."""
    return go.Figure(funnel_figure_dict(units, la_rate, title))


def funnel_figure_dict(units: list[dict], la_rate: float, title: str) -> dict:
    """Teams as points (children across, rate up) inside 95% (dashed) and 99.8% (dotted)
    limits around the council's rate (solid), so a small team is judged against the noise
    its size allows. Teams outside the 95% limits are named on the chart (and drawn as ▲ or
    ▼); every team's hover gives its figure, children and position. customdata: the team."""
    shown = funnel_shown(units)
    widest = max([u["denominator"] for u in shown] + [10]) * 1.08
    smallest = min([u["denominator"] for u in shown] + [widest])
    # Up to the higher of the points and the 99.8% limit at the smallest team shown, so low
    # rates are not squashed against the floor of a 0-100 scale; the limit lines are clipped.
    top = min(100, 1.1 * max([u["value"] for u in shown] + [
        la_rate, funnel_limits(la_rate, smallest, 3.09)[1]]))
    chart = layout(
        title, 300, above=60, below=70,  # two rows of legend; the axis and its title
        xaxis=value_axis(widest, "", range=[0, widest],
                         title=dict(text="Children in the team", font=dict(size=13))),
        yaxis=value_axis(top, "%"), margin=dict(r=40))
    data = []
    # denser where the limits bend most, at small teams
    ns = [widest * (i / LIMIT_POINTS) ** 2 for i in range(1, LIMIT_POINTS + 1)]
    for z, name, dash in ((1.96, "95% limits", "dash"), (3.09, "99.8% limits", "dot")):
        lows, highs = zip(*(funnel_limits(la_rate, n, z) for n in ns))
        for side, ys in (("lower", lows), ("upper", highs)):
            data.append(trace(
                "scatter", x=ns, y=[round(y, 3) for y in ys], mode="lines", name=name,
                legendgroup=name, showlegend=side == "upper",
                line=dict(color=GREY, width=2, dash=dash),
                hoverinfo="skip"))
    data.append(trace(
        "scatter", x=[0, widest], y=[la_rate, la_rate], mode="lines",
        name=f"Council {fmt(la_rate, '%')}", line=dict(color=ORANGE, width=2),
        hovertemplate=f"Council {fmt(la_rate, '%')}<extra></extra>"))
    for key, (name, symbol, colour) in FUNNEL_MARKS.items():
        mine = [(u, p) for u, p in ((u, funnel_position(u, la_rate)) for u in shown)
                if p.split()[0].rstrip(":") == key]
        if not mine:
            continue
        outside = key != "within"
        data.append(trace(
            "scatter", x=[u["denominator"] for u, _ in mine], y=[u["value"] for u, _ in mine],
            mode="markers+text" if outside else "markers", name=name,
            marker=dict(symbol=symbol, size=13 if outside else 11, color=colour,
                        line=dict(color="white", width=1)),
            text=[escape(str(u["group"])) for u, _ in mine] if outside else None,
            # a name near the right-hand edge goes to the left of its point
            textposition=["middle left" if u["denominator"] > widest * 0.7 else
                          "middle right" for u, _ in mine] if outside else None,
            textfont=dict(color=BLACK, size=13), cliponaxis=False,
            hovertext=[hover(str(u["group"]), " ".join(filter(None, (
                fmt(u["value"], "%"), f"({parts_text(u, '%')})" if parts_text(u, "%")
                else ""))), f"Children: {fmt_part(u['denominator'])}", p.capitalize())
                for u, p in mine],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=[str(u["group"]) for u, _ in mine]))
    return figure_dict(data, chart)


def funnel_alt(units: list[dict], la_rate: float, title: str, table_below: bool = True) -> str:
    """The funnel plot in words: how many teams are shown, and which lie outside the 95%
    limits and where (and, on a page, that the table below has every team's figure)."""
    shown = funnel_shown(units)
    positions = [funnel_position(u, la_rate) for u in shown]
    outside = [f"{u['group']} ({p})" for u, p in zip(shown, positions) if p != "within limits"]
    hidden = len(units) - len(shown)
    if not shown:
        return f"Funnel plot: {title}. No team has a figure to show."
    return (f"Funnel plot: {title}. {len(shown)} team{'s' if len(shown) > 1 else ''} shown"
            + (f" ({hidden} not shown: too few children, or no figure)" if hidden else "")
            + "; " + (f"{len(shown) - len(outside)} within the 95% limits; outside them: "
                      + "; ".join(outside) if outside else "all within the 95% limits")
            + (". Each team's figure is in the table below." if table_below else "."))


# --- heatmap ------------------------------------------------------------------------------

STATUS_CODE = {None: 0, "red": 1, "amber": 2, "green": 3}
# z 0..3 onto the four tints as steps, so the colour of a cell is its status and nothing else
STATUS_SCALE = [[0, STATUS_TINT[None]], [1 / 6, STATUS_TINT[None]], [1 / 6, STATUS_TINT["red"]],
                [0.5, STATUS_TINT["red"]], [0.5, STATUS_TINT["amber"]],
                [5 / 6, STATUS_TINT["amber"]], [5 / 6, STATUS_TINT["green"]],
                [1, STATUS_TINT["green"]]]


# the symbols in the cells, in words, under the title: the key a legend would be
HEATMAP_KEY = ("✓ on target    ! near target    ✕ off target    c withheld so that no child "
               "can be identified    – no children in scope")


def measure_fields(measure) -> tuple[str, str, str]:
    """(id, title, unit) of a measure given as a dict or a tuple."""
    if isinstance(measure, dict):
        return measure["id"], measure["title"], measure["unit"]
    return tuple(measure)


def cell_text(cell: dict | None, unit: str) -> str:
    if cell is None:
        return "–"
    icon = RAG_ICON.get(cell.get("rag") or cell.get("status"), "")
    return " ".join(filter(None, (fmt(cell["value"], unit), icon)))


def heatmap_figure(teams: list[str], measures: list, cells: dict,
                   title: str = "Teams by measure") -> go.Figure:
    """heatmap_figure_dict as a graph_objects Figure."""
    return go.Figure(heatmap_figure_dict(teams, measures, cells, title))


def heatmap_figure_dict(teams: list[str], measures: list, cells: dict,
                        title: str = "Teams by measure") -> dict:
    """Teams (rows) by measures (columns) for managers: each cell tinted by its status, with
    its figure and status symbol written in it. `measures`: dicts with id, title and unit (or
    (id, title, unit) tuples); `cells`: {(team, id): engine row (value, rag, rag_label,
    numerator, denominator)}, a missing cell being no children in scope.

    A click to drill down: the columns are the indicator ids and the rows the teams, so Dash's
    clickData gives them as the point's x and y (its heatmap clickData drops customdata, which
    holds [team, indicator id] for plotly's own click events and the packs)."""
    fields = [measure_fields(m) for m in measures]
    ids = [mid for mid, _, _ in fields]
    grid = [[cells.get((team, mid)) for mid in ids] for team in teams]
    longest = max([len(textwrap.wrap(t, 16)) for _, t, _ in fields] + [1])
    chart = layout(
        title, 40 * max(len(teams), 1), showlegend=False, below=16,
        above=30 + 18 * longest,  # the key, then the measures' names over the columns
        title=dict(subtitle=dict(text=HEATMAP_KEY, font=dict(size=13, color=BLACK))),
        xaxis=axis(type="category", side="top", showgrid=False, showline=False, ticks="",
                   tickvals=ids, ticktext=[wrap(t, 16) for _, t, _ in fields], tickangle=0),
        yaxis=axis(type="category", autorange="reversed", showgrid=False, showline=False,
                   ticks="", tickvals=teams, ticktext=[escape(short(t, 28)) for t in teams]),
    )
    data = [trace(
        "heatmap", x=ids, y=teams,
        z=[[STATUS_CODE.get(c.get("rag") if c else None, 0) for c in row] for row in grid],
        zmin=0, zmax=3, colorscale=STATUS_SCALE, showscale=False, xgap=3, ygap=3,
        text=[[cell_text(c, unit) for c, (_, _, unit) in zip(row, fields)] for row in grid],
        texttemplate="%{text}", textfont=dict(color=BLACK, size=13),
        hovertext=[[hover(team, measure, shown_or_why(c["value"], unit), parts_text(c, unit),
                          status_words(c)) if c else
                    hover(team, measure, "No children in scope")
                    for c, (_, measure, unit) in zip(row, fields)]
                   for team, row in zip(teams, grid)],
        hovertemplate="%{hovertext}<extra></extra>",
        customdata=[[[team, mid] for mid in ids] for team in teams])]
    return figure_dict(data, chart)


def heatmap_alt(teams: list[str], measures: list, cells: dict,
                title: str = "Teams by measure") -> str:
    """The heatmap in words: per team, each measure's figure and status."""
    fields = [measure_fields(m) for m in measures]

    def one(team, mid, measure, unit):
        cell = cells.get((team, mid))
        if cell is None:
            return f"{measure}: no children in scope"
        return f"{measure}: " + ", ".join(filter(None, (shown_or_why(cell["value"], unit),
                                                         status_words(cell))))
    return (f"Heatmap: {title}. " + ". ".join(
        f"{team} — " + "; ".join(one(team, *f) for f in fields) for team in teams) + ".")


# --- the Dash wrapper ---------------------------------------------------------------------

def graph(figure: dict | go.Figure, id: str, alt: str) -> html.Figure:
    """The figure (a `*_figure_dict`, or a graph_objects Figure) as an interactive graph in a
    <figure> whose figcaption is its text alternative: the figure's accessible name, for
    screen readers (hidden on screen, where the table beside the chart shows the same
    figures). The mode bar offers only "download as PNG", always shown, so the button is
    visible when the keyboard reaches it."""
    height = (figure["layout"].get("height") if isinstance(figure, dict) else
              figure.layout.height) or 400
    config = {"displaylogo": False, "displayModeBar": True,
              "modeBarButtonsToRemove": MODEBAR_REMOVED, "showSendToCloud": False,
              "showEditInChartStudio": False,
              "toImageButtonOptions": {"format": "png", "filename": id, "scale": 2},
              "responsive": True, "scrollZoom": False, "doubleClick": False,
              "showTips": False, "showAxisDragHandles": False}
    return html.Figure([
        dcc.Graph(id=id, figure=figure, config=config, style={"height": f"{height}px"}),
        html.Figcaption(alt, id=f"{id}-alt", className="visually-hidden"),
    ], className="chart-figure", style={"margin": "0.5rem 0"})  # not the 40 px sides of a figure


def warm_up() -> None:
    """Build one figure of each kind as the pages do, and write it as a response would be,
    so a worker's first page does not pay for plotly's first use (its "none" template, its
    JSON encoder). For the app to call once per worker."""
    from plotly.io.json import to_json_plotly

    day = dt.date(2026, 3, 31)
    to_json_plotly([
        trend_figure_dict([{"period_end": day, "value": 1.0}], "%", ""),
        bars_figure_dict([{"group": "a", "value": 1.0, "rag": "green"}], "%", "", target=1),
        funnel_figure_dict([{"group": "a", "value": 1.0, "denominator": 10}], 1.0, ""),
        heatmap_figure_dict(["a"], [("i", "t", "%")],
                            {("a", "i"): {"value": 1.0, "rag": "red"}})])


# --- sparkline (server-drawn SVG) ---------------------------------------------------------

def image(svg: str, alt: str, width: int, height: int, **props) -> html.Img:
    return html.Img(src="data:image/svg+xml;base64," + b64encode(svg.encode()).decode(),
                    alt=alt, width=width, height=height, **({"className": "chart"} | props))


def spark_points(points: list) -> list[tuple[dt.date, object]]:
    """(date, value) pairs from points given as pairs or as dicts."""
    return [(as_date(p["period_end"]), p["value"]) if isinstance(p, dict) else
            (as_date(p[0]), p[1]) for p in points]


def band(target: float, tolerance: float | None, polarity: str | None) -> tuple[float, float]:
    """The target band: from the target to the edge of tolerance on the side that misses it
    (below for higher-is-better, above for lower-is-better, both when neither)."""
    tolerance = tolerance or 0
    if polarity == "up":
        return target - tolerance, target
    if polarity == "down":
        return target, target + tolerance
    return target - tolerance, target + tolerance


def sparkline(points: list, unit: str, label: str, target: float | None = None,
              tolerance: float | None = None, polarity: str | None = None) -> html.Img:
    """A tiny trend line on a fixed scale, so a move of 0.1 looks like one: 0-100 for a
    percentage, else 0 to 1.2 times the highest of the values and the target. With a target,
    the band it allows (target to tolerance) is shaded and the target drawn dashed. Every
    value is in the text alternative. Points: (date, value) pairs or trend points."""
    pairs = sorted(spark_points(points), key=lambda p: p[0])
    values = [(p, v) for p, v in pairs if is_figure(v)]
    alt = f"{label} trend: " + (", ".join(f"{fmt(v, unit)} at {fmt_date(p)}" for p, v in pairs)
                                if values else "no figures yet")
    if target is not None:
        alt += f". Target {fmt(target, unit)}"
    width, height, pad = 120, 32, 3
    high = 100.0 if unit == "%" else \
        max([v for _, v in values] + [target or 0]) * 1.2 or 1.0

    def y(v: float) -> float:
        return height - pad - min(max(v, 0), high) / high * (height - 2 * pad)

    body = ""
    if target is not None:
        low, top = band(target, tolerance, polarity)
        if top > low:
            body += (f'<rect class="target-band" x="0" y="{y(top):.2f}" width="{width}" '
                     f'height="{y(low) - y(top):.2f}" fill="#e8e8e8"/>')
        body += (f'<line class="target" x1="0" x2="{width}" y1="{y(target):.2f}" '
                 f'y2="{y(target):.2f}" stroke="{GREY}" stroke-width="1" '
                 f'stroke-dasharray="3 2"/>')
    body += (f'<line x1="0" x2="{width}" y1="{height - pad}" y2="{height - pad}" '
             f'stroke="{LIGHT}" stroke-width="1"/>')  # the zero line the scale starts from
    if values:
        first, span = values[0][0].toordinal(), (values[-1][0] - values[0][0]).days or 1

        def x(p: dt.date) -> float:  # by date, as on the trend chart
            return pad + (p.toordinal() - first) / span * (width - 2 * pad) \
                if len(values) > 1 else width / 2
        coords = [(x(p), y(v)) for p, v in values]
        if len(coords) > 1:
            body += line(coords, BLUE, digits=2)  # to 0.01 px: a fall of 0.1 still shows
        body += (f'<circle cx="{coords[-1][0]:.2f}" cy="{coords[-1][1]:.2f}" r="3" '
                 f'fill="{BLACK}"/>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">{body}</svg>')
    return image(svg, alt + ".", width, height, className="sparkline")


# --- scales and lines, shared by the plotly axes and the SVG drawings ----------------------

LINE_STYLES = {"solid": "", "dash": ' stroke-dasharray="8 5"', "dot": ' stroke-dasharray="2 4"'}


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `high`: steps of 1, 2, 2.5 or 5 times a power of 10."""
    if high <= 0:
        return [0, 1]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [round(i * step, 10) for i in range(math.ceil(high / step - 1e-9) + 1)]


def tick_label(value: float, unit: str) -> str:
    text = f"{value:,.10g}"
    return text + "%" if unit == "%" else text


def line(points: list[tuple[float, float]], colour: str, style: str = "solid",
         width: float = 2, digits: int = 1) -> str:
    path = " ".join(f"{x:.{digits}f},{y:.{digits}f}" for x, y in points)
    return (f'<polyline fill="none" stroke="{colour}" stroke-width="{width}"'
            f'{LINE_STYLES[style]} points="{path}"/>')
