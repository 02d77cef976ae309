-- `resend --in-doubt`: as claim.sql, and a briefing in doubt is claimed too, to go out again
-- under the same Message-ID (a server or client that saw the first drops the second).
INSERT INTO deliveries (job, period, recipient, scope, resend, artifact_sha256, status, attempts,
                        message_id, run_id, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'sending', 0, ?7, ?8, ?9)
ON CONFLICT (job, period, recipient, scope, resend) DO UPDATE SET
status = 'sending', artifact_sha256 = excluded.artifact_sha256, message_id = excluded.message_id,
run_id = excluded.run_id, updated_at = excluded.updated_at
WHERE deliveries.status IN ('failed', 'pending', 'in_doubt')
RETURNING run_id;
