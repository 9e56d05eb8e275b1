-- Each loaded period's episode history (indicators.md, "Episode history"), marked up with its
-- periods of care and placements.
--
-- An annual 903 holds only the episodes open during its year, so for period end P the
-- extract loaded for P is taken whole, and earlier extracts of the same LA fill in a child's
-- episodes that end on or before the DECOM of that child's earliest episode in P's extract
-- (the latest earlier extract wins when several hold the same episode). A child with no
-- episode in P's extract takes its episodes from the latest earlier extract that holds it
-- (filled in the same way from the extracts before that one): for an in-year P such a child
-- may have started or left care in W before P's collection year. Only children whose
-- borrowed history reaches into W are taken: the others are in no figure for P.
CREATE OR REPLACE TABLE int_episodes AS
WITH loaded AS (
    SELECT la_code, period_end, window_start(period_end) AS window_start
    FROM load_log WHERE status = 'active'
),
-- how far each extract's episodes of a child reach (an open episode: for ever)
reach AS (
    SELECT la_code, period_end, child, max(coalesce(dec, DATE '9999-12-31')) AS last_end
    FROM stg_episodes GROUP BY ALL
),
-- the extract each child's history for P is taken from: P's own where it holds the child,
-- else the latest earlier one that does
authority AS (
    SELECT p.la_code, p.period_end, r.child, r.period_end AS source_period_end
    FROM loaded p
    JOIN reach r ON r.la_code = p.la_code AND r.period_end <= p.period_end
    QUALIFY row_number() OVER (PARTITION BY p.la_code, p.period_end, r.child
                               ORDER BY r.period_end DESC) = 1
        AND (r.period_end = p.period_end OR r.last_end > p.window_start)
),
-- An episode left open while a later one of the same child began (DfE rule 142, reported at
-- load) ends where the next begins.
own AS (
    SELECT a.la_code, a.period_end, a.source_period_end, e.row_number AS source_row,
           e.child, e.decom, e.rne, e.ls, e.cin, e.place, e.place_provider,
           coalesce(e.dec, lead(e.decom) OVER (PARTITION BY a.la_code, a.period_end, e.child
                                               ORDER BY e.decom)) AS dec,
           e.rec, e.reason_place_change, e.home_post, e.pl_post, e.urn
    FROM authority a
    JOIN stg_episodes e ON e.la_code = a.la_code AND e.period_end = a.source_period_end
                       AND e.child = a.child
),
earliest AS (
    SELECT la_code, period_end, child, any_value(source_period_end) AS source_period_end,
           min(decom) AS first_decom
    FROM own GROUP BY la_code, period_end, child
),
filled AS (
    SELECT x.la_code, x.period_end, e.period_end AS source_period_end, e.row_number,
           e.child, e.decom, e.rne, e.ls, e.cin, e.place, e.place_provider, e.dec, e.rec,
           e.reason_place_change, e.home_post, e.pl_post, e.urn
    FROM earliest x
    JOIN stg_episodes e
      ON e.la_code = x.la_code AND e.child = x.child AND e.period_end < x.source_period_end
     AND e.dec IS NOT NULL AND e.dec <= x.first_decom
    QUALIFY row_number() OVER (PARTITION BY x.la_code, x.period_end, e.child, e.decom
                               ORDER BY e.period_end DESC) = 1
),
-- A value blanked at validation is not known (NULL): an episode whose legal status is not
-- known is not taken for a short break, one whose placement type is not known not for a
-- temporary placement, so the child still counts as looked after.
history AS (
    SELECT *, coalesce(ls IN ('V3', 'V4'), false) AS short_break,
           coalesce(place IN ('T0', 'T1', 'T2', 'T3', 'T4'), false) AS temporary_placement
    FROM (SELECT * FROM own UNION ALL SELECT * FROM filled)
),
-- Periods of care are built from episodes that are not short breaks (DfE leaves short breaks
-- out of looked-after counts); a short break only marks the period it falls in.
care AS (
    SELECT *,
           row_number() OVER w AS history_seq,
           lag(rec) OVER w AS previous_rec,
           lag(dec) OVER w AS previous_dec,
           lead(decom) OVER w AS next_decom
    FROM history WHERE NOT short_break
    WINDOW w AS (PARTITION BY la_code, period_end, child ORDER BY decom)
),
periods AS (
    SELECT *,
           -- A period of care starts with RNE S, with the first episode known, or after an
           -- episode that ended with anything but X1 (the child left care); where that
           -- reason is not known, after a gap between the episodes.
           sum(CASE WHEN rne = 'S' OR history_seq = 1 OR previous_rec <> 'X1'
                         OR (previous_rec IS NULL AND decom > previous_dec) THEN 1 ELSE 0 END)
               OVER (PARTITION BY la_code, period_end, child ORDER BY decom
                     ROWS UNBOUNDED PRECEDING)::INTEGER AS period_of_care_seq
    FROM care
),
placement_marks AS (
    SELECT *,
           row_number() OVER p AS period_seq,
           lag(temporary_placement) OVER p AS after_temporary,
           -- where the child was before a run of temporary placements, to spot a return to it
           last_value(CASE WHEN NOT temporary_placement
                           THEN {'place': place, 'post': replace(pl_post, ' ', ''), 'urn': urn}
                      END IGNORE NULLS)
               OVER (p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_temporary
    FROM periods
    WINDOW p AS (PARTITION BY la_code, period_end, child, period_of_care_seq ORDER BY decom)
),
starts AS (
    SELECT *,
           -- a new carer (an episode whose RNE is not known is not taken for one)
           NOT temporary_placement
           AND coalesce(rne IN ('S', 'P', 'B') OR period_seq = 1, false)
           AND NOT coalesce(after_temporary AND before_temporary IS NOT DISTINCT FROM
                   {'place': place, 'post': replace(pl_post, ' ', ''), 'urn': urn}, false)
               AS placement_start,
           -- the child left care at DEC: REC other than X1 or, where REC is not known, no
           -- episode starts on DEC
           dec IS NOT NULL AND coalesce(rec <> 'X1', next_decom IS NULL OR next_decom > dec)
               AS leaves_care
    FROM placement_marks
)
SELECT la_code, period_end, child, source_period_end, source_row, decom, dec, rne, ls, cin,
       place, place_provider, rec, reason_place_change, home_post, pl_post, urn,
       short_break, temporary_placement, history_seq, period_of_care_seq, period_seq,
       placement_start, leaves_care,
       nullif(sum(placement_start::INTEGER) OVER (
           PARTITION BY la_code, period_end, child, period_of_care_seq ORDER BY decom
           ROWS UNBOUNDED PRECEDING), 0)::INTEGER AS placement_seq,
       -- the first episode of a history that does not start with S: the start of its period
       -- of care and placement is only known to be no later than its DECOM
       history_seq = 1 AND rne <> 'S' AS start_unknown
FROM starts
UNION ALL BY NAME
SELECT la_code, period_end, child, source_period_end, source_row, decom, dec, rne, ls, cin,
       place, place_provider, rec, reason_place_change, home_post, pl_post, urn,
       short_break, temporary_placement, false AS start_unknown,
       dec IS NOT NULL AND rec IS DISTINCT FROM 'X1' AS leaves_care
FROM history WHERE short_break
ORDER BY la_code, period_end, child, decom;

-- Each child's Header row for each loaded period: P's own, and for a child whose history
-- comes from an earlier extract (and who has no Header row in P's), that extract's.
CREATE OR REPLACE TABLE int_header AS
WITH borrowed AS (
    SELECT la_code, period_end, child, max(source_period_end) AS source_period_end
    FROM int_episodes GROUP BY la_code, period_end, child
    HAVING max(source_period_end) < period_end
)
SELECT la_code, period_end, period_end AS source_period_end,
       * EXCLUDE (la_code, period_end, load_id, row_number)
FROM stg_header
UNION ALL BY NAME
SELECT b.la_code, b.period_end, b.source_period_end,
       h.* EXCLUDE (la_code, period_end, load_id, row_number)
FROM borrowed b
JOIN stg_header h ON h.la_code = b.la_code AND h.period_end = b.source_period_end
                 AND h.child = b.child
WHERE NOT EXISTS (SELECT 1 FROM stg_header o WHERE o.la_code = b.la_code
                  AND o.period_end = b.period_end AND o.child = b.child);
