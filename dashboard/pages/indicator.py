"""One indicator in full: definition, the figure and what it is made of, its trend, its
breakdowns with a disproportionality view, and teams compared on a funnel plot."""
from __future__ import annotations

import urllib.parse

from dash import Input, Output, State, html, no_update

from dashboard import access, board, figures, rendered
from dashboard.auth import current_user
from dashboard.components import (benchmark_text, direction_text, fmt, fmt_date, fmt_part, link,
                                  no_data, no_data_text, rag_badge, status_label, table)
from dashboard.pages import commentary
from dashboard.themes import OUTCOME_SLUGS
from dashboard.view import View
from etl.indicators import judgement
from etl.indicators.catalogue import BY_ID

BREAKDOWN_LABELS = {
    "age_band": "Age band", "sex": "Sex", "ethnic_group": "Ethnic group", "uasc": "UASC",
    "legal_status_group": "Legal status", "placement_type_group": "Placement type",
    "provider": "Placement provider", "service_area": "Service area", "team": "Team",
}

HIGHER_IS = {"up": "better", "down": "worse", "context": "neither better nor worse"}


def disproportionality_rows(shares: list[dict]) -> list[list]:
    """The engine's shares as table cells: c where a member's view hides them, "no data" where
    there is nothing to divide by."""
    return [[r["group"], fmt(r["share_counted"], "%"), fmt(r["share_all"], "%"),
             ratio_text(r["ratio"])] for r in shares]


def ratio_text(ratio) -> str:
    if ratio is None:
        return "no data"
    return "c" if ratio == "c" else f"{ratio:.2f}"


def layout(view: View, indicator_id: str) -> list:
    entry = BY_ID.get(indicator_id)
    if entry is None:
        return [html.H1("Page not found"), html.P(f"There is no indicator {indicator_id}.")]
    row = board.figures(view.user, view.la, view.period, view.group).get(indicator_id)
    trend = board.history(view.user, view.la, view.group).get(indicator_id, [])
    if row is None:
        return [html.H1(entry.title), html.P(f"No children in scope for this measure in "
                                            f"{view.scope}.")]
    # read for every view, with the data layer's checks, in the order the page shows them;
    # the commentary is drawn for every view (it may change at any time), the rest once for
    # those who see alike
    notes = commentary.section(view, entry.id)
    # nothing to break down, and no child behind a figure there is not
    breakdowns = None if no_data(row) else breakdown_reading(view, entry)
    name = f"indicator/{entry.id}"
    return [*rendered.part(name, view, lambda: draw_head(view, entry, row)), *notes,
            *rendered.part(name + "/after-commentary", view,
                           lambda: draw_tail(view, entry, row, trend, breakdowns))]


def draw_head(view: View, entry, row: dict) -> list:
    """The page before the commentary: the measure and its figure."""
    parts = []
    if row["unit"] in ("%", "score") and row["denominator"] not in (None, "c"):
        parts.append(f"{fmt_part(row['numerator'])} of {fmt_part(row['denominator'])}")
    bench = benchmark_text(row, view.user.sees_unverified)
    return [
        html.H1(entry.title),
        html.P(entry.description, className="lead"),
        html.Div([
            html.Span(fmt(row["value"], row["unit"]), className="big-value"),
            rag_badge(row),
            html.P(" ".join(parts + [f"for {view.scope} at {fmt_date(view.period)}."]),
                   className="plain"),
            html.P(f"{direction_text(row)}. "
                   + ("" if row["target"] is None else
                      f"Target {fmt(row['target'], row['unit'])}, tolerance "
                      f"{fmt(row['tolerance'], 'score')}. ") + (bench + "." if bench else ""),
                   className="plain"),
            # the reason there is no figure is the first thing said, not a muted note
            html.P(no_data_text(row), className="plain no-data") if no_data(row) else
            html.P(row["note"], className="muted") if row.get("note") else None,
        ], className="figure-summary"),
    ]


