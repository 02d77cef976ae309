-- What customers wrote and whom they praised in the run's current period, per site and
-- team (briefings only): the three newest comments of each group, the three newest from
-- promoters (likelihood to recommend 9–10; without an answer there, satisfaction 5), and
-- the praised first names. Only valid rows count. The caller keeps the newest across a
-- site's teams and counts the names. A row counts for its team only when the team is the
-- site's (a response at S006 naming a team of S007 is S006's, and no team's): a team's
-- voices are its own site's customers.
WITH said AS (
    SELECT c.site_id, coalesce(t.team_id, '') AS team_id, c.responded_at, c.comment,
           c.employee_praised AS praised,
           coalesce(c.ltr >= 9, c.sat = 5) AS positive
    FROM customer_checked c
    LEFT JOIN teams t ON t.team_id = c.team_id AND t.site_id = c.site_id
    JOIN calendar_slots k ON k.slot = epoch_us(c.responded_at) // 900000000
    JOIN period_intervals p ON p.interval_idx = k.interval_idx AND p.detailed AND p.period_key = ?
    WHERE (c.comment IS NOT NULL OR c.employee_praised IS NOT NULL) AND c.reason IS NULL
),
newest AS (
    SELECT site_id, team_id,
           max_by({'at': epoch_us(responded_at), 'text': comment}, responded_at, 3)
               FILTER (WHERE comment IS NOT NULL) AS recent,
           max_by({'at': epoch_us(responded_at), 'text': comment}, responded_at, 3)
               FILTER (WHERE comment IS NOT NULL AND positive) AS positive,
           list(praised ORDER BY praised) FILTER (WHERE praised IS NOT NULL) AS praised
    FROM said
    GROUP BY site_id, team_id
)
SELECT site_id, team_id,
       coalesce(list_transform(recent, lambda x: x.at), []) AS recent_at,
       coalesce(list_transform(recent, lambda x: x.text), []) AS recent_text,
       coalesce(list_transform(positive, lambda x: x.at), []) AS positive_at,
       coalesce(list_transform(positive, lambda x: x.text), []) AS positive_text,
       coalesce(praised, []) AS praised
FROM newest;
