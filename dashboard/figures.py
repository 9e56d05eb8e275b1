"""Charts, drawn on the server as SVG images by plain functions from plain data.

Why SVG and not plotly graphs: each plotly graph costs the browser about 100 ms to draw, and
the indicator page has three, which put a change of period past the 300 ms the dashboard
allows itself. An image costs almost nothing to draw, prints as it looks, needs no script,
and these charts were static anyway. Every chart's alt text says what it shows, and every chart
sits beside a table with the same figures. Lines differ by dash as well as colour.
"""
from __future__ import annotations

import datetime as dt
import math
from base64 import b64encode
from xml.sax.saxutils import escape

from dash import html

from dashboard.components import fmt, fmt_date

BLUE, BLACK, GREY, ORANGE, LIGHT = "#1d70b8", "#0b0c0c", "#505a5f", "#b35900", "#dddddd"
FONT = "system-ui, Arial, sans-serif"
WIDTH = 760
LEFT, RIGHT, BOTTOM = 64, 24, 44
LINE_STYLES = {"solid": "", "dash": ' stroke-dasharray="8 5"', "dot": ' stroke-dasharray="2 4"'}


def image(svg: str, alt: str, width: int, height: int, **props) -> html.Img:
    return html.Img(src="data:image/svg+xml;base64," + b64encode(svg.encode()).decode(),
                    alt=alt, width=width, height=height, **({"className": "chart"} | props))


def title_lines(title: str, width: int) -> list[str]:
    """The title wrapped to the chart's width (about 8.5 px a character at 15 px bold)."""
    lines, most = [""], int((width - 16) / 8.5)
    for word in title.split():
        if lines[-1] and len(lines[-1]) + 1 + len(word) > most:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def plot_top(title: str, width: int = WIDTH) -> tuple[float, float]:
    """Where the legend row goes and where the plotting area starts, below the title."""
    legend_y = 22 + 19 * len(title_lines(title, width))
    return legend_y, legend_y + 22


def document(width: int, height: int, title: str, body: list[str]) -> str:
    heading = "".join(f'<text x="8" y="{22 + 19 * i}" font-size="15" font-weight="bold">'
                      f'{escape(text)}</text>' for i, text in enumerate(title_lines(title, width)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="13" '
            f'fill="{BLACK}"><title>{escape(title)}</title>'
            f'<rect width="{width}" height="{height}" fill="white"/>{heading}'
            + "".join(body) + "</svg>")


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
         width: float = 2) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (f'<polyline fill="none" stroke="{colour}" stroke-width="{width}"'
            f'{LINE_STYLES[style]} points="{path}"/>')


def y_axis(ticks: list[float], unit: str, y, left: float, right: float) -> list[str]:
    out = []
    for t in ticks:
        out.append(f'<line x1="{left}" x2="{right}" y1="{y(t):.1f}" y2="{y(t):.1f}" '
                   f'stroke="{LIGHT}"/>')
        out.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">'
                   f'{escape(tick_label(t, unit))}</text>')
    return out


def legend(items: list[tuple[str, str, str]], right: float, y: float) -> list[str]:
    """Line samples with their names, laid out leftwards from `right`."""
    out, x = [], right
    for name, colour, style in reversed(items):
        x -= 8 + 7.5 * len(name)
        out.append(f'<text x="{x:.1f}" y="{y + 4}">{escape(name)}</text>')
        x -= 34
        out.append(line([(x, y), (x + 28, y)], colour, style, 3))
        x -= 14
    return out


