-- A 64-bit hash of every non-NULL response_id of the employee export, for duplicate detection.
SELECT hash(response_id) AS id_hash
FROM employee_typed
WHERE response_id IS NOT NULL;
