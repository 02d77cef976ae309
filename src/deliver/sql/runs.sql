-- Runs, optionally of one job and period.
SELECT run_id, job, period, started_at, finished_at, status, sent, failed, skipped, error, stage, error_class
FROM runs
WHERE (?1 IS NULL OR job = ?1) AND (?2 IS NULL OR period = ?2) ORDER BY started_at;
