-- The loaded periods and their 12-month windows W: from the same date one year before P,
-- plus one day, to P (29 February one year back is 28 February: DuckDB clamps the day).
CREATE OR REPLACE TABLE int_periods AS
SELECT la_code, period_end,
       ((period_end - INTERVAL 1 YEAR)::DATE + 1) AS window_start
FROM load_log WHERE status = 'active';

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
LEFT JOIN (SELECT la_code, period_end, child, any_value(dob) AS dob FROM stg_header GROUP BY ALL)
     h USING (la_code, period_end, child)
WHERE NOT e.short_break AND e.leaves_care
  AND e.dec BETWEEN w.window_start AND e.period_end
QUALIFY row_number() OVER (PARTITION BY e.la_code, e.period_end, e.child
                           ORDER BY e.dec DESC, e.decom DESC) = 1;
