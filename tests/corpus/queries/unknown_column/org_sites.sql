-- Active sites in byte order of site_id: the rows of sites.csv and the managers' scorecards.
SELECT site_id, site_name, region, country, locale, manager_id, manager_name, manager_mail, bonus_target
FROM sites
WHERE active
ORDER BY site_id;
