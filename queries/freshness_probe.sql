-- The newest responded_at of the customer export, read from the Parquet footers' column
-- statistics (no scan): cheap enough to poll while waiting for fresh data.
SELECT max(stats_max)::VARCHAR AS newest
FROM parquet_metadata(?)
WHERE path_in_schema = 'responded_at';
