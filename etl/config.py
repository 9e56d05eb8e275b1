"""LA configuration (TOML), one file per council: name, ONS code, 0-17 population by year,
targets and benchmarks.

A regional alliance loads several councils into one warehouse, so a configuration is found by
the LA's code: the default LA's file (`CPD_LA_CONFIG`), then every `*.toml` in the
configuration folders (`CPD_LA_CONFIG_DIR`) whose `[la] code` matches. A council loaded with
no file of its own still works: it gets its ONS name, the shipped England benchmarks and the
catalogue's default targets, and no rate per 10,000 until a population is configured.
"""
from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl import settings
from etl.indicators.catalogue import BY_ID

# ONS codes of English upper-tier authorities: unitaries, metropolitan and London boroughs,
# counties (E06, E08, E09, E10), as used by DfE.
LA_CODE = re.compile(r"E(06|08|09|10)[0-9]{6}")
ENGLAND = Path(__file__).with_name("england.toml")
# A benchmark is [benchmarks.<indicator id>.<comparator>] with these keys (etl/england.toml).
COMPARATORS = ("england", "region", "statistical_neighbours")
BENCHMARK_KEYS = ("value", "year", "source", "to_check", "note")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class LAConfig:
    name: str
    code: str
    region: str = ""
    population: dict[int, int] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)  # targets and benchmarks, read by the indicators
    source: Path | None = None  # the la.toml it came from; None for a council not configured


def parse_la_code(text: str) -> str:
    """An LA code as given on a command line or in a URL, checked and upper-cased."""
    code = str(text).strip().upper()
    if not LA_CODE.fullmatch(code):
        raise ConfigError(f"{str(text)[:40]!r} is not an upper-tier LA's ONS code (E06, E08, "
                          "E09 or E10 followed by six digits, e.g. E06000015).")
    return code


@lru_cache(maxsize=1)
def _england() -> dict:
    data = tomllib.loads(ENGLAND.read_text(encoding="utf-8"))
    _check_benchmarks(ENGLAND, data)
    return data


def _check_benchmarks(path: Path, data: dict) -> None:
    """Every `[benchmarks.<id>.<comparator>]` table names a catalogue indicator and a known
    comparator and gives a number for value, the year as a whole number and a source; to_check
    is true or false and note is text. Anything else stops the load, naming the file, the
    table and the problem: councillors read these figures, so a typo (a misspelt to_check
    among them) must not slip through as a figure nobody meant to show."""
    tables = data.get("benchmarks", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: benchmarks must be tables like "
                          "[benchmarks.placement_stability_long.region]")
    for indicator_id, comparators in tables.items():
        entry = BY_ID.get(indicator_id)
        if entry is None:
            near = difflib.get_close_matches(indicator_id, BY_ID, n=1)
            raise ConfigError(f"{path}: [benchmarks.{indicator_id[:60]}]: {indicator_id[:60]!r} is "
                              "not an indicator id in the catalogue"
                              + (f" (did you mean {near[0]}?)" if near else ""))
        if not isinstance(comparators, dict):
            raise ConfigError(f"{path}: [benchmarks.{indicator_id}] must hold tables named "
                              f"{', '.join(COMPARATORS)}")
        for name, bench in comparators.items():
            where = f"{path}: [benchmarks.{indicator_id}.{name[:40]}]"
            if name not in COMPARATORS:
                raise ConfigError(f"{where}: {name[:40]!r} is not a comparator; use "
                                  f"{', '.join(COMPARATORS)}")
            if not isinstance(bench, dict):
                raise ConfigError(f"{where} must be a table with value, year and source")
            _check_benchmark(where, entry.unit, bench)


def _check_benchmark(where: str, unit: str, bench: dict) -> None:
    unknown = [key for key in bench if key not in BENCHMARK_KEYS]
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0][:40]!r}; a benchmark has value, "
                          "year, source and optionally to_check and note")
    value, year, source = bench.get("value"), bench.get("year"), bench.get("source")
    if value is None:
        raise ConfigError(f"{where}: value is missing")
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise ConfigError(f"{where}: value must be a number, not {str(value)[:40]!r}")
    if value < 0 or (unit == "%" and value > 100):
        raise ConfigError(f"{where}: value {value} is not a possible "
                          f"{'percentage' if unit == '%' else unit}")
    if year is None:
        raise ConfigError(f"{where}: year is missing: give the year the figure describes "
                          "(the 31 March it ends on), e.g. year = 2025")
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ConfigError(f"{where}: year must be a year like 2025, not {str(year)[:40]!r}")
    if not isinstance(source, str) or not source.strip():
        raise ConfigError(f"{where}: source is missing: say where the figure comes from "
                          "(publication and table)")
    if not isinstance(bench.get("to_check", False), bool):
        raise ConfigError(f"{where}: to_check must be true or false")
    if not isinstance(bench.get("note", ""), str):
        raise ConfigError(f"{where}: note must be text")


