-- Whole years of age on a date. A child born on 29 February has a birthday on 1 March in a
-- year without one (England and Wales law), which comparing month-day text gives for free.
CREATE OR REPLACE MACRO age_on(dob, on_date) AS
    date_diff('year', dob, on_date)
    - CASE WHEN strftime(on_date, '%m%d') < strftime(dob, '%m%d') THEN 1 ELSE 0 END;

-- The start of the 12-month window W ending on a period end: the same date one year earlier
-- plus one day (29 February one year back is 28 February: DuckDB's interval arithmetic clamps
-- the day).
CREATE OR REPLACE MACRO window_start(period_end) AS
    (period_end - INTERVAL 1 YEAR)::DATE + 1;

-- 1 April starting the collection year a date falls in (schemas.codes.collection_year): the
-- first day an extract for a period end in that year holds events from.
CREATE OR REPLACE MACRO collection_year_start(day) AS
    make_date(CASE WHEN month(day) >= 4 THEN year(day) ELSE year(day) - 1 END, 4, 1);
