"""A load killed with SIGKILL part-way leaves the previous warehouse serving (or, killed after
the pointer swap, the new one), never a report for a load that was not published, and the next
load leaves nothing behind: no building or temporary file, no unpublished warehouse, no
half-written or orphaned report folder, and a report for every published load."""
from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import settings
from etl.cli import main
from etl.warehouse import publish
from tests.builders import small_extract

# Runs `cpd` in a child process that kills itself with SIGKILL at one point of a load.
KILLED_AT = r"""
import os, signal, sys
from pathlib import Path
from etl import report
from etl.warehouse import derive, publish

point = sys.argv[1]


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def after(module, name):
    real = getattr(module, name)

    def wrapped(*args, **kwargs):
        out = real(*args, **kwargs)
        die()
        return out
    setattr(module, name, wrapped)


real_replace = os.replace


def replace(src, dst, *args, **kwargs):
    src, dst = Path(src), Path(dst)
    if (point == "before-rename" and dst.name.startswith("warehouse-")
            or point == "before-pointer" and dst.name == "CURRENT"
            or point == "before-report-rename" and dst.parent.name == "reports"):
        die()
    return real_replace(src, dst, *args, **kwargs)


os.replace = replace
if point == "mid-build":
    after(derive, "rebuild")
elif point == "after-pointer":
    after(publish, "fsync_path")
elif point == "after-publish":
    after(publish, "publish")
elif point == "mid-report":
    real_open = report.open_private

    def open_private(path):
        if Path(path).name == "rejects.html":
            die()
        return real_open(path)
    report.open_private = open_private

from etl.cli import main
sys.exit(main(sys.argv[2:]))
"""


# Enough children that the load is still building 1.2 s after it starts to (with the checks
# across the warehouse it runs before publishing, it builds for several seconds)
CHILDREN = 30_000


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

    folder = big_extract(tmp_path / "big", CHILDREN)
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
    assert {p.name for p in (data_dir / "reports").iterdir()} == published_loads()

    # the next load takes over: the dead load's building file is cleared, and it publishes
    assert main(["load", str(folder), "--period-end", "2025-06-30"]) == 0
    assert not list(publish.warehouse_dir().glob(publish.BUILDING_PREFIX + "*"))
    # the June period has its children and, taken from the March extract (as the
    # episode-history rule says for a child its own extract does not hold), the 2 whose
    # episodes were still open there; March keeps its 2
    assert answers(publish.current_path()) == 2 + CHILDREN + 2
    assert_nothing_left_behind(data_dir)


def published_loads() -> set[str]:
    con = publish.connect_current()
    try:
        return {r[0] for r in con.execute("SELECT load_id FROM load_log").fetchall()}
    finally:
        con.close()


def assert_nothing_left_behind(data_dir: Path) -> None:
    """Only published warehouses, the pointer and the lock; a complete report folder for
    every published load and none for any other (`cpd validate`'s are kept)."""
    warehouse, reports = data_dir / "warehouse", data_dir / "reports"
    loads = published_loads()
    for path in warehouse.iterdir():
        assert path.name in ("CURRENT", ".load.lock") or (
            path.name.startswith("warehouse-") and path.suffix == ".duckdb"
            and path.name[len("warehouse-"):-len(".duckdb")] in loads), path
    folders = {p.name for p in reports.iterdir()}
    assert {f for f in folders if not f.startswith("validate-")} == loads
    for load_id in loads:
        # the rejects report and the Data Docs of the load's checks across the warehouse
        assert sorted(p.name for p in (reports / load_id).iterdir()) == [
            "data-docs", "rejects.csv", "rejects.html"]
        assert (reports / load_id / "rejects.html").read_text().rstrip().endswith("</html>")
        assert (reports / load_id / "data-docs" / "index.html").read_text().rstrip() \
            .endswith("</html>")


def rejected_children(load_id: str) -> list[str]:
    path = settings.data_dir() / "reports" / load_id / "rejects.csv"
    with path.open(newline="") as handle:
        return sorted(line["child"] for line in csv.DictReader(handle))


def bad_extract(folder: Path) -> Path:
    """The small extract with one rejected value: something for the report to say."""
    builder = small_extract()
    builder.rows["Header"][1]["SEX"] = "Q"  # B2
    return builder.write(folder)


POINTS = ["mid-build", "before-rename", "before-pointer", "after-pointer", "after-publish",
          "mid-report", "before-report-rename"]
