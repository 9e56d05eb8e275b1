"""DfE's own open 903 validator (csc-validator-be-903, in its own virtualenv .venv-903, which
`make test` builds) over the bundled sample: it reports every injected error, and nothing else
but the rules documented in sample_data/INJECTED_ERRORS.md as firing on valid rows (defects or
limits of the validator itself)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / ".venv-903" / "bin" / "python"

INJECTED = {  # folder: the DfE rules the injected errors must raise, once each
    "2023-24": {"103", "180"},
    "2024-25": {"166", "356"},
    "2025-26": {"101", "501", "433", "388", "INT03"},
    "2026-27-Q1": set(),  # its injected error (a formula in a URN) has no DfE rule
    "2026-27-Q2": {"1006"},
}
KNOWN = {"SW12STG2", "146", "218", "241", "361", "362", "365", "367", "376", "575", "577"}


@pytest.mark.skipif(not VALIDATOR.exists(), reason="run `make test` to build .venv-903")
@pytest.mark.parametrize("folder", sorted(INJECTED))
def test_sample_passes_the_dfe_validator_but_for_injected_errors(folder):
    year = f"{folder[:4]}/{folder[5:7]}"
    out = subprocess.run(
        [str(VALIDATOR), str(ROOT / "tools" / "validate_903.py"), str(ROOT / "sample_data" / folder),
         "--collection-year", year, "--la-code", "E06000015", "--json"],
        capture_output=True, text=True, check=True)
    rules = {code: r["count"] for code, r in json.loads(out.stdout)["rules"].items()}
    assert {code: rules.get(code) for code in INJECTED[folder]} == {
        code: 1 for code in INJECTED[folder]}
    assert set(rules) - INJECTED[folder] <= KNOWN, rules
