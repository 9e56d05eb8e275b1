"""The LA configuration (TOML): name, ONS code, 0-17 population by year, targets, benchmarks."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl import settings

# ONS codes of English upper-tier authorities: unitaries, metropolitan and London boroughs,
# counties (E06, E08, E09, E10), as used by DfE.
LA_CODE = re.compile(r"E(06|08|09|10)[0-9]{6}")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class LAConfig:
    name: str
    code: str
    region: str = ""
    population: dict[int, int] = field(default_factory=dict)
    raw: dict = field(default_factory=dict)  # targets and benchmarks, read by the indicators


@lru_cache(maxsize=8)
def _read(path: Path) -> LAConfig:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"LA configuration {path} not found. Set CPD_LA_CONFIG to the "
                          "council's la.toml.") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"LA configuration {path} is not valid TOML: {err}") from None
    la = data.get("la", {})
    if not LA_CODE.fullmatch(str(la.get("code", ""))):
        raise ConfigError(f"{path}: [la] code must be an ONS code like E06000015, "
                          f"not {la.get('code')!r}")
    population = {int(year): int(n) for year, n in data.get("population", {}).items()}
    return LAConfig(la.get("name", la["code"]), la["code"], la.get("region", ""), population,
                    data)


def load_config(path: Path | None = None) -> LAConfig:
    return _read(Path(path or settings.la_config_path()).resolve())
