-- Excluded rows of the small exports: teams of unknown sites, financials with a NULL key or
-- an unknown site. Rows of inactive sites are out of scope and not listed.
SELECT 'teams' AS export, t.team_id AS row_id,
       CASE WHEN t.site_id IS NULL THEN 'null_key' ELSE 'unknown_site' END AS reason
FROM teams t LEFT JOIN sites s ON s.site_id = t.site_id
WHERE t.site_id IS NULL OR s.site_id IS NULL
UNION ALL
SELECT 'financials',
       coalesce(f.site_id, '') || '|' || coalesce(CAST(f.month AS VARCHAR), ''),
       CASE WHEN f.site_id IS NULL OR f.month IS NULL THEN 'null_key' ELSE 'unknown_site' END
FROM financials_typed f LEFT JOIN sites s ON s.site_id = f.site_id
WHERE f.site_id IS NULL OR f.month IS NULL OR s.site_id IS NULL;
