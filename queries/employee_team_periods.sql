-- Employee sums per site and team for the detailed periods and the chosen employee window
-- (a bound list of keys). Responses of a NULL or unknown
-- team (or a team of another site) form one unnamed part of their site (team_id NULL),
-- which the secondary suppression rule needs (metrics.md §2, Privacy).
SELECT p.period_key, e.site_id, t.team_id,
       sum(COLUMNS(e.* EXCLUDE (reason, excluded_ids, site_id, team_id, interval_idx, newest_responded_at)))::HUGEINT
FROM employee_intervals e
JOIN period_intervals p ON p.interval_idx = e.interval_idx
    AND (p.detailed OR (p.employee_only AND list_contains(?, p.period_key)))
LEFT JOIN teams t ON t.team_id = e.team_id AND t.site_id = e.site_id
WHERE e.reason IS NULL
GROUP BY p.period_key, e.site_id, t.team_id;
