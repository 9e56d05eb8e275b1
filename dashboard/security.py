"""The app's outer defences, in front of every page and callback: request size limits, a page
path and query string checked before anything is read, security headers (flask-talisman, with
a hash for Dash's one inline script), no caching of anything but the app's own code, and
refusals as plain pages: never a traceback, never a 500 for a user's or an attacker's request.
"""
from __future__ import annotations

import logging
import os

import flask_login
from dash import Dash
from flask import Response, request
from flask_talisman import Talisman
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import access, auth
from dashboard.view import View

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # a callback's request is a few hundred bytes; a page sends nothing
MAX_QUERY = 2048
STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")


SCALARS = (str, int, float, bool, type(None))
MAX_DRAIN = 1024 * 1024


def drain(length: int) -> None:
    """Read and drop a refused body, so the connection can carry the client's next request
    (gunicorn would take the unread body for that request and drop the connection). A body
    too big to be worth reading still costs the client its connection, not the server."""
    if length > MAX_DRAIN:
        return
    stream = request.environ.get("wsgi.input")
    while stream is not None and length > 0:
        chunk = stream.read(min(length, 65536))
        if not chunk:
            break
        length -= len(chunk)


def callback_shapes(app: Dash) -> dict[str, tuple[list, list]]:
    """Each callback's output and the (id, property) of its inputs and state, in order."""
    return {output: ([(i["id"], i["property"]) for i in spec["inputs"]],
                     [(s["id"], s["property"]) for s in spec["state"]])
            for output, spec in app.callback_map.items()}


def plain_click(value) -> bool:
    """A chart's clickData as plotly sends it: None, or {"points": [point, ...], "timestamp"}
    where each point's fields are plain values, short lists of them (customdata) or a small
    dict of them (bbox). Anything deeper or larger is not a click."""
    if value is None:
        return True
    if not isinstance(value, dict) or "points" not in value or \
            not set(value) <= {"points", "timestamp"} or \
            not isinstance(value.get("timestamp"), (int, float, type(None))) or \
            not isinstance(value["points"], list) or not 0 < len(value["points"]) <= 4:
        return False
    for point in value["points"]:
        if not isinstance(point, dict) or len(point) > 40:
            return False
        for field in point.values():
            parts = field.values() if isinstance(field, dict) else \
                field if isinstance(field, list) else [field]
            if len(parts) > 8 or not all(isinstance(p, SCALARS) for p in parts):
                return False
    return True


def well_formed(body, shapes: dict) -> bool:
    if not isinstance(body, dict) or body.get("output") not in shapes:
        return False
    inputs, state = shapes[body["output"]]
    component, _, prop = body["output"].rpartition(".")
    if body.get("outputs") != {"id": component, "property": prop}:
        return False
    for sent, expected in ((body.get("inputs"), inputs), (body.get("state", []), state)):
        if not isinstance(sent, list) or len(sent) != len(expected):
            return False
        for item, (cid, cprop) in zip(sent, expected):
            if not isinstance(item, dict) or item.get("id") != cid or \
                    item.get("property") != cprop:
                return False
            value = item.get("value")
            if not (plain_click(value) if cprop == "clickData" else isinstance(value, SCALARS)):
                return False
    changed = body.get("changedPropIds", [])
    return isinstance(changed, list) and all(isinstance(c, str) for c in changed)


def behind_proxies(server) -> None:
    """Behind the TLS-terminating proxy production needs, the client's address (for the
    sign-in limit and the audit log) and the scheme are in the proxy's X-Forwarded-* headers:
    trusted only for the number of proxies CPD_PROXY_HOPS says there are (none by default, so
    a client cannot forge its address)."""
    try:
        hops = int(os.environ.get("CPD_PROXY_HOPS", "0"))
    except ValueError:
        raise auth.StartupRefused("CPD_PROXY_HOPS must be a whole number (the proxies in "
                                  "front of the app, usually 1).") from None
    if hops > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def harden(app: Dash, demo: bool, known_path) -> None:
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    if not demo:  # the demo is reached only from this machine, never through a proxy
        behind_proxies(server)

    def limits():
        # before signing in is even looked at: an outsized request costs nothing
        if len(request.query_string) > MAX_QUERY or len(request.path) > MAX_QUERY:
            return auth.refusal("The address is too long.", 414, demo)
        if request.content_length and request.content_length > MAX_BODY:
            drain(request.content_length)
            return auth.refusal("The request is too large.", 413, demo)
        return None

    server.before_request_funcs.setdefault(None, []).insert(0, limits)
    shapes = callback_shapes(app)

    @server.before_request
    def callback_request():
        """A callback request must be one of the app's callbacks, exactly as its pages send
        it: anything else is refused here, before Dash can fail on it."""
        if request.method == "POST" and request.path == "/_dash-update-component" and \
                not well_formed(request.get_json(silent=True), shapes):
            return auth.refusal("That is not a request the dashboard's pages send.", 400, demo)
        return None

    @server.before_request
    def page_address():
        """A page asked for in the browser: a known page with a query string naming only real
        things the user may see, else a 404 or 403 page (the same check the page's callback
        makes, here so the status says so). Runs after the sign-in guard."""
        if request.method != "GET" or request.path.startswith(
                ("/_dash-", "/_reload", "/assets/", "/reports/", "/sso/", "/sign-")) \
                or request.path == "/_favicon.ico":
            return None
        if not known_path(request.path):
            return auth.refusal("There is no page at this address.", 404, demo)
        try:
            View.for_request(auth.current_user(), request.query_string.decode("latin-1"))
        except access.AccessDenied as denied:
            return auth.refusal(str(denied), 403, demo)
        return None

    csp = {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        # Dash's table writes <style> elements; styles cannot run code
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    Talisman(server, force_https=False, strict_transport_security=not demo,
             session_cookie_secure=not demo, session_cookie_http_only=True,
             frame_options="DENY", content_security_policy=csp,
             referrer_policy="no-referrer", x_content_type_options=True,
             permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"})

    @server.after_request
    def headers(response: Response) -> Response:
        # the app's own code may be cached; anything else may hold children's data
        if not request.path.startswith(STATIC):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        response.headers["Server"] = "cpd"  # no name or version of what serves it
        response.headers.pop("X-Powered-By", None)
        return response

    @server.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 413:
            drain(request.content_length or 0)
        messages = {403: "You do not have access to this.",
                    404: "There is no page at this address.",
                    405: "That is not something this address does.",
                    413: "The request is too large."}
        return auth.refusal(messages.get(error.code, error.description or "Not available"),
                            error.code or 400, demo)

    @server.errorhandler(Exception)
    def failure(error: Exception):
        # the request's data stays out of the log (it could name a child); the error's type
        # and where it happened are enough to find it
        log.error("unexpected %s in %s %s", type(error).__name__, request.method,
                  request.path[:100], exc_info=error)
        who = flask_login.current_user
        if getattr(who, "is_authenticated", False):
            auth.audit("request failed", "failed")
        return auth.refusal("Something went wrong on our side. It has been logged.", 500,
                            demo)
