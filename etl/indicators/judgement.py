"""How a figure is judged: target and tolerance, RAG status (with words, never colour alone),
direction of travel, and benchmarks with their year and source.

Targets and benchmarks come from the LA configuration (`[targets.<id>]`,
`[benchmarks.<id>.<comparator>]`, checked when it is read: etl/config.py), falling back to the
catalogue's default target and the England figures shipped in etl/england.toml.
"""
from __future__ import annotations

from etl.config import COMPARATORS, LAConfig
from etl.indicators.catalogue import Indicator

RAG_LABELS = {"green": "On target", "amber": "Near target", "red": "Off target"}
# How each comparator is named wherever a reader sees it, in this order.
COMPARATOR_LABELS = {"england": "England", "region": "Region",
                     "statistical_neighbours": "Statistical neighbours"}


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
    """Direction of travel against an earlier figure (the same point last year, as the engine
    compares)."""
    if not isinstance(current, (int, float)) or not isinstance(previous, (int, float)):
        return None
    change = round(current - previous, 1)
    moved = "up" if change > 0 else "down" if change < 0 else "same"
    if polarity == "context" or moved == "same":
        trend = "no change" if moved == "same" else "context"
    else:
        trend = "improving" if (moved == "up") == (polarity == "up") else "worsening"
    return {"previous": previous, "change": change, "direction": moved, "trend": trend}


def benchmarks(entry: Indicator, config: LAConfig, verified_only: bool = False) -> dict:
    """{comparator: {value, year, source, to_check, note}} for the comparators configured,
    England first. With `verified_only`, as `benchmarks_for` gives them to a member."""
    configured = config.raw.get("benchmarks", {}).get(entry.id, {})
    found = {name: {"value": b.get("value"), "year": b.get("year"), "source": b.get("source"),
                    "to_check": bool(b.get("to_check", False)), "note": b.get("note")}
             for name, b in configured.items() if name in COMPARATORS}
    return benchmarks_for(found, verified_only)


def benchmarks_for(row_benchmarks: dict | None, verified_only: bool) -> dict:
    """The benchmarks a reader may see, in the order England, region, statistical neighbours.

    The one rule for figures not yet confirmed in their source (`to_check`): with
    `verified_only` (members and managers) they are left out altogether, never shown with a
    caveat; analysts get them, and whatever shows them marks them as unverified. A comparator
    with no value is left out for everyone."""
    given = row_benchmarks or {}
    return {name: given[name] for name in COMPARATORS
            if isinstance(given.get(name), dict) and given[name].get("value") is not None
            and not (verified_only and given[name].get("to_check"))}
