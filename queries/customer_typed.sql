-- Every row of the customer export, typed. Items are read as DOUBLE so that a value outside
-- its scale or not a whole number can be reported instead of silently cast.
CREATE OR REPLACE TEMP VIEW customer_typed AS
SELECT
    CAST(response_id AS VARCHAR) AS response_id,
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(team_id AS VARCHAR) AS team_id,
    responded_at IS NULL AS responded_at_missing,
    TRY_CAST(responded_at AS TIMESTAMP) AS responded_at,
    CAST(touchpoint AS VARCHAR) AS touchpoint,
    CAST(invited_by AS VARCHAR) AS invited_by,
    CAST(sat AS DOUBLE) AS sat,
    CAST(recommend AS DOUBLE) AS recommend,
    CAST(repurchase AS DOUBLE) AS repurchase,
    CAST(conf1 AS DOUBLE) AS conf1,
    CAST(conf2 AS DOUBLE) AS conf2,
    CAST(integ1 AS DOUBLE) AS integ1,
    CAST(integ2 AS DOUBLE) AS integ2,
    CAST(pride1 AS DOUBLE) AS pride1,
    CAST(pride2 AS DOUBLE) AS pride2,
    CAST(pass1 AS DOUBLE) AS pass1,
    CAST(pass2 AS DOUBLE) AS pass2,
    CAST(ltr AS DOUBLE) AS ltr,
    CAST(root_cause AS VARCHAR) AS root_cause,
    CAST(employee_praised AS VARCHAR) AS employee_praised,
    CAST(comment AS VARCHAR) AS comment,
    filename AS source_file,
    file_row_number AS source_row
FROM read_parquet(getvariable('customer_responses_files'),
                  union_by_name = true, filename = true, file_row_number = true);

-- Filled by xbrief with the id hashes that repeat (see customer_later_copies.sql).
CREATE OR REPLACE TEMP TABLE customer_repeated_hashes (id_hash UBIGINT);
