-- Runs still holding a lease: (run_id, owner). One whose owner is a process of this host
-- that no longer exists died before its lease ran out.
SELECT run_id, owner FROM runs
WHERE status = 'running' AND lease_until >= ?1 AND owner IS NOT NULL;
