-- The loaded periods and their 12-month windows W: from the same date one year before P,
-- plus one day, to P (29 February one year back is 28 February: DuckDB clamps the day).
--
-- An extract holds the events (reviews, missing incidents, social worker episodes) of its
-- collection year only: from 1 April to its period end. events_from is the date from which
-- the extracts loaded for P and before it cover events without a gap up to P; the window is
-- complete when that reaches back to W's start (indicators.md, "In-year periods").
CREATE OR REPLACE TABLE int_periods AS
WITH loaded AS (
    SELECT la_code, period_end, window_start(period_end) AS window_start,
           collection_year_start(period_end) AS collection_year_start
    FROM load_log WHERE status = 'active'
),
-- what each extract up to P covers, in order; a stretch that begins after every stretch
-- before it has ended (the day after) leaves a gap before it
covered AS (
    SELECT p.la_code, p.period_end, q.collection_year_start AS covers_from,
           q.collection_year_start > max(q.period_end) OVER (
               PARTITION BY p.la_code, p.period_end
               ORDER BY q.collection_year_start, q.period_end
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + 1 AS after_gap
    FROM loaded p JOIN loaded q ON q.la_code = p.la_code AND q.period_end <= p.period_end
),
-- P's own extract ends last, so the last stretch after a gap (or the first) runs up to P
events AS (
    SELECT la_code, period_end, max(covers_from) AS events_from
    FROM covered WHERE after_gap IS NOT false
    GROUP BY ALL
)
SELECT l.la_code, l.period_end, l.window_start, l.collection_year_start, e.events_from,
       e.events_from <= l.window_start AS window_complete
FROM loaded l JOIN events e USING (la_code, period_end);

-- Children looked after during W: a non-short-break episode overlapping W
-- (DECOM <= P and DEC blank or after the window's start).
CREATE OR REPLACE TABLE int_looked_after_during_window AS
SELECT DISTINCT e.la_code, e.period_end, e.child
FROM int_episodes e JOIN int_periods w USING (la_code, period_end)
WHERE NOT e.short_break AND e.decom <= e.period_end
  AND (e.dec IS NULL OR e.dec > w.window_start);

-- Children leaving care in W: a non-short-break episode with DEC in W and REC other than X1
-- (or not known, with no episode following on: int_episodes.leaves_care); the last such
-- leaving for a child who left more than once.
CREATE OR REPLACE TABLE int_leaving_care AS
SELECT e.la_code, e.period_end, e.child, e.dec AS left_care, e.rec, e.place, h.dob
FROM int_episodes e
JOIN int_periods w USING (la_code, period_end)
LEFT JOIN (SELECT la_code, period_end, child, any_value(dob) AS dob FROM int_header GROUP BY ALL)
     h USING (la_code, period_end, child)
WHERE NOT e.short_break AND e.leaves_care
  AND e.dec BETWEEN w.window_start AND e.period_end
QUALIFY row_number() OVER (PARTITION BY e.la_code, e.period_end, e.child
                           ORDER BY e.dec DESC, e.decom DESC) = 1;
