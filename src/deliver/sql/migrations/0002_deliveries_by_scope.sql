-- Version 2: a delivery is one briefing, (job, period, recipient, scope): a manager of two
-- sites gets two messages, each with its own row. Rows written before have scope '', which
-- counts as every scope of their recipient (what they meant then).
CREATE TABLE deliveries_by_scope (
    job             TEXT NOT NULL,
    period          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    scope           TEXT NOT NULL,     -- company, site:<id>, team:<id>, hr, notice
    resend          INTEGER NOT NULL,  -- 0: the run's delivery; 1…: an admin's resends
    artifact_sha256 TEXT NOT NULL,
    status          TEXT NOT NULL,     -- sent, failed (permanent), pending (to retry)
    attempts        INTEGER NOT NULL,
    last_error      TEXT,
    message_id      TEXT NOT NULL,
    sent_at         TEXT,
    run_id          TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (job, period, recipient, scope, resend)
);
INSERT INTO deliveries_by_scope
SELECT job, period, recipient, '', resend, artifact_sha256, status, attempts, last_error,
       message_id, sent_at, run_id, updated_at
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_by_scope RENAME TO deliveries;
