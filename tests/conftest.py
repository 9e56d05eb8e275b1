import pytest

# the live app (the sample warehouse, a production gunicorn, Chromium) is one per session,
# shared by the browser journeys and the security tests
pytest_plugins = ["tests.live"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A private CPD_DATA_DIR: every test gets its own warehouse."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CPD_DATA_DIR", str(folder))
    return folder


# --- the log scan (issue 9): nothing logged during the tests names a child of the sample -------
# (with pytest-xdist, each worker appends to the logs and the controller scans them at the end)
# At the start of a session the logs are emptied (each run scans its own) and every Python log
# record of this process is written to tests/artifacts/python.log; the live servers write their
# stderr to tests/artifacts/server.log. At the end, those and every *.log under this session's
# pytest temp folder are scanned for the sample's child identifiers: a hit fails the run, naming
# the file and the number of hits, never the identifiers.

# The files that take a minute or more of a worker's time. pytest-xdist (`--dist loadfile`)
# hands whole files to its two workers in collection order, so these go first: a long file
# last would leave one worker running it alone while the other waits.
SLOWEST_FIRST = [
    "tests/security/test_forged_callbacks.py", "tests/etl/test_messy.py",
    "tests/quality/test_expectations.py", "tests/etl/test_kill.py",
    "tests/packs/test_packs.py", "tests/packs/test_archive.py",
    "tests/packs/test_packs_page.py", "tests/dashboard/test_commentary.py",
    "tests/indicators/test_published.py", "tests/etl/test_cli_corpus.py",
    "tests/security/test_member_figures.py", "tests/quality/test_quality_page.py",
]


def pytest_collection_modifyitems(session, config, items):
    first = {name: rank for rank, name in enumerate(SLOWEST_FIRST)}
    # a stable sort: the files not named keep their order, after these
    items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))


def pytest_sessionstart(session):
    import logging

    from tests.security.logscan import ARTIFACTS, PYTHON_LOG, SERVER_LOG

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if not _is_worker(session):  # emptied once, before pytest-xdist starts its workers
        for log in (SERVER_LOG, PYTHON_LOG):
            log.write_text("")
    handler = logging.FileHandler(PYTHON_LOG, encoding="utf-8")  # appended to by each worker
    handler.setLevel(logging.NOTSET)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    session.config.stash[_PYTHON_LOG_HANDLER] = handler


_PYTHON_LOG_HANDLER = pytest.StashKey()


def _is_worker(session) -> bool:
    """A pytest-xdist worker (make test runs the suite on two)."""
    return hasattr(session.config, "workerinput")


@pytest.hookimpl(trylast=True)  # after the session's fixtures (the live servers) are gone
def pytest_sessionfinish(session, exitstatus):
    import logging

    from tests.security.logscan import log_files, report, scan_files

    handler = session.config.stash.get(_PYTHON_LOG_HANDLER, None)
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
    if _is_worker(session):  # the controller scans once every worker is done: its temp
        return               # folder holds theirs
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = getattr(factory, "_basetemp", None)
    hits = scan_files(log_files(basetemp))
    if not hits:
        return
    lines = ["LOG SCAN FAILED: children's identifiers from the sample were logged"] + \
        report(hits)
    writer = session.config.pluginmanager.get_plugin("terminalreporter")
    if writer is not None:
        writer.write("\n")  # after the progress line, which has no newline of its own
    for line in lines:
        if writer is not None:
            writer.write_line(line, red=True, bold=True)
        else:
            print(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
