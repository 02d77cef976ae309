-- Employee sums per site and reporting period, and per chosen employee window.
SELECT p.period_key, e.site_id,
       sum(COLUMNS(e.* EXCLUDE (reason, excluded_ids, site_id, team_id, interval_idx, newest_responded_at)))::HUGEINT
FROM employee_intervals e
JOIN period_intervals p ON p.interval_idx = e.interval_idx AND NOT p.trend_only
    -- of the candidate quarters, the employee windows chosen (a bound list of keys)
    AND (NOT p.employee_only OR list_contains(?, p.period_key))
WHERE e.reason IS NULL
GROUP BY p.period_key, e.site_id;
