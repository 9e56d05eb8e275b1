"""Indicator results as a flat CSV: one row per indicator (and group), benchmarks and the
direction of travel spread into columns, formula-like text neutralised."""
from __future__ import annotations

import io

import pandas as pd

from etl.indicators.judgement import COMPARATORS
from etl.report import neutralise

COLUMNS = ["la_code", "period_end", "id", "title", "breakdown", "group", "principles", "outcome",
           "unit", "polarity", "numerator", "denominator", "value", "target", "tolerance", "rag",
           "rag_label", "suppressed", "window_complete", "compared_with", "previous_value",
           "change", "trend", "not_compared_reason"] + [
    f"{c}_{part}" for c in COMPARATORS for part in ("value", "year", "unverified")] + ["note"]


def flatten(result: dict) -> pd.DataFrame:
    rows = []
    for row in result["indicators"]:
        flat = {k: v for k, v in row.items()
                if k not in ("benchmarks", "direction", "comparison")}
        flat.update(la_code=result["la_code"], period_end=result["period_end"],
                    principles=" ".join(str(p) for p in row["principles"]))
        direction = row.get("direction") or {}
        comparison = row.get("comparison") or {}
        flat.update(previous_value=direction.get("previous"), change=direction.get("change"),
                    trend=direction.get("trend"), compared_with=comparison.get("period_end"),
                    not_compared_reason=comparison.get("reason"))
        for name, bench in (row.get("benchmarks") or {}).items():
            flat[f"{name}_value"], flat[f"{name}_year"] = bench["value"], bench["year"]
            flat[f"{name}_unverified"] = bool(bench.get("to_check"))
        rows.append(flat)
    return pd.DataFrame(rows, dtype=object).reindex(columns=COLUMNS)


def to_csv(result: dict) -> str:
    buffer = io.StringIO()
    neutralise(flatten(result)).to_csv(buffer, index=False)
    return buffer.getvalue()
