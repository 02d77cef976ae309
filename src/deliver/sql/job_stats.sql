-- Per job: runs by status, the last success, and the durations of finished runs (seconds),
-- for /metrics and the status page. Skipped fires are runs too (status 'skipped').
SELECT job, status, count(*) AS runs,
       max(CASE WHEN status = 'succeeded' THEN finished_at END) AS last_success,
       group_concat(CASE WHEN finished_at IS NOT NULL AND status <> 'skipped'
                    THEN (julianday(finished_at) - julianday(started_at)) * 86400.0 END) AS durations
FROM runs GROUP BY job, status ORDER BY job, status;
