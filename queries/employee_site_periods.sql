-- Employee sums per site and reporting period.
SELECT p.period_key, e.site_id,
       sum(COLUMNS(e.* EXCLUDE (reason, excluded_ids, site_id, team_id, interval_idx, newest_responded_at)))::HUGEINT
FROM employee_intervals e
JOIN period_intervals p ON p.interval_idx = e.interval_idx AND NOT p.trend_only
WHERE e.reason IS NULL
GROUP BY p.period_key, e.site_id;