PUBLISHED = {"after-pointer", "after-publish", "mid-report", "before-report-rename"}
LEFT = {  # what each kill leaves behind for the next load to clear: (pattern, how many)
    "mid-build": [("warehouse/.building-*.duckdb", 1)],
    "before-rename": [("warehouse/.building-*.duckdb", 1)],
    # the first load's warehouse, and the killed load's, renamed but never published
    "before-pointer": [("warehouse/.CURRENT.*", 1), ("warehouse/warehouse-*.duckdb", 2)],
    "after-pointer": [], "after-publish": [],
    "mid-report": [("reports/.building-*/rejects.csv", 1),
                   ("reports/.building-*/rejects.html", 0)],
    "before-report-rename": [("reports/.building-*/rejects.html", 1)],
}


@pytest.mark.parametrize("point", POINTS)
def test_a_load_killed_at_any_point_leaves_nothing_behind(point, data_dir, tmp_path):
    assert main(["load", str(small_extract().write(tmp_path / "first")), "--period-end",
                 "2025-03-31"]) == 0
    assert main(["validate", str(tmp_path / "first"), "--period-end", "2025-03-31"]) == 0
    before, first_loads = publish.current_path(), published_loads()
    pointer = (data_dir / "warehouse" / "CURRENT").read_text()
    reports_before = {p.name for p in (data_dir / "reports").iterdir()}

    killed = bad_extract(tmp_path / "killed")
    args = ["load", str(killed), "--period-end", "2025-06-30"]
    result = subprocess.run([sys.executable, "-c", KILLED_AT, point, *args],
                            env={**os.environ, "CPD_DATA_DIR": str(data_dir)},
                            cwd=settings.PROJECT_ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr
    for pattern, count in LEFT[point]:
        assert len(list(data_dir.glob(pattern))) == count, pattern

    if point in PUBLISHED:
        # the load happened: its warehouse serves, its report is not (or not all) there yet
        [new_load] = published_loads() - first_loads
        assert not (data_dir / "reports" / new_load).exists()
    else:
        # the load never happened: the previous warehouse serves and no report names it
        assert (data_dir / "warehouse" / "CURRENT").read_text() == pointer
        assert publish.current_path() == before and answers(before) == 2
        assert published_loads() == first_loads
    assert {p.name for p in (data_dir / "reports").iterdir()
            if not p.name.startswith(publish.BUILDING_PREFIX)} == reports_before

    # the next load (the same extract again, already loaded or not) tidies up
    assert main(args) == 0
    assert_nothing_left_behind(data_dir)
    [latest] = published_loads() - first_loads
    assert rejected_children(latest) == ["B2"]
    assert answers(publish.current_path()) > answers(before)  # both periods answer


def test_the_next_load_removes_reports_of_loads_never_published(data_dir, tmp_path):
    """Reports an earlier version wrote before publishing, for a load then killed, and
    half-written report folders go; `cpd validate`'s stay."""
    assert main(["load", str(small_extract().write(tmp_path / "a")), "--period-end",
                 "2025-03-31"]) == 0
    reports = data_dir / "reports"
    orphan = reports / "20250101T000000Z-deadbeef"
    orphan.mkdir()
    (orphan / "rejects.csv").write_text("file\n")
    (reports / ".building-99999").mkdir()
    (reports / ".building-99999" / "rejects.csv").write_text("half")
    (reports / "validate-20250101T000000").mkdir()
    (data_dir / "warehouse" / ".CURRENT.99999").write_text("warehouse-x.duckdb\n")
    (data_dir / "warehouse" / ".building-99999.duckdb.tmp").mkdir()
    unpublished = data_dir / "warehouse" / "warehouse-20990101T000000Z-deadbeef.duckdb"
    unpublished.write_bytes(b"never published")

    assert main(["load", str(bad_extract(tmp_path / "b")), "--period-end",
                 "2025-06-30"]) == 0
    assert not orphan.exists() and not unpublished.exists()
    assert (reports / "validate-20250101T000000").is_dir()
    assert_nothing_left_behind(data_dir)


def test_a_missing_report_is_written_again_from_the_warehouse(data_dir, tmp_path):
    assert main(["load", str(bad_extract(tmp_path / "a")), "--period-end", "2025-03-31"]) == 0
    [load_id] = published_loads()
    folder = data_dir / "reports" / load_id
    written = (folder / "rejects.csv").read_text()
    shutil.rmtree(folder)
    # an extract already loaded changes nothing, but the report comes back, and the Data Docs
    # of its checks with it (from the results the warehouse keeps)
    assert main(["load", str(tmp_path / "a"), "--period-end", "2025-03-31"]) == 0
    assert (folder / "rejects.csv").read_text() == written
    assert "Rejects for a, period end 31/03/2025" in (folder / "rejects.html").read_text()
    assert "Data checks for a, period end 31/03/2025" in \
        (folder / "data-docs" / "index.html").read_text()
