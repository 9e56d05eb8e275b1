"""Every `cpd` command over a corpus of broken inputs and bad arguments: each run either works
(exit 0, or 1 for `validate` finding rejects) or is refused with exit 2 and a message on
stderr. Never a traceback, never another exit code.

The commands and their options are read from `etl.cli.parser()` when the tests run, so a
command or option added later is fuzzed too, and `test_every_command_is_in_the_corpus` fails
until a new command gets corpus cases of its own (`serve` is left out: it never returns).

Most runs are in-process (`etl.cli.main`, exceptions that escape it count as tracebacks); a
few go through the installed `cpd` script as a user would run it.
"""
from __future__ import annotations

import argparse
import codecs
import io
import itertools
import json
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from etl.cli import parser
from tests.builders import small_extract
from tests.messy import Problems, run_cpd, run_cpd_process

PROJECT = Path(__file__).resolve().parents[2]
CONFIG = PROJECT / "sample_data" / "la.toml"
PERIOD_END = "2025-03-31"
SKIPPED_COMMANDS = {"serve"}  # runs a server until stopped


def check(argv, allowed=(0, 1, 2), run=run_cpd):
    result = run(argv)
    problems = result.problems(allowed)
    assert not problems, "; ".join(problems) + "\n" + result.shown
    return result


def subcommands() -> dict[str, argparse.ArgumentParser]:
    top = parser()
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def options(command: str) -> dict[str, argparse.Action]:
    """The command's options that take a value, by their first long name."""
    found = {}
    for action in subcommands()[command]._actions:
        long = [s for s in action.option_strings if s.startswith("--")]
        if long and action.nargs != 0 and long[0] != "--help":
            found[long[0]] = action
    return found


def positionals(command: str) -> list[argparse.Action]:
    return [a for a in subcommands()[command]._actions if not a.option_strings]


