-- financials.parquet overwritten with CSV text.
COPY (SELECT 'site_id,month' AS line) TO '$DATA/financials.parquet' (FORMAT csv, HEADER false);
