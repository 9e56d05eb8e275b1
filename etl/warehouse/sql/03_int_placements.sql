-- Placements (indicators.md): a child's run of episodes from a placement start up to the
-- episode before the next placement start or the end of the period of care. Temporary
-- placements (T0-T4) and returns from them to the same place belong to the placement around
-- them; legal-status-only (L) and same-carer (T, U) changes never start one.
CREATE OR REPLACE TABLE int_placements AS
SELECT la_code, period_end, child, period_of_care_seq, placement_seq,
       min(decom) AS start_date,
       arg_max_null(dec, decom) AS end_date,
       arg_min(place, decom) AS place,
       arg_min_null(place_provider, decom) AS place_provider,
       arg_min_null(pl_post, decom) AS pl_post,
       arg_min_null(urn, decom) AS urn,
       bool_or(start_unknown) AS start_unknown,
       count(*) AS episodes
FROM int_episodes
WHERE NOT short_break AND placement_seq IS NOT NULL
GROUP BY ALL
ORDER BY la_code, period_end, child, period_of_care_seq, placement_seq;
