-- Valid rows and the newest valid responded_at of the employee export (is the data fresh?).
SELECT sum(n_valid)::BIGINT AS valid_rows, strftime(max(newest_responded_at), '%Y-%m-%d %H:%M:%S') AS newest
FROM employee_intervals
WHERE reason IS NULL;
