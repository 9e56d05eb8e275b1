"""Who is signed in, and how they sign in.

Everything the app serves needs a signed-in user, except the sign-in pages and the one style
sheet they use. A user signs in with a name and password (argon2 hashes in the state
database, `cpd users add`) or through the council's single sign-on over OpenID Connect, which
gives the role and teams from group claims. A session is a signed cookie (secure, HttpOnly,
SameSite=Lax) that ends after a spell of idleness and after a fixed time whatever happens;
the user's record is read again on every request, so a user disabled or reset is out at their
next request. Sign-in attempts are rate-limited per address (flask-limiter) and per account
(the state database locks an account after repeated failures).

`make run` serves a demo: one demo user per role, chosen with a button, only from this
machine, with a "demo" banner on every page. No environment variable grants a role.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
import time
import urllib.parse
from dataclasses import dataclass, field
from html import escape

import flask
import flask_login
from flask import Flask, Response, redirect, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from dashboard import state
from dashboard.access import AccessDenied, User

log = logging.getLogger(__name__)

MIN_SECRET = 32
CSRF_COOKIE = "_csrf_token"  # the name Dash's renderer reads and echoes as X-CSRFToken
CSRF_HEADER = "X-CSRFToken"
# pages anyone may fetch: signing in needs nothing else (no data, no Dash)
PUBLIC_PATHS = {"/sign-in", "/sign-in/demo", "/sso/start", "/sso/callback", "/sign-out",
                "/assets/style.css", "/assets/favicon.ico", "/_favicon.ico"}


class StartupRefused(Exception):
    """The app is not configured safely enough to serve anyone."""


@dataclass(frozen=True)
class OIDCSettings:
    """The council's single sign-on (OpenID Connect), from the environment."""
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid profile email"
    groups_claim: str = "groups"
    # group name -> role; the highest role among a user's groups is theirs
    role_groups: dict = field(default_factory=dict)
    team_prefix: str = "cpd-team:"
    redirect_uri: str | None = None

    @classmethod
    def from_env(cls) -> "OIDCSettings | None":
        issuer = os.environ.get("CPD_OIDC_ISSUER", "").strip()
        if not issuer:
            return None
        missing = [n for n in ("CPD_OIDC_CLIENT_ID", "CPD_OIDC_CLIENT_SECRET")
                   if not os.environ.get(n)]
        if missing:
            raise StartupRefused(f"Single sign-on is configured (CPD_OIDC_ISSUER) but "
                                 f"{' and '.join(missing)} is not set.")
        mapping = os.environ.get(
            "CPD_OIDC_ROLE_GROUPS",
            "cpd-members=member,cpd-managers=manager,cpd-analysts=analyst,cpd-admins=admin")
        role_groups = {}
        for pair in mapping.split(","):
            group, _, role = pair.strip().partition("=")
            if role.strip() not in state.ROLES or not group.strip():
                raise StartupRefused(f"CPD_OIDC_ROLE_GROUPS: {pair.strip()!r} is not "
                                     f"GROUP=ROLE with a role of {', '.join(state.ROLES)}.")
            role_groups[group.strip()] = role.strip()
        return cls(issuer=issuer.rstrip("/"), client_id=os.environ["CPD_OIDC_CLIENT_ID"],
                   client_secret=os.environ["CPD_OIDC_CLIENT_SECRET"],
                   scopes=os.environ.get("CPD_OIDC_SCOPES", cls.scopes),
                   groups_claim=os.environ.get("CPD_OIDC_GROUPS_CLAIM", cls.groups_claim),
                   role_groups=role_groups,
                   team_prefix=os.environ.get("CPD_OIDC_TEAM_PREFIX", cls.team_prefix),
                   redirect_uri=os.environ.get("CPD_OIDC_REDIRECT_URI") or None)

    def role_and_teams(self, claims: dict) -> tuple[str | None, list[str]]:
        groups = claims.get(self.groups_claim) or []
        if isinstance(groups, str):
            groups = [groups]
        roles = [self.role_groups[g] for g in groups if g in self.role_groups]
        role = max(roles, key=state.ROLES.index) if roles else None
        teams = sorted({g[len(self.team_prefix):] for g in groups
                        if isinstance(g, str) and g.startswith(self.team_prefix)
                        and len(g) > len(self.team_prefix)})
        return role, teams


