-- The events of each loaded period P (indicators.md, "In-year periods: the window is always
-- twelve months"): reviews, missing incidents and social worker episodes.
--
-- An extract holds only the events of its own collection year, from 1 April to its period end,
-- while W reaches back twelve months. So the events of P are P's extract's own, plus from
-- earlier extracts of the same LA the reviews and missing incidents dated in W before P's
-- collection year began, and the social worker episodes current at any time in that part of W.
-- For a 31 March P, W is its collection year and nothing is added. The same event in two
-- extracts (same child and REVIEW; same child and MIS_START; same child, SW_ID and SW_DECOM)
-- is taken from the later one. source_period_end says which extract each row came from.
CREATE OR REPLACE TABLE int_reviews AS
SELECT w.la_code, w.period_end, r.period_end AS source_period_end,
       r.* EXCLUDE (la_code, period_end, load_id)
FROM int_periods w
JOIN stg_reviews r ON r.la_code = w.la_code AND r.period_end <= w.period_end
WHERE r.period_end = w.period_end
   OR (r.review >= w.window_start AND r.review < w.collection_year_start)
QUALIFY r.period_end = max(r.period_end) OVER (PARTITION BY w.la_code, w.period_end, r.child,
                                                            r.review);

CREATE OR REPLACE TABLE int_missing AS
SELECT w.la_code, w.period_end, m.period_end AS source_period_end,
       m.* EXCLUDE (la_code, period_end, load_id)
FROM int_periods w
JOIN stg_missing m ON m.la_code = w.la_code AND m.period_end <= w.period_end
WHERE m.period_end = w.period_end
   OR (m.mis_start >= w.window_start AND m.mis_start < w.collection_year_start)
QUALIFY m.period_end = max(m.period_end) OVER (PARTITION BY w.la_code, w.period_end, m.child,
                                                            m.mis_start);

-- A social worker episode covers [SW_DECOM, SW_DEC), like an episode of care. The later
-- extract's copy of an episode is the one judged (it may have closed it), so the part of W
-- is checked after choosing it.
CREATE OR REPLACE TABLE int_sw_episodes AS
WITH chosen AS (
    SELECT w.la_code, w.period_end, w.window_start, s.period_end AS source_period_end,
           s.* EXCLUDE (la_code, period_end, load_id)
    FROM int_periods w
    JOIN stg_sw_episodes s ON s.la_code = w.la_code AND s.period_end <= w.period_end
    WHERE s.period_end = w.period_end
       OR (s.sw_decom < w.collection_year_start AND w.window_start < w.collection_year_start)
    QUALIFY s.period_end = max(s.period_end) OVER (
        PARTITION BY w.la_code, w.period_end, s.child, s.sw_id, s.sw_decom)
)
SELECT * EXCLUDE (window_start) FROM chosen
WHERE source_period_end = period_end OR sw_dec IS NULL OR sw_dec > window_start;
