"""Security headers on everything the live server sends (flask-talisman: a CSP with a hash
for Dash's one inline script and frame-ancestors 'none', nosniff, a referrer policy, no
framing), no-store on anything but the app's own code, no versions of what serves it in the
headers or Dash's page config, and outsized or odd requests refused quickly with the right
status, never a 500."""
from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import platform
import re
import socket
import time
import urllib.parse

import pytest

from tests.security import support

INDICATOR = "cla_at_period_end"
SAFE_REFERRER = {"no-referrer", "same-origin", "strict-origin",
                 "strict-origin-when-cross-origin"}


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or resets it)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data


def q(**params) -> str:
    return "?" + urllib.parse.urlencode(params)


@pytest.fixture(scope="module")
def analyst(live_server):
    return support.as_role(live_server, "analyst")


@pytest.fixture(scope="module")
def responses(live_server, analyst, names):
    """One of each kind of thing the server sends."""
    signed_out = support.client(live_server)
    search = q(indicator=INDICATOR, team=names["own_team"])
    return {
        "index page": analyst.get("/"),
        "drill page": analyst.get("/drill" + search),
        "sign-in page": signed_out.get("/sign-in"),
        "redirect to sign in": signed_out.get("/drill"),
        "refused signed out": signed_out.get("/_dash-layout"),
        "layout": analyst.get("/_dash-layout"),
        "dependencies": analyst.get("/_dash-dependencies"),
        "page callback (children)": analyst.page("/drill", search),
        "export callback": support.download(analyst, search),
        "report": analyst.get(f"/reports/{names['load']}/rejects.csv"),
        "403 page": analyst.get("/?foo=1"),
        "404 page": analyst.get("/nowhere"),
    }


def csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_response_has_the_security_headers(responses):
    for what, response in responses.items():
        assert response.status_code < 500, what
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", what
        assert headers.get("X-Frame-Options") == "DENY", what
        assert headers.get("Referrer-Policy") in SAFE_REFERRER, what
        policy = csp(response)
        assert policy.get("frame-ancestors") == ["'none'"], f"{what}: {policy}"
        assert ["'none'"] in (policy.get("object-src"), policy.get("default-src")), what
        assert "'unsafe-inline'" not in policy.get("script-src", []), what
        assert "'unsafe-eval'" not in policy.get("script-src", []), what


def test_nothing_that_may_hold_data_is_cached(responses):
    for what, response in responses.items():
        assert response.headers.get("Cache-Control") == "no-store", \
            f"{what}: Cache-Control {response.headers.get('Cache-Control')!r}"


def test_the_csp_allows_exactly_dashs_inline_script_by_its_hash(responses):
    page = responses["index page"]
    policy = csp(page)
    allowed = policy["script-src"]
    hashes = [s for s in allowed if s.startswith("'sha256-")]
    assert hashes, f"no hash in script-src: {allowed}"
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                        page.text, flags=re.S)
    assert inline, "the page has no inline script to check"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, "an inline script the CSP does not allow"
    assert set(allowed) <= {"'self'", *hashes}


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("dash", "flask", "werkzeug", "gunicorn", "plotly", "flask-talisman",
                    "flask-login", "flask-limiter", "authlib", "duckdb", "pandas"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def test_dashs_page_config_names_no_version(responses):
    page = responses["index page"].text
    config = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                       page, flags=re.S)
    assert config, "no _dash-config in the page"
    parsed = json.loads(config.group(1))
    # (disable_version_check is a flag, not a version)
    assert not [k for k in parsed if re.search(r"version(_url)?$", k)], sorted(parsed)
    for package, version in _versions().items():
        assert version not in config.group(1), f"the page config gives {package}'s version"


def test_no_header_names_a_version(responses):
    versions = _versions()
    for what, response in responses.items():
        for header, value in response.headers.items():
            if header.lower() in ("date", "expires", "content-length", "set-cookie",
                                  "content-disposition", "last-modified", "etag"):
                continue
            for package, version in versions.items():
                assert version not in value, f"{what}: {header} gives {package}'s version"
        server = response.headers.get("Server", "")
        assert not re.search(r"\d", server), f"{what}: Server: {server}"
        assert "X-Powered-By" not in response.headers


