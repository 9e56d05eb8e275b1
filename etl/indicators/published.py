"""The figures of the published warehouse, worked out once at load time: a published warehouse
never changes, so what every page view would otherwise work out from `ind_units` is stored
beside it, in the same atomic build (etl/load.py, after `units.rebuild`).

- `ind_figures`: per LA, period end, breakdown (NULL: the council figure), group and
  indicator, the units and the sums of numerators and denominators, with each group's place
  in reading order (`position`): what `engine._aggregate` answers.
- `ind_start_unknown`: per LA, period end and indicator, the children whose start is only
  known to be no later than their earliest loaded episode (`engine._start_unknown`).
- `ind_hidden`: the linked disclosure control of each LA, period end and indicator, the
  cells a member must not see: (breakdown, group), with breakdown and group NULL for the
  council figure (`disclosure.OVERALL`). It is decided from the figures, the tables loaded
  and the service areas over their teams, never from the LA configuration (targets,
  benchmarks, population), so it holds whatever the configuration says at request time.
- `ind_published`: per LA and period end, which code stored them (`engine.published_version`)
  and a digest of what the protection was decided from. The engine reads the stored rows
  only for a period this same code stored, and a load keeps the decision of a period whose
  figures it did not change rather than decide it again.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.indicators import engine

TABLES = ("ind_figures", "ind_start_unknown", "ind_hidden", "ind_published")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Store the figures and the protection of every loaded period (needs `ind_units` and
    the derived layer built first)."""
    store(con, prepare(con).decide())


@dataclass
class Pending:
    """The stored figures built, and what each period's protection is decided from, read
    into memory: `decide` needs no warehouse, so a load decides while the data-quality
    suite reads the committed warehouse (etl/load.py)."""

    periods: list[tuple]  # (la_code, period_end, sums, loaded, layout, inputs, kept cells)

    def decide(self) -> "Decided":
        hidden, published = [], []
        version = engine.published_version()
        for la_code, period_end, sums, loaded, layout, inputs, cells in self.periods:
            if cells is None:
                decided = engine.protection(sums, loaded, layout)
                cells = [(i, b, g) for i, hide in decided.items()
                         for b, g in sorted(hide, key=str)]
            hidden += [(la_code, period_end, i, b, g) for i, b, g in cells]
            published.append((la_code, period_end, version, inputs))
        return Decided(hidden, published)


@dataclass
class Decided:
    hidden: list[tuple]  # ind_hidden rows
    published: list[tuple]  # ind_published rows


def prepare(con: duckdb.DuckDBPyConnection) -> Pending:
    """Build `ind_figures` and `ind_start_unknown`, and read what the protection of every
    loaded period is decided from (and the decisions kept, where nothing it is decided from
    has changed)."""
    kept = _decisions_kept(con)  # read before the tables are replaced
    con.execute(_FIGURES_SQL, [list(engine.AGE_BANDS)])
    con.execute(_START_UNKNOWN_SQL)
    periods = []
    for (la_code, period_end), sums in _member_sums(con).items():
        loaded = engine.sources_loaded(con, la_code, period_end)
        layout = engine.layout(con, la_code, period_end)
        inputs = _digest(sums, loaded, layout)
        periods.append((la_code, period_end, sums, loaded, layout, inputs,
                        kept.get((la_code, period_end, inputs))))
    return Pending(periods)


def store(con: duckdb.DuckDBPyConnection, decided: Decided) -> None:
    """Write the decided protection (replacing `ind_hidden` and `ind_published`)."""
    _store(con, "ind_hidden", decided.hidden, ["la_code", "period_end", "indicator_id",
                                               "breakdown", "grp"])
    _store(con, "ind_published", decided.published, ["la_code", "period_end", "version",
                                                     "inputs"])


# One row per group of every breakdown over the units joined to the children's attributes,
# and the council figure over every unit (a unit whose child has no attributes counts there
# only, as in engine._aggregate). Groups in reading order: age bands in their own order,
# "Not known" last, else alphabetical.
_FIGURES_SQL = f"""
    CREATE OR REPLACE TABLE ind_figures AS
    WITH joined AS (
        SELECT u.la_code, u.period_end, u.indicator_id, u.numerator, u.denominator,
               {", ".join(f"a.{b}" for b in engine.BREAKDOWNS)}
        FROM ind_units u JOIN int_child_attributes a USING (la_code, period_end, child)
    ),
    cells AS (
        SELECT la_code, period_end, NULL::VARCHAR AS breakdown, NULL::VARCHAR AS grp,
               indicator_id, numerator, denominator FROM ind_units
        {"".join(f'''
        UNION ALL
        SELECT la_code, period_end, '{b}', {b}, indicator_id, numerator, denominator
        FROM joined''' for b in engine.BREAKDOWNS)}
    ),
    sums AS (
        SELECT la_code, period_end, breakdown, grp, indicator_id, count(*) AS units,
               sum(numerator) AS numerator, sum(denominator) AS denominator
        FROM cells GROUP BY la_code, period_end, breakdown, grp, indicator_id
    )
    SELECT *, row_number() OVER (
        PARTITION BY la_code, period_end, breakdown, indicator_id
        ORDER BY grp = 'Not known', list_position($1, grp) NULLS LAST, grp) AS position
    FROM sums
    ORDER BY la_code, period_end, breakdown NULLS FIRST, indicator_id, position
"""

