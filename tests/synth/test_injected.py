"""The sample's deliberate errors are exactly those INJECTED_ERRORS.md lists."""
from __future__ import annotations

import csv
import tomllib

from etl.synth import SAMPLE_EXTRACTS


def listed(sample):
    rows = []
    for line in (sample / "INJECTED_ERRORS.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| 20"):
            cells = [c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")]
            folder, file, row, column, value, was, rule, what = cells
            rows.append((folder, file, int(row), column, value.strip("`"), was.strip("`"), rule))
    return rows


def test_extracts_toml(sample):
    toml = tomllib.loads((sample / "extracts.toml").read_text(encoding="utf-8"))
    assert [(e["path"], e["period_end"]) for e in toml["extract"]] == [
        (f, d.isoformat()) for f, d in SAMPLE_EXTRACTS]


def test_injected_errors_exactly_as_listed(sample, sample_clean):
    errors = listed(sample)
    assert 8 <= len(errors) <= 15
    assert {f for f, *_ in errors} == {f for f, _ in SAMPLE_EXTRACTS}
    changed, dropped = {}, {}
    for folder, file, row, column, value, was, rule in errors:
        lines = read(sample / folder / file)
        assert lines[row - 1][lines[0].index(column)] == value, (folder, file, row, column)
        if rule == "INT03":  # the child's Header row is missing
            dropped[folder] = value
        else:
            assert value != was
            changed.setdefault((folder, file), set()).add(row)
    # Nothing else differs from the same LA generated without errors.
    for folder, _ in SAMPLE_EXTRACTS:
        for path in sorted((sample / folder).iterdir()):
            bad, good = read(path), read(sample_clean / folder / path.name)
            if path.name == "header.csv" and folder in dropped:
                assert dropped[folder] not in {r[0] for r in bad}
                good = [r for r in good if r[0] != dropped[folder]]
            rows = changed.get((folder, path.name), set())
            assert len(bad) == len(good), path
            assert [r for i, r in enumerate(bad, 1) if i not in rows] == [
                r for i, r in enumerate(good, 1) if i not in rows], path


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_bundled_sample_is_what_the_generator_writes(tmp_path):
    """sample_data/ is `cpd synth sample_data --sample` (seed 2026) byte for byte, so a change
    to the generator cannot leave the shipped sample behind."""
    from etl.cli import main
    from tests.synth.conftest import CONFIG

    assert main(["synth", str(tmp_path), "--sample", "--config", str(CONFIG)]) == 0
    shipped = CONFIG.parent
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    # the council's configuration and its pack schedule are written by hand, not generated
    assert written == sorted(p.relative_to(shipped) for p in shipped.rglob("*")
                             if p.is_file() and p.name not in ("la.toml", "schedule.toml"))
    for name in written:
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name
