"""A load runs the data-quality suite in a process of its own (etl/quality/worker.py), so
great-expectations is imported on another core while the extract is validated; if that
process is not to be had, the load runs the suite itself. Each case is a real `load` in a
fresh Python process, reading the published warehouse and report back."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import duckdb

from tests.live import ROOT

EXTRACT = ROOT / "sample_data" / "2024-25"


def _run(script: str, data_dir, tmp_path) -> dict:
    """Run a script (which prints one JSON line last) in a fresh interpreter, as a council's
    own script would; returns that JSON."""
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(script))
    env = {**os.environ, "CPD_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          env=env, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _published(data_dir) -> tuple[list, list]:
    pointer = (data_dir / "warehouse" / "CURRENT").read_text().strip()
    con = duckdb.connect(str(data_dir / "warehouse" / pointer), read_only=True)
    try:
        loads = con.execute("SELECT load_id FROM load_log").fetchall()
        runs = con.execute("SELECT load_id, expectations, failed, not_run, gx_version "
                           "FROM quality_runs").fetchall()
    finally:
        con.close()
    return loads, runs


LOAD = f"""
    import datetime as dt, json, logging, sys
    logging.basicConfig(level=logging.WARNING)
    from etl.load import load
    {{before}}
    result = load({str(EXTRACT)!r}, dt.date(2025, 3, 31), "E06000015")
    print(json.dumps({{"load_id": result.load_id, "failed": result.checks.failed,
                      "gx_here": "great_expectations" in sys.modules,
                      "reports": {{k: str(v) for k, v in result.reports.items()}}}}))
"""


def test_the_suite_runs_in_its_own_process_and_its_results_and_docs_are_published(tmp_path):
    data = tmp_path / "data"
    # no main guard, as a council's own script may have none: the worker must not run the
    # script again (a multiprocessing child would), so the extract is loaded exactly once
    out = _run(LOAD.replace("{before}", ""), data, tmp_path)
    assert not out["gx_here"]  # imported by the worker only
    loads, runs = _published(data)
    assert loads == [(out["load_id"],)]
    assert len(runs) == 1 and runs[0][0] == out["load_id"]
    assert runs[0][1] == 24 and runs[0][2] == out["failed"] and runs[0][4]
    docs = data / "reports" / out["load_id"] / "data-docs" / "index.html"
    assert docs.is_file() and "Data checks for 2024-25" in docs.read_text()
    # nothing of the worker's own left in the reports folder
    assert sorted(p.name for p in (data / "reports").iterdir()) == [out["load_id"]]


def test_without_the_worker_the_load_runs_the_suite_itself(tmp_path):
    data = tmp_path / "data"
    # the worker starts with the load, then dies (out of memory, say) before it is asked
    kill = """
    from etl.quality import worker
    started = worker.Worker.start
    def start_then_die(self):
        started(self)
        self._process.kill()
        self._process.wait()
    worker.Worker.start = start_then_die
    """
    out = _run(LOAD.replace("{before}", textwrap.indent(textwrap.dedent(kill), "    ").strip()),
               data, tmp_path)
    assert out["gx_here"]  # this process ran the suite
    loads, runs = _published(data)
    assert len(runs) == 1 and runs[0][0] == out["load_id"] and runs[0][1] == 24
    assert (data / "reports" / out["load_id"] / "data-docs" / "index.html").is_file()
