"""The live app for the browser journeys and the security tests (a plugin of
tests/conftest.py, so one per session): a real gunicorn serving a real warehouse, as
production serves it (a secret key, users with passwords in the state database, secure
cookies), driven by Debian's Chromium through Playwright. Each tab signs in first, as the analyst unless a test says
otherwise. A page fails on any console error or warning from the app and on any serious or
critical axe-core violation; a failing test leaves a screenshot in tests/artifacts/."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
# everything the servers of the tests log, for the scan for children's identifiers
LOGS = ARTIFACTS / "server.log"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A second council for the tests of several LAs side by side: one of the sample's extracts
# loaded again under another ONS code (a council with no configuration of its own).
SECOND_LA, SECOND_LA_FOLDER, SECOND_LA_PERIOD = "E06000016", "2025-26", "2026-03-31"


# One user per role, made with `cpd users add` in the sample's state database. The manager's
# remit is the teams of one service area (MANAGER_AREA) and nothing else.
PASSWORD = "a long test password for every role"
USERS = {"member": "councillor", "manager": "team-manager", "analyst": "analyst",
         "admin": "admin"}
MANAGER_AREA = "North Locality"
SECRET_KEY = "test-secret-key-of-more-than-thirty-two-characters"


def area_teams(folder: Path, area: str) -> list[str]:
    import duckdb

    from etl.warehouse.publish import current_path

    old = os.environ.get("CPD_DATA_DIR")
    os.environ["CPD_DATA_DIR"] = str(folder)
    try:
        con = duckdb.connect(str(current_path()), read_only=True)
    finally:
        os.environ.pop("CPD_DATA_DIR") if old is None else os.environ.update(CPD_DATA_DIR=old)
    try:
        return [r[0] for r in con.execute(
            "SELECT DISTINCT team FROM int_child_attributes WHERE service_area = ? "
            "ORDER BY 1", [area]).fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory):
    """The bundled sample LA, loaded once for the browser tests, one of its extracts loaded
    again as a second council, and a user of each role."""
    folder = tmp_path_factory.mktemp("sample-data")
    env = {**os.environ, "CPD_DATA_DIR": str(folder)}
    subprocess.run([sys.executable, "-m", "etl.cli", "load-sample"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "etl.cli", "load",
                    str(ROOT / "sample_data" / SECOND_LA_FOLDER), "--period-end",
                    SECOND_LA_PERIOD, "--la", SECOND_LA], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    teams = ",".join(area_teams(folder, MANAGER_AREA))
    for role, name in USERS.items():
        extra = ["--teams", teams] if role == "manager" else []
        subprocess.run([sys.executable, "-m", "etl.cli", "users", "add", name, "--role", role,
                        "--password-stdin", *extra], env=env, check=True, input=PASSWORD,
                       text=True, stdout=subprocess.DEVNULL)
    return folder


def own_copy(sample_warehouse: Path, folder: Path) -> Path:
    """A data folder of its own holding the sample's published warehouse (linked, never
    written) and a state database with the sample's users only, for tests that write
    commentary, pack runs or packs: what they write never reaches the shared sample the live
    server serves, nor what the browser tests wrote there reaches them. Call it with
    CPD_DATA_DIR already pointing at `folder`."""
    import shutil
    import sqlite3
    from contextlib import closing

    from dashboard import state

    (folder / "warehouse").mkdir(mode=0o700, parents=True)
    name = (sample_warehouse / "warehouse" / "CURRENT").read_text().strip()
    try:
        os.link(sample_warehouse / "warehouse" / name, folder / "warehouse" / name)
    except OSError:
        shutil.copy2(sample_warehouse / "warehouse" / name, folder / "warehouse" / name)
    (folder / "warehouse" / "CURRENT").write_text(name)
    if (sample_warehouse / "la").is_dir():
        shutil.copytree(sample_warehouse / "la", folder / "la")
    state.list_users()  # creates and migrates it
    with closing(sqlite3.connect(folder / state.FILE_NAME)) as target, target:
        target.execute("ATTACH DATABASE ? AS shared",
                       [f"file:{sample_warehouse / state.FILE_NAME}?mode=ro"])
        target.execute("INSERT INTO users SELECT * FROM shared.users")
    return folder


@pytest.fixture
def sample_env(sample_warehouse, monkeypatch):
    """The sample warehouse as this process's data folder, for tests that call the data
    layer or the app directly."""
    monkeypatch.setenv("CPD_DATA_DIR", str(sample_warehouse))
    monkeypatch.setenv("CPD_SECRET_KEY", SECRET_KEY)
    return sample_warehouse


def start_gunicorn(data: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn as production runs it (2 workers, 2 threads, a secret key) over a data folder,
    its stderr in the logs scanned at the end; (the process, its URL) once it answers."""
    port = free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
         "dashboard.app:server"],
        env={**os.environ, "CPD_DATA_DIR": str(data), "CPD_SECRET_KEY": SECRET_KEY},
        stdout=subprocess.DEVNULL, stderr=LOGS.open("ab"))
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            urllib.request.urlopen(url + "/sign-in", timeout=2)
            break
        except OSError:
            time.sleep(0.05)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    return server, url


@pytest.fixture(scope="session")
def live_server(sample_warehouse):
    server, url = start_gunicorn(sample_warehouse)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


def sign_in(tab, base: str, role: str) -> None:
    """Sign in through the sign-in page as the user of that role."""
    tab.goto(base + "/sign-in")
    tab.fill("#name", USERS[role])
    tab.fill("#password", PASSWORD)
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    assert "/sign-in" not in tab.url, f"{role} could not sign in"


def watch_console(tab) -> list[str]:
    """Every console error or warning and page error of a tab, as they happen: a test that
    ends with any fails."""
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"{m.type}: {m.text}")
           if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


@pytest.fixture
def role():
    """Who the tab signs in as; a test overrides it with @pytest.mark.parametrize("role")."""
    return "analyst"


@pytest.fixture
def page(browser, request, live_server, role):
    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                  accept_downloads=True)
    tab = context.new_page()
    sign_in(tab, live_server, role)
    problems = watch_console(tab)
    tab.console_problems = problems
    yield tab
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, f"browser console: {problems}"


def check_accessibility(tab) -> None:
    """axe-core (from the npm registry, injected here): no serious or critical violation."""
    # evaluated through the browser's devtools protocol: the app's CSP rightly blocks any
    # script tag it did not ship, and must not be loosened for a test
    if not tab.evaluate("() => typeof window.axe !== 'undefined'"):
        tab.evaluate(AXE.read_text() + "\n;undefined")
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], len(v["nodes"]), v["nodes"][0]["target"])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations: {bad}"
