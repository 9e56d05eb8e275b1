-- Children looked after at each period end P: a non-short-break episode open at P
-- (DECOM <= P and DEC blank or after P), with the episode, its period of care and placement
-- and the child's Header details (int_header: from P's extract, or for a child whose history
-- comes from an earlier extract, from that one).
CREATE OR REPLACE TABLE int_cla_at_period_end AS
SELECT e.la_code, e.period_end, e.child,
       h.sex, h.dob, h.ethnic,
       e.decom AS episode_start, e.ls, e.cin, e.place, e.place_provider, e.home_post,
       e.pl_post, e.urn, e.period_of_care_seq, e.placement_seq,
       poc.start_date AS period_of_care_start, poc.start_unknown AS period_of_care_start_unknown,
       poc.has_short_break,
       pl.start_date AS placement_start, pl.start_unknown AS placement_start_unknown
FROM int_episodes e
JOIN int_periods_of_care poc USING (la_code, period_end, child, period_of_care_seq)
LEFT JOIN int_placements pl USING (la_code, period_end, child, period_of_care_seq, placement_seq)
LEFT JOIN int_header h USING (la_code, period_end, child)
WHERE NOT e.short_break AND e.decom <= e.period_end
  AND (e.dec IS NULL OR e.dec > e.period_end)
QUALIFY row_number() OVER (PARTITION BY e.la_code, e.period_end, e.child ORDER BY e.decom DESC) = 1;
