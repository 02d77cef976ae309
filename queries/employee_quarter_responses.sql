-- Valid employee responses of every site in each of the employee window's candidate quarters
-- (metrics.md §2): the window is the latest quarter holding any, so only the chosen
-- quarters are then summed per site and team.
SELECT p.period_key, sum(e.n_valid)::BIGINT AS responses
FROM employee_intervals e
JOIN period_intervals p ON p.interval_idx = e.interval_idx AND p.employee_only
WHERE e.reason IS NULL
GROUP BY p.period_key;
