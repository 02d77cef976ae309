-- Whether a run of (job, period) has succeeded.
SELECT count(*) > 0 FROM runs WHERE job = ?1 AND period = ?2 AND status = 'succeeded';
