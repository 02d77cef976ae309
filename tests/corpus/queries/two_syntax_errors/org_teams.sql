-- Teams of active sites, with their site, in byte order of team_id.
SELECT t.team_id, t.site_id, t.team_name, t.lead_name, t.lead_email, t.headcount
FROM teams t
JOIN sites s ON s.site_id = t.site_id AND s.active
ORDER t.team_id;
