-- Deliveries of (job, period) claimed by a run that is no longer alive (finished, or its lease
-- ran out: its process died) were being handed over when it stopped: the server may or may
-- not have taken the message. They become 'in_doubt', never silently sent or resent.
UPDATE deliveries SET status = 'in_doubt', updated_at = ?3,
       last_error = 'its run stopped while handing the message over: it may or may not have gone out'
WHERE job = ?1 AND period = ?2 AND status = 'sending'
  AND run_id IN (SELECT run_id FROM runs
                 WHERE job = ?1 AND period = ?2
                   AND (status <> 'running' OR lease_until IS NULL OR lease_until < ?3));