def _with_england(data: dict) -> dict:
    """The council's own benchmarks laid over the shipped England ones."""
    merged = {name: dict(comparators) for name, comparators in
              _england().get("benchmarks", {}).items()}
    for name, comparators in data.get("benchmarks", {}).items():
        merged.setdefault(name, {}).update(comparators)
    return {**data, "benchmarks": merged}


@lru_cache(maxsize=64)
def _read(path: Path) -> LAConfig:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"LA configuration {path} not found. Set CPD_LA_CONFIG to the "
                          "council's la.toml.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"LA configuration {path} is not valid TOML: {err}") from None
    except OSError as err:
        raise ConfigError(f"LA configuration {str(path)[:200]} cannot be read "
                          f"({err.strerror or err}).") from None
    la = data.get("la", {})
    if not isinstance(la, dict) or not LA_CODE.fullmatch(str(la.get("code", ""))):
        raise ConfigError(f"{path}: [la] code must be an ONS code like E06000015, "
                          f"not {la.get('code') if isinstance(la, dict) else la!r}")
    try:
        population = {int(year): int(n) for year, n in data.get("population", {}).items()}
    except (TypeError, ValueError, AttributeError):
        raise ConfigError(f"{path}: [population] must map years to whole numbers, "
                          "e.g. 2025 = 61800") from None
    _check_benchmarks(path, data)
    # Imported here, not at the top: schemas.expectations brings in pandas (through the staging
    # tables), and `cpd --help` and the dashboard's state reach this module without a file.
    from schemas.expectations import tolerances

    try:
        tolerances(data.get("quality"))
    except ValueError as err:
        raise ConfigError(f"{path}: {err}") from None
    return LAConfig(str(la.get("name", la["code"])), la["code"], str(la.get("region", "")),
                    population, _with_england(data), path)


def load_config(path: Path | None = None) -> LAConfig:
    """The default LA's configuration (`CPD_LA_CONFIG`), or the file named."""
    return _read(Path(path or settings.la_config_path()).resolve())


def default_code() -> str:
    return load_config().code


@lru_cache(maxsize=256)
def _code_in(path: Path, modified: float) -> str | None:
    """The [la] code a TOML file configures, or None (read again only when it changes)."""
    try:
        la = tomllib.loads(path.read_text(encoding="utf-8")).get("la", {})
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    code = str(la.get("code", "")).upper() if isinstance(la, dict) else ""
    return code if LA_CODE.fullmatch(code) else None


def _configured() -> dict[str, Path]:
    """{LA code: la.toml} over the configuration folders; files that are not LA
    configurations are passed over (they may be other TOML)."""
    found: dict[str, Path] = {}
    for folder in settings.la_config_dirs():
        for path in sorted(folder.glob("**/*.toml")) if folder.is_dir() else []:
            try:
                code = _code_in(path, path.stat().st_mtime)
            except OSError:
                continue
            if code:
                found.setdefault(code, path)
    return found


def ons_name(code: str) -> str | None:
    """The council's name in the ONS 2021 lookup (upper tier), or None for a code it lacks."""
    import qlacref_authorities

    for record in qlacref_authorities.records:
        if record["UTLA21CD"] == code:
            return record["UTLA21NM"]
    return None


def config_for(code: str) -> LAConfig:
    """The configuration of the LA with this code (see the module's docstring)."""
    default = load_config()
    if code == default.code:
        return default
    path = _configured().get(code)
    if path is not None:
        return _read(path.resolve())
    return LAConfig(ons_name(code) or code, code, raw=_with_england({}))


def resolve_la(requested: str | None, loaded: list[str]) -> str:
    """Which LA a command reads: the one asked for (it must be loaded), else the only one
    loaded. With several loaded and none asked for, the caller must choose."""
    if requested:
        code = parse_la_code(requested)
        if loaded and code not in loaded:
            raise ConfigError(f"nothing is loaded for {code}; loaded: {_named(loaded)}.")
        return code
    if len(loaded) == 1:
        return loaded[0]
    if not loaded:
        raise ConfigError("nothing is loaded yet: load an extract with `cpd load` first.")
    raise ConfigError(f"{len(loaded)} LAs are loaded ({_named(loaded)}): choose one with "
                      "--la CODE.")


def _named(codes: list[str]) -> str:
    return ", ".join(f"{c} {config_for(c).name}" for c in codes)
