-- The next resend number of a recipient.
SELECT coalesce(max(resend), 0) + 1 FROM deliveries WHERE job = ?1 AND period = ?2 AND lower(recipient) = lower(?3);
