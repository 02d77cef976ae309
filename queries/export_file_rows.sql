-- Row count of every Parquet file of an export, from the file footers (no scan).
SELECT file_name, sum(num_rows)::BIGINT AS num_rows
FROM parquet_file_metadata(?)
GROUP BY file_name;
