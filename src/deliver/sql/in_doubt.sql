-- Per job, the deliveries in doubt: settled as such, or claimed by a run that is no longer
-- alive and not yet settled.
SELECT d.job, count(*) FROM deliveries d
WHERE d.status = 'in_doubt'
   OR (d.status = 'sending' AND d.run_id IN (SELECT run_id FROM runs
                                             WHERE status <> 'running' OR lease_until IS NULL
                                                OR lease_until < ?1))
GROUP BY d.job ORDER BY d.job;
