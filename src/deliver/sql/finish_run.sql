-- A run ends, with its counts and error.
UPDATE runs SET finished_at = ?2, status = ?3, messages = ?4, sent = ?5, failed = ?6, skipped = ?7, error = ?8 WHERE run_id = ?1;
