"""The bundled sample carries every source the catalogue reads, so `cpd indicators` gives every
one of the 57 ids a numerator and a denominator at every period end it holds (issue 13's
"done when")."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from etl.indicators.catalogue import CATALOGUE
from tests.live import ROOT


def indicators(data_dir, *args) -> dict:
    out = subprocess.run([sys.executable, "-m", "etl.cli", "indicators", "--format", "json",
                          *args], env={**os.environ, "CPD_DATA_DIR": str(data_dir)},
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def test_every_id_has_a_numerator_and_denominator_at_every_sample_period(sample_warehouse):
    periods = [line.split('"')[1] for line in
               (ROOT / "sample_data" / "extracts.toml").read_text().splitlines()
               if line.startswith("period_end")]
    assert len(periods) == 5
    for period_end in periods:
        rows = {r["id"]: r for r in indicators(sample_warehouse, "--period-end", period_end,
                                                "--la", "E06000015")["indicators"]}
        assert len(rows) == 57 and set(rows) == {e.id for e in CATALOGUE}
        for entry in CATALOGUE:
            row = rows[entry.id]
            assert "no data" not in (row["note"] or ""), (period_end, entry.id, row["note"])
            assert isinstance(row["numerator"], (int, float)), (period_end, entry.id)
            if entry.unit == "count":
                assert row["denominator"] is None, (period_end, entry.id)
            else:
                assert row["denominator"] > 0, (period_end, entry.id, row)
