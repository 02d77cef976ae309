-- Customer sums per team and detailed period (the current and previous one). A team_id
-- unknown to the teams export, or of another site, counts for its site but for no team.
SELECT p.period_key, c.site_id, t.team_id,
       sum(COLUMNS(c.* EXCLUDE (reason, excluded_ids, driver_profiles, site_id, team_id, touchpoint, system_invited,
                                interval_idx, newest_responded_at)))::BIGINT
FROM customer_intervals c
JOIN period_intervals p ON p.interval_idx = c.interval_idx AND p.detailed
JOIN teams t ON t.team_id = c.team_id AND t.site_id = c.site_id
WHERE c.reason IS NULL AND c.team_id IS NOT NULL
GROUP BY p.period_key, c.site_id, t.team_id;