def _minutes(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        raise StartupRefused(f"{name} must be a whole number of minutes.") from None


class SignedIn(flask_login.UserMixin):
    def __init__(self, record):
        self.record = record

    def get_id(self) -> str:
        return self.record.name


def _loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this app only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target \
            or any(ord(c) < 32 for c in target) or len(target) > 2048:
        return "/"
    return target


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _csrf_ok(sent: str | None) -> bool:
    return bool(sent) and "csrf" in session and hmac.compare_digest(sent, session["csrf"])


def current_user() -> User:
    """The signed-in user as the data layer sees them. Every route but the sign-in pages is
    behind `guard`, so reaching here unsigned is a bug: refuse rather than guess."""
    signed = flask_login.current_user
    if not getattr(signed, "is_authenticated", False):
        raise AccessDenied("sign in first")
    record = signed.record
    return User(name=record.name, role=record.role,
                teams=None if record.teams is None else frozenset(record.teams),
                councils=None if record.councils is None else frozenset(record.councils),
                session=session.get("sid", ""), address=request.remote_addr or "")


def audit(action: str, outcome: str, what: dict | None = None, rows: int = 0,
          name: str | None = None, role: str = "") -> None:
    """An audit row about the request in hand (who, which session, from where)."""
    signed = flask_login.current_user
    if name is None and getattr(signed, "is_authenticated", False):
        name, role = signed.record.name, signed.record.role
    state.audit(name or "anonymous", role or "none", action, what or {}, rows, outcome,
                session=session.get("sid", ""), source=request.remote_addr or "")


# --- the pages of signing in (plain HTML: they must work before anything else loads) ---------

def _page(title: str, body: str, demo: bool, status: int = 200) -> Response:
    banner = ('<p class="demo-banner" role="note"><strong>Demo</strong>: synthetic data '
              'only, served to this machine alone.</p>') if demo else ""
    html = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - Corporate parenting dashboard</title>
<link rel="stylesheet" href="/assets/style.css">
<link rel="icon" href="/assets/favicon.ico"></head>
<body><header class="site-header"><div class="masthead">
<span class="service-name">Corporate parenting dashboard</span></div></header>
{banner}<main id="main" class="sign-in">{body}</main></body></html>"""
    return Response(html, status, mimetype="text/html")


def refusal(message: str, status: int = 403, demo: bool = False) -> Response:
    """A refusal as a page: what happened in plain words, never a traceback."""
    titles = {400: "Not understood", 401: "Sign in first", 403: "Not available",
              404: "Page not found", 405: "Not allowed", 413: "Too large",
              414: "Address too long", 429: "Too many attempts",
              500: "Something went wrong"}
    title = titles.get(status, "Not available")
    body = f'<h1>{title}</h1><p>{escape(message)}</p><p><a href="/">Go to the board ' \
           f'overview</a></p>'
    return _page(title, body, demo, status)


def init_auth(server: Flask, demo: bool) -> None:
    """Sessions, sign-in routes and the guard in front of everything else."""
    oidc = OIDCSettings.from_env()
    secret = os.environ.get("CPD_SECRET_KEY", "")
    if demo:
        secret = secret or _demo_secret()
    else:
        problems = []
        if len(secret) < MIN_SECRET:
            problems.append(f"CPD_SECRET_KEY is not set to a random value of at least "
                            f"{MIN_SECRET} characters (for example the output of "
                            f"`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
        if oidc is None and not state.has_sign_in_method():
            problems.append("there is no way to sign in: add a user with `cpd users add NAME "
                            "--role ROLE`, or configure the council's single sign-on "
                            "(CPD_OIDC_ISSUER, CPD_OIDC_CLIENT_ID, CPD_OIDC_CLIENT_SECRET)")
        if problems:
            raise StartupRefused("The dashboard will not start: " + "; and ".join(problems)
                                 + ". It holds children's data and serves nobody until that "
                                 "is put right. (`make run` serves a demo on this machine "
                                 "instead.)")
    idle = _minutes("CPD_SESSION_IDLE_MINUTES", 30) * 60
    longest = _minutes("CPD_SESSION_MAX_MINUTES", 10 * 60) * 60
    server.config.update(
        SECRET_KEY=secret, SESSION_COOKIE_NAME="cpd_session", SESSION_COOKIE_HTTPONLY=True,
        # over plain http only the demo, which only this machine can reach
        SESSION_COOKIE_SECURE=not demo, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_REFRESH_EACH_REQUEST=False)

    manager = flask_login.LoginManager(server)
    manager.session_protection = "strong"

    @manager.user_loader
    def load(name: str):
        record = state.get_user(name)
        if record is None or record.disabled or (record.source == "demo") != demo:
            return None
        # a reset or a disable since this session began ends it
        if session.get("signed_in_at", 0) < record.sessions_valid_from.timestamp():
            return None
        return SignedIn(record)

    import dashboard.ratelimit  # noqa: F401 - registers the cpd-state:// storage

    limiter = Limiter(get_remote_address, app=server, storage_uri="cpd-state://",
                      default_limits=[], headers_enabled=True)
    oauth_client = _oidc_client(server, oidc) if oidc else None

    def sign_in_form(message: str = "", status: int = 200, name: str = "") -> Response:
        note = f'<p class="warning" role="alert">{escape(message)}</p>' if message else ""
        next_field = f'<input type="hidden" name="next" value="' \
                     f'{escape(safe_next(request.values.get("next")))}">'
        token = f'<input type="hidden" name="csrf" value="{csrf_token()}">'
        parts = [f"<h1>Sign in</h1>{note}"]
        if demo:
            buttons = "".join(
                f'<li><button class="button" type="submit" name="role" value="{role}">'
                f'Sign in as the demo {role}</button></li>' for role in state.ROLES)
            parts.append(f'<form method="post" action="/sign-in/demo">{token}{next_field}'
                         f'<p>Choose who to be. Each demo user sees what that role would '
                         f'see.</p><ul class="choices">{buttons}</ul></form>')
        if oauth_client is not None:
            parts.append(f'<p><a class="button" href="/sso/start?next='
                         f'{urllib.parse.quote(safe_next(request.values.get("next")))}">'
                         f'Sign in with your council account</a></p>')
        if not demo:
            parts.append(
                f'<form method="post" action="/sign-in">{token}{next_field}'
                f'<p><label for="name">Name</label><br><input id="name" name="name" '
                f'autocomplete="username" required maxlength="64" value="{escape(name)}"></p>'
                f'<p><label for="password">Password</label><br><input id="password" '
                f'name="password" type="password" autocomplete="current-password" required '
                f'maxlength="200"></p><p><button class="button" type="submit">Sign in'
                f'</button></p></form>')
        return _page("Sign in", "".join(parts), demo, status)

    def start_session(record, target: str) -> Response:
        session.clear()  # nothing from before signing in carries over (no fixation)
        flask_login.login_user(SignedIn(record))
        now = time.time()
        session.update(sid=secrets.token_urlsafe(16), signed_in_at=now, last_seen=now)
        # a browser-session cookie (gone when the browser closes; the time limits are kept
        # here, on the server). Not "permanent": Flask-Login's strong protection, which ends
        # a session replayed from another address or browser, only applies to these.
        session.permanent = False
        csrf_token()
        audit("sign in", "signed in")
        return redirect(safe_next(target))

    # per address, generous enough for a council office behind one address; a guessed
    # password for one account is stopped sooner by the account's own lockout
    rate = os.environ.get("CPD_SIGN_IN_RATE", "30 per minute")

    @server.route("/sign-in", methods=["GET", "POST"])
    @limiter.limit(rate, methods=["POST"])
    def sign_in():
        if request.method == "GET":
            ended = {"idle": "You were signed out after a spell without activity.",
                     "expired": "Your session reached its time limit. Sign in again.",
                     "out": "You are signed out."}.get(request.args.get("ended", ""), "")
            return sign_in_form(ended)
        if demo:
            return refusal("The demo signs in with the buttons on the sign-in page.", 405, demo)
        if not _csrf_ok(request.form.get("csrf")):
            return sign_in_form("The form had expired. Try again.", 400)
        name = request.form.get("name", "")[:64]
        record = state.check_password(name, request.form.get("password", "")[:200])
        if record is None:
            known = state.get_user(name) if name else None
            # a name typed by mistake could be anything (even a child's id): record only
            # names of real users
            audit("sign in", "failed", name=known.name if known else "unknown name",
                  role=known.role if known else "none")
            # the name typed is given back whether or not it is a user's, so the form never
            # tells which names exist
            return sign_in_form("That name and password do not match an enabled account.",
                                401, name)
        return start_session(record, request.form.get("next"))

    @server.route("/sign-in/demo", methods=["POST"])
    @limiter.limit("30 per minute")
    def sign_in_demo():
        role = request.form.get("role", "")
        if not demo or role not in state.ROLES:
            return refusal("There is no demo here.", 404, demo)
        if not _csrf_ok(request.form.get("csrf")):
            return sign_in_form("The form had expired. Try again.", 400)
        record = state.get_user(f"demo-{role}")
        if record is None or record.disabled:
            return refusal("The demo users are missing: start the demo with `make run`.",
                           403, demo)
        return start_session(record, request.form.get("next"))

    @server.route("/sign-out", methods=["POST"])
    def sign_out():
        if not _csrf_ok(request.form.get("csrf")):
            return refusal("Sign out from the button on a page of the dashboard.", 400, demo)
        if getattr(flask_login.current_user, "is_authenticated", False):
            audit("sign out", "signed out")
        # a copy of the cookie taken before signing out must not work after it
        state.end_session(session.get("sid", ""), longest)
        flask_login.logout_user()
        session.clear()
        return redirect("/sign-in?ended=out")

    if oauth_client is not None:
        @server.route("/sso/start")
        @limiter.limit("30 per minute")
        def sso_start():
            session["sso_next"] = safe_next(request.args.get("next"))
            target = oidc.redirect_uri or flask.url_for("sso_callback", _external=True)
            return oauth_client.authorize_redirect(target)

        @server.route("/sso/callback")
        @limiter.limit("30 per minute")
        def sso_callback():
            from authlib.integrations.base_client import OAuthError

            try:
                token = oauth_client.authorize_access_token()
            except OAuthError as err:
                log.warning("single sign-on refused: %s", err.error)
                audit("sign in (council account)", "failed", name="unknown name")
                return refusal("The council's sign-in did not complete. Try again.", 403)
            claims = token.get("userinfo") or {}
            name = str(claims.get("preferred_username") or claims.get("email")
                       or claims.get("sub") or "")[:64]
            role, teams = oidc.role_and_teams(claims)
            if role == "manager" and not teams:
                audit("sign in (council account)", "refused", name="unknown name")
                return refusal("Your council account is a manager's but names no team. Ask "
                               "the dashboard's administrator to add your teams' groups.")
            if role != "manager":
                teams = None  # only a manager's reach is kept to teams
            if role is None:
                audit("sign in (council account)", "refused", name="unknown name")
                return refusal("Your council account is not in any of the dashboard's "
                               "groups. Ask the dashboard's administrator for access.")
            try:
                record = state.upsert_sso_user(name, role, teams)
            except state.StateError as err:
                audit("sign in (council account)", "refused", name="unknown name")
                return refusal(str(err))
            if record.disabled:
                audit("sign in (council account)", "refused", name=record.name,
                      role=record.role)
                return refusal("This account is disabled.")
            # where to go next was kept in the session at the start, not sent by the IdP
            return start_session(record, session.get("sso_next"))

    @server.errorhandler(429)
    def too_many(_error):
        audit("sign in", "refused", {"reason": "rate limit"})
        return refusal("Too many attempts from here. Wait a minute and try again.", 429, demo)

    @server.before_request
    def guard():
        if demo and not _loopback(request.remote_addr):
            return refusal("The demo serves this machine only.", 403, demo)
        if request.path in PUBLIC_PATHS:
            return None
        signed = flask_login.current_user
        if not signed.is_authenticated:
            return _unsigned()
        now = time.time()
        ended = None
        if now - session.get("signed_in_at", 0) > longest:
            ended = "expired"
        elif now - session.get("last_seen", 0) > idle:
            ended = "idle"
        if not ended and state.session_ended(session.get("sid", "")):
            ended = "out"
        if ended:
            audit("session ended", "signed out", {"reason": ended})
            state.end_session(session.get("sid", ""), longest)
            flask_login.logout_user()
            session.clear()
            return _unsigned(ended)
        if now - session.get("last_seen", 0) > 30:  # no new cookie on every request
            session["last_seen"] = now
        if request.method == "POST" and request.path.startswith("/_dash-") \
                and not _csrf_ok(request.headers.get(CSRF_HEADER)):
            audit("callback", "refused", {"reason": "missing or wrong CSRF token"})
            return refusal("This request did not come from a page of the dashboard.", 403)
        return None

    @server.after_request
    def csrf_cookie(response: Response) -> Response:
        # Dash's renderer reads this cookie and sends it back as a header on every callback:
        # a page of another site can do neither
        if getattr(flask_login.current_user, "is_authenticated", False) and "csrf" in session:
            if request.cookies.get(CSRF_COOKIE) != session["csrf"]:
                response.set_cookie(CSRF_COOKIE, session["csrf"], secure=not demo,
                                    httponly=False, samesite="Strict")
        return response

    def _unsigned(ended: str | None = None) -> Response:
        """Not signed in: a page asked for in the browser goes to the sign-in page (and comes
        back after); anything else is refused."""
        page_like = request.method == "GET" and not request.path.startswith(
            ("/_dash-", "/_reload", "/assets/", "/reports/"))
        if request.path.startswith(("/_dash-update-component", "/reports/")):
            audit("request without signing in", "refused",
                  {"path": request.path.split("?")[0][:80]}, name="anonymous")
        if page_like:
            query = {"next": request.full_path.rstrip("?")}
            if ended:
                query["ended"] = ended
            return redirect("/sign-in?" + urllib.parse.urlencode(query))
        return Response("Sign in first.\n", 401, mimetype="text/plain")



def _demo_secret() -> str:
    """The demo's session key: random, kept in the private data folder so every worker of
    `make run` shares it and a restart keeps people signed in."""
    from etl import settings
    from etl.warehouse.publish import open_private

    path = settings.data_dir() / "demo-secret"
    if not path.exists():
        with open_private(path) as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _oidc_client(server: Flask, oidc: OIDCSettings):
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(server)
    return oauth.register(
        "council", client_id=oidc.client_id, client_secret=oidc.client_secret,
        server_metadata_url=f"{oidc.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": oidc.scopes})
