"""Board and Ofsted packs: build one for the council and period end on screen, follow it while
it builds, and download it or any earlier one from the archive, each with what it was built
from (the loads, their files and checksums, the code version).

A click only queues the build and starts its worker (access.request_pack, packs.worker): the
PDF is made in a process of its own, never inside a web request. The page then asks once a
second how the run is doing (a dcc.Interval, switched off when nothing is building). Who may
build, see and download which pack is the data layer's to decide: this page offers what it
allows, and a forged request meets the same checks there. Members are never shown that Ofsted
packs exist.
"""
from __future__ import annotations

import datetime as dt
import urllib.parse

from dash import Input, Output, State, ctx, dcc, html, no_update

from dashboard import access, state
from dashboard.auth import current_user
from dashboard.components import fmt_date, table
from dashboard.packs.build import BUILDERS, TITLES
from dashboard.pages.commentary import LONDON
from dashboard.view import View

KIND_WORDS = {"board": "board pack", "ofsted": "Ofsted pack"}
BUTTONS = {"board": "packs-build-board", "ofsted": "packs-build-ofsted"}
TRIGGER_WORDS = {"schedule": "On the schedule", "dashboard": "From the dashboard",
                 "command line": "From the command line"}
ANNEX_ROLES = frozenset({"manager"})
POLL_MS = 1000
# a checksum is 64 characters with no space: let it wrap anywhere rather than widen the table
CHECKSUM_STYLE = {"wordBreak": "break-all", "fontFamily": "monospace"}
FILES_STYLE = {"fontSize": "0.85rem", "margin": "0.25rem 0 0.75rem"}


def kinds_for(user: access.User) -> list[str]:
    """The kinds of pack this user may build, board first."""
    return [kind for kind in state.PACK_KINDS if user.role in BUILDERS[kind]]


def when(moment: dt.datetime | None) -> str:
    """A time as people in the council read it: London time, '5 Oct 2026 14:02'."""
    if moment is None:
        return ""
    local = moment.astimezone(LONDON)
    return f"{fmt_date(local.date())} {local:%H:%M}"


def size_words(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def how(run: state.PackRun) -> str:
    """How the run was asked for, and by whom: 'From the dashboard, by jo.bloggs'."""
    words = TRIGGER_WORDS.get(run.trigger, run.trigger)
    if run.trigger == "schedule":
        return f"{words} ({run.job})" if run.job else words
    return f"{words}, by {run.requested_by}"


def pack_name(run: state.PackRun) -> str:
    """'the board pack for 31 Mar 2026'."""
    return f"the {KIND_WORDS.get(run.kind, 'pack')} for {fmt_date(run.period_end)}"


def failed_words(user: access.User, run: state.PackRun) -> str:
    """Why a build failed, for analysts and admins; the others are sent to their analyst (the
    data layer gives them no message to show)."""
    if user.role in access.PACK_ERROR_ROLES and run.error:
        return f"Failed: {run.error}"
    return "Failed: ask your analyst."


def status_words(user: access.User, run: state.PackRun) -> str:
    if run.status == "done":
        return "Ready"
    if run.status == "failed":
        return failed_words(user, run)
    if run.status == "queued":
        return "Waiting to start"
    return f"Building: {run.stage}" if run.stage else "Building"


def download_href(run: state.PackRun) -> str:
    return f"/reports/packs/{run.id}.pdf"


def download_link(run: state.PackRun) -> html.A:
    """The PDF's link in the archive, named for a screen reader by which pack it is (a table
    of them would otherwise read 'Download' in every row)."""
    detail = f" {pack_name(run)}, built {when(run.finished_at)} (PDF, " \
             f"{size_words(run.bytes)})"
    return html.A(["Download", html.Span(detail, className="visually-hidden")],
                  href=download_href(run))


def _text(value, limit: int = 200) -> str:
    """A provenance value as text: whatever the builder wrote, never more than a line."""
    return "" if value is None else str(value)[:limit]


def provenance_block(run: state.PackRun) -> html.Details | str:
    """What the pack was built from, folded away: the loads (each file and its SHA-256
    checksum), the warehouse, the code, and the PDF's own checksum. Read defensively: an
    older run may lack some of it."""
    found = run.provenance if isinstance(run.provenance, dict) else {}
    if run.status != "done" and not found:
        return ""
    body = []
    built = [f"Built on {_text(found['built_on'])}" if found.get("built_on") else "",
             f"from the warehouse {_text(found['warehouse'])}" if found.get("warehouse")
             else ""]
    if any(built):
        body.append(html.P(" ".join(part for part in built if part) + ".", className="plain"))
    if run.sha256:
        body.append(html.P(["The PDF's SHA-256 checksum: ",
                            html.Span(run.sha256, style=CHECKSUM_STYLE)], className="plain"))
    loads = found.get("loads") if isinstance(found.get("loads"), list) else []
    for load in loads:
        if not isinstance(load, dict):
            continue
        said = [f"Load {_text(load.get('load_id'))}"]
        if load.get("period_end"):
            said.append(f"period end {_text(load['period_end'])}")
        if load.get("loaded_at"):
            said.append(f"loaded {_text(load['loaded_at'])}")
        files = [f for f in (load.get("files") if isinstance(load.get("files"), list) else [])
                 if isinstance(f, dict)]
        body.append(html.P(", ".join(said) + (":" if files else "."), className="plain"))
        if files:
            body.append(html.Table([
                html.Caption(f"The files of load {_text(load.get('load_id'))}",
                             className="visually-hidden"),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in
                                    ("Table", "File", "Rows read", "SHA-256 checksum")])),
                html.Tbody([html.Tr([
                    html.Td(_text(f.get("table"))), html.Td(_text(f.get("file"))),
                    html.Td(f"{f['rows_read']:,}" if isinstance(f.get("rows_read"), int)
                            else ""),
                    html.Td(_text(f.get("sha256"), 64), style=CHECKSUM_STYLE)])
                    for f in files])], className="data-table provenance-files",
                style=FILES_STYLE))
    code = found.get("code") if isinstance(found.get("code"), dict) else {}
    if code:
        parts = [f"version {_text(code['version'])}" if code.get("version") else "",
                 f"source digest {_text(code['source_digest'])}"
                 if code.get("source_digest") else "",
                 f"commit {_text(code['commit'])}" if code.get("commit") else ""]
        body.append(html.P("Code: " + ", ".join(p for p in parts if p) + ".", className="plain"))
    if not body:
        return ""
    # open, it takes the room it needs: the table around it widens (or scrolls) to fit
    return html.Details([html.Summary(["Provenance", html.Span(
        f" of {pack_name(run)}, built {when(run.finished_at)}", className="visually-hidden")]),
        html.Div(body, style={"minWidth": "min(44rem, 70vw)"})], className="provenance")