# --- a warehouse for the whole module, with one good load in it ------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """CPD_DATA_DIR, the working directory (so a blank path writes nothing into the project)
    and a good extract loaded for 2025-03-31; CPD_LA_CONFIG unset (the bundled sample LA)."""
    root = tmp_path_factory.mktemp("corpus")
    patch = pytest.MonkeyPatch()
    patch.setenv("CPD_DATA_DIR", str(root / "data"))
    for name in ("CPD_LA_CONFIG", "CPD_LA_CONFIG_DIR"):
        patch.delenv(name, raising=False)
    patch.chdir(root)
    good = small_extract().write(root / "good")
    manifest = root / "good.toml"
    manifest.write_text(f'[[extract]]\npath = "good"\nperiod_end = "{PERIOD_END}"\n')
    check(["load", str(good), "--period-end", PERIOD_END], allowed=(0,))
    yield argparse.Namespace(root=root, good=good, manifest=manifest)
    patch.undo()


@pytest.fixture
def empty_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CPD_DATA_DIR", str(tmp_path / "empty-data"))
    return tmp_path


# --- broken extracts: validate (with and without a period end) and load ----------------------

def _good(tmp):
    return small_extract().write(tmp / "x")


def rewrite(path: Path, transform):
    path.write_bytes(transform(path.read_bytes()))


def _missing_folder(tmp):
    return tmp / "nowhere"


def _empty_folder(tmp):
    (tmp / "x").mkdir()
    return tmp / "x"


def _file_not_folder(tmp):
    return _good(tmp) / "header.csv"


def _text_file_not_csv(tmp):
    (tmp / "notes.txt").write_text("not an extract\n")
    return tmp / "notes.txt"


def _binary(tmp):
    folder = _good(tmp)
    (folder / "episodes.csv").write_bytes(random.Random(3).randbytes(50_000))
    return folder


def _binary_no_nul(tmp):
    folder = _good(tmp)
    raw = bytes(b for b in random.Random(4).randbytes(50_000) if b)
    (folder / "episodes.csv").write_bytes(raw)
    return folder


def _empty_csv(tmp):
    folder = _good(tmp)
    (folder / "episodes.csv").write_bytes(b"")
    return folder


def _only_bom(tmp):
    folder = _good(tmp)
    (folder / "episodes.csv").write_bytes(codecs.BOM_UTF8 + b"\r\n\r\n")
    return folder


def _header_only(tmp):
    folder = _good(tmp)
    rewrite(folder / "episodes.csv", lambda raw: raw.splitlines(keepends=True)[0])
    return folder


def _header_only_everywhere(tmp):
    folder = _good(tmp)
    for path in folder.iterdir():
        rewrite(path, lambda raw: raw.splitlines(keepends=True)[0])
    return folder


def _semicolons(tmp):
    folder = _good(tmp)
    for path in folder.iterdir():
        rewrite(path, lambda raw: raw.replace(b",", b";"))
    return folder


def _encoded(encoding):
    def spoil(tmp):
        folder = _good(tmp)
        for path in folder.iterdir():
            path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
        return folder
    return spoil


def _latin1(tmp):
    folder = _good(tmp)
    rewrite(folder / "header.csv", lambda raw: raw.replace(b"UN1", "UN1 Zoë Ñ".encode("latin-1")))
    return folder


def _duplicated_columns(tmp):
    folder = _good(tmp)
    rewrite(folder / "episodes.csv", lambda raw: raw.replace(b"DEC,", b"DECOM,", 1))
    return folder


def _split_table(tmp):
    folder = _good(tmp)
    lines = (folder / "episodes.csv").read_bytes().splitlines(keepends=True)
    (folder / "episodes.csv").write_bytes(b"".join(lines[:3]))
    (folder / "episodes_part2.csv").write_bytes(lines[0] + b"".join(lines[3:]))
    return folder


def _ragged(tmp):
    folder = _good(tmp)
    with (folder / "episodes.csv").open("a") as handle:
        handle.write("A1,01/01/2025\n")
        handle.write("A1,01/02/2025,S,C2,N1,U4,PR1,,,,,,,,,,,,,extra\n")
        handle.write(",,,,\n")
    with (folder / "header.csv").open("a") as handle:
        handle.write("\n\n,\n,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n")
    return folder


def _ten_thousand_columns(tmp):
    folder = _good(tmp)
    lines = (folder / "header.csv").read_text().splitlines()
    extra = [f"X{i}" for i in range(10_000)]
    text = "\n".join([lines[0] + "," + ",".join(extra)] +
                     [line + "," * len(extra) for line in lines[1:]]) + "\n"
    (folder / "header.csv").write_text(text)
    return folder


def _ten_thousand_junk_columns(tmp):
    folder = _good(tmp)
    (folder / "wide.csv").write_text(",".join(f"C{i}" for i in range(10_000)) + "\n" +
                                     ",".join("1" for _ in range(10_000)) + "\n")
    return folder


def _megabyte_cell(tmp):
    folder = _good(tmp)
    rewrite(folder / "episodes.csv", lambda raw: raw.replace(b"SC123456", b"9" * 1_048_576, 1))
    return folder


def _megabyte_quoted_cell(tmp):
    folder = _good(tmp)
    cell = b'"' + b'a,"", \n' * 150_000 + b'"'
    rewrite(folder / "episodes.csv", lambda raw: raw.replace(b"SC123456", cell, 1))
    return folder


def _nul_in_middle(tmp):
    folder = _good(tmp)
    rewrite(folder / "header.csv", lambda raw: raw[:len(raw) // 2] + b"\x00" + raw[len(raw) // 2:])
    return folder


def _line_endings(ending):
    def spoil(tmp):
        folder = _good(tmp)
        for path in folder.iterdir():
            rewrite(path, lambda raw: raw.replace(b"\n", ending))
        return folder
    return spoil


def _unterminated_quote(tmp):
    folder = _good(tmp)
    with (folder / "reviews.csv").open("a") as handle:
        handle.write('A1,05/06/2012,"01/12/2024,PN1\nA1,05/06/2012,01/01/2025,PN1\n')
    return folder


def _stray_quotes(tmp):
    folder = _good(tmp)
    rewrite(folder / "episodes.csv", lambda raw: raw.replace(b"DE1 1AA", b'DE"1 1"AA'))
    return folder


def _directory_named_csv(tmp):
    folder = _good(tmp)
    (folder / "x.csv").mkdir()
    (folder / "x.csv" / "header.csv").write_bytes((folder / "header.csv").read_bytes())
    return folder


def _fifo_named_csv(tmp):
    folder = _good(tmp)
    os.mkfifo(folder / "pipe.csv")
    return folder


def _unreadable(tmp):
    folder = _good(tmp)
    (folder / "reviews.csv").chmod(0)
    try:
        (folder / "reviews.csv").open("rb").close()
    except PermissionError:
        return folder
    pytest.skip("running as root: chmod 000 does not stop this user reading the file")


def _symlink_loop_file(tmp):
    folder = _good(tmp)
    (folder / "loop.csv").symlink_to("loop.csv")
    (folder / "a.csv").symlink_to("b.csv")
    (folder / "b.csv").symlink_to("a.csv")
    return folder


def _symlink_loop_folder(tmp):
    (tmp / "loop").symlink_to(tmp / "loop")
    return tmp / "loop"


def _symlink_dir_cycle(tmp):
    folder = _good(tmp)
    (folder / "again.csv").symlink_to(folder)  # a directory named *.csv pointing at itself
    return folder


def _dangling_symlink(tmp):
    folder = _good(tmp)
    (folder / "gone.csv").symlink_to(tmp / "nowhere.csv")
    return folder


def _fifo_as_path(tmp):
    os.mkfifo(tmp / "pipe.csv")
    return tmp / "pipe.csv"


def _device_as_path(tmp):
    return Path("/dev/null")


def _name_too_long(tmp):
    return tmp / ("x" * 5000)


def _junk_cells(tmp):
    folder = _good(tmp)
    rewrite(folder / "episodes.csv",
            lambda raw: raw.replace(b"01/04/2022", "=1+1,😀".encode()).replace(
                b"N1", "\u200f\u202eN1".encode()))
    return folder


def _header_table_no_episodes(tmp):
    folder = _good(tmp)
    (folder / "episodes.csv").unlink()
    return folder


def _all_rows_bad(tmp):
    folder = _good(tmp)
    for path in folder.iterdir():
        lines = path.read_text().splitlines()
        width = lines[0].count(",") + 1
        path.write_text("\n".join([lines[0]] + [",".join(["??"] * width)] * 3) + "\n")
    return folder


INPUTS = {
    "missing folder": _missing_folder,
    "empty folder": _empty_folder,
    "a file instead of a folder": _file_not_folder,
    "a text file, not csv": _text_file_not_csv,
    "binary file": _binary,
    "binary file without NUL bytes": _binary_no_nul,
    "empty csv": _empty_csv,
    "only a BOM and blank lines": _only_bom,
    "header only": _header_only,
    "every file header only": _header_only_everywhere,
    "semicolon separated": _semicolons,
    "UTF-16 with BOM": _encoded("utf-16"),
    "UTF-16 LE without BOM": _encoded("utf-16-le"),
    "UTF-16 BE without BOM": _encoded("utf-16-be"),
    "UTF-32": _encoded("utf-32"),
    "Latin-1 bytes": _latin1,
    "duplicated columns": _duplicated_columns,
    "a table split in two files": _split_table,
    "ragged rows": _ragged,
    "10,000-column header": _ten_thousand_columns,
    "10,000 unknown columns": _ten_thousand_junk_columns,
    "1 MB single cell": _megabyte_cell,
    "1 MB quoted cell with commas and line breaks": _megabyte_quoted_cell,
    "NUL byte in the middle": _nul_in_middle,
    "CRLF line endings": _line_endings(b"\r\n"),
    "lone CR line endings": _line_endings(b"\r"),
    "unterminated quote": _unterminated_quote,
    "stray quotes": _stray_quotes,
    "a directory named x.csv": _directory_named_csv,
    "a FIFO named pipe.csv": _fifo_named_csv,
    "unreadable file (chmod 000)": _unreadable,
    "symlink loops among the files": _symlink_loop_file,
    "the folder is a symlink loop": _symlink_loop_folder,
    "a *.csv symlink to its own folder": _symlink_dir_cycle,
    "dangling symlink": _dangling_symlink,
    "the path is a FIFO": _fifo_as_path,
    "the path is a device": _device_as_path,
    "path name too long": _name_too_long,
    "formula, emoji and RTL cells": _junk_cells,
    "no episodes file": _header_table_no_episodes,
    "every row bad": _all_rows_bad,
}

# Inputs whose content reaches the period-end guess (the others are refused before it, or
# read exactly like the good extract); kept short, as each validation takes half a second.
GUESSED = ["header only", "every file header only", "ragged rows", "1 MB single cell",
           "formula, emoji and RTL cells", "every row bad", "a table split in two files",
           "no episodes file"]
assert set(GUESSED) <= set(INPUTS)


@pytest.mark.parametrize("kind", list(INPUTS))
def test_broken_input(kind, world, tmp_path):
    """validate (with the period end given, and guessed for some) and load."""
    path = INPUTS[kind](tmp_path)
    report = ["--report-dir", str(tmp_path / "report")]
    problems = Problems()
    problems.check(["validate", str(path), "--period-end", PERIOD_END, *report])
    if kind in GUESSED:
        problems.check(["validate", str(path), *report])
    problems.check(["load", str(path), "--period-end", PERIOD_END], allowed=(0, 2))
    assert not problems, problems.report()


# --- bad arguments -----------------------------------------------------------------------------

PERIOD_ENDS = ["31/03/2024", "2024-02-30", "1899-03-31", "2099-03-31", "", "yesterday",
               "0001-01-01", "9999-12-31", " 2025-03-31 ", "2025-3-31", "20250331",
               "2025-03-31T00:00", "-1", "X" * 5000]


@pytest.mark.parametrize("value", PERIOD_ENDS, ids=lambda v: repr(v[:20]))
@pytest.mark.parametrize("command", ["validate", "load", "indicators", "synth"])
def test_period_end_junk(command, value, world, tmp_path):
    argv = {
        "validate": ["validate", str(world.good), "--report-dir", str(tmp_path / "r")],
        "load": ["load", str(world.good)],
        "indicators": ["indicators"],
        "synth": ["synth", str(tmp_path / "out"), "--scale", "60", "--config", str(CONFIG)],
    }[command]
    check(argv + ["--period-end", value], allowed=(0, 1, 2) if command == "validate" else (0, 2))


LA_JUNK = ["X", "E06000015; DROP", "E06000015'; DROP TABLE load_log; --", "E06" + "0" * 10_000,
           "", " ", "e06000015", "E06000016", "E06000015\n", "E99999999", "😀"]


def _la_commands() -> list[str]:
    return [c for c in subcommands() if c not in SKIPPED_COMMANDS and "--la" in options(c)]


# A working invocation of each command, for arguments to be spoiled one at a time. A command
# added to `cpd` needs an entry here (test_every_command_is_in_the_corpus).
BASE = {
    "validate": lambda world, tmp: ["validate", str(world.good), "--period-end", PERIOD_END,
                                    "--report-dir", str(tmp / "report")],
    "load": lambda world, tmp: ["load", str(world.good), "--period-end", PERIOD_END],
    "load-sample": lambda world, tmp: ["load-sample", "--manifest", str(world.manifest)],
    "loads": lambda world, tmp: ["loads"],
    "indicators": lambda world, tmp: ["indicators"],
    "quality": lambda world, tmp: ["quality"],
    "synth": lambda world, tmp: ["synth", str(tmp / "out"), "--scale", "60",
                                 "--config", str(CONFIG)],
    # users and audit have nested commands: their options are fuzzed in "users and audit"
    "users": lambda world, tmp: ["users", "list"],
    "audit": lambda world, tmp: ["audit"],
    # every fuzzed value is refused before a pack is built (a build is tested in tests/packs)
    "pack": lambda world, tmp: ["pack", "board", "--out", str(tmp / "pack.pdf")],
    "annex-a": lambda world, tmp: ["annex-a", "--out", str(tmp / "annex-a.xlsx")],
    # every fuzzed schedule is refused, so the clock stops at once (a good one runs forever)
    "clock": lambda world, tmp: ["clock", "--schedule", str(tmp / "schedule.toml")],
}


def _base_argv(command: str, world, tmp: Path) -> list[str]:
    return BASE[command](world, tmp) if command in BASE else [command]


def _with(argv: list[str], option: str, value: str) -> list[str]:
    """argv with `option` set to `value` (replaced where present, else added)."""
    if option in argv:
        i = argv.index(option)
        return argv[:i + 1] + [value] + argv[i + 2:]
    return argv + [option, value]


@pytest.fixture(scope="module")
def la_data(world):
    """A warehouse of its own for --la: a valid code loads a second LA, after which commands
    that read the warehouse ask for --la, and the other tests would learn nothing."""
    data = world.root / "la-data"
    patch = pytest.MonkeyPatch()
    patch.setenv("CPD_DATA_DIR", str(data))
    check(["load", str(world.good), "--period-end", PERIOD_END], allowed=(0,))
    patch.undo()
    return data


@pytest.mark.parametrize("value", LA_JUNK, ids=lambda v: repr(v[:20]))
def test_la_junk(value, world, la_data, tmp_path, monkeypatch):
    monkeypatch.setenv("CPD_DATA_DIR", str(la_data))
    commands = _la_commands()
    assert "load" in commands
    problems = Problems()
    for command in commands:
        problems.check(_with(_base_argv(command, world, tmp_path), "--la", value))
    assert not problems, problems.report()


@pytest.mark.parametrize("value", ["X", "", "team; DROP TABLE load_log", "a" * 10_000, "TEAM",
                                   " team", "grp", "1) OR 1=1 --", "😀"],
                         ids=lambda v: repr(v[:20]))
@pytest.mark.parametrize("suppress", [False, True])
def test_breakdown_junk(value, suppress, world):
    check(["indicators", "--breakdown", value] + (["--suppress"] if suppress else []))


@pytest.mark.parametrize("command", ["loads", "indicators"])
def test_format_junk(command, world):
    assert check([command, "--format", "xml"]).code == 2


def test_indicators_before_anything_is_loaded(empty_warehouse):
    problems = Problems()
    for argv in (["indicators"], ["indicators", "--period-end", PERIOD_END],
                 ["indicators", "--breakdown", "team", "--suppress", "--format", "csv"],
                 ["indicators", "--la", "E06000015"], ["loads"], ["loads", "--format", "json"]):
        problems.check(argv)
    assert not problems, problems.report()


def test_indicators_for_a_period_not_loaded(world):
    problems = Problems()
    for end in ("2024-03-31", "2020-03-31", "2025-06-30"):
        for extra in ([], ["--breakdown", "team"], ["--suppress", "--format", "csv"]):
            problems.check(["indicators", "--period-end", end, *extra])
    assert not problems, problems.report()


def test_warehouse_pointer_broken(empty_warehouse):
    """A CURRENT file naming a warehouse that is not there, or holding junk."""
    check(["load", str(_good(empty_warehouse)), "--period-end", PERIOD_END], allowed=(0,))
    current = empty_warehouse / "empty-data" / "warehouse" / "CURRENT"
    assert current.exists(), "the warehouse layout changed: update this test"
    problems = Problems()
    for junk in ("missing.duckdb", "", "../../../../etc/passwd", "\x00"):
        current.write_text(junk)
        for argv in (["loads"], ["indicators"]):
            problems.check(argv)
    assert not problems, problems.report()


@pytest.mark.parametrize("scale", ["abc", "", "0", "-5", "49", "1e6", "la ", "ENGLAND",
                                   "9" * 400, "nan"], ids=lambda v: repr(v[:20]))
def test_synth_scale_junk(scale, world, tmp_path):
    check(["synth", str(tmp_path / "out"), "--scale", scale, "--config", str(CONFIG)])


@pytest.mark.parametrize("seed", ["abc", "", "-1", "1.5", str(2 ** 200)], ids=lambda v: v[:20])
def test_synth_seed_junk(seed, world, tmp_path):
    check(["synth", str(tmp_path / "out"), "--scale", "60", "--seed", seed,
           "--config", str(CONFIG)])


@pytest.mark.parametrize("years", ["0", "13", "5000", "-3", "2"])
def test_synth_years_junk(years, world, tmp_path):
    check(["synth", str(tmp_path / "out"), "--scale", "60", "--years", years,
           "--config", str(CONFIG)])


@pytest.mark.parametrize("mode", [["--sample"], ["--sample", "--clean"]], ids=" ".join)
@pytest.mark.parametrize("scale", ["50", "60"])
def test_synth_sample_small(scale, mode, world, tmp_path):
    """The sample's five extracts for the smallest LAs --scale allows."""
    check(["synth", str(tmp_path / "out"), *mode, "--scale", scale, "--config", str(CONFIG)])