def _raw(port: int, request: bytes, timeout: float = 10) -> tuple[bytes, float]:
    """Send raw bytes; (what came back, seconds taken). The server may answer and close
    before all is sent."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = read_until_closed(sock)
    return data, time.monotonic() - started


def _status(data: bytes) -> int:
    found = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    assert found, f"no HTTP answer: {data[:80]!r}"
    return int(found.group(1))


def test_a_10_mb_query_string_is_refused_fast_with_414(live_server):
    port = int(live_server.rsplit(":", 1)[1])
    request = b"GET /?team=" + b"a" * 10_000_000 + b" HTTP/1.1\r\nHost: x\r\n" \
              b"Connection: close\r\n\r\n"
    data, took = _raw(port, request)
    assert _status(data) == 414 and took < 3, (data[:120], took)
    assert b"Traceback" not in data


def test_a_query_string_over_2_kb_is_the_apps_414_page(live_server, analyst):
    for made in (support.client(live_server), analyst):
        response = made.get("/?team=" + "a" * 3000)
        assert response.status_code == 414
        assert "Address too long" in response.text
        assert response.headers["Cache-Control"] == "no-store"
        assert csp(response).get("frame-ancestors") == ["'none'"]


def test_a_body_over_64_kb_is_413(live_server, analyst):
    body = json.dumps({"output": "page.children", "padding": "x" * 70_000}).encode()
    for made, path in ((analyst, "/_dash-update-component"),
                       (support.client(live_server), "/sign-in"),
                       (support.client(live_server), "/_dash-update-component")):
        headers = {"Content-Type": "application/json", "Connection": "close"}
        if "_csrf_token" in made.cookies:
            headers["X-CSRFToken"] = made.cookies["_csrf_token"]
        started = time.monotonic()
        response = made.post(path, data=body, headers=headers)
        assert response.status_code == 413, f"{path}: {response.status_code}"
        assert time.monotonic() - started < 3
        assert "Traceback" not in response.text


def test_a_chunked_body_over_64_kb_is_413_not_500(analyst):
    """Without a Content-Length the limit is met while reading."""
    def chunks():
        yield b'{"output": "page.children", "padding": "'
        for _ in range(20):
            yield b"x" * 8192
        yield b'"}'

    response = analyst.post("/_dash-update-component", data=chunks(), headers={
        "Content-Type": "application/json", "X-CSRFToken": analyst.cookies["_csrf_token"],
        "Connection": "close"})
    assert response.status_code in (400, 413), response.status_code
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path,status", [
    ("/?foo=1", 403), ("/?team=NoSuchTeam", 403), ("/?team=a&team=b", 403),
    (f"/indicator/{INDICATOR}?breakdown=social_worker", 403), ("/drill?sw=' OR 1=1 --", 403),
    ("/?la=E09000001", 403), ("/?period=2026-02-30", 403), ("/?" + "&".join(
        f"p{i}=1" for i in range(40)), 403),
    ("/nowhere", 404), ("/principle/9", 404), ("/drill/../../etc/passwd", 404),
])
def test_an_unknown_parameter_or_page_is_a_refusal_page(analyst, child_ids, path, status):
    response = analyst.get(path)
    assert response.status_code == status, f"{path}: {response.status_code}"
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Traceback" not in response.text
    assert support.child_hits(response, child_ids) == 0
    assert "<h1>" in response.text and "react-entry-point" not in response.text


def test_after_a_413_the_next_request_on_the_connection_is_answered(live_server):
    """A 413 for a body over 64 kB leaves the connection usable: the refused body is read
    and dropped, else gunicorn takes it for the next request and drops the connection, and
    the client's next request on it gets no answer."""
    port = int(live_server.rsplit(":", 1)[1])
    body = b"x" * 100_000
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
                     b"x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        headers, _, rest = head.partition(b"\r\n\r\n")
        assert _status(headers) == 413
        length = int(re.search(rb"(?i)content-length: (\d+)", headers).group(1))
        while len(rest) < length:
            rest += sock.recv(65536)
        if re.search(rb"(?i)^connection: close", headers, flags=re.M):
            return  # the client knows to start a new connection
        sock.sendall(b"GET /sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 200"), \
        f"after a 413 kept alive, the next request got {answer[:60]!r}"


def test_the_rejects_report_has_its_own_policy(responses):
    # its values are as the extract held them: nothing in it may run or load (the policy
    # is talisman's per-view one: a header the view set itself would be written over)
    from dashboard.app import REPORT_POLICY

    assert responses["report"].headers["Content-Security-Policy"] == REPORT_POLICY
    assert csp(responses["report"]) == {"default-src": ["'none'"],
                                        "style-src": ["'unsafe-inline'"],
                                        "frame-ancestors": ["'none'"]}
