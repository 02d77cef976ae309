-- Claims one briefing for a run just before its message is handed over: a new row, or one
-- whose last try failed or is pending, or (?10 = 1, `resend --in-doubt`) one in doubt, to go
-- out again under the same Message-ID. A row sent or being sent is not claimed, and nothing
-- is returned: concurrent claimers (shards, replicas) wait on the row lock and then see it
-- taken, so exactly one of them hands the message over.
INSERT INTO deliveries (job, period, recipient, scope, resend, artifact_sha256, status, attempts,
                        message_id, run_id, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sending', 0, ?7, ?8, ?9)
ON CONFLICT (job, period, recipient, scope, resend) DO UPDATE SET
status = 'sending', artifact_sha256 = excluded.artifact_sha256, message_id = excluded.message_id,
run_id = excluded.run_id, updated_at = excluded.updated_at
WHERE deliveries.status IN ('failed', 'pending') OR (deliveries.status = 'in_doubt' AND ?10 = 1)
RETURNING run_id;
