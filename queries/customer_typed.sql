-- Every row of the customer export, typed. Items keep their numeric type (the schema check
-- admits only numbers) so that a value outside its scale or not a whole number can be
-- reported instead of silently cast.
CREATE OR REPLACE TEMP VIEW customer_typed AS
SELECT
    CAST(response_id AS VARCHAR) AS response_id,
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(team_id AS VARCHAR) AS team_id,
    responded_at IS NULL AS responded_at_missing,
    TRY_CAST(responded_at AS TIMESTAMP) AS responded_at,
    CAST(touchpoint AS VARCHAR) AS touchpoint,
    CAST(invited_by AS VARCHAR) AS invited_by,
    sat,
    recommend,
    repurchase,
    conf1,
    conf2,
    integ1,
    integ2,
    pride1,
    pride2,
    pass1,
    pass2,
    ltr,
    CAST(root_cause AS VARCHAR) AS root_cause,
    CAST(employee_praised AS VARCHAR) AS employee_praised,
    CAST(comment AS VARCHAR) AS comment,
    filename AS source_file,
    file_row_number AS source_row
FROM read_parquet(getvariable('customer_responses_files'),
                  union_by_name = true, filename = true, file_row_number = true);

-- Filled by xbrief with the id hashes that repeat (see customer_later_copies.sql).
CREATE OR REPLACE TEMP TABLE customer_repeated_hashes (id_hash UBIGINT);