# engine._start_unknown for every loaded period at once: per indicator (every indicator with
# units anywhere), the children with such a start that it counts and are not looked after at
# the period end, plus every such child looked after at the period end.
_START_UNKNOWN_SQL = """
    CREATE OR REPLACE TABLE ind_start_unknown AS
    WITH unknown AS (
        SELECT DISTINCT la_code, period_end, child FROM int_episodes WHERE start_unknown
    ),
    looked_after AS (
        SELECT la_code, period_end, child FROM int_cla_at_period_end
        SEMI JOIN unknown USING (la_code, period_end, child)
    ),
    counted AS (
        SELECT la_code, period_end, indicator_id, count(DISTINCT child) AS n
        FROM ind_units
        SEMI JOIN unknown USING (la_code, period_end, child)
        ANTI JOIN looked_after USING (la_code, period_end, child)
        GROUP BY ALL
    ),
    looked_after_n AS (
        SELECT la_code, period_end, count(*) AS n FROM looked_after GROUP BY ALL
    )
    SELECT p.la_code, p.period_end, i.indicator_id,
           coalesce(c.n, 0) + coalesce(l.n, 0) AS children
    FROM (SELECT DISTINCT la_code, period_end FROM int_periods) p
    CROSS JOIN (SELECT DISTINCT indicator_id FROM ind_units) i
    LEFT JOIN counted c USING (la_code, period_end, indicator_id)
    LEFT JOIN looked_after_n l USING (la_code, period_end)
"""


def _member_sums(con) -> dict[tuple, dict]:
    """Per loaded (LA, period end), the stored sums of the council figure and of every member
    breakdown, as engine.protection takes them."""
    out: dict = {}
    for la_code, period_end in con.execute(
            "SELECT DISTINCT la_code, period_end FROM int_periods ORDER BY 1, 2").fetchall():
        out[(la_code, period_end)] = {b: [] for b in (None, *engine.MEMBER_BREAKDOWNS)}
    rows = con.execute(
        "SELECT la_code, period_end, breakdown, indicator_id, grp, units, numerator, "
        "denominator FROM ind_figures WHERE breakdown IS NULL OR list_contains(?, breakdown) "
        "ORDER BY la_code, period_end, breakdown NULLS FIRST, indicator_id, position",
        [list(engine.MEMBER_BREAKDOWNS)]).fetchall()
    for la_code, period_end, breakdown, *sums in rows:
        if (la_code, period_end) in out:
            out[(la_code, period_end)][breakdown].append(tuple(sums))
    return out


def _digest(sums: dict, loaded: set[str], layout) -> str:
    """What a period's protection is decided from, as a digest: equal digests, equal
    decisions (by the same code)."""
    nests = [(n.parent, n.child, sorted(n.parents, key=str), sorted(n.children, key=str))
             for n in layout.nests]  # sets print in an order that changes between processes
    text = repr((list(sums.items()), sorted(loaded), layout.breakdowns, nests))
    return hashlib.sha256(text.encode()).hexdigest()


def _decisions_kept(con) -> dict[tuple, list[tuple]]:
    """The decisions the warehouse being built already holds (it starts as a copy of the
    published one), by (LA, period end, digest of their inputs), where this code made them."""
    # asked first: a failed query would abort the load's transaction
    held = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE "
                                      "table_name IN ('ind_published', 'ind_hidden')").fetchall()}
    if held != {"ind_published", "ind_hidden"}:
        return {}
    rows = con.execute(
        "SELECT p.la_code, p.period_end, p.inputs, h.indicator_id, h.breakdown, h.grp "
        "FROM ind_published p LEFT JOIN ind_hidden h USING (la_code, period_end) "
        "WHERE p.version = ?", [engine.published_version()]).fetchall()
    kept: dict = defaultdict(list)
    for la_code, period_end, inputs, indicator_id, breakdown, grp in rows:
        cells = kept[(la_code, period_end, inputs)]
        if indicator_id is not None:  # a period with nothing hidden has no ind_hidden row
            cells.append((indicator_id, breakdown, grp))
    return dict(kept)


def _store(con, table: str, rows: list[tuple], columns: list[str]) -> None:
    """Replace a table of text columns and a period end with these rows."""
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    con.register("incoming_published", frame)
    try:
        casts = ", ".join(f"CAST({c} AS DATE) AS {c}" if c == "period_end" else
                          f"CAST({c} AS VARCHAR) AS {c}" for c in columns)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {casts} FROM incoming_published")
    finally:
        con.unregister("incoming_published")
