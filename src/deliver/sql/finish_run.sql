-- A run ends, with its counts, and for a failure its stage, class and error.
UPDATE runs SET finished_at = ?2, status = ?3, messages = ?4, sent = ?5, failed = ?6, skipped = ?7,
                error = ?8, stage = ?9, error_class = ?10
WHERE run_id = ?1;
