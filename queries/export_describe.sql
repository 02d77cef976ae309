-- Column names and DuckDB types of one Parquet file of an export (schema check).
DESCRIBE SELECT * FROM read_parquet(?);
