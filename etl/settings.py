"""Settings, read once from the environment, with safe defaults."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Where warehouses, load logs and reports live: `CPD_DATA_DIR`, default ./data.

    Read on every call (not cached at import) so tests and several warehouses side by side
    can each point the same code at their own folder.
    """
    return Path(os.environ.get("CPD_DATA_DIR", "data")).resolve()


def la_config_path() -> Path:
    """The LA configuration: `CPD_LA_CONFIG`, default the bundled sample LA's."""
    return Path(os.environ.get("CPD_LA_CONFIG", PROJECT_ROOT / "sample_data" / "la.toml"))


def la_config_dirs() -> list[Path]:
    """Folders holding other councils' la.toml files, for an alliance that loads several:
    `CPD_LA_CONFIG_DIR` (several separated by the path separator), default `<data dir>/la`."""
    value = os.environ.get("CPD_LA_CONFIG_DIR")
    if value:
        return [Path(part).resolve() for part in value.split(os.pathsep) if part]
    return [data_dir() / "la"]


def pack_schedule_path() -> Path:
    """When the clock builds the board and Ofsted packs: `CPD_PACK_SCHEDULE`, default the
    bundled sample council's schedule."""
    return Path(os.environ.get("CPD_PACK_SCHEDULE",
                               PROJECT_ROOT / "sample_data" / "schedule.toml"))