def trend(points: list[tuple[dt.date, object]], unit: str, title: str,
          england: float | None = None, target: float | None = None,
          id: str = "indicator-trend") -> html.Img:
    """The indicator over the loaded periods, with target and England lines where known."""
    values = [(p, v) for p, v in points if isinstance(v, (int, float))]
    alt = (f"Line chart: {title}. This council: "
           + ("; ".join(f"{fmt(v, unit)} at {fmt_date(p)}" for p, v in values)
              if values else "no figures yet")
           + ("" if target is None else f". Target {fmt(target, unit)}")
           + ("" if england is None else f". England {fmt(england, unit)}") + ".")
    ticks = nice_ticks(max([v for _, v in values] + [target or 0, england or 0]) * 1.1)
    key_y, top = plot_top(title)
    height = int(top) + 246
    left, right, bottom = LEFT, WIDTH - RIGHT, height - BOTTOM

    def y(v):
        return bottom - (v / ticks[-1]) * (bottom - top)

    days = [p.toordinal() for p, _ in values]
    first, span = (days[0], (days[-1] - days[0]) or 1) if days else (0, 1)

    def x(p: dt.date):  # by date, so quarterly points sit closer than annual ones
        return left + 30 + (p.toordinal() - first) / span * (right - left - 60) \
            if len(values) > 1 else (left + right) / 2

    body = y_axis(ticks, unit, y, left, right)
    body.append(f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{GREY}"/>')
    key = [("This council", BLUE, "solid")]
    for value, name, colour, style in ((target, "Target", GREY, "dash"),
                                       (england, "England", ORANGE, "dot")):
        if value is not None:
            body.append(line([(left, y(value)), (right, y(value))], colour, style))
            key.append((name, colour, style))
    if values:
        body.append(line([(x(p), y(v)) for p, v in values], BLUE, width=3))
    last_label = -math.inf
    for p, v in values:
        body.append(f'<circle cx="{x(p):.1f}" cy="{y(v):.1f}" r="5" fill="{BLUE}"/>')
        body.append(f'<text x="{x(p):.1f}" y="{y(v) - 10:.1f}" text-anchor="middle" '
                    f'font-weight="bold">{escape(fmt(v, unit))}</text>')
        # quarterly periods sit close together: drop a date a row lower rather than overlap
        row = 0 if x(p) - last_label > 70 else 1
        last_label = x(p) if row == 0 else last_label
        body.append(f'<text x="{x(p):.1f}" y="{bottom + 18 + 16 * row}" '
                    f'text-anchor="middle">{p:%b %Y}</text>')
    body += legend(key, right, key_y)
    return image(document(WIDTH, height, title, body), alt, WIDTH, height, id=id)


def bars(groups: list[str], values: list, unit: str, title: str,
         id: str = "indicator-breakdown") -> html.Img:
    """One horizontal bar per group. A group with no figure (suppressed, or nobody in it)
    keeps its row and says why, so the chart matches the table row for row."""
    row_height, label_width = 28, min(260, 20 + 7.5 * max([len(g) for g in groups] + [4]))
    top = plot_top(title)[0]
    height = top + BOTTOM + row_height * max(len(groups), 1)
    left, right = label_width, WIDTH - RIGHT - 50
    shown = [v for v in values if isinstance(v, (int, float))]
    ticks = nice_ticks(max(shown + [0]) or 1)

    def x(v):
        return left + (v / ticks[-1]) * (right - left)

    body = []
    for t in ticks:
        body.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top}" '
                    f'y2="{height - BOTTOM}" stroke="{LIGHT}"/>')
        body.append(f'<text x="{x(t):.1f}" y="{height - BOTTOM + 18}" text-anchor="middle">'
                    f'{escape(tick_label(t, unit))}</text>')
    for i, (group, value) in enumerate(zip(groups, values)):
        middle = top + row_height * i + row_height / 2
        name = group if len(group) * 7.5 <= label_width - 16 else \
            group[:int((label_width - 16) / 7.5) - 1] + "…"
        body.append(f'<text x="{left - 8}" y="{middle + 4:.1f}" text-anchor="end">'
                    f'{escape(name)}</text>')
        if isinstance(value, (int, float)):
            body.append(f'<rect x="{left}" y="{middle - 9:.1f}" width="{x(value) - left:.1f}" '
                        f'height="18" fill="{BLUE}"/>')
            words = fmt(value, unit)
        else:
            words = "c (suppressed)" if value == "c" else "no figure"
        body.append(f'<text x="{(x(value) if isinstance(value, (int, float)) else left) + 6:.1f}"'
                    f' y="{middle + 4:.1f}">{escape(words)}</text>')
    alt = f"Bar chart: {title}. " + "; ".join(
        f"{g}: {fmt(v, unit) if isinstance(v, (int, float)) else 'no figure shown'}"
        for g, v in zip(groups, values)) + "."
    return image(document(WIDTH, int(height), title, body), alt, WIDTH, int(height), id=id)


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


