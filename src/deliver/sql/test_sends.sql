-- Test sends, optionally of one job and period.
SELECT job, period, scope, recipient, status, error, sent_by, sent_at FROM test_sends
WHERE (CAST(?1 AS TEXT) IS NULL OR job = ?1) AND (CAST(?2 AS TEXT) IS NULL OR period = ?2) ORDER BY sent_at;
