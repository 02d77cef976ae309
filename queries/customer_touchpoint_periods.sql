-- Customer sums per site and touchpoint for the detailed periods (metrics.md §5).
SELECT p.period_key, c.site_id, coalesce(c.touchpoint, '') AS touchpoint,
       sum(COLUMNS(c.* EXCLUDE (reason, excluded_ids, driver_profiles, site_id, team_id, touchpoint, system_invited,
                                interval_idx, newest_responded_at)))::BIGINT
FROM customer_intervals c
JOIN period_intervals p ON p.interval_idx = c.interval_idx AND p.detailed
WHERE c.reason IS NULL AND c.touchpoint IS NOT NULL
GROUP BY p.period_key, c.site_id, coalesce(c.touchpoint, '');