def draw_tail(view: View, entry, row: dict, trend: list, breakdowns: dict | None) -> list:
    """The page after the commentary: how it is worked out, the trend, the breakdowns (None:
    the measure has no data this period) and the funnel plot."""
    # only a verified England figure is drawn for those who may not see unverified ones
    england = judgement.benchmarks_for(row["benchmarks"], not view.user.sees_unverified) \
        .get("england", {}).get("value")
    points = [{"period_end": p, **r} for p, r in trend]
    title = f"{entry.title} over time"
    tail = [
        html.Details([html.Summary("How this is worked out"), html.P(entry.definition),
                      html.P(serves(view, entry))]),
        html.H2("Trend"),
        figures.graph(figures.trend_figure_dict(points, entry.unit, title, row["target"],
                                                england),
                      "indicator-trend",
                      figures.trend_alt(points, entry.unit, title, row["target"], england)),
        table(f"{entry.title} by period (the chart's figures)",
              ["Period end", "Value", "Numerator", "Denominator", "Status"],
              [[fmt_date(p), fmt(r["value"], r["unit"]), fmt_part(r["numerator"]),
                fmt_part(r["denominator"]), status_label(r)] for p, r in trend]),
    ]
    if breakdowns is None:
        return tail + [html.H2("Breakdowns"), html.P(
            "No breakdowns: there is no data for this measure for this period.")]
    tail += breakdown_section(view, entry, row, breakdowns)
    if view.user.sees_child_level:
        tail.append(html.P(link("See the children behind this figure", "/drill",
                                {**view.filters, "indicator": entry.id})))
    return tail


def serves(view: View, entry) -> list:
    """What the measure is for: the principles and the outcome it serves, linked, or for a
    context measure that it describes the children in care and is not judged."""
    if not entry.principles and entry.outcome is None:
        return ["This measure describes the children in care. It is not judged against a "
                "corporate parenting principle or an outcome, and has no target."]
    out = ["Corporate parenting principle" + ("s " if len(entry.principles) > 1 else " ")]
    for k, number in enumerate(entry.principles):
        out += [" and " if k else "", link(str(number), f"/principle/{number}", view.filters)]
    if entry.outcome:
        out += [". Outcome: ", link(entry.outcome, f"/outcome/{OUTCOME_SLUGS[entry.outcome]}",
                                    view.filters)]
    return out + [f". Higher is {HIGHER_IS[entry.polarity]}."]


def breakdown_reading(view: View, entry) -> dict:
    """What the breakdowns and the funnel plot read, as this user may see them: the chosen
    breakdown's rows of the measure, each group's shares (or why they are refused), the
    teams' figures and the council's."""
    chosen = view.params.get("breakdown", "age_band")
    if chosen not in BREAKDOWN_LABELS:
        chosen = "age_band"
    read: dict = {"chosen": chosen}
    if entry.unit == "rate":
        return read
    every = access.indicators(view.user, view.la, view.period, chosen,
                              (entry.id,))["indicators"]
    # a row with no group is the engine's "none counted" for the whole breakdown (care leavers
    # 22 to 25, say, who are in no 903 extract and so have no sex, team or age band there)
    read["rows"] = [r for r in every if r["id"] == entry.id and r["group"] is not None]
    if not read["rows"]:
        return read
    if entry.unit == "%" and entry.counts_children:
        try:  # worked out from the true figures, then hidden as this user's view hides them
            read["shares"] = access.disproportionality(view.user, view.la, view.period,
                                                       entry.id, chosen)
        except access.AccessDenied as refused:
            read["refused"] = str(refused)
    if entry.unit == "%":
        read["teams"] = [r for r in access.indicators(
            view.user, view.la, view.period, "team", (entry.id,))["indicators"]
            if r["id"] == entry.id and r["group"] is not None]
        read["overall"] = access.figures_for(view.user, view.la, view.period).get(entry.id)
    return read