def _bad_config(tmp: Path, text: bytes) -> Path:
    path = tmp / "la.toml"
    path.write_bytes(text)
    return path


@pytest.mark.parametrize("config", [
    b"", b"not toml = = =", b"\xff\xfe\x00", b"[la]\ncode = 'X'\n", b"[la]\ncode = 'E06000015'\n",
    b"[la]\ncode = 'E06000015'\n[population]\n2025 = 'many'\n", b"la = 1\n",
], ids=["empty", "not TOML", "binary", "bad code", "no population", "population junk",
        "la not a table"])
def test_synth_config_junk(config, world, tmp_path):
    check(["synth", str(tmp_path / "out"), "--scale", "la", "--config",
           str(_bad_config(tmp_path, config))])


@pytest.mark.parametrize("where", ["a file", "under a file", "blank", "a directory config"])
def test_synth_out_dir_and_config_paths(where, world, tmp_path):
    (tmp_path / "f").write_text("x")
    argv = {
        "a file": ["synth", str(tmp_path / "f"), "--scale", "60", "--config", str(CONFIG)],
        "under a file": ["synth", str(tmp_path / "f" / "out"), "--scale", "60",
                         "--config", str(CONFIG)],
        "blank": ["synth", "", "--scale", "60", "--config", str(CONFIG)],
        "a directory config": ["synth", str(tmp_path / "out"), "--config", str(tmp_path)],
    }[where]
    check(argv)


