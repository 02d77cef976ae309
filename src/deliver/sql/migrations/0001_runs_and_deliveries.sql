-- Version 1 of the state store: every run, and every message of every run (operations.md
-- § Delivery). `IF NOT EXISTS`: stores made before migrations were numbered hold it already.
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,   -- running, succeeded, failed
    messages    INTEGER NOT NULL DEFAULT 0,
    sent        INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE TABLE IF NOT EXISTS deliveries (
    job             TEXT NOT NULL,
    period          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    resend          INTEGER NOT NULL,  -- 0: the run's delivery; 1…: an admin's resends
    artifact_sha256 TEXT NOT NULL,
    status          TEXT NOT NULL,     -- sent, failed (permanent), pending (to retry)
    attempts        INTEGER NOT NULL,
    last_error      TEXT,
    message_id      TEXT NOT NULL,
    sent_at         TEXT,
    run_id          TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (job, period, recipient, resend)
);
