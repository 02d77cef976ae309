-- One shard of a group writes the CSV exports and the manifest: the first to ask, or the next
-- when the one that took it died before writing them.
UPDATE run_groups SET exports_by = ?2
WHERE group_id = ?1 AND exports_at IS NULL
  AND (exports_by IS NULL OR exports_by = ?2
       OR exports_by IN (SELECT run_id FROM runs
                         WHERE status <> 'running' OR lease_until IS NULL OR lease_until < ?3))
RETURNING group_id;
