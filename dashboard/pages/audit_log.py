"""The audit log, for analysts: who saw or exported children's data, and every refusal, with
whether the log's hash chain is intact (an edited or deleted row breaks it)."""
from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import table
from dashboard.view import View


def layout(view: View) -> list:
    found = access.audit_log(view.user)
    problems = found["problems"]
    check = html.P("The log is intact: no row has been changed or removed.", className="plain") \
        if not problems else html.Div([
            html.P("The log has been tampered with:", className="warning"),
            html.Ul([html.Li(p) for p in problems])])
    rows = [[str(e["at"])[:19].replace("T", " "), e["user"], e["role"], e["action"],
             ", ".join(f"{k}: {v}" for k, v in sorted((e["what"] or {}).items())),
             str(e["rows"]), e["outcome"]] for e in found["entries"]]
    return [
        html.H1("Audit log"),
        html.P("Every view and export of children's records, every refusal and every "
               "sign-in, newest first. It never holds a child's identifier. `cpd audit` reads "
               "the whole log.", className="lead"),
        check,
        table(f"The newest {len(rows)} entries",
              ["When (UTC)", "Who", "Role", "What", "Filters", "Rows", "Outcome"], rows),
    ]
