-- Briefings of (job, period) whose run delivery is already sent: (recipient, scope); scope ''
-- is a row from before briefings were keyed by scope, and stands for all of them.
SELECT lower(recipient), scope FROM deliveries
WHERE job = ?1 AND period = ?2 AND resend = 0 AND status = 'sent';
