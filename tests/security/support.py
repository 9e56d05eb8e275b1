"""What the security tests share: clients from their own loopback address, the warehouse's
real names and children, reading the audit log, running `cpd`, reading what Dash sent back.

Every client signs in from an address of its own in 127.0.0.0/8 (the live server sees it as
the request's address): sign-in is rate-limited per address, so the many sign-ins of these
tests never use up the allowance of 127.0.0.1 that the browser tests sign in from. Tests that
check the address written to the audit log use 127.0.0.1 itself.
"""
from __future__ import annotations

import base64
import contextlib
import io
import itertools
import json
import os
import re
import secrets
import sys
import zipfile
from pathlib import Path

import duckdb
import requests
from requests.adapters import HTTPAdapter

from tests.live import PASSWORD, USERS
from tests.http import Client
from tests.security.logscan import count_ids

_addresses = (f"127.0.{third}.{fourth}" for third, fourth in
              itertools.product(range(20, 250), range(2, 250)))


def next_address() -> str:
    """A loopback address no other client of this session has used."""
    return next(_addresses)


class _From(HTTPAdapter):
    """Connections made from one local address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(base: str, address: str | None = None) -> Client:
    """A signed-out client; from `address` (default: one of its own; "127.0.0.1" as is)."""
    made = Client(base)
    address = address or next_address()
    if address != "127.0.0.1":
        made.http.mount("http://", _From(address))
    made.address = address
    return made


def sign_in(base: str, name: str, password: str = PASSWORD,
            address: str | None = None) -> Client:
    made = client(base, address)
    response = made.sign_in(name, password)
    assert response.status_code == 302, f"{name} could not sign in ({response.status_code})"
    return made


def as_role(base: str, role: str, address: str | None = None) -> Client:
    return sign_in(base, USERS[role], address=address)


def fresh_copy(made: Client) -> Client:
    """Another client holding the same cookies (someone who copied them)."""
    other = client(made.base, made.address)
    other.cookies = dict(made.cookies)
    return other


# --- the data folder: the published warehouse, the state database, `cpd` ---------------------

@contextlib.contextmanager
def data_dir(folder: Path):
    """CPD_DATA_DIR = folder for the code run inside (the data layer and the state database
    read it on every call)."""
    old = os.environ.get("CPD_DATA_DIR")
    os.environ["CPD_DATA_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("CPD_DATA_DIR", None)
        else:
            os.environ["CPD_DATA_DIR"] = old


def warehouse(folder: Path) -> duckdb.DuckDBPyConnection:
    """The published warehouse of a data folder, read-only (as the app opens it)."""
    name = (folder / "warehouse" / "CURRENT").read_text().strip()
    return duckdb.connect(str(folder / "warehouse" / name), read_only=True)


def every_child(folder: Path) -> frozenset[str]:
    """Every child identifier anywhere in the published warehouse: each table's `child`
    column."""
    con = warehouse(folder)
    try:
        tables = [row[0] for row in con.execute(
            "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'child' "
            "AND NOT internal").fetchall()]
        found: set[str] = set()
        for table in tables:
            found |= {str(row[0]) for row in con.execute(
                f'SELECT DISTINCT child FROM "{table}" WHERE child IS NOT NULL').fetchall()}
        return frozenset(found)
    finally:
        con.close()


def cpd(folder: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """`cpd ARGV` in this process on a data folder: (exit code, stdout, stderr)."""
    from etl.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with data_dir(folder), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def add_user(folder: Path, prefix: str, role: str = "member", teams: str | None = None,
             councils: list[str] | None = None, password: str = PASSWORD) -> str:
    """A user of this test alone (`cpd users add`), so locking or disabling it harms no
    other test. Returns the name."""
    name = f"{prefix}-{secrets.token_hex(3)}"
    extra = ["--teams", teams] if teams else []
    for code in councils or []:
        extra += ["--la", code]
    code, out, err = cpd(folder, "users", "add", name, "--role", role, "--password-stdin",
                         *extra, stdin=password + "\n")
    assert code == 0, err
    return name


def last_audit_id(folder: Path) -> int:
    from dashboard import state

    with data_dir(folder):
        newest = state.audit_entries(limit=1)
    return newest[0]["id"] if newest else 0


def audit_since(folder: Path, after: int, user: str | None = None,
                outcome: str | None = None) -> list[dict]:
    """Audit entries written after entry `after`, oldest first."""
    from dashboard import state

    with data_dir(folder):
        found = state.audit_entries(limit=100_000, user=user, outcome=outcome)
    return sorted((e for e in found if e["id"] > after), key=lambda e: e["id"])


# --- what came back ----------------------------------------------------------------------------

def everything_sent(response: requests.Response) -> str:
    """The body as text, with any file a callback sends (dcc.Download's base64 content, an
    Excel workbook's XML) decoded, so a child id inside an export is found too."""
    text = response.content.decode("utf-8", errors="replace")
    parts = [text]
    try:
        payload = response.json()
    except ValueError:
        return text
    for content in _download_contents(payload):
        parts.append(content)
    return "\n".join(parts)


def _download_contents(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("content"), str):
            raw = node["content"]
            if node.get("base64"):
                try:
                    data = base64.b64decode(raw)
                except ValueError:
                    data = b""
                found.append(_unpacked(data))
            else:
                found.append(raw)
        for value in node.values():
            found += _download_contents(value)
    elif isinstance(node, list):
        for value in node:
            found += _download_contents(value)
    return found


def _unpacked(data: bytes) -> str:
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                return "\n".join(book.read(n).decode("utf-8", "replace")
                                 for n in book.namelist())
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", errors="replace")


def child_hits(response: requests.Response, ids) -> int:
    return count_ids(everything_sent(response), ids)


def ids_in(response: requests.Response, ids) -> set[str]:
    """Which of `ids` the response holds (for comparing sets: never print them)."""
    tokens = set(re.findall(r"[A-Za-z0-9]+", everything_sent(response)))
    return tokens & set(ids)


def download_data(response: requests.Response):
    """What a download callback sent for dcc.Download (None when nothing)."""
    try:
        return response.json()["response"]["drill-download"]["data"]
    except (ValueError, KeyError, TypeError):
        return None


def text_of(node) -> str:
    if isinstance(node, dict):
        if "props" in node:
            return text_of(node["props"].get("children"))
        return ""
    if isinstance(node, list):
        return "".join(text_of(n) for n in node)
    return "" if node is None else str(node)


def components(node, kind: str) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == kind:
            found.append(node)
        for value in (node.get("props") or node).values():
            found += components(value, kind)
    elif isinstance(node, list):
        for value in node:
            found += components(value, kind)
    return found


def tables(response: requests.Response) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each html.Table of a page callback's answer: {caption: (headings, rows of text)}."""
    out = {}
    for table in components(response.json(), "Table"):
        caption = components(table, "Caption")
        headings = [text_of(th) for th in components(table, "Th")]
        body = components(table, "Tbody")
        rows = [[text_of(td) for td in components(tr, "Td")]
                for tr in components(body, "Tr")]
        out[text_of(caption[0]) if caption else f"table {len(out)}"] = (headings, rows)
    return out


def page_text(response: requests.Response) -> str:
    try:
        return text_of(response.json()["response"]["page"]["children"])
    except (ValueError, KeyError, TypeError):
        return ""


def download(made: Client, search, csv_clicks=1, xlsx_clicks=None,
             changed: list[str] | None = None, csrf: bool = True) -> requests.Response:
    """The export callback as the drill-down page's buttons send it."""
    if changed is None:
        changed = ["drill-export-csv.n_clicks" if csv_clicks else "drill-export-xlsx.n_clicks"]
    return made.callback(
        "drill-download.data",
        [{"id": "drill-export-csv", "property": "n_clicks", "value": csv_clicks},
         {"id": "drill-export-xlsx", "property": "n_clicks", "value": xlsx_clicks}],
        [{"id": "url", "property": "search", "value": search}], changed=changed, csrf=csrf)


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def forge(made: Client, output: str, inputs: list[dict], state: list | None = None,
          changed: list[str] | None = None, csrf: str | None | bool = True,
          body: bytes | None = None) -> requests.Response:
    """A callback request exactly as given (what a forger sends): `changed` is sent as it is
    (even empty); `csrf` True echoes the session's token, a string sends that string, None
    sends no header."""
    from tests.http import _outputs

    if body is None:
        body = json.dumps({"output": output, "outputs": _outputs(output), "inputs": inputs,
                           "state": state or [], "changedPropIds": changed if changed is not None
                           else [f"{i['id']}.{i['property']}" for i in inputs]}).encode()
    headers = {"Content-Type": "application/json"}
    if csrf is True:
        if "_csrf_token" in made.cookies:
            headers["X-CSRFToken"] = made.cookies["_csrf_token"]
    elif isinstance(csrf, str):
        headers["X-CSRFToken"] = csrf
    if len(body) > 60_000:  # the server answers before reading it: start afresh after
        headers["Connection"] = "close"
    return made.post("/_dash-update-component", data=body, headers=headers)
