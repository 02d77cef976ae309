-- Every row of the employee export, typed; items keep their numeric type for the range and
-- whole-number checks.
CREATE OR REPLACE TEMP VIEW employee_typed AS
SELECT
    CAST(response_id AS VARCHAR) AS response_id,
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(team_id AS VARCHAR) AS team_id,
    responded_at IS NULL AS responded_at_missing,
    TRY_CAST(responded_at AS TIMESTAMP) AS responded_at,
    e01, e02, e03,
    e04, e05, e06,
    e07, e08, e09,
    e10, e11, e12,
    amb1, amb2, amb3,
    filename AS source_file,
    file_row_number AS source_row
FROM read_parquet(getvariable('employee_responses_files'),
                  union_by_name = true, filename = true, file_row_number = true);

-- Filled by xbrief with the id hashes that repeat (see employee_later_copies.sql).
CREATE OR REPLACE TEMP TABLE employee_repeated_hashes (id_hash UBIGINT);
