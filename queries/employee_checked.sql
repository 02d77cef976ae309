-- In-scope employee rows with the first data-quality reason that applies (NULL = valid).
CREATE OR REPLACE TEMP VIEW employee_checked AS
SELECT
    e.*,
    CASE
        WHEN e.response_id IS NULL OR e.site_id IS NULL THEN 'null_key'
        WHEN e.responded_at_missing THEN 'null_timestamp'
        WHEN s.site_id IS NULL THEN 'unknown_site'
        WHEN e.e01 NOT BETWEEN 1 AND 5 OR e.e02 NOT BETWEEN 1 AND 5 OR e.e03 NOT BETWEEN 1 AND 5
          OR e.e04 NOT BETWEEN 1 AND 5 OR e.e05 NOT BETWEEN 1 AND 5 OR e.e06 NOT BETWEEN 1 AND 5
          OR e.e07 NOT BETWEEN 1 AND 5 OR e.e08 NOT BETWEEN 1 AND 5 OR e.e09 NOT BETWEEN 1 AND 5
          OR e.e10 NOT BETWEEN 1 AND 5 OR e.e11 NOT BETWEEN 1 AND 5 OR e.e12 NOT BETWEEN 1 AND 5
          OR e.amb1 NOT BETWEEN 1 AND 5 OR e.amb2 NOT BETWEEN 1 AND 5
          OR e.amb3 NOT BETWEEN 1 AND 5 THEN 'out_of_range'
        WHEN e.e01 <> trunc(e.e01) OR e.e02 <> trunc(e.e02) OR e.e03 <> trunc(e.e03)
          OR e.e04 <> trunc(e.e04) OR e.e05 <> trunc(e.e05) OR e.e06 <> trunc(e.e06)
          OR e.e07 <> trunc(e.e07) OR e.e08 <> trunc(e.e08) OR e.e09 <> trunc(e.e09)
          OR e.e10 <> trunc(e.e10) OR e.e11 <> trunc(e.e11) OR e.e12 <> trunc(e.e12)
          OR e.amb1 <> trunc(e.amb1) OR e.amb2 <> trunc(e.amb2) OR e.amb3 <> trunc(e.amb3)
          OR e.responded_at IS NULL THEN 'invalid_value'
        WHEN d.source_row IS NOT NULL THEN 'duplicate_id'
    END AS reason
FROM employee_typed e
LEFT JOIN sites s ON s.site_id = e.site_id
LEFT JOIN employee_later_copies d ON d.source_file = e.source_file AND d.source_row = e.source_row
WHERE s.site_id IS NULL OR s.active;
