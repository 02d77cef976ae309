-- Runs, optionally of one job and period.
SELECT run_id, job, period, started_at, finished_at, status, sent, failed, skipped, error, stage, error_class,
       owner, shard
FROM runs
WHERE (CAST(?1 AS TEXT) IS NULL OR job = ?1) AND (CAST(?2 AS TEXT) IS NULL OR period = ?2) ORDER BY started_at;
