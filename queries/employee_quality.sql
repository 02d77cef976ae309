-- Excluded employee rows, whatever their period.
SELECT coalesce(response_id, '') AS row_id, reason
FROM employee_checked
WHERE reason IS NOT NULL;
