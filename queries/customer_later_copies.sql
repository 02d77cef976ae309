-- Every occurrence of a response_id after the first (data contract §9 rule 6): ranked by
-- responded_at (NULL last), then file order. Counted over all rows, whatever their site,
-- so a first copy at an inactive site or an invalid first copy still makes later ones duplicates.
CREATE OR REPLACE TEMP TABLE customer_later_copies AS
WITH repeated AS (
    SELECT response_id
    FROM customer_typed
    WHERE response_id IS NOT NULL
    GROUP BY response_id
    HAVING count(*) > 1
)
SELECT source_file, source_row
FROM (
    SELECT source_file, source_row,
           row_number() OVER (PARTITION BY response_id
                              ORDER BY responded_at NULLS LAST, source_file, source_row) AS copy_number
    FROM customer_typed
    SEMI JOIN repeated USING (response_id)
)
WHERE copy_number > 1;
