-- Version 4: beyond one machine (the same text for SQLite and PostgreSQL). Which replica ran
-- a run, as which shard, under what lease; the shared identity of a sharded run; the claims
-- of scheduled fires, one replica each. Deliveries gain two states: 'sending' (claimed by a
-- live run, its message being handed over) and 'in_doubt' (its run died in that window:
-- the server may or may not have taken the message; `resend` decides).
ALTER TABLE runs ADD COLUMN owner TEXT;        -- the replica (host or pod) running it
ALTER TABLE runs ADD COLUMN shard TEXT;        -- "2/4" for a shard of a sharded run
ALTER TABLE runs ADD COLUMN group_id TEXT;     -- a sharded run's shared id
ALTER TABLE runs ADD COLUMN lease_until TEXT;  -- renewed while it runs; past: its owner died
ALTER TABLE runs ADD COLUMN fire_at TEXT;      -- the scheduled fire it runs (serve); see fires
CREATE TABLE run_groups (
    group_id   TEXT PRIMARY KEY,  -- the run id every shard's briefings carry
    job        TEXT NOT NULL,
    period     TEXT NOT NULL,
    started_at TEXT NOT NULL,     -- the first shard's start: every shard's "generated"
    exports_by TEXT,              -- the shard's run that writes the CSV exports and manifest
    exports_at TEXT               -- when it had written them
);
CREATE TABLE fires (
    job         TEXT NOT NULL,
    fire_at     TEXT NOT NULL,    -- the scheduled instant, RFC 3339 UTC
    period      TEXT NOT NULL,
    owner       TEXT NOT NULL,    -- the replica that claimed it
    lease_until TEXT NOT NULL,    -- renewed while it runs; past and not done: taken over
    done        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (job, fire_at)
);
CREATE INDEX deliveries_by_run ON deliveries (run_id);
