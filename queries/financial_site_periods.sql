-- Revenue, budget and transactions per site over each period's months (metrics.md §4).
SELECT p.period_key, f.site_id,
       sum(f.revenue) AS revenue, sum(f.budget) AS budget, sum(f.transactions)::BIGINT AS transactions
FROM financials_typed f
JOIN sites s ON s.site_id = f.site_id AND s.active
JOIN period_ranges p ON f.month >= p.start_day AND f.month < p.end_day
GROUP BY p.period_key, f.site_id;
