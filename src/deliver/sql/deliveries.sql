-- Deliveries, optionally of one job and period.
SELECT job, period, recipient, scope, resend, status, attempts, last_error, sent_at, run_id
FROM deliveries
WHERE (CAST(?1 AS TEXT) IS NULL OR job = ?1) AND (CAST(?2 AS TEXT) IS NULL OR period = ?2)
ORDER BY job, period, recipient, scope, resend;
