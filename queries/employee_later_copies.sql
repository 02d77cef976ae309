-- Every occurrence of a response_id after the first (data contract §9 rule 6): ranked by
-- responded_at (NULL last), then file order. Counted over all rows, whatever their site,
-- so a first copy at an inactive site or an invalid first copy still makes later ones duplicates.
CREATE OR REPLACE TEMP TABLE employee_later_copies AS
-- Candidates are the ids whose 64-bit hash repeats (employee_repeated_hashes, filled by
-- xbrief from employee_id_hashes.sql); the ranking partitions by the id itself, so a hash
-- collision never makes a duplicate.
SELECT source_file, source_row
FROM (
    SELECT source_file, source_row,
           row_number() OVER (PARTITION BY response_id
                              ORDER BY responded_at NULLS LAST, source_file, source_row) AS copy_number
    FROM employee_typed
    WHERE response_id IS NOT NULL AND hash(response_id) IN (SELECT id_hash FROM employee_repeated_hashes)
)
WHERE copy_number > 1;
