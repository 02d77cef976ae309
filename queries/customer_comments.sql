-- What customers wrote and whom they praised in the run's current period, per site and
-- team (briefings only): the newest comments of each group, newest first, and the praised
-- first names. The caller keeps the newest across groups and counts the names.
SELECT c.site_id,
       coalesce(c.team_id, '') AS team_id,
       coalesce(list_transform(c.recent_comments, lambda x: x.at), []) AS recent_at,
       coalesce(list_transform(c.recent_comments, lambda x: x.text), []) AS recent_text,
       coalesce(list_transform(c.positive_comments, lambda x: x.at), []) AS positive_at,
       coalesce(list_transform(c.positive_comments, lambda x: x.text), []) AS positive_text,
       coalesce(c.praised_names, []) AS praised
FROM customer_intervals c
JOIN period_intervals p ON p.interval_idx = c.interval_idx AND p.detailed AND p.period_key = ?
WHERE c.reason IS NULL
  AND (c.recent_comments IS NOT NULL OR c.praised_names IS NOT NULL);
