-- Fires claimed by a replica that stopped renewing them before they were done: its process
-- died. (job, fire_at, period, owner)
SELECT job, fire_at, period, owner FROM fires WHERE done = 0 AND lease_until < ?1
ORDER BY fire_at;
