-- A replica claims a scheduled fire of a job, to run it: the first to insert it, unless
-- another fire of the job is still running somewhere (a job never overlaps itself). The row
-- is taken over when its owner's lease ran out before it was done (the owner died), and
-- taken again when done if the caller retries (a catch-up of a period that did not succeed).
INSERT INTO fires (job, fire_at, period, owner, lease_until, done)
SELECT ?1, ?2, ?3, ?4, ?5, 0
WHERE NOT EXISTS (SELECT 1 FROM fires f WHERE f.job = ?1 AND f.fire_at <> ?2 AND f.done = 0
                  AND f.lease_until >= ?6)
ON CONFLICT (job, fire_at) DO UPDATE SET owner = excluded.owner,
       lease_until = excluded.lease_until, done = 0
WHERE (fires.done = 0 AND fires.lease_until < ?6) OR (fires.done = 1 AND ?7 = 1)
RETURNING owner;
