-- The latest runs, newest first.
SELECT run_id, job, period, started_at, finished_at, status, sent, failed, skipped, error, stage, error_class,
       owner, shard
FROM runs ORDER BY started_at DESC LIMIT ?1;
