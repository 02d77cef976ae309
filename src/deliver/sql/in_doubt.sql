-- Per job, the messages of runs that died mid-send (still 'running', started before the
-- runner did, not followed by a success of their period) whose outcome was never recorded:
-- each may or may not have gone out. The resumed run settles them.
SELECT r.job, sum(max(r.messages - (SELECT count(*) FROM deliveries d WHERE d.run_id = r.run_id), 0))
FROM runs r
WHERE r.status = 'running' AND r.started_at < ?1
  AND NOT EXISTS (SELECT 1 FROM runs s WHERE s.job = r.job AND s.period = r.period
                  AND s.status = 'succeeded' AND s.started_at > r.started_at)
GROUP BY r.job ORDER BY r.job;
