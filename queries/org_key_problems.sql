-- Ambiguities in the org chart and financials that make a run impossible (data contract §9).
SELECT 'sites' AS export, 'site_id' AS key_column, coalesce(site_id, '') AS key_value,
       CASE WHEN site_id IS NULL THEN 'null' ELSE 'duplicate' END AS problem
FROM sites GROUP BY site_id HAVING site_id IS NULL OR count(*) > 1
UNION ALL
SELECT 'teams', 'team_id', coalesce(team_id, ''),
       CASE WHEN team_id IS NULL THEN 'null' ELSE 'duplicate' END
FROM teams GROUP BY team_id HAVING team_id IS NULL OR count(*) > 1
UNION ALL
SELECT 'financials', 'site_id|month', site_id || '|' || CAST(month AS VARCHAR), 'duplicate'
FROM financials_typed WHERE site_id IS NOT NULL AND month IS NOT NULL
GROUP BY site_id, month HAVING count(*) > 1
ORDER BY 1, 3;
