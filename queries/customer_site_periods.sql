-- Customer sums per site, reporting period (not the trend months, not the employee window's
-- candidate quarters) and invitation channel: the ingredients of every
-- site, region and company figure (those are sums of sites) and of the scorecard.
WITH site_intervals AS (
    SELECT site_id, system_invited, interval_idx,
           sum(COLUMNS(* EXCLUDE (reason, excluded_ids, driver_profiles, site_id, team_id, touchpoint, system_invited,
                                  interval_idx, newest_responded_at)))
    FROM customer_intervals
    WHERE reason IS NULL AND interval_idx IS NOT NULL
    GROUP BY site_id, system_invited, interval_idx
)
SELECT p.period_key, s.site_id, s.system_invited,
       sum(COLUMNS(s.* EXCLUDE (site_id, system_invited, interval_idx)))::BIGINT
FROM site_intervals s
JOIN period_intervals p ON p.interval_idx = s.interval_idx AND NOT p.trend_only AND NOT p.employee_only
GROUP BY p.period_key, s.site_id, s.system_invited;