def _manifest(tmp: Path, text) -> Path:
    path = tmp / "extracts.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


MANIFESTS = {
    "missing": lambda tmp, good: tmp / "nowhere.toml",
    "a directory": lambda tmp, good: tmp,
    "empty": lambda tmp, good: _manifest(tmp, ""),
    "not TOML": lambda tmp, good: _manifest(tmp, "[[extract]\npath = "),
    "binary": lambda tmp, good: _manifest(tmp, random.Random(1).randbytes(2000)),
    "no extracts": lambda tmp, good: _manifest(tmp, "title = 'x'\n"),
    "extract not a list": lambda tmp, good: _manifest(tmp, "extract = 3\n"),
    "entry without path": lambda tmp, good: _manifest(
        tmp, f"[[extract]]\nperiod_end = '{PERIOD_END}'\n"),
    "entry without period end": lambda tmp, good: _manifest(
        tmp, f"[[extract]]\npath = '{good}'\n"),
    "period end junk": lambda tmp, good: _manifest(
        tmp, f"[[extract]]\npath = '{good}'\nperiod_end = 'yesterday'\n"),
    "period end a TOML date": lambda tmp, good: _manifest(
        tmp, f"[[extract]]\npath = '{good}'\nperiod_end = {PERIOD_END}\n"),
    "path to nowhere": lambda tmp, good: _manifest(
        tmp, f"[[extract]]\npath = 'nowhere'\nperiod_end = '{PERIOD_END}'\n"),
    "path to a broken extract": lambda tmp, good: _manifest(
        tmp, f"[[extract]]\npath = '{_empty_folder(tmp)}'\nperiod_end = '{PERIOD_END}'\n"),
}


