"""Commentary and actions on a measure for a period: what the analyst or manager has to say
about the figure, and what is being done (who owns it, by when). Members read it on the
indicator page, the scorecard and the packs; analysts and managers write it here.

The save callback trusts nothing the browser sends but the words typed: the council and
period come from the page's address through View (checked against what is loaded and the
user's own councils), the measure from the address's path checked against the catalogue, and
the data layer checks all three again, with the user's role, before anything is stored.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from dash import Input, Output, State, dcc, html

from dashboard import access
from dashboard.auth import current_user
from dashboard.components import fmt_date
from dashboard.state import EARLIEST_DUE, LATEST_DUE, MAX_ACTION, MAX_COMMENTARY, MAX_OWNER
from dashboard.view import View
from etl.indicators.catalogue import BY_ID

LONDON = zoneinfo.ZoneInfo("Europe/London")
ROLE_NAMES = {"member": "member", "manager": "manager", "analyst": "analyst",
              "admin": "administrator"}
# the indicator page's path; the measure is read from here, then from the catalogue
INDICATOR_PATH = re.compile(r"^/indicator/([a-z0-9_]{1,60})/?$")


def written_line(entry: access.Commentary) -> str:
    """Who wrote it and when, in words: 'Written by jo.bloggs (manager) on 1 Dec 2026.'"""
    day = entry.written_at.astimezone(LONDON).date()
    return f"Written by {entry.author} ({ROLE_NAMES.get(entry.author_role, '')}) on " \
           f"{fmt_date(day)}."


def action_details(entry: access.Commentary) -> str:
    """'jo.bloggs, due 31 Jan 2027', 'due 31 Jan 2027', 'jo.bloggs' or ''."""
    parts = [entry.owner] if entry.owner else []
    if entry.due:
        parts.append(f"due {fmt_date(entry.due)}")
    return ", ".join(parts)


def summary(entry: access.Commentary | None, limit: int | None = None) -> str | None:
    """One line for the scorecard and the packs: 'Commentary: … Action: … (owner, due 31 Jan
    2027)'; None when there is nothing to say. `limit` cuts the commentary at a word, with an
    ellipsis, to keep a table row short."""
    if entry is None or entry.cleared:
        return None
    parts = []
    if entry.text:
        text = " ".join(entry.text.split())
        if limit is not None and len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
        parts.append(f"Commentary: {text}")
    if entry.action:
        details = action_details(entry)
        parts.append(f"Action: {' '.join(entry.action.split())}"
                     + (f" ({details})" if details else ""))
    return " ".join(parts)


def may_write(user: access.User) -> bool:
    return user.role in access.COMMENTARY_WRITERS


def _paragraphs(text: str, class_name: str | None = None) -> list:
    return [html.P(line, className=class_name) for line in text.split("\n") if line.strip()]


def entry_block(entry: access.Commentary | None, period: dt.date) -> list:
    """The current commentary and action as members read them."""
    if entry is None:
        return [html.P(f"No commentary or action has been written on this measure for the "
                       f"period ending {fmt_date(period)}.", className="muted")]
    out = _paragraphs(entry.text, "plain")
    if entry.action:
        out.append(html.P([html.Strong("Action: "), entry.action], className="plain"))
        if entry.owner:
            out.append(html.P(f"Owner: {entry.owner.rstrip('.')}.", className="plain"))
        if entry.due:
            out.append(html.P(f"Due by {fmt_date(entry.due)}.", className="plain"))
    out.append(html.P(written_line(entry), className="muted"))
    return out


def history_block(history: list[access.Commentary]) -> list:
    """Earlier versions, newest first, folded away: who changed what, and when."""
    earlier = list(reversed(history[:-1]))
    if not earlier:
        return []
    items = []
    for entry in earlier:
        said = summary(entry) or "Commentary and action cleared."
        items.append(html.Li([html.P(said, className="plain"),
                              html.P(written_line(entry), className="muted")]))
    return [html.Details([html.Summary(f"Earlier versions ({len(earlier)})"),
                          html.Ol(items, reversed=True)])]


# Inline until the shared stylesheet has rules for forms (the CSP allows inline styles). Dash's
# inputs are an <input> in a flex box that takes the style: size the box, not the input.
LABEL_STYLE = {"display": "block", "fontWeight": 700, "marginTop": "0.75rem"}
TEXTAREA_STYLE = {"display": "block", "font": "inherit", "padding": "0.4rem",
                  "border": "2px solid #0b0c0c", "width": "min(40rem, 100%)"}
INPUT_STYLE = {"border": "2px solid #0b0c0c", "height": "2.5rem", "width": "min(40rem, 100%)"}


def _field(label: str, hint: str, control) -> html.Div:
    """A field with its label above it (the hint is part of the label, so a screen reader
    reads both: Dash's inputs take no aria-describedby)."""
    return html.Div([html.Label([label, html.Span(f" ({hint})", className="muted")],
                                htmlFor=control.id, style=LABEL_STYLE), control],
                    className="field")


def form(entry: access.Commentary | None, period: dt.date) -> html.Div:
    """The form analysts and managers write with, holding the current entry to edit."""
    return html.Div([
        html.H3("Write or change the commentary"),
        html.P(f"For the period ending {fmt_date(period)}. Members read this on the "
               "scorecard, this page and the board packs: do not name a child or give details "
               "that could identify one. Leave the commentary and the action empty to clear "
               "them; earlier versions are kept.", className="plain"),
        _field("Commentary", f"at most {MAX_COMMENTARY:,} characters",
               dcc.Textarea(id="commentary-text", value=entry.text if entry else "",
                            maxLength=MAX_COMMENTARY, rows=5, style=TEXTAREA_STYLE)),
        _field("Action", f"at most {MAX_ACTION:,} characters",
               dcc.Input(id="commentary-action", type="text",
                         value=entry.action if entry else "",
                         maxLength=MAX_ACTION, style=INPUT_STYLE)),
        _field("Who owns the action", "a name or a role",
               dcc.Input(id="commentary-owner", type="text",
                         value=entry.owner if entry else "",
                         maxLength=MAX_OWNER, style=INPUT_STYLE)),
        _field("Due date", "day, month and year",
               dcc.Input(id="commentary-due", type="date",
                         value=entry.due.isoformat() if entry and entry.due else "",
                         min=EARLIEST_DUE.isoformat(),
                         max=LATEST_DUE.isoformat(),
                         style={**INPUT_STYLE, "width": "min(12rem, 100%)"})),
        html.Button("Save commentary", id="commentary-save", type="button", n_clicks=0,
                    className="button", style={"marginTop": "1rem"}),
        html.P(id="commentary-status", role="status", **{"aria-live": "polite"},
               className="plain"),
    ], className="commentary-form")


def section(view: View, indicator_id: str) -> list:
    """'Commentary and actions' for a measure at the view's period: the current entry for
    everyone who may see the council, earlier versions, and the form for analysts and
    managers. Commentary is for the whole council, whatever team the page is filtered to."""
    if indicator_id not in BY_ID or view.period is None:
        return []
    current = access.commentary(view.user, view.la, view.period).get(indicator_id)
    history = access.commentary_history(view.user, view.la, indicator_id, view.period)
    body = [html.H2("Commentary and actions", id="commentary-heading")]
    if view.group:
        body.append(html.P(f"Commentary is for the whole council, not only {view.scope}.",
                           className="muted"))
    body += entry_block(current, view.period)
    body += history_block(history)
    if may_write(view.user):
        body.append(form(current, view.period))
    return [html.Section(body, id="commentary", className="commentary",
                         **{"aria-labelledby": "commentary-heading"})]


def save(user: access.User, pathname: str | None, search: str | None, text, action, owner,
         due) -> str:
    """The Save button's work, as plain words for the status region: the measure from the
    page's path and the catalogue, the council and period from the address through View, and
    the data layer's checks and audit. Refusals come back as their message."""
    if not isinstance(search, (str, type(None))):
        search = "?forged=1"  # refused by View like any unknown parameter
    found = INDICATOR_PATH.match(pathname) if isinstance(pathname, str) else None
    indicator_id = found.group(1) if found else "(not a measure page)"
    try:
        view = View.for_request(user, search)
        if view.period is None:
            return "Not saved: no data is loaded yet."
        saved = access.save_commentary(user, view.la, indicator_id, view.period, text,
                                       action, owner, due)
    except access.CommentaryNotSaved as problem:
        return f"Not saved. {problem}"
    except access.AccessDenied as denied:
        if not denied.audited:
            access.audit(user, "commentary saved", {"reason": "refused"}, 0, "refused")
        return f"Not saved. {denied}"
    period = fmt_date(saved.period_end)
    at = saved.written_at.astimezone(LONDON)
    if saved.cleared:
        return f"Cleared at {at:%H:%M}: there is no commentary or action on " \
               f"{BY_ID[indicator_id].title} for the period ending {period} now. Earlier " \
               "versions are kept."
    return f"Saved at {at:%H:%M}: the commentary on {BY_ID[indicator_id].title} for the " \
           f"period ending {period}. Members see it on the scorecard and this page; reload " \
           "the page to see it as they will."


def register(app) -> None:
    """The Save button's callback. Call it in create_app before security.harden, which
    learns every callback's shape when it runs."""
    @app.callback(Output("commentary-status", "children"),
                  Input("commentary-save", "n_clicks"),
                  State("commentary-text", "value"), State("commentary-action", "value"),
                  State("commentary-owner", "value"), State("commentary-due", "value"),
                  State("url", "pathname"), State("url", "search"),
                  prevent_initial_call=True)
    def saved(n_clicks, text, action, owner, due, pathname, search):
        if not n_clicks:
            return ""
        return save(current_user(), pathname, search, text, action, owner, due)
