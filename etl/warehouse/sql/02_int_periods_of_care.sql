-- Periods of care (indicators.md): a child's run of episodes from one with RNE = S up to and
-- including the first later episode that ends with REC other than X1. End is blank while the
-- period is open. has_short_break: a short-break episode of the child overlaps the period.
CREATE OR REPLACE TABLE int_periods_of_care AS
WITH periods AS (
    SELECT la_code, period_end, child, period_of_care_seq,
           min(decom) AS start_date,
           arg_max_null(dec, decom) AS end_date,
           arg_max_null(rec, decom) AS last_rec,
           bool_or(start_unknown) AS start_unknown,
           count(*) AS episodes
    FROM int_episodes WHERE NOT short_break
    GROUP BY ALL
)
SELECT p.*,
       EXISTS (SELECT 1 FROM int_episodes s
               WHERE s.short_break AND s.la_code = p.la_code AND s.period_end = p.period_end
                 AND s.child = p.child AND s.decom < coalesce(p.end_date, DATE '9999-12-31')
                 AND coalesce(s.dec, DATE '9999-12-31') > p.start_date) AS has_short_break
FROM periods p
ORDER BY la_code, period_end, child, period_of_care_seq;