@pytest.mark.parametrize("kind", list(MANIFESTS))
def test_load_sample_manifest(kind, world, tmp_path):
    manifest = MANIFESTS[kind](tmp_path, world.good)
    check(["load-sample", "--manifest", str(manifest)], allowed=(0, 2))


# --- every option of every command, fuzzed (picks up options added later) ---------------------

JUNK = ["", "yesterday", "-1", "X" * 5000, "😀\u202e"]


def _fuzz_cases():
    cases = []
    for command in subcommands():
        if command in SKIPPED_COMMANDS:
            continue
        for option in options(command):
            cases.append((command, option))
        for action in positionals(command):
            if action.nargs in (None, 1):
                cases.append((command, action.dest))
    return cases


@pytest.mark.parametrize("command,argument", _fuzz_cases())
def test_every_argument_fuzzed(command, argument, world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a junk relative path is made (or looked for) here only
    base = _base_argv(command, world, tmp_path)
    problems = Problems()
    for value in JUNK:
        if argument.startswith("--"):
            argv = _with(base, argument, value)
        else:  # a positional: the first argument after the command, in the base invocation
            index = [a.dest for a in positionals(command)].index(argument)
            argv = list(base)
            if len(argv) > 1 + index:
                argv[1 + index] = value
            else:
                argv.append(value)
        problems.check(argv)
    assert not problems, problems.report()


def test_every_command_is_in_the_corpus():
    """A command added to `cpd` needs corpus cases: list it in _base_argv at least."""
    missing = sorted(set(subcommands()) - SKIPPED_COMMANDS - set(BASE))
    assert not missing, f"cpd commands with no corpus cases (add them to BASE): {missing}"


# --- users and audit: nested commands, passwords on stdin, a broken state database -------------

CORPUS_USER = "corpus-user"
_fresh_names = itertools.count(1)


def nested(command: str) -> dict[str, argparse.ArgumentParser]:
    """A command's own commands (`users add`, `users list`, ...), or {} when it has none."""
    action = next((a for a in subcommands()[command]._actions
                   if isinstance(a, argparse._SubParsersAction)), None)
    return {} if action is None else dict(action.choices)


def _nested_actions(command: str, verb: str) -> list[argparse.Action]:
    return nested(command)[verb]._actions


# A working invocation of each nested command, for arguments to be spoiled one at a time. A
# nested command added to `cpd` needs an entry here (test_every_nested_command_is_in_the_corpus).
NESTED_BASE = {
    ("users", "add"): lambda: ["users", "add", f"fuzz-{next(_fresh_names)}", "--role",
                               "manager", "--teams", "Team A", "--la", "E06000015"],
    ("users", "list"): lambda: ["users", "list"],
    ("users", "disable"): lambda: ["users", "disable", CORPUS_USER],
    ("users", "enable"): lambda: ["users", "enable", CORPUS_USER],
    ("users", "reset"): lambda: ["users", "reset", CORPUS_USER],
}


@pytest.fixture(scope="module")
def corpus_user(world):
    """A user in the module's data folder for disable, enable and reset to work on."""
    check(["users", "add", CORPUS_USER, "--role", "admin"], allowed=(0,))
    return CORPUS_USER


def _nested_cases():
    cases = []
    for command in subcommands():
        for verb, sub in nested(command).items():
            for action in sub._actions:
                long = [s for s in action.option_strings if s.startswith("--")]
                if long and action.nargs != 0 and long[0] != "--help":
                    cases.append((command, verb, long[0]))
                elif not action.option_strings and action.nargs in (None, 1):
                    cases.append((command, verb, action.dest))
    return cases


def test_every_nested_command_is_in_the_corpus():
    found = {(command, verb) for command in subcommands() if command not in SKIPPED_COMMANDS
             for verb in nested(command)}
    assert ("users", "add") in found
    missing = sorted(found - set(NESTED_BASE))
    assert not missing, f"nested cpd commands with no corpus cases (add to NESTED_BASE): {missing}"


@pytest.mark.parametrize("command,verb,argument", _nested_cases())
def test_every_nested_argument_fuzzed(command, verb, argument, world, corpus_user, tmp_path,
                                      monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = [a.dest for a in _nested_actions(command, verb) if not a.option_strings]
    problems = Problems()
    for value in JUNK:
        argv = NESTED_BASE[(command, verb)]()
        if argument.startswith("--"):
            argv = _with(argv, argument, value)
        elif len(argv) > 2 + names.index(argument):  # a positional, after `users VERB`
            argv[2 + names.index(argument)] = value
        else:
            argv.append(value)
        problems.check(argv)
    assert not problems, problems.report()


def test_users_add_la_junk(world):
    problems = Problems()
    for value in LA_JUNK + ["E06000015,", "E06000015,E08000001", ",,"]:
        problems.check(_with(NESTED_BASE[("users", "add")](), "--la", value))
    assert not problems, problems.report()


TEAMS_JUNK = ["", ",", " , ,", "ALL", "all,Team A", "Team\tA", "Team\x00A", "T" * 5000,
              "😀\u202e", "Team A,,Team A", "'; DROP TABLE users; --"]


def test_users_add_teams_junk(world):
    problems = Problems()
    for value in TEAMS_JUNK:
        problems.check(_with(NESTED_BASE[("users", "add")](), "--teams", value))
    assert not problems, problems.report()


STDIN_JUNK = {
    "empty": b"", "a blank line": b"\n", "too short": b"short\n",
    "11 characters": b"x" * 11 + b"\n", "12 characters, no newline": b"x" * 12,
    "CRLF": b"a good long password\r\n", "5,000 characters": b"x" * 5000 + b"\n",
    "not UTF-8": b"\xff\xfe\x00 not a password\n", "NUL bytes": b"\x00" * 20 + b"\n",
    "two lines": b"the first line here\nsecond\n", "binary": random.Random(5).randbytes(3000),
}


def _stdin_of(kind: str):
    if kind == "no stdin":
        return None
    if kind == "closed stdin":
        closed = io.StringIO("a good long password\n")
        closed.close()
        return closed
    return io.TextIOWrapper(io.BytesIO(STDIN_JUNK[kind]), encoding="utf-8")


@pytest.mark.parametrize("kind", [*STDIN_JUNK, "no stdin", "closed stdin"])
def test_password_stdin_junk(kind, world, corpus_user, monkeypatch):
    problems = Problems()
    for argv in (NESTED_BASE[("users", "add")]() + ["--password-stdin"],
                 ["users", "reset", CORPUS_USER, "--password-stdin"]):
        monkeypatch.setattr(sys, "stdin", _stdin_of(kind))
        problems.check(argv)
    assert not problems, problems.report()


@pytest.mark.parametrize("argv", [
    ["audit", "--limit", "0"], ["audit", "--limit", "100001"], ["audit", "--limit", "9" * 400],
    ["audit", "--limit", "1e3"], ["audit", "--limit", "-5", "--verify"],
    ["audit", "--outcome", "signed in", "--format", "json"], ["audit", "--outcome", "SHOWN"],
    ["audit", "--user", "'; DROP TABLE audit; --"], ["audit", "--user", "%"],
    ["audit", "--verify", "--format", "json"], ["audit", "--format", "xml"],
    ["users", "list", "--format", "xml"], ["users", "frobnicate"], ["users"],
    ["users", "add", "x"], ["users", "add", "--role", "admin"],
    ["users", "add", "x", "--role", "admin", "--teams"],
], ids=lambda argv: " ".join(argv)[:40])
def test_users_and_audit_arguments(argv, world):
    problems = Problems()
    problems.check(argv, parse=json.loads if "json" in argv else None)
    assert not problems, problems.report()


def _state_file(kind: str, path: Path) -> None:
    if kind == "not a database":
        path.write_bytes(random.Random(6).randbytes(5000))
    elif kind == "a text file":
        path.write_text("SQLite format 3\n" * 100)
    elif kind == "a directory":
        path.mkdir()
    elif kind == "a symlink loop":
        path.symlink_to(path)
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        con = sqlite3.connect(path)
        version = {"from a newer version": 99, "tables missing": 1}[kind]
        con.execute(f"PRAGMA user_version = {version}")
        con.close()


@pytest.mark.parametrize("kind", ["not a database", "a text file", "a directory",
                                  "a symlink loop", "empty", "from a newer version",
                                  "tables missing"])
def test_state_database_broken(kind, empty_warehouse, monkeypatch):
    data = empty_warehouse / "empty-data"
    data.mkdir(mode=0o700)
    _state_file(kind, data / "state.sqlite")
    problems = Problems()
    for argv in (["users", "list"], ["users", "list", "--format", "json"],
                 ["users", "add", "x", "--role", "admin"], ["users", "disable", "x"],
                 ["audit"], ["audit", "--verify"], ["audit", "--format", "json"]):
        problems.check(argv)
    assert not problems, problems.report()


# --- a few as a user runs them: the installed script, a separate process -----------------------

@pytest.mark.parametrize("argv", [
    ["validate", "{tmp}/nowhere"],
    ["load", "{tmp}", "--period-end", "yesterday"],
    ["load-sample", "--manifest", "{tmp}/nowhere.toml"],
    ["users", "disable", "nobody"],
    ["audit", "--verify"],
], ids=lambda argv: " ".join(argv[:2]))
def test_as_a_process(argv, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CPD_LA_CONFIG")}
    env["CPD_DATA_DIR"] = str(tmp_path / "data")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    check(argv, run=lambda args: run_cpd_process(args, env=env, timeout=60, cwd=tmp_path))
