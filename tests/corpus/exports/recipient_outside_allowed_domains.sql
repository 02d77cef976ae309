-- A site manager whose address is in a domain the config does not allow.
CREATE TABLE edited AS SELECT * REPLACE (
    CASE WHEN site_id = 'S002' THEN 'boss@example.net' ELSE manager_email END AS manager_email)
FROM '$DATA/sites.parquet';
COPY edited TO '$DATA/sites.parquet' (FORMAT parquet);
