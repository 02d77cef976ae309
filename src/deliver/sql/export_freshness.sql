-- The newest row an export held when a run read it.
INSERT INTO export_freshness (export, newest, observed_at) VALUES (?1, ?2, ?3)
ON CONFLICT (export) DO UPDATE SET newest = excluded.newest, observed_at = excluded.observed_at;
