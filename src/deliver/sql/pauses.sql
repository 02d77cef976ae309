-- Every hold, ended ones included (`until` in the past): the caller decides with its clock.
SELECT job, reason, paused_at, paused_by, until FROM pauses ORDER BY job;