def breakdown_section(view: View, entry, row, read: dict) -> list:
    chosen = read["chosen"]
    menu = html.Nav(html.Ul([
        html.Li(link(label, f"/indicator/{entry.id}", {**view.filters, "breakdown": key}),
                **({"aria-current": "true"} if key == chosen else {}))
        for key, label in BREAKDOWN_LABELS.items()], className="tabs"),
        **{"aria-label": "Break the figure down by"})
    if entry.unit == "rate":
        return [html.H2("Breakdowns"), html.P("A rate per 10,000 children cannot be broken "
                                              "down: there are no population figures by group.")]
    rows = read["rows"]
    if view.group and chosen != view.group[0]:
        note = html.P(f"Breakdowns are for the whole council, not only {view.scope}.",
                      className="muted")
    else:
        note = None
    label = BREAKDOWN_LABELS[chosen]
    if not rows:
        return [html.H2("Breakdowns"), menu, note, html.P(
            f"There are no figures by {label.lower()} for this measure for this period.")]
    title = f"{entry.title} by {label.lower()}"
    drills = chosen in DRILLABLE
    out = [html.H2("Breakdowns"), menu, note,
           html.P(f"Choose a bar to open that {label.lower()}.", className="muted")
           if drills else None,
           figures.graph(figures.bars_figure_dict(rows, entry.unit, title, row["target"],
                                                  entry.polarity),
                         "indicator-breakdown",
                         figures.bars_alt(rows, entry.unit, title, row["target"])),
           table(f"{entry.title} by {label.lower()}",
                 [label, "Value", "Numerator", "Denominator", "Status"],
                 [[r["group"], fmt(r["value"], r["unit"]), fmt_part(r["numerator"]),
                   fmt_part(r["denominator"]), r.get("rag_label") or ""] for r in rows])]
    if entry.unit == "%" and entry.counts_children:
        out += [html.H3("Who is counted, against all children looked after"),
                html.P("Each group's share of the children counted in this figure beside its "
                       "share of every child looked after at the period end. A ratio above 1 "
                       "means the group is over-represented.", className="plain")]
        if "refused" in read:
            out.append(html.P(read["refused"], className="muted"))
        else:
            out.append(table(f"Disproportionality by {label.lower()}",
                             [label, "Share of those counted",
                              "Share of all children looked after", "Ratio"],
                             disproportionality_rows(read["shares"])))
    if entry.unit == "%":
        out += funnel_section(view, entry, row, read)
    return out


def funnel_section(view: View, entry, row, read: dict) -> list:
    teams, overall = read["teams"], read["overall"]
    if not overall or not isinstance(overall["value"], (int, float)):
        return []
    la_rate = overall["value"]
    title = f"{entry.title}: teams against the council ({fmt(la_rate, '%')})"
    return [
        html.H2("Teams compared"),
        html.P("Each team's figure against the council's, with limits that widen for smaller "
               "teams: a team outside the limits differs by more than chance would explain. "
               "Choose a team's point to open that team.", className="plain"),
        figures.graph(figures.funnel_figure_dict(teams, la_rate, title), "indicator-funnel",
                      figures.funnel_alt(teams, la_rate, title)),
        table("Teams against the council's figure",
              ["Team", "Children", "Value", "Position"],
              [[r["group"], fmt_part(r["denominator"]), fmt(r["value"], "%"),
                figures.funnel_position(r, la_rate)] for r in teams]),
    ]


# --- Choosing a team on a chart opens it -----------------------------------------------------

DRILLABLE = ("team", "service_area")


def drill_address(user: access.User, pathname: str | None, search: str | None,
                  kind: str | None, group) -> str | None:
    """Where choosing a team (or service area) on a chart leads: its drill-down for those who
    may see children and the team, else this measure for that team. `kind` None: the
    breakdown the page shows. Everything the click sends is checked against real values
    first; anything else leads nowhere."""
    if not isinstance(pathname, str):  # a forged request can send anything
        return None
    parts = [p for p in pathname.split("/") if p]
    if len(parts) != 2 or parts[0] != "indicator" or parts[1] not in BY_ID:
        return None
    if not isinstance(group, str) or not isinstance(search, (str, type(None))):
        return None
    try:
        view = View.for_request(user, search)
        kind = kind or view.params.get("breakdown", "age_band")
        if kind not in DRILLABLE:
            return None
        known = access.known_values(view.la)["team" if kind == "team" else "area"]
        if group not in known:
            return None
        access.check_group(user, view.la, view.period, (kind, group))
    except access.AccessDenied:
        return None
    key = "team" if kind == "team" else "area"
    query = {k: v for k, v in view.filters.items() if k in ("la", "period")}
    query[key] = group
    if user.sees_child_level:
        return "/drill?" + urllib.parse.urlencode({**query, "indicator": parts[1]})
    return f"/indicator/{parts[1]}?" + urllib.parse.urlencode(query)


def clicked(click) -> str | None:
    """The team or group a chart click names (its customdata), or None."""
    try:
        value = click["points"][0]["customdata"]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) and len(value) <= 200 else None


def register(app) -> None:
    @app.callback(Output("url", "href", allow_duplicate=True),
                  Input("indicator-funnel", "clickData"),
                  State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
    def funnel_clicked(click, pathname, search):
        target = drill_address(current_user(), pathname, search, "team", clicked(click))
        return target or no_update

    @app.callback(Output("url", "href", allow_duplicate=True),
                  Input("indicator-breakdown", "clickData"),
                  State("url", "pathname"), State("url", "search"), prevent_initial_call=True)
    def bar_clicked(click, pathname, search):
        target = drill_address(current_user(), pathname, search, None, clicked(click))
        return target or no_update
