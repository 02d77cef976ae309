-- sites.parquet with its columns but no rows.
CREATE TABLE edited AS SELECT * FROM '$DATA/sites.parquet' LIMIT 0;
COPY edited TO '$DATA/sites.parquet' (FORMAT parquet);
