"""Plotly figures, built by plain functions from plain data (unit-tested without a browser).
Every figure is shown beside a table or text that says the same thing."""
from __future__ import annotations

import math

import plotly.graph_objects as go

BLUE, BLACK, GREY, ORANGE = "#1d70b8", "#0b0c0c", "#505a5f", "#b35900"
LAYOUT = dict(margin=dict(l=50, r=20, t=30, b=40), height=320, plot_bgcolor="white",
              font=dict(family="system-ui, Arial, sans-serif", size=14, color=BLACK))


def trend(points: list[tuple], unit: str, title: str, england: float | None = None,
          target: float | None = None) -> go.Figure:
    """The indicator over the loaded periods, with target and England lines where known."""
    xs = [p for p, v in points if isinstance(v, (int, float))]
    ys = [v for p, v in points if isinstance(v, (int, float))]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines+markers", name="This council",
                               line=dict(color=BLUE, width=3), marker=dict(size=9)))
    for value, name, colour, dash in ((target, "Target", GREY, "dash"),
                                      (england, "England", ORANGE, "dot")):
        if value is not None and xs:
            fig.add_trace(go.Scatter(x=[xs[0], xs[-1]], y=[value, value], mode="lines",
                                     name=name, line=dict(color=colour, dash=dash, width=2)))
    fig.update_layout(title=title, yaxis_title=unit, **LAYOUT)
    fig.update_xaxes(showgrid=False, tickformat="%b %Y")
    fig.update_yaxes(gridcolor="#dddddd", rangemode="tozero")
    return fig


def bars(groups: list[str], values: list, unit: str, title: str) -> go.Figure:
    shown = [(g, v) for g, v in zip(groups, values) if isinstance(v, (int, float))]
    fig = go.Figure(go.Bar(x=[v for _, v in shown], y=[g for g, _ in shown], orientation="h",
                           marker_color=BLUE))
    fig.update_layout(title=title, xaxis_title=unit, **{**LAYOUT, "height": 120 + 28 * len(shown)})
    fig.update_yaxes(autorange="reversed")
    return fig


def funnel_limits(rate: float, n: float, z: float) -> tuple[float, float]:
    """Control limits (as %) around an LA rate for a unit of size n: the normal approximation
    to the binomial, p +/- z * sqrt(p(1-p)/n), clipped to 0-100."""
    p = rate / 100
    spread = z * math.sqrt(max(p * (1 - p), 0) / n) if n else 1
    return max(0.0, 100 * (p - spread)), min(100.0, 100 * (p + spread))


def funnel(units: list[dict], la_rate: float, title: str) -> go.Figure:
    """Teams as points (denominator across, rate up) inside 95% and 99.8% limits around the
    LA rate, so a small team is judged against the noise its size allows."""
    shown = [u for u in units if isinstance(u["value"], (int, float)) and u["denominator"]]
    top = max([u["denominator"] for u in shown] + [10])
    ns = [max(1, top * i / 60) for i in range(1, 61)]
    fig = go.Figure()
    for z, name, dash in ((1.96, "95% limits", "dash"), (3.09, "99.8% limits", "dot")):
        lows, highs = zip(*(funnel_limits(la_rate, n, z) for n in ns))
        for ys, show in ((lows, True), (highs, False)):
            fig.add_trace(go.Scatter(x=ns, y=ys, mode="lines", name=name, showlegend=show,
                                     line=dict(color=GREY, dash=dash), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[0, top], y=[la_rate, la_rate], mode="lines", name="Council",
                             line=dict(color=ORANGE, width=2)))
    fig.add_trace(go.Scatter(
        x=[u["denominator"] for u in shown], y=[u["value"] for u in shown], mode="markers",
        name="Teams", text=[u["group"] for u in shown], marker=dict(size=11, color=BLUE),
        hovertemplate="%{text}: %{y:.1f}% of %{x}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="children (denominator)", yaxis_title="%",
                      **LAYOUT)
    return fig
