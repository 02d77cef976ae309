-- Demo employee survey waves: each member of a team answers with probability 0.75 in the
-- first month of every quarter; the site's employee engagement drives the items.
CREATE OR REPLACE TEMP TABLE demo_employee_responses AS
WITH base AS (
    SELECT w.*, unnest(range(w.headcount)) AS i
    FROM demo_team_waves w
),
keyed AS (
    SELECT *, team_id || '-' || strftime(month, '%Y%m') || '-' || lpad(i::VARCHAR, 3, '0') AS key
    FROM base
),
drawn AS (
    SELECT *, ee_latent + 0.7 * demo_normal(key, 1) AS person
    FROM keyed
    WHERE demo_uniform(key, 2) < 0.75
)
SELECT
    'E-' || key AS response_id,
    CASE WHEN demo_uniform(key, 40) < 0.0005 THEN 'S-UNKNOWN' ELSE site_id END AS site_id,
    team_id,
    month::TIMESTAMP + to_seconds(floor(demo_uniform(key, 3) * 14 * 86400)::BIGINT) AS responded_at,
    demo_item(person + 0.3, key, 10) AS e01, demo_item(person + 0.2, key, 11) AS e02,
    demo_item(person, key, 12) AS e03, demo_item(person - 0.1, key, 13) AS e04,
    demo_item(person, key, 14) AS e05, demo_item(person + 0.1, key, 15) AS e06,
    demo_item(person + 0.2, key, 16) AS e07, demo_item(person + 0.1, key, 17) AS e08,
    demo_item(person, key, 18) AS e09, CASE WHEN demo_uniform(key, 19) < 0.05 THEN NULL ELSE demo_item(person, key, 20) END AS e10,
    demo_item(person - 0.3, key, 21) AS e11, CASE WHEN demo_uniform(key, 22) < 0.08 THEN NULL ELSE demo_item(person - 0.4, key, 23) END AS e12,
    demo_item(person + 0.2, key, 24) AS amb1, demo_item(person, key, 25) AS amb2,
    CASE WHEN demo_uniform(key, 26) < 0.05 THEN NULL ELSE demo_item(person + 0.1, key, 27) END AS amb3
FROM drawn;
