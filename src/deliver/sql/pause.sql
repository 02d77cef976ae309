-- Holds a job ('*': every job); pausing again replaces the reason and the end.
INSERT INTO pauses (job, reason, paused_at, paused_by, until) VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (job) DO UPDATE SET reason = excluded.reason, paused_at = excluded.paused_at,
                                paused_by = excluded.paused_by, until = excluded.until;
