-- Excluded customer rows, whatever their period.
SELECT coalesce(response_id, '') AS row_id, reason
FROM customer_checked
WHERE reason IS NOT NULL;
