-- Each child's social worker at P (the social worker episode open at P, latest start wins)
-- and that worker's team and service area from P's staff-to-team extract. A worker with no
-- team row, or a blank team, is in the "Unallocated team", not dropped.
CREATE OR REPLACE TABLE int_social_worker_at_period_end AS
SELECT s.la_code, s.period_end, s.child, s.sw_id,
       coalesce(t.team, 'Unallocated team') AS team,
       coalesce(t.service_area, 'Unallocated service area') AS service_area
FROM stg_sw_episodes s
LEFT JOIN stg_staff_teams t USING (la_code, period_end, sw_id)
WHERE s.sw_decom <= s.period_end AND (s.sw_dec IS NULL OR s.sw_dec > s.period_end)
QUALIFY row_number() OVER (PARTITION BY s.la_code, s.period_end, s.child
                           ORDER BY s.sw_decom DESC, s.sw_id) = 1;
