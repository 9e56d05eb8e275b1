"""Disclosure control: what a member (councillor) may see of a figure.

Any count from 1 to 5, and any percentage, average or rate whose numerator or denominator is 1
to 5, is shown as `c`. Zero is shown as zero. Secondary suppression then hides further cells
until no hidden cell with a true value of 1 to 5 can be worked out from what a member sees
*together* for one council, indicator and period end: the council figure, every breakdown a
member may choose (each adds up to the council figure) and the service areas with the teams
inside them. Suppression decided one table at a time is not enough: a hidden team is the
difference between its service area and the area's other teams, which are shown in another
table.

Across periods, a cell's direction of travel (the council figure's or a group's) compares it
with the same cell at the same point last year, and carries that figure and the change: either
gives the other away, so the engine shows it only where the cell is shown at both period ends
(`engine._compare`); `hide` takes it off a hidden row.

The check is linear algebra on one quantity at a time (numerators; for percentages and averages
also denominators). Cells are the council figure and every group of every breakdown; the
equations are "the groups of a breakdown add up to the council figure" and "service areas add
up to their teams". A hidden cell can be worked out exactly when its unit vector lies in the
row space of the equations restricted to the hidden cells; one singular value decomposition
answers that for every hidden cell at once.

Bounds matter too. Zero is shown as zero, so a member knows every hidden count is at least 1:
two hidden groups adding up to 2 are both 1, which linear algebra alone does not see. A hidden
cell is safe when some direction the equations allow moves it while no cell of 1 goes below 1
(cells above 1 can move a little either way); see `_Hidden`. Every cell of 1 is taken to sit on
that floor, which is cautious for a percentage's numerators (a hidden one may be 0) but keeps
the pattern a function of the figures alone. A numerator's upper bound (its denominator) is
not modelled here; tests/attack.py uses it, and every other bound, against the sample.

The pattern for a quantity is a function of its cells and values only (not of the indicator it
belongs to), so two indicators sharing the same figures (children looked after, and the
denominator of a percentage of them) hide the same cells; and hiding more never lets a member
work out more, so a row hidden for either its numerator or its denominator stays safe.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

SUPPRESSED = "c"
NOTE = ("c: not shown, to protect children's identities (a figure of 1 to 5, or one that "
        "would let such a figure be worked out)")

OVERALL = (None, None)  # the council figure's cell; a group's cell is (breakdown, group)
_TOLERANCE = 1e-9  # the equations are 0/1/-1 sums over a few dozen cells: well conditioned


def _nil(vector: np.ndarray) -> bool:
    """Zero, to rounding (a plain dot product: numpy's norm costs more than the sum)."""
    return float(vector @ vector) < 1e-14


def small(x) -> bool:
    return _number(x) and 1 <= x <= 5


def _number(x) -> bool:
    if isinstance(x, bool):
        return False
    # ints and floats (numpy's too) first: the abstract class's check costs ten times more
    return isinstance(x, (int, float)) or isinstance(x, numbers.Real)


def is_primary(row: dict) -> bool:
    """A row hidden for its own sake: a count of 1-5, or a percentage or average with a
    numerator or denominator of 1-5. A rate's denominator is the whole 0-17 population."""
    if row["unit"] in ("count", "rate"):
        return small(row["numerator"])
    return small(row["numerator"]) or small(row["denominator"])


@dataclass(frozen=True)
class Nest:
    """Groups of one breakdown that add up to groups of another: service areas and the teams
    inside them. A team found in two areas joins them into one nest (the two areas together
    add up to their teams), so every nest is an exact equation."""
    parent: str
    child: str
    parents: frozenset
    children: frozenset


@dataclass(frozen=True)
class Layout:
    """Everything besides the figures that decides what a member can work out: the
    breakdowns a member may see (in the order ties are broken) and the nests between them."""
    breakdowns: tuple[str, ...]
    nests: tuple[Nest, ...] = ()


def nests(parent: str, child: str, pairs) -> tuple[Nest, ...]:
    """Nests from the (parent group, child group) pairs that occur, e.g. (service area, team)
    for every child at a period end: groups linked through a shared child group are one nest."""
    root: dict = {}

    def find(x):
        while root.setdefault(x, x) != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for area, team in pairs:
        root[find(("p", area))] = find(("c", team))
    members: dict = {}
    for node in list(root):
        members.setdefault(find(node), []).append(node)
    out = [Nest(parent, child, frozenset(g for kind, g in nodes if kind == "p"),
                frozenset(g for kind, g in nodes if kind == "c")) for nodes in members.values()]
    return tuple(sorted(out, key=lambda n: sorted(map(str, n.parents))))


def _order(layout: Layout, cell) -> tuple:
    """The tie-break order of cells: the council figure, then breakdowns in the layout's
    order, groups by name."""
    breakdown, group = cell
    if breakdown is None:
        rank = -1
    elif breakdown in layout.breakdowns:
        rank = layout.breakdowns.index(breakdown)
    else:
        rank = len(layout.breakdowns)
    return rank, str(breakdown), group is None, str(group)


def protect(values: dict, layout: Layout, hidden: frozenset = frozenset(),
            strict: bool = False) -> frozenset:
    """The cells of one quantity a member must not see: {cell: value} for the council figure
    (OVERALL) and every group listed in every breakdown (zeros included: a listed breakdown
    adds up to the council figure). Cells missing from `values` count as known; cells in
    `hidden` are hidden already. With `strict`, no hidden non-zero cell may be worked out,
    not only those of 1 to 5."""
    present = frozenset(b for b, _ in values if b is not None)
    cells = tuple(sorted(((c, v) for c, v in values.items() if _number(v) and v != 0),
                         key=lambda item: _order(layout, item[0])))
    return _protect(cells, present, layout, frozenset(hidden) & {c for c, _ in cells}, strict)


@lru_cache(maxsize=8192)
def _protect(cells: tuple, present: frozenset, layout: Layout, initial: frozenset,
             strict: bool) -> frozenset:
    """Cached on the figures themselves: identical quantities get identical patterns (and
    each is worked out once per period, however many indicators share it)."""
    keys = [c for c, _ in cells]
    values = np.array([v for _, v in cells], dtype=float)
    guarded = (lambda v: v != 0) if strict else small
    equations = _equations(keys, present, layout)
    hidden = {i for i, v in enumerate(values) if small(v) or keys[i] in initial}
    everything = set(range(len(keys)))
    # Cells the test still flags with every cell hidden are left alone rather than hiding
    # cells in vain. With the council figure among the cells, a member cannot pin them (all
    # the figures could be larger in proportion, doubled say, and still add up): the test is
    # cautious there (a council figure of 1 that is the only non-zero group of every
    # breakdown). With a shown total outside the cells (`suppress`), such a cell is the total.
    hopeless = set(_Hidden(equations, values, everything).exposed(guarded))
    while True:  # each round hides at least one more cell, or stops
        now = _Hidden(equations, values, hidden)
        exposed = [i for i in now.exposed(guarded) if i not in hopeless]
        if not exposed:
            break
        extra = _secondary(now, exposed[0], keys)
        if not extra:  # every non-zero cell is hidden already
            break
        hidden.update(extra)
    return frozenset(keys[i] for i in hidden)


def _equations(keys: list, present: frozenset, layout: Layout) -> np.ndarray:
    """One row per equation a member can write down, over the non-zero cells (zeros are
    shown, so they drop out): council figure minus a breakdown's groups is 0; a nest's parents
    minus its children is 0. Treated as exact, which is the cautious assumption."""
    column = {key: i for i, key in enumerate(keys)}
    rows = []
    for breakdown in layout.breakdowns:
        if breakdown not in present:
            continue
        row = np.zeros(len(keys))
        if OVERALL in column:
            row[column[OVERALL]] = 1
        for key, i in column.items():
            if key[0] == breakdown:
                row[i] = -1
        rows.append(row)
    for nest in layout.nests:
        if nest.parent not in present or nest.child not in present:
            continue
        row = np.zeros(len(keys))
        for key, i in column.items():
            if key[0] == nest.parent and key[1] in nest.parents:
                row[i] = 1
            elif key[0] == nest.child and key[1] in nest.children:
                row[i] = -1
        rows.append(row)
    rows = [r for r in rows if r.any()]
    return np.array(rows).reshape(len(rows), len(keys))


def _decompose(matrix: np.ndarray) -> tuple:
    """(column space basis, singular values, row space basis) of a matrix, from one thin
    SVD; a matrix with no rows or no columns has no column or row space. The null space is
    never built: it is everything the row space is not (`_movement`, `_Hidden._tied`), and
    with a thousand teams at England scale it would be a thousand columns square."""
    m, k = matrix.shape
    if m == 0 or k == 0:
        return np.zeros((m, 0)), np.zeros(0), np.zeros((0, k))
    u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((s > _TOLERANCE * max(1.0, s[0])).sum())
    return u[:, :rank], s[:rank], vt[:rank]


def _movement(rows: np.ndarray) -> np.ndarray:
    """For each cell (a column of the matrix whose row space basis is `rows`), the squared
    length of its row of the null space: how far the equations let it move with all the
    others. The null space being the rest of the row space, that is 1 less the cell's
    squared length in the row space (0 to rounding: the cell is fixed)."""
    return 1 - np.einsum("ij,ij->j", rows, rows)


class _Hidden:
    """What a member can work out when `hidden` cells of one quantity are hidden.

    Cells above 1 (`free`) can move both ways within the bounds a member knows; a cell of 1
    (`floor`) can only rise (hidden means not zero). A cell is safe if some direction the
    equations allow moves it without pushing any cell of 1 below 1. Cells of 1 the equations
    tie together (a team alone in its service area and the area; a group that is the only
    non-zero one of its breakdown and the council figure) move as one `tied` set. The test
    looks for a direction holding every set of cells of 1 still but one, or two for a cell of
    1 itself: exact for the usual cases, cautious otherwise (a cell it cannot clear counts as
    pinned). One SVD of the free cells' columns gives their column space (`basis`) and how
    far each can move with the cells of 1 held (`movement`)."""

    def __init__(self, equations: np.ndarray, values: np.ndarray, hidden: set[int]):
        self.equations, self.values, self.hidden = equations, values, set(hidden)
        ordered = sorted(hidden)
        self.free = [i for i in ordered if values[i] != 1]
        self.basis, self.sigma, self.rows = _decompose(equations[:, self.free])
        self.movement = _movement(self.rows)
        self.tied = self._tied(ordered, [i for i in ordered if values[i] == 1])

    def _tied(self, ordered: list[int], floor: list[int]) -> dict[int, tuple[int, ...]]:
        """Each cell of 1 with the cells of 1 every allowed direction moves with it (equal
        rows of the null space of all hidden cells; a cell that cannot move is alone)."""
        if not floor:
            return {}
        _, _, rows = _decompose(self.equations[:, ordered])
        position = {cell: p for p, cell in enumerate(ordered)}
        cells = rows[:, [position[i] for i in floor]]
        lengths = _movement(cells)
        # two cells' rows of the null space are equal when the squared distance between
        # them is 0: their squared lengths, plus twice the product of their rows of the row
        # space (minus, in the null space, off the diagonal), for every pair at once
        apart = lengths[:, None] + lengths[None, :] + 2 * (cells.T @ cells)
        tied = {}
        for row, i in enumerate(floor):
            if lengths[row] < 1e-14:  # cannot move
                tied[i] = (i,)
                continue
            same = set(np.flatnonzero(apart[row] < 1e-14).tolist()) | {row}
            tied[i] = tuple(floor[k] for k in sorted(same))
        return tied

    def _column(self, cells: tuple[int, ...]) -> np.ndarray:
        """The column of cells moved together by the same amount."""
        return self.equations[:, list(cells)].sum(axis=1)

    @cached_property
    def _tied_columns(self) -> dict[tuple[int, ...], np.ndarray]:
        """The column of each set of tied cells of 1 (read by every `_rises`)."""
        return {cells: self._column(cells) for cells in dict.fromkeys(self.tied.values())}

    @cached_property
    def _tied_matrix(self) -> np.ndarray:
        """Those columns side by side, in the same order."""
        return np.column_stack([*self._tied_columns.values()]) if self._tied_columns else \
            np.zeros((self.equations.shape[0], 0))

    @cached_property
    def _tied_outside(self) -> np.ndarray:
        """The part of each set's column outside the free cells' column space."""
        return self.outside(self._tied_matrix)

    def outside(self, column: np.ndarray) -> np.ndarray:
        """The part of a column (or of each column of a matrix) outside the free cells'
        column space."""
        return column - self.basis @ (self.basis.T @ column)

    def certificate(self, position: int) -> np.ndarray:
        """Weights y on the equations with y·A = the free cell at `position` alone: the sum a
        member would write down to work it out (meaningful only if it is fixed)."""
        return self.basis @ (self.rows[:, position] / self.sigma)

    def releases(self, position: int, column: np.ndarray) -> bool:
        """Whether cells with this column, allowed to move, free the fixed free cell at
        `position`: they must be movable by the free cells (their column inside the free
        cells' column space) and enter the sum that fixes the cell. The sign of the direction
        is ours to choose, so cells of 1 let move this way only ever have to rise."""
        return (_nil(self.outside(column))
                and abs(self.certificate(position) @ column) > 1e-7)

    def pinned(self, i: int) -> bool:
        if i not in self.tied:
            position = self.free.index(i)
            if self.movement[position] >= 1e-14:  # moves with the cells of 1 held
                return False
            # `releases` for every set of tied cells at once
            movable = np.einsum("ij,ij->j", self._tied_outside, self._tied_outside) < 1e-14
            enters = np.abs(self.certificate(position) @ self._tied_matrix) > 1e-7
            return not bool((movable & enters).any())
        return not self._rises(self.tied[i], self.outside)

    def _rises(self, cells: tuple[int, ...], outside, more: tuple = ()) -> bool:
        """Whether tied cells of 1 can rise, the other cells of 1 held or one more set of them
        let rise too (`more`: columns of further cells of 1 that may), given `outside`, the
        part of a column (or of each column of a matrix) the free cells cannot make up. The
        free cells make up the rest, so the parts outside must cancel with everything moved
        rising: nothing left of ours (alone, or rising by as much as one of `more`), or a set
        of theirs pointing the opposite way."""
        column = self._tied_columns.get(cells)
        column = self._column(cells) if column is None else column
        ours = outside(column)
        if _nil(ours) or any(_nil(outside(column + extra)) for extra in more):
            return True
        others = [j for j, other in enumerate(self._tied_columns) if other != cells]
        theirs = (self._tied_outside if outside == self.outside
                  else outside(self._tied_matrix))[:, others]
        if more:
            theirs = np.column_stack([theirs, outside(np.column_stack(more))])
        return theirs.shape[1] > 0 and _any_opposite(ours, theirs)

    def exposed(self, guarded=small) -> list[int]:
        """Hidden cells of 1 to 5 (those `guarded`) a member could pin, in tie-break order."""
        return [i for i in sorted(self.hidden) if guarded(self.values[i]) and self.pinned(i)]

    def frees(self, target: int, cell: int) -> bool:
        """Whether hiding one more cell would stop `target` being pinned, from this
        decomposition: for a cell of 1 as `pinned` would find it (the new cell widens the
        free cells' reach, or is one more cell of 1 that may rise); for a cell above 1 to
        first order (the new cell must release it; the caller checks again)."""
        column = self.equations[:, cell]
        if target not in self.tied:
            return self.releases(self.free.index(target), column)
        if self.values[cell] == 1:
            return self._rises(self.tied[target], self.outside, more=(column,))
        reach = self.outside(column)
        if _nil(reach):  # the free cells could make it up already
            return False
        reach = reach / np.linalg.norm(reach)

        def outside(v: np.ndarray) -> np.ndarray:
            rest = self.outside(v)
            return rest - np.multiply.outer(reach, reach @ rest)

        return self._rises(self.tied[target], outside)


def _any_opposite(ours: np.ndarray, theirs: np.ndarray) -> bool:
    """Whether any column of `theirs` is a positive multiple of minus `ours` (both rising,
    they cancel); every column at once, each tested as `_nil` tests one."""
    scale = -(ours @ theirs) / (ours @ ours)
    rest = theirs + np.multiply.outer(ours, scale)
    cancel = ((np.einsum("ij,ij->j", theirs, theirs) >= 1e-14) & (scale > 1e-7)
              & (np.einsum("ij,ij->j", rest, rest) < 1e-14))
    return bool(cancel.any())


def _secondary(now: _Hidden, target: int, keys: list) -> list[int]:
    """The cells to hide next to protect `target` (`now`: what the cells hidden so far give
    away), cheapest first (smallest figures; ties go to groups before the council figure,
    the figure everybody reads, then the cells' order): the first shown cell that protects
    it on its own; else the cheapest pair of a cell sharing an equation with it and one more
    (a team in another service area needs its area hidden too); else the smallest shown cell
    sharing an equation with it, or anywhere."""
    equations, values, hidden = now.equations, now.values, now.hidden
    shown = sorted((i for i in range(len(values)) if i not in hidden),
                   key=lambda i: (values[i], keys[i] == OVERALL, i))
    for i in shown:
        if now.frees(target, i):
            return [i]
    touching = equations[equations[:, target] != 0]
    near = [i for i in shown if touching[:, i].any()]
    pairs = []
    for first in near:
        then = _Hidden(equations, values, hidden | {first})
        second = next((i for i in shown if i != first and then.frees(target, i)), None)
        if second is not None:
            pairs.append((values[first] + values[second], first, second))
    if pairs:
        return list(min(pairs)[1:])
    return [(near or shown)[0]] if shown else []


def protect_indicator(unit: str, numerators: dict, denominators: dict | None,
                      layout: Layout) -> frozenset:
    """The cells of one indicator a member must not see: those hidden for its numerators,
    and for a percentage or average also those hidden for its denominators. A rate's
    denominator is the published 0-17 population, so only its numerators are protected."""
    hidden = protect(numerators, layout)
    if unit in ("%", "score") and denominators is not None:
        hidden |= protect(denominators, layout)
    return hidden


NOT_COMPARED = "Not compared: this figure is not shown, to protect children's identities"


def hide(row: dict) -> dict:
    """A row as a member sees it when its cell is hidden: numerator, denominator and value c,
    no status, no direction of travel (the comparison saying why), and the note saying why."""
    row.update(numerator=SUPPRESSED, value=SUPPRESSED, suppressed=True, rag=None,
               rag_label="Not shown", direction=None)
    if "comparison" in row:
        row["comparison"] = {**row["comparison"], "reason": NOT_COMPARED}
    if row.get("denominator") is not None:
        row["denominator"] = SUPPRESSED
    row["note"] = "; ".join(n for n in (row.get("note"), NOTE) if n)
    return row


def count_text(n: int, suppress: bool) -> str:
    """A count written in a note: c for a member where it is 1 to 5."""
    return SUPPRESSED if suppress and small(n) else str(n)


def suppress(rows: list[dict], breakdown: bool) -> list[dict]:
    """One table on its own (rows of one or more indicators; in a breakdown, the groups of each
    indicator adding up to a shown total), with no hidden figure at all to be worked out from
    its total. Member-facing figures come from the engine's linked protection
    (`engine.compute_linked`), which protects every table a member sees together; this is for
    a table with nothing else published beside it."""
    out = [dict(r) for r in rows]
    by_indicator: dict[str, list[dict]] = {}
    for row in out:
        by_indicator.setdefault(row["id"], []).append(row)
    for group in by_indicator.values():
        for cell in _table_pattern(group, breakdown):
            hide(group[cell[1]])
    for row in out:
        row.setdefault("suppressed", False)
    return out


def _table_pattern(group: list[dict], breakdown: bool) -> frozenset:
    """The rows of one indicator's table to hide, as cells ("table", position). A row hidden
    for one quantity hides the other too, so the quantities are protected again with each
    other's rows hidden until neither adds any."""
    quantities = ["numerator"] if group[0]["unit"] in ("count", "rate") else \
        ["numerator", "denominator"]
    vectors = [{("table", i): r[q] for i, r in enumerate(group)} for q in quantities]
    if not breakdown:  # single figures: nothing adds up to anything
        return frozenset(c for v in vectors for c, x in v.items() if small(x))
    layout, hidden = Layout(("table",)), frozenset()
    while True:
        more = frozenset().union(*(protect(v, layout, hidden, strict=True) for v in vectors))
        if more <= hidden:
            return hidden
        hidden |= more
