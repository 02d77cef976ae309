-- Deliveries per job and status (resends included).
SELECT job, status, count(*) FROM deliveries GROUP BY job, status ORDER BY job, status;
