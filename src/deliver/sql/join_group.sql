-- A shard joins its run's group: the first creates it with its start, which every shard's
-- briefings then carry.
INSERT INTO run_groups (group_id, job, period, started_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (group_id) DO NOTHING;