def funnel(units: list[dict], la_rate: float, title: str,
           id: str = "indicator-funnel") -> html.Img:
    """Teams as points (denominator across, rate up) inside 95% and 99.8% limits around the
    LA rate, so a small team is judged against the noise its size allows. Each point carries
    its team's name: a hover label would be out of reach of a keyboard and of a print."""
    shown = [u for u in units if isinstance(u["value"], (int, float)) and u["denominator"]]
    top_n = max([u["denominator"] for u in shown] + [10]) * 1.08
    key_y, top = plot_top(title)
    height = int(top) + 280
    left, right, bottom = LEFT, WIDTH - RIGHT - 150, height - BOTTOM
    # Up to the higher of the points and the 99.8% limit at the smallest team shown, so low
    # rates are not squashed against the floor of a 0-100 scale; the limit lines are clipped.
    smallest = min([u["denominator"] for u in shown] + [top_n])
    ticks = nice_ticks(min(100, 1.1 * max([u["value"] for u in shown] + [
        la_rate, funnel_limits(la_rate, smallest, 3.09)[1]])))

    def x(n):
        return left + n / top_n * (right - left)

    def y(v):
        return bottom - v / ticks[-1] * (bottom - top)

    body = y_axis(ticks, "%", y, left, right)
    for t in nice_ticks(top_n):
        if t <= top_n:
            body.append(f'<text x="{x(t):.1f}" y="{bottom + 18}" text-anchor="middle">'
                        f'{tick_label(t, "")}</text>')
    body.append(f'<text x="{(left + right) / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                f'children in the team (denominator)</text>')
    body.append(f'<clipPath id="plot"><rect x="{left}" y="{top}" width="{right - left}" '
                f'height="{bottom - top}"/></clipPath><g clip-path="url(#plot)">')
    ns = [top_n * i / 80 for i in range(1, 81)]
    for z, style in ((1.96, "dash"), (3.09, "dot")):
        lows, highs = zip(*(funnel_limits(la_rate, n, z) for n in ns))
        body.append(line([(x(n), y(v)) for n, v in zip(ns, lows)], GREY, style))
        body.append(line([(x(n), y(v)) for n, v in zip(ns, highs)], GREY, style))
    body.append(line([(left, y(la_rate)), (right, y(la_rate))], ORANGE, width=2) + "</g>")
    placed: list[tuple[float, float, float]] = []  # labels so far: left, right, baseline
    for u in sorted(shown, key=lambda u: (u["denominator"], -u["value"])):
        px, py = x(u["denominator"]), y(u["value"])
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="6" fill="{BLUE}" '
                    f'stroke="white"/>')
        # the nearest free row beside the point, with a leader line when it had to move
        end = px + 9 + 7 * len(u["group"])
        for shift in (0, 14, -14, 28, -28, 42, -42, 56, -56):
            base = py + 4 + shift
            if all(end < a or px + 9 > b or abs(base - c) >= 14 for a, b, c in placed):
                break
        placed.append((px + 9, end, base))
        if shift:
            body.append(line([(px + 5, py), (px + 9, base - 4)], GREY, width=1))
        body.append(f'<text x="{px + 9:.1f}" y="{base:.1f}" font-size="12">'
                    f'{escape(u["group"])}</text>')
    body += legend([("95% limits", GREY, "dash"), ("99.8% limits", GREY, "dot"),
                    ("Council", ORANGE, "solid")], WIDTH - RIGHT, key_y)
    positions = [funnel_position(u, la_rate) for u in shown]
    outside = [f"{u['group']} ({p})" for u, p in zip(shown, positions) if p != "within limits"]
    alt = (f"Funnel plot: {title}. {len(shown)} teams shown; "
           + (f"{len(shown) - len(outside)} within the 95% limits; outside them: "
              + "; ".join(outside) if outside else "all within the 95% limits")
           + ". Each team's figure is in the table below.")
    return image(document(WIDTH, height, title, body), alt, WIDTH, height, id=id)


def sparkline(points: list[tuple[dt.date, object]], unit: str, label: str) -> html.Img:
    """A tiny trend line, with every value in its text alternative."""
    values = [(p, v) for p, v in points if isinstance(v, (int, float))]
    alt = f"{label} trend: " + (", ".join(f"{fmt(v, unit)} at {fmt_date(p)}" for p, v in values)
                                if values else "no figures yet")
    width, height, pad = 120, 32, 3
    body = ""
    if len(values) >= 2:
        low, high = min(v for _, v in values), max(v for _, v in values)
        span = (high - low) or 1
        step = (width - 2 * pad) / (len(values) - 1)
        coords = [(pad + i * step, height - pad - (v - low) / span * (height - 2 * pad))
                  for i, (_, v) in enumerate(values)]
        last = coords[-1]
        body = (line(coords, BLUE) +
                f'<circle cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="3" fill="{BLACK}"/>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}">{body}</svg>')
    return image(svg, alt, width, height, className="sparkline")
