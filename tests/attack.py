"""An attacker with a member's view: what hidden figures can be worked out exactly?

Independent of the protection it checks (etl/indicators/disclosure.py works in floating point
with a singular value decomposition; this works in exact fractions, by elimination, and adds
the bounds a member knows). Given every figure a member can see for one indicator and period
end, it returns every hidden figure it can pin to one value:

- the council figure and every member breakdown (each breakdown's groups add up to the council
  figure; a group not listed is zero), and service areas adding up to their teams (from the
  public list of teams in areas; areas sharing a team add up together);
- bounds: zero is shown as zero, so a hidden count, rate numerator or denominator is at least
  1 (a percentage's hidden numerator may be 0); a percentage's numerator is at most its
  denominator; all of them are whole numbers (an average's numerator, a sum of scores, is
  treated as any number);
- the direction of travel beside the council figure and beside every group (it carries the
  same cell's figure at the period compared with, the same point last year, and the change:
  either gives the other away), against that period's member view;
- counts in notes ("for N children ...", "for 1 child ...");
- disproportionality shares (a group's share of the council figure, and of all children looked
  after), each a group figure over a council figure to one decimal place.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HIDDEN = "c"
OVERALL = (None, None)
NOTE_COUNT = re.compile(r"for (\S+) child(?:ren)?\b")


@dataclass(frozen=True)
class Recovery:
    """A hidden figure worked out exactly: which period ("current" or "previous"), which
    quantity (numerator, denominator, population, value, note), which cell, and its value.
    "previous" is the period the directions of travel compare with."""
    period: str
    quantity: str
    cell: tuple
    value: Fraction


@dataclass
class View:
    """Everything a member sees for one indicator and period end.

    rows: {cell: row as shown}, cell = (breakdown, group) or OVERALL;
    areas: (service area, team) pairs at the period end (names are public);
    previous: {cell: row} as a member sees the period compared with (the same point last
    year), or None;
    shares: {breakdown: [disproportionality rows as shown]};
    population: {cell: shown count of all children looked after} (cla_at_period_end's view),
    for the shares of all children looked after."""
    unit: str
    rows: dict
    areas: list = field(default_factory=list)
    previous: dict | None = None
    shares: dict = field(default_factory=dict)
    population: dict = field(default_factory=dict)
    floor: int | None = None  # what a member knows a hidden numerator is at least, if not
    # what the unit says (hidden counts are never 0; a percentage's numerators may be)


def _known(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _round(x: Fraction, places: str) -> Fraction:
    exact = Decimal(x.numerator) / Decimal(x.denominator)
    return Fraction(exact.quantize(Decimal(places), rounding=ROUND_HALF_UP))


class System:
    """One quantity over every cell: knowns, bounds, and the equations between them."""

    def __init__(self, cells: list, shown: dict, floor: int, whole: bool):
        self.cells = cells
        self.known = {c: Fraction(v) for c, v in shown.items() if _known(v)}
        self.low = {c: Fraction(floor) for c in cells if c not in self.known}
        self.high: dict = {}
        self.whole = whole
        self.equations: list[tuple[dict, Fraction]] = []

    def equation(self, coefficients: dict, constant=0) -> None:
        if coefficients:
            self.equations.append((dict(coefficients), Fraction(constant)))

    def fix(self, cell, value: Fraction) -> bool:
        if cell in self.known:
            return False
        self.known[cell] = Fraction(value)
        return True

    def unknown(self) -> list:
        return [c for c in self.cells if c not in self.known]

    def _reduced(self) -> list[tuple[dict, Fraction]]:
        """The equations with knowns moved across: {unknown cell: coefficient}, constant."""
        out = []
        for coefficients, constant in self.equations:
            rest, total = {}, constant
            for cell, a in coefficients.items():
                if cell in self.known:
                    total -= a * self.known[cell]
                else:
                    rest[cell] = rest.get(cell, 0) + a
            rest = {c: a for c, a in rest.items() if a}
            if rest:
                out.append((rest, total))
        return out

    def eliminate(self) -> tuple[bool, list]:
        """Exact Gauss-Jordan elimination; fixes every cell alone in a reduced row. Returns
        (anything fixed, the reduced rows)."""
        unknown = self.unknown()
        index = {c: i for i, c in enumerate(unknown)}
        matrix = []
        for rest, total in self._reduced():
            row = [Fraction(0)] * (len(unknown) + 1)
            for cell, a in rest.items():
                row[index[cell]] = Fraction(a)
            row[-1] = total
            matrix.append(row)
        pivot_row = 0
        for col in range(len(unknown)):
            pick = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col]), None)
            if pick is None:
                continue
            matrix[pivot_row], matrix[pick] = matrix[pick], matrix[pivot_row]
            lead = matrix[pivot_row][col]
            matrix[pivot_row] = [x / lead for x in matrix[pivot_row]]
            for r in range(len(matrix)):
                if r != pivot_row and matrix[r][col]:
                    factor = matrix[r][col]
                    matrix[r] = [x - factor * y for x, y in zip(matrix[r], matrix[pivot_row])]
            pivot_row += 1
        changed, rows = False, []
        for row in matrix[:pivot_row]:
            rest = {unknown[i]: a for i, a in enumerate(row[:-1]) if a}
            rows.append((rest, row[-1]))
            if len(rest) == 1:
                (cell, a), = rest.items()
                changed |= self.fix(cell, row[-1] / a)
        return changed, rows

    def bound(self, cell, low=None, high=None) -> bool:
        """Tighten a cell's bounds; a cell whose bounds meet is fixed."""
        if cell in self.known:
            return False
        changed = False
        if low is not None:
            low = Fraction(math.ceil(low)) if self.whole else low
            if cell not in self.low or low > self.low[cell]:
                self.low[cell], changed = low, True
        if high is not None:
            high = Fraction(math.floor(high)) if self.whole else high
            if cell not in self.high or high < self.high[cell]:
                self.high[cell], changed = high, True
        if cell in self.low and cell in self.high and self.low[cell] == self.high[cell]:
            self.fix(cell, self.low[cell])
        return changed

    def interval(self, cell) -> tuple:
        if cell in self.known:
            return self.known[cell], self.known[cell]
        return self.low.get(cell), self.high.get(cell)

    def propagate(self, extra: list) -> bool:
        """Bounds from each equation: a*x = total - sum(b*y), so x lies between the constant
        less the others' largest and smallest contributions."""
        changed = False
        for rest, total in self._reduced() + extra:
            rest = {c: a for c, a in rest.items() if c not in self.known}
            total = total - sum(a * self.known[c] for c, a in rest.items() if c in self.known)
            for cell, a in rest.items():
                least, most = total, total  # of the right-hand side
                for other, b in rest.items():
                    if other == cell:
                        continue
                    lo, hi = self.interval(other)
                    top = None if (hi if b > 0 else lo) is None else b * (hi if b > 0 else lo)
                    bottom = None if (lo if b > 0 else hi) is None else \
                        b * (lo if b > 0 else hi)
                    least = None if least is None or top is None else least - top
                    most = None if most is None or bottom is None else most - bottom
                low = None if least is None else least / a
                high = None if most is None else most / a
                if a < 0:
                    low, high = high, low
                changed |= self.bound(cell, low, high)
        return changed


def _nests(pairs) -> list[tuple[set, set]]:
    """Service areas and their teams, joined where an area shares a team with another."""
    groups: list[tuple[set, set]] = []
    for area, team in pairs:
        joined = [g for g in groups if area in g[0] or team in g[1]]
        merged = ({area}, {team})
        for g in joined:
            merged[0].update(g[0])
            merged[1].update(g[1])
            groups.remove(g)
        groups.append(merged)
    return groups


def _system(view_rows: dict, quantity: str, floor: int, whole: bool, areas) -> System:
    cells = list(view_rows)
    system = System(cells, {c: r[quantity] for c, r in view_rows.items()}, floor, whole)
    for breakdown in {c[0] for c in cells if c[0] is not None}:
        groups = [c for c in cells if c[0] == breakdown]
        system.equation({OVERALL: 1, **{c: -1 for c in groups}})
    listed = {c for c in cells}
    for parents, children in _nests(areas):
        coefficients = {("service_area", a): 1 for a in parents
                        if ("service_area", a) in listed}
        coefficients.update({("team", t): -1 for t in children if ("team", t) in listed})
        if any(c[0] == "service_area" for c in coefficients) and \
                any(c[0] == "team" for c in coefficients):
            system.equation(coefficients)
    return system


def _share_candidates(share, part_known, whole_known, part_range, whole_range):
    """Values of the unknown side consistent with a share shown to 0.1 (percent)."""
    target = Fraction(str(share))
    if part_known is not None and whole_known is None:
        lo, hi = whole_range
        if lo is None or hi is None or hi - lo > 10_000:
            return None
        return [w for w in range(int(lo), int(hi) + 1)
                if w and _round(100 * part_known / w, "0.1") == target]
    if whole_known is not None and part_known is None:
        lo, hi = part_range
        lo = 0 if lo is None else int(lo)
        hi = int(whole_known) if hi is None else int(hi)
        return [p for p in range(lo, hi + 1) if _round(100 * Fraction(p) / whole_known, "0.1")
                == target]
    return None


def recover(view: View) -> list[Recovery]:
    """Every hidden figure of the view the attacker can pin to one value."""
    rows = view.rows
    count_like = view.unit in ("count", "rate")
    floor = view.floor if view.floor is not None else 1 if count_like else 0
    numerators = _system(rows, "numerator", floor, view.unit != "score", view.areas)
    systems = {"numerator": numerators}
    if view.unit in ("%", "score"):
        systems["denominator"] = _system(rows, "denominator", 1, True, view.areas)
    if view.population:
        systems["population"] = _system(
            {c: {"numerator": v} for c, v in view.population.items()}, "numerator", 1, True,
            view.areas)
    hidden_before = {name: set(s.unknown()) for name, s in systems.items()}
    out: list[Recovery] = []

    # each cell's direction of travel: its figure then, and the change since
    for cell, row in rows.items():
        direction = row.get("direction")
        if not direction:
            continue
        then = (view.previous or {}).get(cell)
        if then is not None and then.get("value") == HIDDEN:
            out.append(Recovery("previous", "value", cell, Fraction(str(
                direction["previous"]))))
        if row.get("value") == HIDDEN:
            current = Fraction(str(direction["previous"])) + Fraction(str(direction["change"]))
            out.append(Recovery("current", "value", cell, current))
            if count_like:
                numerators.fix(cell, current)

    # counts in notes
    for cell, row in rows.items():
        for text in NOTE_COUNT.findall(row.get("note") or ""):
            if text.isdigit():
                out.append(Recovery("current", "note", cell, Fraction(int(text))))

    for _ in range(50):
        changed = False
        for system in systems.values():
            fixed, reduced = system.eliminate()
            changed |= fixed
            changed |= system.propagate(reduced)
        if "denominator" in systems and view.unit == "%":
            changed |= _numerator_within_denominator(numerators, systems["denominator"])
        changed |= _shares(view, systems)
        if not changed:
            break

    for name, system in systems.items():
        for cell in hidden_before[name]:
            if cell in system.known:
                out.append(Recovery("current", name, cell, system.known[cell]))
    return out


def _numerator_within_denominator(numerators: System, denominators: System) -> bool:
    changed = False
    for cell in numerators.cells:
        lo_n, _ = numerators.interval(cell)
        _, hi_d = denominators.interval(cell)
        if hi_d is not None:
            changed |= numerators.bound(cell, high=hi_d)
        if lo_n is not None:
            changed |= denominators.bound(cell, low=lo_n)
    return changed


def _shares(view: View, systems: dict) -> bool:
    """Each shown share is a group figure over the council figure: one side known and the
    other's range small enough pins the other if a single value fits."""
    changed = False
    for breakdown, table in view.shares.items():
        for row in table:
            cell = (breakdown, row["group"])
            for key, name in (("share_counted", "numerator"), ("share_all", "population")):
                share, system = row.get(key), systems.get(name)
                if system is None or not _known(share) or cell not in system.cells:
                    continue
                part, whole = system.known.get(cell), system.known.get(OVERALL)
                found = _share_candidates(share, part, whole, system.interval(cell),
                                          system.interval(OVERALL))
                if found and len(found) == 1:
                    changed |= system.fix(OVERALL if whole is None else cell,
                                          Fraction(found[0]))
    return changed


def protected(recovery: Recovery, truth: dict, previous_truth: dict | None,
              population_truth: dict | None = None) -> bool:
    """Whether a recovered figure is one disclosure control must hide: a count of 1 to 5, or
    a percentage or average whose numerator or denominator is 1 to 5. The truths are
    {cell: row} unsuppressed: this indicator now and at the period compared with, and children
    looked after now."""
    if recovery.quantity == "note":
        return 1 <= recovery.value <= 5
    if recovery.quantity == "population":
        row = (population_truth or {}).get(recovery.cell) or {"numerator": 0}
        return _known(row["numerator"]) and 1 <= row["numerator"] <= 5
    rows = previous_truth if recovery.period == "previous" else truth
    row = (rows or {}).get(recovery.cell)
    if row is None:
        return False
    figures = [row["numerator"]] + ([row["denominator"]] if row["unit"] in ("%", "score")
                                    else [])
    if recovery.quantity in ("numerator", "denominator"):
        figures = [row[recovery.quantity]]
    return any(_known(x) and 1 <= x <= 5 for x in figures)
