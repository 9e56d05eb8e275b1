-- The OC2 cohort (indicators.md): CLA at P whose current period of care started on or before
-- the same date one year before P, with no short-break episode in that period of care.
-- (29 February one year back is 28 February: DuckDB's interval arithmetic clamps the day.)
CREATE OR REPLACE TABLE int_cohort_oc2 AS
SELECT c.la_code, c.period_end, c.child, c.sex, c.dob, c.ethnic,
       o.sdq_score, o.sdq_reason, o.convicted, o.health_check, o.immunisations,
       o.teeth_check, o.health_assessment, o.substance_misuse, o.intervention_received,
       o.intervention_offered, o.child IS NOT NULL AS has_oc2_row
FROM int_cla_at_period_end c
LEFT JOIN stg_oc2 o USING (la_code, period_end, child)
WHERE c.period_of_care_start <= (c.period_end - INTERVAL 1 YEAR)::DATE
  AND NOT c.has_short_break;

-- The OC3 cohort: OC3 rows for care leavers aged 17 to 21 at P (their 17th to 21st birthday
-- falls in the 12 months ending P), banded 17_18 and 19_21 by age at P.
CREATE OR REPLACE TABLE int_cohort_oc3 AS
SELECT la_code, period_end, child, dob, in_touch, activ, accom, age_at_period_end,
       CASE WHEN age_at_period_end <= 18 THEN '17_18' ELSE '19_21' END AS age_band
FROM (SELECT *, age_on(dob, period_end) AS age_at_period_end FROM stg_oc3)
WHERE age_at_period_end BETWEEN 17 AND 21;
