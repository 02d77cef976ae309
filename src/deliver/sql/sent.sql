-- Recipients of (job, period) whose run delivery is already sent.
SELECT lower(recipient) FROM deliveries WHERE job = ?1 AND period = ?2 AND resend = 0 AND status = 'sent';
