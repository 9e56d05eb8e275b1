-- Whole years of age on a date. A child born on 29 February has a birthday on 1 March in a
-- year without one (England and Wales law), which comparing month-day text gives for free.
CREATE OR REPLACE MACRO age_on(dob, on_date) AS
    date_diff('year', dob, on_date)
    - CASE WHEN strftime(on_date, '%m%d') < strftime(dob, '%m%d') THEN 1 ELSE 0 END;
