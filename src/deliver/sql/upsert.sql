-- One delivery outcome; attempts add up over runs.
INSERT INTO deliveries (job, period, recipient, scope, resend, artifact_sha256, status, attempts,
last_error, message_id, sent_at, run_id, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (job, period, recipient, scope, resend) DO UPDATE SET
artifact_sha256 = excluded.artifact_sha256, status = excluded.status,
attempts = deliveries.attempts + excluded.attempts, last_error = excluded.last_error,
message_id = excluded.message_id, sent_at = excluded.sent_at,
run_id = excluded.run_id, updated_at = excluded.updated_at;
