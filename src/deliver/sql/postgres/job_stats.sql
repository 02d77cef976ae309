-- Per job: runs by status, the last success, and the durations of finished runs (seconds),
-- for /metrics and the status page (PostgreSQL's words for SQLite's group_concat/julianday).
SELECT job, status, count(*) AS runs,
       max(CASE WHEN status = 'succeeded' THEN finished_at END) AS last_success,
       string_agg(CASE WHEN finished_at IS NOT NULL AND status <> 'skipped'
                  THEN (extract(epoch FROM finished_at::timestamptz)
                        - extract(epoch FROM started_at::timestamptz))::text END, ',') AS durations
FROM runs GROUP BY job, status ORDER BY job, status;
