-- The key-driver profiles of the reported period's responses, per site (see
-- customer_intervals.sql): the moment sums of metrics.md §11 follow from them exactly.
SELECT site_id, driver_profiles
FROM customer_intervals
WHERE reason IS NULL AND len(driver_profiles) > 0;
