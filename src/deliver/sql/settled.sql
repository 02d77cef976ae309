-- Briefings of (job, period) whose run delivery is settled: sent, or in doubt (a run died
-- handing it over; `resend` decides). (recipient, scope, status); scope '' is a row from
-- before briefings were keyed by scope, and stands for all of them.
SELECT lower(recipient), scope, status FROM deliveries
WHERE job = ?1 AND period = ?2 AND resend = 0 AND status IN ('sent', 'in_doubt');
