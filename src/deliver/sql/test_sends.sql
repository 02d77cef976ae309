-- Test sends, optionally of one job and period.
SELECT job, period, scope, recipient, status, error, sent_by, sent_at FROM test_sends
WHERE (?1 IS NULL OR job = ?1) AND (?2 IS NULL OR period = ?2) ORDER BY sent_at;
