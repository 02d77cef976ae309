-- Deliveries, optionally of one job and period.
SELECT job, period, recipient, scope, resend, status, attempts, last_error, sent_at FROM deliveries
WHERE (?1 IS NULL OR job = ?1) AND (?2 IS NULL OR period = ?2)
ORDER BY job, period, recipient, scope, resend;
