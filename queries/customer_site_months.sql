-- Complete responses and attachment per site and trend month (metrics.md §6).
SELECT p.period_key, c.site_id, sum(c.ce_n)::BIGINT AS ce_n, sum(c.attachment_x168)::BIGINT AS attachment_x168
FROM customer_intervals c
JOIN period_intervals p ON p.interval_idx = c.interval_idx AND p.trend_only
WHERE c.reason IS NULL
GROUP BY p.period_key, c.site_id;
