-- The next resend number of one briefing of a recipient (scope '' stands for all of them).
SELECT coalesce(max(resend), 0) + 1 FROM deliveries
WHERE job = ?1 AND period = ?2 AND lower(recipient) = lower(?3) AND scope IN (?4, '');
