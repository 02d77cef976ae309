-- sites.parquet without its `locale` column.
CREATE TABLE edited AS SELECT * EXCLUDE (locale) FROM '$DATA/sites.parquet';
COPY edited TO '$DATA/sites.parquet' (FORMAT parquet);
