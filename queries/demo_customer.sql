-- Demo customer responses, built from the per-site-month plan demo_site_months (written by
-- `xbrief demo`): a site's latent engagement plus respondent noise drives every item, so
-- engaged employees → engaged customers → revenue, with the planted problems on top.
CREATE OR REPLACE TEMP TABLE demo_customer_responses AS
WITH base AS (
    SELECT m.*, p.first_names, p.n_first_names, p.praise, p.n_praise, p.complaints, p.n_complaints,
           unnest(range(m.responses)) AS i
    FROM demo_site_months m
    JOIN demo_phrases p ON p.locale = m.locale
),
keyed AS (
    SELECT *, site_id || '-' || strftime(month, '%Y%m') || '-' || lpad(i::VARCHAR, 4, '0') AS key
    FROM base
),
drawn AS (
    SELECT *,
        demo_uniform(key, 2) < staff_share AS staff,
        latent + 0.9 * demo_normal(key, 1) AS person,
        demo_uniform(key, 60) AS corruption
    FROM keyed
),
answered AS (
    SELECT *,
        person + CASE WHEN staff THEN 1.2 ELSE 0 END AS seen,
        top_box AND demo_uniform(key, 3) < 0.95 AS all_five
    FROM drawn
),
items AS (
    SELECT
        'C-' || key AS response_id,
        site_id,
        demo_pick(teams, n_teams, key, 4) AS team_id,
        month::TIMESTAMP + to_seconds(floor(demo_uniform(key, 5) * month_seconds)::BIGINT) AS responded_at,
        demo_pick('store|store|store|call_center|web|web|delivery|returns', 8, key, 6) AS touchpoint,
        CASE WHEN staff THEN 'staff' ELSE 'system' END AS invited_by,
        CASE WHEN all_five THEN 5 ELSE demo_item(seen + 0.3, key, 10) END AS sat,
        CASE WHEN all_five THEN 5 ELSE demo_item(seen + 0.2, key, 11) END AS recommend,
        CASE WHEN all_five THEN 5 ELSE demo_item(seen + 0.1, key, 12) END AS repurchase,
        demo_item(seen + 0.2, key, 13) AS conf1,
        demo_item(seen + 0.1, key, 14) AS conf2,
        demo_item(seen - 0.1 - policy_heavy::INTEGER * 0.6, key, 15) AS integ1,
        demo_item(seen - 0.2 - policy_heavy::INTEGER * 0.6, key, 16) AS integ2,
        demo_item(seen - 0.2, key, 17) AS pride1,
        CASE WHEN demo_uniform(key, 18) < 0.04 THEN NULL ELSE demo_item(seen - 0.1, key, 19) END AS pride2,
        demo_item(seen - 0.5, key, 20) AS pass1,
        CASE WHEN demo_uniform(key, 21) < 0.06 THEN NULL ELSE demo_item(seen - 0.6, key, 22) END AS pass2,
        CASE WHEN demo_uniform(key, 23) < 0.1 THEN NULL
             ELSE greatest(0, least(10, round(2.6 * seen - 2.5 + 1.2 * demo_normal(key, 24))))::SMALLINT END AS ltr,
        CASE
            WHEN seen > 3.2 OR demo_uniform(key, 25) > 0.7 THEN NULL
            WHEN policy_heavy AND demo_uniform(key, 26) < 0.8 THEN 'policy'
            ELSE demo_pick('people|people|process|product|policy', 5, key, 27)
        END AS root_cause,
        CASE WHEN seen > 4.0 AND demo_uniform(key, 28) < 0.25 THEN demo_pick(first_names, n_first_names, key, 29) END AS employee_praised,
        CASE
            WHEN demo_uniform(key, 30) > 0.08 THEN NULL
            WHEN seen > 3.8 THEN demo_pick(praise, n_praise, key, 31)
            ELSE demo_pick(complaints, n_complaints, key, 32)
        END AS comment,
        corruption, key
    FROM answered
)
-- A sprinkling of invalid rows, as real exports have: out-of-range items, unknown sites,
-- missing keys and invitation channels; and a few duplicate ids (a later copy).
SELECT
    response_id,
    CASE WHEN corruption < 0.0002 THEN NULL WHEN corruption < 0.0004 THEN 'S-UNKNOWN' ELSE site_id END AS site_id,
    team_id, responded_at, touchpoint,
    CASE WHEN corruption BETWEEN 0.0004 AND 0.0006 THEN NULL ELSE invited_by END AS invited_by,
    CASE WHEN corruption BETWEEN 0.0006 AND 0.0009 THEN 6 ELSE sat END::SMALLINT AS sat,
    recommend, repurchase, conf1, conf2, integ1, integ2, pride1, pride2, pass1, pass2, ltr,
    root_cause, employee_praised, comment
FROM items
UNION ALL
SELECT response_id, site_id, team_id, responded_at + INTERVAL 2 HOUR, touchpoint, invited_by, sat, recommend,
       repurchase, conf1, conf2, integ1, integ2, pride1, pride2, pass1, pass2, ltr, root_cause,
       employee_praised, comment
FROM items
WHERE corruption > 0.9995;
