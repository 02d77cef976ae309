-- In-scope customer rows with the first data-quality reason that applies (NULL = valid).
-- Rows of inactive sites are out of scope before any check (metrics.md §9).
CREATE OR REPLACE TEMP VIEW customer_checked AS
SELECT
    c.*,
    CASE
        WHEN c.response_id IS NULL OR c.site_id IS NULL THEN 'null_key'
        WHEN c.responded_at_missing THEN 'null_timestamp'
        WHEN s.site_id IS NULL THEN 'unknown_site'
        WHEN c.sat NOT BETWEEN 1 AND 5 OR c.recommend NOT BETWEEN 1 AND 5
          OR c.repurchase NOT BETWEEN 1 AND 5
          OR c.conf1 NOT BETWEEN 1 AND 5 OR c.conf2 NOT BETWEEN 1 AND 5
          OR c.integ1 NOT BETWEEN 1 AND 5 OR c.integ2 NOT BETWEEN 1 AND 5
          OR c.pride1 NOT BETWEEN 1 AND 5 OR c.pride2 NOT BETWEEN 1 AND 5
          OR c.pass1 NOT BETWEEN 1 AND 5 OR c.pass2 NOT BETWEEN 1 AND 5
          OR c.ltr NOT BETWEEN 0 AND 10 THEN 'out_of_range'
        WHEN c.sat <> trunc(c.sat) OR c.recommend <> trunc(c.recommend)
          OR c.repurchase <> trunc(c.repurchase)
          OR c.conf1 <> trunc(c.conf1) OR c.conf2 <> trunc(c.conf2)
          OR c.integ1 <> trunc(c.integ1) OR c.integ2 <> trunc(c.integ2)
          OR c.pride1 <> trunc(c.pride1) OR c.pride2 <> trunc(c.pride2)
          OR c.pass1 <> trunc(c.pass1) OR c.pass2 <> trunc(c.pass2)
          OR c.ltr <> trunc(c.ltr)
          OR c.responded_at IS NULL
          OR c.invited_by IS NULL OR c.invited_by NOT IN ('system', 'staff') THEN 'invalid_value'
        WHEN d.source_row IS NOT NULL THEN 'duplicate_id'
    END AS reason
FROM customer_typed c
LEFT JOIN sites s ON s.site_id = c.site_id
LEFT JOIN customer_later_copies d ON d.source_file = c.source_file AND d.source_row = c.source_row
WHERE s.site_id IS NULL OR s.active;
