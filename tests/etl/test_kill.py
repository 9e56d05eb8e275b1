"""A load killed with SIGKILL part-way leaves the previous warehouse serving, and the next load
cleans up after it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from etl.cli import main
from etl.warehouse import publish
from tests.builders import small_extract


def big_extract(folder, children: int):
    """Many children, two episodes each: enough work that a kill lands mid-build."""
    folder.mkdir()
    with open(folder / "header.csv", "w") as header, open(folder / "episodes.csv", "w") as eps:
        header.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n")
        eps.write("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
                  "HOME_POST,PL_POST,URN\n")
        for i in range(children):
            child = f"K{i:07d}"
            header.write(f"{child},M,01/01/2012,WBRI,UN1,,\n")
            eps.write(f"{child},01/05/2024,S,C2,N1,U4,PR1,01/08/2024,X1,,DE1 1AA,DE1 3AA,"
                      "SC123456\n")
            eps.write(f"{child},01/08/2024,P,C2,N1,U5,PR4,,,CARPL,DE1 1AA,DE1 3AA,SC654321\n")
    return folder


def answers(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM int_cla_at_period_end").fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("delay", [0.0, 0.4, 1.2])
def test_sigkill_mid_load_leaves_the_previous_warehouse_serving(delay, data_dir, tmp_path):
    assert main(["load", str(small_extract().write(tmp_path / "small")), "--period-end",
                 "2025-03-31"]) == 0
    before = publish.current_path()
    pointer = (publish.warehouse_dir() / "CURRENT").read_text()
    assert answers(before) == 2

    folder = big_extract(tmp_path / "big", 60_000)
    load = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "load", str(folder), "--period-end", "2025-06-30"],
        env={**os.environ, "CPD_DATA_DIR": str(data_dir)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(publish.warehouse_dir().glob(publish.BUILDING_PREFIX + "*")):
        assert load.poll() is None, "the load ended before it started building"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(delay)
    assert load.poll() is None, "the load finished before the kill: make the extract larger"
    load.send_signal(signal.SIGKILL)
    load.wait()

    assert (publish.warehouse_dir() / "CURRENT").read_text() == pointer
    assert publish.current_path() == before
    assert answers(before) == 2  # still opens and answers

    # the next load takes over: the dead load's building file is cleared, and it publishes
    assert main(["load", str(folder), "--period-end", "2025-06-30"]) == 0
    assert not list(publish.warehouse_dir().glob(publish.BUILDING_PREFIX + "*"))
    assert answers(publish.current_path()) == 2 + 60_000
