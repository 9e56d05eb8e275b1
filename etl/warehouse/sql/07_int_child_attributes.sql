-- Every child in each period's episode history or Header rows (int_episodes, int_header) with
-- what breakdowns group by, as at P: age band, sex, ethnic group, UASC, and from the child's
-- latest non-short-break episode on or before P (the one open at P for children looked after)
-- legal status, placement type and provider; social worker, team and service area from the
-- social worker open at P.
CREATE OR REPLACE TABLE int_child_attributes AS
WITH latest_episode AS (
    SELECT la_code, period_end, child, ls, place, place_provider
    FROM int_episodes
    WHERE NOT short_break AND decom <= period_end
    QUALIFY row_number() OVER (PARTITION BY la_code, period_end, child ORDER BY decom DESC) = 1
),
uasc AS (
    SELECT DISTINCT la_code, period_end, child FROM stg_uasc
    WHERE duc IS NULL OR duc > period_end
),
-- Every child in the extract: a child whose Header row was quarantined still counts, with
-- what is not known about them shown as such rather than dropped from the figures.
children AS (
    SELECT la_code, period_end, child, any_value(h.sex) AS sex, any_value(h.dob) AS dob,
           any_value(h.ethnic) AS ethnic
    FROM (SELECT DISTINCT la_code, period_end, child FROM int_episodes
          UNION SELECT la_code, period_end, child FROM int_header) c
    LEFT JOIN int_header h USING (la_code, period_end, child)
    GROUP BY ALL
),
aged AS (SELECT *, age_on(dob, period_end) AS age FROM children)
SELECT a.la_code, a.period_end, a.child, a.dob, a.age AS age_at_period_end,
       CASE WHEN a.age IS NULL THEN 'Not known' WHEN a.age < 1 THEN 'Under 1'
            WHEN a.age <= 4 THEN '1 to 4' WHEN a.age <= 9 THEN '5 to 9'
            WHEN a.age <= 15 THEN '10 to 15' ELSE '16 and over' END AS age_band,
       coalesce(sex.code_group, 'Not known') AS sex,
       coalesce(eth.code_group, 'Not known') AS ethnic_group,
       CASE WHEN u.child IS NULL THEN 'Not UASC' ELSE 'UASC' END AS uasc,
       u.child IS NOT NULL AS is_uasc,
       coalesce(ls.code_group, 'Not known') AS legal_status_group,
       coalesce(pt.code_group, 'Not known') AS placement_type_group,
       coalesce(pr.code_group, 'No provider (temporary or not known)') AS provider,
       coalesce(sw.sw_id, 'No social worker') AS social_worker,
       coalesce(sw.team, 'Unallocated team') AS team,
       coalesce(sw.service_area, 'Unallocated service area') AS service_area,
       c.child IS NOT NULL AS looked_after_at_period_end
FROM aged a
LEFT JOIN latest_episode e USING (la_code, period_end, child)
LEFT JOIN uasc u USING (la_code, period_end, child)
LEFT JOIN int_social_worker_at_period_end sw USING (la_code, period_end, child)
LEFT JOIN int_cla_at_period_end c USING (la_code, period_end, child)
LEFT JOIN ref_code_groups sex ON sex.dimension = 'sex' AND sex.code = a.sex
LEFT JOIN ref_code_groups eth ON eth.dimension = 'ethnic_group' AND eth.code = a.ethnic
LEFT JOIN ref_code_groups ls ON ls.dimension = 'legal_status_group' AND ls.code = e.ls
LEFT JOIN ref_code_groups pt ON pt.dimension = 'placement_type_group' AND pt.code = e.place
LEFT JOIN ref_code_groups pr ON pr.dimension = 'provider' AND pr.code = e.place_provider;
