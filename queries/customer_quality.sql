-- Excluded customer rows, whatever their period: one line per row (metrics.md §9).
SELECT unnest(excluded_ids) AS row_id, reason
FROM customer_intervals
WHERE reason IS NOT NULL;
