-- A 64-bit hash of every non-NULL response_id of the customer export, for duplicate detection.
SELECT hash(response_id) AS id_hash
FROM customer_typed
WHERE response_id IS NOT NULL;
