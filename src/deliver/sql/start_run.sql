-- A run starts, on a replica, maybe as one shard of a sharded run, under a lease.
INSERT INTO runs (run_id, job, period, started_at, status, owner, shard, group_id, lease_until, fire_at)
VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8, ?9);
