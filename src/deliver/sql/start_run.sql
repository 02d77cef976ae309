-- A run starts.
INSERT INTO runs (run_id, job, period, started_at, status) VALUES (?1, ?2, ?3, ?4, 'running');