def archive(user: access.User, la: str) -> list:
    """Every pack of the council this user may see, by period end (newest first), then kind,
    then newest build first."""
    runs = sorted(access.pack_runs_for(user, la),
                  key=lambda r: (r.period_end, -state.PACK_KINDS.index(r.kind)
                                 if r.kind in state.PACK_KINDS else 0, r.id), reverse=True)
    name = access.config(la).name
    if not runs:
        return [html.P(f"No pack has been built for {name} yet.", className="plain")]
    rows = [[fmt_date(r.period_end), TITLES.get(r.kind, r.kind),
             when(r.finished_at or r.requested_at), how(r),
             str(r.pages) if r.pages else "", size_words(r.bytes), status_words(user, r),
             download_link(r) if r.status == "done" else "", provenance_block(r)]
            for r in runs]
    return [html.Div(table(f"Packs built for {name}, newest period end first",
                           ["Period end", "Pack", "Built (London time)", "How", "Pages",
                            "Size", "Status", "Download", "Provenance"], rows),
                     className="table-wrap")]


def progress(user: access.User, run: state.PackRun | None) -> list:
    """The line under the buttons: what the run is doing now, and its link once it is done."""
    if run is None:
        return []
    name = pack_name(run)
    if run.status == "done":
        return [f"{name[0].upper()}{name[1:]} is ready ({run.pages or '?'} pages, "
                f"{size_words(run.bytes)}): ",
                html.A(f"Download the {KIND_WORDS.get(run.kind, 'pack')} (PDF)",
                       href=download_href(run)), "."]
    if run.status == "failed":
        why = run.error if user.role in access.PACK_ERROR_ROLES and run.error else \
            "ask your analyst"
        return [f"{name[0].upper()}{name[1:]} could not be built: {why.rstrip('.')}."]
    if run.status == "queued":
        return [f"Building {name}: waiting to start."]
    return [f"Building {name}: {run.stage or 'starting'}."]


def active_run(user: access.User, la: str, period: dt.date) -> state.PackRun | None:
    """The newest pack of this council and period end being built that the user may see, so
    coming back to the page goes on following it."""
    return next((r for r in access.pack_runs_for(user, la)
                 if r.active and r.period_end == period), None)


def annex_a_section(view: View) -> list:
    if view.user.role not in ANNEX_ROLES:
        return []
    query = urllib.parse.urlencode({"la": view.la, "period": view.period.isoformat()})
    return [html.Section([
        html.H2("Annex A child lists", id="packs-annex-heading"),
        html.P(f"The lists of children Ofsted's Annex A asks for, for your teams at "
               f"{fmt_date(view.period)}, as an Excel workbook. Each download is recorded in "
               "the audit log; keep the file within the council.", className="plain"),
        html.P(html.A("Download the Annex A child lists (Excel)",
                      href=f"/reports/annex-a.xlsx?{query}")),
    ], **{"aria-labelledby": "packs-annex-heading"})]


