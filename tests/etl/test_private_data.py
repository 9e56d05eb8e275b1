"""The data directory holds child-level data: it is 0700 and every file under it 0600, whatever
the umask of the process that loaded it."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from etl.cli import main
from etl.warehouse import derive, publish
from tests.builders import small_extract


@pytest.fixture
def umask():
    """Run the test under a given umask; the previous one comes back after."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield lambda mask: os.umask(mask)
    os.umask(previous)


def not_private(folder: Path) -> list[str]:
    """Every directory and file under `folder` (and itself) with any group or other bit."""
    paths = [folder, *folder.rglob("*")]
    return [f"{p} {stat.filemode(p.lstat().st_mode)}" for p in paths
            if not p.is_symlink() and p.lstat().st_mode & 0o077]


def load(folder: Path, period_end: str = "2025-03-31") -> None:
    assert main(["load", str(folder), "--period-end", period_end]) == 0


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_after_loads_the_data_dir_is_0700_and_every_file_0600(mask, umask, data_dir,
                                                              tmp_path):
    folder = small_extract().write(tmp_path / "x")
    bad = small_extract()
    bad.rows["Header"][0]["SEX"] = "Q"
    umask(mask)
    load(folder)
    load(bad.write(tmp_path / "bad"), "2025-06-30")
    assert main(["validate", str(folder), "--period-end", "2025-03-31"]) == 0
    load(folder)  # already loaded: changes nothing
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"CURRENT", ".load.lock", "rejects.csv", "rejects.html"}
    assert not not_private(data_dir)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_files_duckdb_creates_during_a_load_are_private_under_the_cli_umask(
        umask, data_dir, tmp_path, monkeypatch):
    """`cpd` sets umask 0o077 before anything: the building file, its WAL and anything else
    DuckDB writes mid-load are private from the moment they exist."""
    seen: dict[str, int] = {}
    real = derive.rebuild

    def rebuild(con):
        real(con)
        con.execute("CREATE TABLE _wal_probe AS SELECT 1 AS x")  # something in the WAL
        for path in data_dir.rglob("*"):
            seen[path.name] = path.stat().st_mode
        con.execute("DROP TABLE _wal_probe")

    monkeypatch.setattr(derive, "rebuild", rebuild)
    umask(0o077)
    load(small_extract().write(tmp_path / "x"))
    assert any(name.startswith(publish.BUILDING_PREFIX) for name in seen)
    assert {name: stat.filemode(mode) for name, mode in seen.items() if mode & 0o077} == {}
    assert not not_private(data_dir)


def test_a_data_dir_made_before_is_made_private(umask, data_dir, tmp_path):
    umask(0o022)
    (data_dir / "warehouse").mkdir(parents=True)
    old_report = data_dir / "reports" / "validate-20240101T000000"
    old_report.mkdir(parents=True)
    (old_report / "rejects.csv").write_text("file\n")
    for path in (data_dir, data_dir / "warehouse", data_dir / "reports", old_report):
        path.chmod(0o755)
    (old_report / "rejects.csv").chmod(0o644)
    assert not_private(data_dir)

    load(small_extract().write(tmp_path / "x"))
    assert not not_private(data_dir)
    assert (old_report / "rejects.csv").read_text() == "file\n"  # kept, made private


def test_private_data_dir_creates_or_tightens(umask, tmp_path, monkeypatch):
    umask(0o022)
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "new" / "data"))
    made = publish.private_data_dir()
    assert made == tmp_path / "new" / "data"
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    made.chmod(0o775)
    publish.private_data_dir()
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
