-- A live run pushes its lease forward; a run whose lease ran out is taken for dead.
UPDATE runs SET lease_until = ?2 WHERE run_id = ?1 AND status = 'running';
