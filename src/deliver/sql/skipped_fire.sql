-- A fire that did not run (its job paused), recorded as a run that was skipped, with why.
INSERT INTO runs (run_id, job, period, started_at, finished_at, status, error)
VALUES (?1, ?2, ?3, ?4, ?4, 'skipped', ?5);
