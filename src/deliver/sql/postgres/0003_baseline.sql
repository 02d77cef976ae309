-- PostgreSQL starts at version 3: the schema SQLite's migrations 1–3 build, in PostgreSQL's
-- types (integers are BIGINT, as the store binds them). Times are RFC 3339 text in both
-- stores, so the same statements compare them.
CREATE TABLE runs (
    run_id      TEXT PRIMARY KEY,
    job         TEXT NOT NULL,
    period      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,   -- running, succeeded, failed, skipped
    messages    BIGINT NOT NULL DEFAULT 0,
    sent        BIGINT NOT NULL DEFAULT 0,
    failed      BIGINT NOT NULL DEFAULT 0,
    skipped     BIGINT NOT NULL DEFAULT 0,
    error       TEXT,
    stage       TEXT,
    error_class TEXT
);
CREATE TABLE deliveries (
    job             TEXT NOT NULL,
    period          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    scope           TEXT NOT NULL,
    resend          BIGINT NOT NULL,
    artifact_sha256 TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    last_error      TEXT,
    message_id      TEXT NOT NULL,
    sent_at         TEXT,
    run_id          TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (job, period, recipient, scope, resend)
);
CREATE TABLE pauses (
    job       TEXT PRIMARY KEY,
    reason    TEXT NOT NULL,
    paused_at TEXT NOT NULL,
    paused_by TEXT NOT NULL,
    until     TEXT
);
CREATE TABLE test_sends (
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    scope      TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    error      TEXT,
    sent_by    TEXT NOT NULL,
    sent_at    TEXT NOT NULL
);
CREATE TABLE export_freshness (
    export      TEXT PRIMARY KEY,
    newest      TEXT NOT NULL,
    observed_at TEXT NOT NULL
);
