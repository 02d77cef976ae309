-- Version 3: operating the runner. Where a failed run stopped and what kind of failure it
-- was; jobs on hold; test sends, which are not deliveries; the newest row each export held
-- when a run last read it.
ALTER TABLE runs ADD COLUMN stage TEXT;        -- data, figures, render, send (a failed run)
ALTER TABLE runs ADD COLUMN error_class TEXT;  -- config, data, render, delivery_partial, delivery_failed
CREATE TABLE pauses (
    job       TEXT PRIMARY KEY,  -- a job's name, or '*' for every job
    reason    TEXT NOT NULL,
    paused_at TEXT NOT NULL,
    paused_by TEXT NOT NULL,     -- the OS user who paused it
    until     TEXT               -- RFC 3339; NULL: until `xbrief resume`
);
CREATE TABLE test_sends (
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    scope      TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    message_id TEXT NOT NULL,
    status     TEXT NOT NULL,    -- sent, failed, pending
    error      TEXT,
    sent_by    TEXT NOT NULL,
    sent_at    TEXT NOT NULL
);
CREATE TABLE export_freshness (
    export      TEXT PRIMARY KEY,
    newest      TEXT NOT NULL,   -- the newest row's time, RFC 3339
    observed_at TEXT NOT NULL
);
