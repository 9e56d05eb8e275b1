"""How a figure is judged: target and tolerance, RAG status (with words, never colour alone),
direction of travel, and benchmarks with their year and source.

Targets and benchmarks come from the LA configuration (`[targets.<id>]`,
`[benchmarks.<id>.<comparator>]`), falling back to the catalogue's default target.
"""
from __future__ import annotations

from etl.config import LAConfig
from etl.indicators.catalogue import Indicator

RAG_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target"}
COMPARATORS = ("england", "region", "statistical_neighbours")


def target_for(entry: Indicator, config: LAConfig) -> tuple[float | None, float | None]:
    own = config.raw.get("targets", {}).get(entry.id, {})
    return own.get("target", entry.target), own.get("tolerance", entry.tolerance)


def rag(value, polarity: str, target, tolerance) -> str | None:
    """green: target met; amber: missed by no more than the tolerance; red: missed by more.
    None for context indicators, or with no target or value."""
    if polarity == "context" or target is None or not isinstance(value, (int, float)):
        return None
    tolerance = tolerance or 0
    if polarity == "up":
        gap = target - value
    else:
        gap = value - target
    if gap <= 0:
        return "green"
    return "amber" if gap <= tolerance else "red"


def direction(current, previous, polarity: str) -> dict | None:
    """Direction of travel against the previous loaded period."""
    if not isinstance(current, (int, float)) or not isinstance(previous, (int, float)):
        return None
    change = round(current - previous, 1)
    moved = "up" if change > 0 else "down" if change < 0 else "same"
    if polarity == "context" or moved == "same":
        trend = "no change" if moved == "same" else "context"
    else:
        trend = "improving" if (moved == "up") == (polarity == "up") else "worsening"
    return {"previous": previous, "change": change, "direction": moved, "trend": trend}


def benchmarks(entry: Indicator, config: LAConfig) -> dict:
    """{comparator: {value, year, source, to_check}} for the comparators configured."""
    configured = config.raw.get("benchmarks", {}).get(entry.id, {})
    return {name: {"value": b.get("value"), "year": b.get("year"), "source": b.get("source"),
                   "to_check": bool(b.get("to_check", False))}
            for name, b in configured.items() if name in COMPARATORS}
