"""Disclosure control: the one function every member-facing output uses.

Any count from 1 to 5, and any percentage, average or rate whose numerator or denominator is 1
to 5, is shown as `c`. In a breakdown, secondary suppression hides a further cell wherever a
hidden one could be worked out from the total and the other cells: for the numerators and for
the denominators, never exactly one hidden non-zero figure. Zero is shown as zero.
"""
from __future__ import annotations

SUPPRESSED = "c"
NOTE = ("c: not shown, to protect children's identities (a figure of 1 to 5, or one that "
        "would let such a figure be worked out)")


def _small(x) -> bool:
    return isinstance(x, (int, float)) and 1 <= x <= 5


def is_primary(row: dict) -> bool:
    if row["unit"] == "count":
        return _small(row["numerator"])
    if row["unit"] == "rate":  # the denominator is the whole 0-17 population
        return _small(row["numerator"])
    return _small(row["numerator"]) or _small(row["denominator"])


def _secondary(rows: list[dict], hidden: set[int]) -> set[int]:
    """Add cells until no quantity has exactly one hidden non-zero figure among the groups."""
    hidden = set(hidden)
    quantities = ["numerator"] if rows and rows[0]["unit"] in ("count", "rate") else \
        ["numerator", "denominator"]
    changed = True
    while changed:
        changed = False
        for quantity in quantities:
            values = {i: rows[i][quantity] for i in range(len(rows))
                      if isinstance(rows[i][quantity], (int, float))}
            if sum(1 for i in hidden if values.get(i)) != 1:
                continue
            candidates = sorted((v, i) for i, v in values.items() if i not in hidden and v)
            if candidates:
                hidden.add(candidates[0][1])
                changed = True
    return hidden


def suppress(rows: list[dict], breakdown: bool) -> list[dict]:
    """Rows with small numbers hidden. In a breakdown, rows of one indicator are the groups of
    one table and are protected together."""
    out = [dict(r) for r in rows]
    by_indicator: dict[str, list[int]] = {}
    for i, row in enumerate(out):
        by_indicator.setdefault(row["id"], []).append(i)
    for positions in by_indicator.values():
        group = [out[i] for i in positions]
        hidden = {j for j, row in enumerate(group) if is_primary(row)}
        if breakdown:
            hidden = _secondary(group, hidden)
        for j in hidden:
            row = group[j]
            row.update(numerator=SUPPRESSED, value=SUPPRESSED, suppressed=True, rag=None,
                       rag_label="Not shown", direction=None)
            if row["denominator"] is not None:
                row["denominator"] = SUPPRESSED
            row["note"] = "; ".join(n for n in (row.get("note"), NOTE) if n)
    for row in out:
        row.setdefault("suppressed", False)
    return out
