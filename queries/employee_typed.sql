-- Every row of the employee export, typed; items as DOUBLE for the range and whole-number checks.
CREATE OR REPLACE TEMP VIEW employee_typed AS
SELECT
    CAST(response_id AS VARCHAR) AS response_id,
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(team_id AS VARCHAR) AS team_id,
    responded_at IS NULL AS responded_at_missing,
    TRY_CAST(responded_at AS TIMESTAMP) AS responded_at,
    CAST(e01 AS DOUBLE) AS e01, CAST(e02 AS DOUBLE) AS e02, CAST(e03 AS DOUBLE) AS e03,
    CAST(e04 AS DOUBLE) AS e04, CAST(e05 AS DOUBLE) AS e05, CAST(e06 AS DOUBLE) AS e06,
    CAST(e07 AS DOUBLE) AS e07, CAST(e08 AS DOUBLE) AS e08, CAST(e09 AS DOUBLE) AS e09,
    CAST(e10 AS DOUBLE) AS e10, CAST(e11 AS DOUBLE) AS e11, CAST(e12 AS DOUBLE) AS e12,
    CAST(amb1 AS DOUBLE) AS amb1, CAST(amb2 AS DOUBLE) AS amb2, CAST(amb3 AS DOUBLE) AS amb3,
    filename AS source_file,
    file_row_number AS source_row
FROM read_parquet(getvariable('employee_responses_files'),
                  union_by_name = true, filename = true, file_row_number = true);

-- Filled by xbrief with the id hashes that repeat (see employee_later_copies.sql).
CREATE OR REPLACE TEMP TABLE employee_repeated_hashes (id_hash UBIGINT);