def layout(view: View) -> list:
    user = view.user
    kinds = kinds_for(user)
    name = access.config(view.la).name
    running = active_run(user, view.la, view.period)
    lead = [f"A pack is a PDF of {name}'s figures at a period end, with what they were built "
            "from. The board pack shows the figures as members see them: numbers small enough "
            "to identify someone are hidden."]
    if "ofsted" in kinds:
        remit = "your teams" if user.has_remit else "the whole council"
        lead.append(f" The Ofsted pack shows the figures as they are, for {remit}: keep it "
                    "within the council.")
    buttons = [html.Button(f"Build the {KIND_WORDS[kind]}", id=BUTTONS[kind], type="button",
                           n_clicks=0, className="button") for kind in kinds]
    return [
        html.H1("Board and Ofsted packs" if "ofsted" in kinds else "Board packs"),
        html.P(lead, className="lead"),
        html.Section([
            html.H2(f"Build a pack for {fmt_date(view.period)}" if kinds else
                    "How packs are made", id="packs-build-heading"),
            html.P("Building takes under a minute. You can leave this page meanwhile: every "
                   "pack is kept in the list below.", className="plain") if kinds else
            html.P("The board's pack is prepared by the council's officers and on a "
                   "schedule; the packs ready for you are listed below.", className="plain"),
            html.Div(buttons, className="actions"),
            html.P(progress(user, running), id="packs-progress", role="status",
                   className="plain", **{"aria-live": "polite"}),
            dcc.Store(id="packs-run", data=running.id if running else None),
            dcc.Interval(id="packs-timer", interval=POLL_MS, disabled=running is None),
        ], **{"aria-labelledby": "packs-build-heading"}),
        *annex_a_section(view),
        html.Section([
            html.H2("Archive", id="packs-archive-heading"),
            html.Div(archive(user, view.la), id="packs-archive"),
        ], **{"aria-labelledby": "packs-archive-heading"}),
    ]


# --- the callbacks' work, as plain functions ---------------------------------------------------

def build(user: access.User, search: str | None, kind: str) -> int | str:
    """A build button's work: the run's id (the page follows it), or the refusal in words.
    The council and period come from the page's address through View, checked again with
    the role by the data layer."""
    if not isinstance(search, (str, type(None))):
        search = "?forged=1"  # refused by View like any unknown parameter
    try:
        view = View.for_request(user, search)
        if view.period is None:
            return "No data is loaded yet, so there is no pack to build."
        return access.request_pack(user, kind, view.la, view.period).id
    except access.AccessDenied as denied:
        if not denied.audited:
            access.audit(user, "pack requested", {"reason": "refused"}, 0, "refused")
        return f"Not built. {denied}"


def followed(user: access.User, data) -> state.PackRun | None:
    """The run the page follows, if the store names one this user may see."""
    if not isinstance(data, int) or isinstance(data, bool):
        return None
    try:
        return access.pack_run_for(user, data)
    except access.NotFound:
        return None


def progress_now(user: access.User, data) -> list | str:
    if isinstance(data, str):  # a refusal from the build button, shown as it was given
        return data[:500]
    run = followed(user, data)
    if data is not None and run is None:
        return "There is no such pack."
    return progress(user, run)


def register(app) -> None:
    """The build buttons, the progress line, the timer and the archive's refresh: one output
    each (dashboard.security). Call it in create_app before security.harden."""
    @app.callback(Output("packs-run", "data"),
                  Input(BUTTONS["board"], "n_clicks", allow_optional=True),
                  Input(BUTTONS["ofsted"], "n_clicks", allow_optional=True),
                  State("url", "search"), prevent_initial_call=True)
    def asked(board_clicks, ofsted_clicks, search):
        kind = {v: k for k, v in BUTTONS.items()}.get(ctx.triggered_id)
        clicks = {"board": board_clicks, "ofsted": ofsted_clicks}.get(kind)
        if kind is None or not clicks:
            return no_update
        return build(current_user(), search, kind)

    @app.callback(Output("packs-progress", "children"), Input("packs-run", "data"),
                  Input("packs-timer", "n_intervals"), prevent_initial_call=True)
    def progressed(data, _ticks):
        return progress_now(current_user(), data)

    @app.callback(Output("packs-timer", "disabled"), Input("packs-run", "data"),
                  Input("packs-timer", "n_intervals"), State("packs-timer", "disabled"),
                  prevent_initial_call=True)
    def timer(data, _ticks, disabled):
        run = followed(current_user(), data)
        stop = run is None or not run.active
        return no_update if stop == disabled else stop

    # when a build starts and when it ends (the timer starts and stops), not on every tick
    @app.callback(Output("packs-archive", "children"), Input("packs-timer", "disabled"),
                  State("url", "search"), prevent_initial_call=True)
    def refreshed(_disabled, search):
        user = current_user()
        if not isinstance(search, (str, type(None))):
            search = "?forged=1"
        try:
            view = View.for_request(user, search)
            return archive(user, view.la)
        except access.AccessDenied as denied:
            return [html.P(str(denied), className="warning")]
