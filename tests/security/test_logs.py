"""Nothing logged so far names a child of the sample: the live servers' stderr
(tests/artifacts/server.log), every Python log record of this process
(tests/artifacts/python.log) and any *.log under this session's temp folder. tests/conftest.py
scans the same files again when the session ends, and fails the run on a hit. (Runs after the
other security tests: see conftest.py.)"""
from __future__ import annotations

import logging
import secrets

from tests.security.logscan import (PYTHON_LOG, SERVER_LOG, count_ids, log_files, report,
                                    sample_child_ids, scan_files)


def test_nothing_logged_so_far_names_a_child_of_the_sample(live_server, tmp_path_factory):
    assert len(sample_child_ids()) > 1000
    files = log_files(tmp_path_factory.getbasetemp())
    assert PYTHON_LOG in files and SERVER_LOG in files
    hits = scan_files(files)
    assert not hits, "\n".join(report(hits))


def test_every_python_log_record_of_the_tests_reaches_python_log():
    probe = secrets.token_hex(8)
    logging.getLogger("dashboard.probe").warning("probe %s", probe)
    logging.getLogger("etl.probe").error("probe %s", probe)
    text = PYTHON_LOG.read_text(errors="replace")
    assert f"WARNING dashboard.probe: probe {probe}" in text
    assert f"ERROR etl.probe: probe {probe}" in text


def test_the_scan_finds_an_identifier_as_a_whole_token(tmp_path):
    child = sorted(sample_child_ids())[0]
    # (not a .log: the end-of-session scan would rightly fail the run on it)
    sample = tmp_path / "sample.txt"
    sample.write_text(f"one {child}, two x{child}y, three {child}0\n{child}")
    assert scan_files([sample]) == {sample: 2}
    assert count_ids(f"a={child}") == 1 and count_ids("C000") == 0
    assert child not in "\n".join(report({sample: 2}))
