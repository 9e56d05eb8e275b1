"""Generated sample LAs shared by the synth tests (each generation takes about a second)."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from etl.synth import SAMPLE_EXTRACTS, add_arguments, generate, run

CONFIG = Path(__file__).resolve().parents[2] / "sample_data" / "la.toml"


@pytest.fixture(scope="session")
def config() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def clean(tmp_path_factory, config) -> Path:
    """The sample's five extracts, seed 11, no deliberate errors."""
    out = tmp_path_factory.mktemp("clean")
    generate(out, seed=11, scale="la", config=config, extracts=SAMPLE_EXTRACTS)
    return out


@pytest.fixture(scope="session")
def clean_again(tmp_path_factory) -> Path:
    """The same again, in another process with another string-hash seed, so nothing that
    varies between runs (set order, hashing) can reach the output unnoticed."""
    out = tmp_path_factory.mktemp("clean_again")
    code = ("import tomllib, pathlib; from etl.synth import generate, SAMPLE_EXTRACTS; "
            f"generate(pathlib.Path({str(out)!r}), seed=11, scale='la', "
            f"config=tomllib.loads(pathlib.Path({str(CONFIG)!r}).read_text()), "
            "extracts=SAMPLE_EXTRACTS)")
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=str(CONFIG.parents[1]))
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return out


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """`cpd synth OUT --sample --seed 12` through the command line entry point."""
    out = tmp_path_factory.mktemp("sample")
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args([str(out), "--sample", "--seed", "12",
                                  "--config", str(CONFIG)])) == 0
    return out


@pytest.fixture(scope="session")
def sample_clean(tmp_path_factory, config) -> Path:
    """The same LA as `sample` without its deliberate errors."""
    out = tmp_path_factory.mktemp("sample_clean")
    generate(out, seed=12, scale="la", config=config, extracts=SAMPLE_EXTRACTS)
    return out
