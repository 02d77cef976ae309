-- (job, period) of runs that started and never finished (the process died: its lease ran
-- out, or it had none), unless a later run of the same (job, period) succeeded. Runs of a
-- scheduled fire are not here: their fire is taken over (fires.rs).
SELECT DISTINCT r.job, r.period FROM runs r
WHERE r.status = 'running' AND (r.lease_until IS NULL OR r.lease_until < ?1)
  AND r.fire_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM runs s WHERE s.job = r.job AND s.period = r.period
                  AND s.status = 'succeeded' AND s.started_at > r.started_at)
ORDER BY r.job, r.period;
