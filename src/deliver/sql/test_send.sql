-- A test send: recorded apart from the deliveries, so it never counts as one.
INSERT INTO test_sends (job, period, scope, recipient, message_id, status, error, sent_by, sent_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9);
