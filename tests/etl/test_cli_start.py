"""`cpd` starts without the data libraries: importing etl.cli, `cpd --help` and `cpd COMMAND
--help` load none of pandas, DuckDB, pandera, Great Expectations, Dash or Plotly, which is what
makes them answer at once (each command imports what it needs when it runs). Times are
measured in bench scripts, not here: these tests assert which modules are imported.

Every run is a separate process, as a user starts `cpd`: in this process other tests have
long since imported everything.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.cli import main, parser

HEAVY = ("pandas", "numpy", "pyarrow", "duckdb", "pandera", "great_expectations", "dash",
         "plotly")
# Their arguments come from modules that import the data libraries (etl.synth: numpy and
# pandas; dashboard.state: DuckDB through etl.warehouse.publish), so their own help still
# loads them; the parser adds those arguments only when the subcommand runs.
ARGUMENTS_FROM_HEAVY_MODULES = {"synth", "users", "audit"}
CPD = Path(sys.executable).with_name("cpd")
COMMAND = [str(CPD)] if CPD.exists() else [sys.executable, "-m", "etl.cli"]


def run(command: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
    """A separate process with its own data folder and the bundled sample LA."""
    base = {k: v for k, v in os.environ.items() if k not in ("CPD_LA_CONFIG", "CPD_LA_CONFIG_DIR")}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**base, "CPD_DATA_DIR": str(tmp_path / "data"), **env})


def subcommands(top: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def imported(argv: list[str], tmp_path: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the installed `cpd ARGV` under `python -X importtime`: the process, and the
    top-level packages it imported."""
    python = [sys.executable, "-X", "importtime"]
    done = run(python + ([str(CPD)] if CPD.exists() else ["-m", "etl.cli"]) + argv, tmp_path)
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "etl" in names, done.stderr[-2000:]  # the import log was read
    return done, names


def test_importing_the_command_line_loads_no_data_library(tmp_path):
    probe = ("import json, sys; from etl import cli; "
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = run([sys.executable, "-c", probe], tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_help_loads_no_data_library(tmp_path):
    done, names = imported(["--help"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("usage: cpd ")
    for command in subcommands(parser()):
        assert command in done.stdout
    assert names.isdisjoint(HEAVY), sorted(names & set(HEAVY))


@pytest.mark.parametrize("command", sorted(set(subcommands(parser()))
                                           - ARGUMENTS_FROM_HEAVY_MODULES))
def test_command_help_loads_no_data_library(command, tmp_path):
    done, names = imported([command, "--help"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"usage: cpd {command} ")
    assert names.isdisjoint(HEAVY), sorted(names & set(HEAVY))


def test_load_help_shows_its_arguments(tmp_path):
    done, _ = imported(["load", "--help"], tmp_path)
    assert done.returncode == 0
    assert "usage: cpd load [-h] --period-end PERIOD_END [--la LA] path" in done.stdout


def _help(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    return out.getvalue()


@pytest.mark.parametrize("argv", [["synth"], ["users"], ["users", "add"], ["users", "reset"],
                                  ["audit"]])
def test_arguments_added_on_use_are_all_there(argv):
    """main's parser adds these arguments only when the subcommand runs: its help is the one
    the full parser (every argument added up front) prints."""
    full = parser()
    for word in argv:
        full = subcommands(full)[word]
    assert _help(argv + ["--help"]) == full.format_help()


def test_arguments_added_on_use_are_checked(tmp_path):
    done = run(COMMAND + ["audit", "--outcome", "lost"], tmp_path)
    assert done.returncode == 2
    assert "argument --outcome: invalid choice: 'lost'" in done.stderr


@pytest.mark.parametrize("argv, env, message", [
    # ExtractError, raised by etl.read (imported by the load only)
    (["load", "nowhere", "--period-end", "2025-03-31"], {}, "nowhere does not exist"),
    # ConfigError, raised by etl.config
    (["load", "nowhere", "--period-end", "2025-03-31"],
     {"CPD_LA_CONFIG": "missing/la.toml"}, "la.toml not found"),
    # StateError, raised by dashboard.state
    (["users", "disable", "nobody"], {}, "there is no user named 'nobody'"),
    # the command line's own refusal
    (["loads", "--la", "E99"], {}, "--la 'E99' is not an upper-tier LA's ONS code"),
])
def test_refusals_from_modules_imported_late_are_a_paragraph(argv, env, message, tmp_path):
    """main names the errors that refuse a command from the modules the command imported:
    each still ends the run with exit 2 and a plain message, never a traceback."""
    done = run(COMMAND + argv, tmp_path, **env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert message in done.stderr
    assert done.stderr.rstrip().endswith("Nothing was changed.")
