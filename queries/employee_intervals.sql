-- The one pass over the employee export's in-scope rows (metrics.md §2), in exact integers
-- per site, team and calendar interval; excluded rows grouped apart by reason with their ids
-- listed, as in customer_intervals.sql. Respondent means are kept as numerators over a common denominator:
-- ee_mean × 3960 (lcm of 9–12 answered items), ambassadorship × 6 (2 or 3 items), the
-- elements × 2 (basic needs, growth: 1–2 items) and × 12 (support, teamwork: 1–4 items).
CREATE OR REPLACE TEMP TABLE employee_intervals AS
WITH located AS (
    SELECT
        e.reason,
        CASE WHEN e.reason IS NOT NULL THEN coalesce(e.response_id, '') END AS excluded_id,
        e.site_id, e.team_id, k.interval_idx, e.responded_at,
        TRY_CAST(e.e01 AS INTEGER) AS e01, TRY_CAST(e.e02 AS INTEGER) AS e02, TRY_CAST(e.e03 AS INTEGER) AS e03,
        TRY_CAST(e.e04 AS INTEGER) AS e04, TRY_CAST(e.e05 AS INTEGER) AS e05, TRY_CAST(e.e06 AS INTEGER) AS e06,
        TRY_CAST(e.e07 AS INTEGER) AS e07, TRY_CAST(e.e08 AS INTEGER) AS e08, TRY_CAST(e.e09 AS INTEGER) AS e09,
        TRY_CAST(e.e10 AS INTEGER) AS e10, TRY_CAST(e.e11 AS INTEGER) AS e11, TRY_CAST(e.e12 AS INTEGER) AS e12,
        TRY_CAST(e.amb1 AS INTEGER) AS amb1, TRY_CAST(e.amb2 AS INTEGER) AS amb2, TRY_CAST(e.amb3 AS INTEGER) AS amb3
    FROM employee_checked e
    LEFT JOIN calendar_slots k ON k.slot = epoch_us(e.responded_at) // 900000000
),
counted AS (
    SELECT *,
        (e01 IS NOT NULL)::INTEGER + (e02 IS NOT NULL)::INTEGER AS basic_k,
        coalesce(e01, 0) + coalesce(e02, 0) AS basic_s,
        (e03 IS NOT NULL)::INTEGER + (e04 IS NOT NULL)::INTEGER
          + (e05 IS NOT NULL)::INTEGER + (e06 IS NOT NULL)::INTEGER AS support_k,
        coalesce(e03, 0) + coalesce(e04, 0) + coalesce(e05, 0) + coalesce(e06, 0) AS support_s,
        (e07 IS NOT NULL)::INTEGER + (e08 IS NOT NULL)::INTEGER
          + (e09 IS NOT NULL)::INTEGER + (e10 IS NOT NULL)::INTEGER AS teamwork_k,
        coalesce(e07, 0) + coalesce(e08, 0) + coalesce(e09, 0) + coalesce(e10, 0) AS teamwork_s,
        (e11 IS NOT NULL)::INTEGER + (e12 IS NOT NULL)::INTEGER AS growth_k,
        coalesce(e11, 0) + coalesce(e12, 0) AS growth_s,
        (amb1 IS NOT NULL)::INTEGER + (amb2 IS NOT NULL)::INTEGER + (amb3 IS NOT NULL)::INTEGER AS amb_k,
        coalesce(amb1, 0) + coalesce(amb2, 0) + coalesce(amb3, 0) AS amb_s
    FROM located
),
scored AS (
    SELECT *,
        basic_k + support_k + teamwork_k + growth_k AS ee_k,
        basic_s + support_s + teamwork_s + growth_s AS ee_s,
        basic_k + support_k + teamwork_k + growth_k >= 9 AS complete
    FROM counted
)
SELECT
    reason, site_id, team_id, interval_idx,
    list(excluded_id) FILTER (WHERE reason IS NOT NULL) AS excluded_ids,
    max(responded_at) AS newest_responded_at,
    count(*) AS n_valid,
    count(*) FILTER (WHERE complete) AS ee_n,
    sum(ee_s * (3960 // greatest(ee_k, 1))) FILTER (WHERE complete)::BIGINT AS ee_x3960,
    sum((ee_s * (3960 // greatest(ee_k, 1)))::BIGINT * (ee_s * (3960 // greatest(ee_k, 1)))) FILTER (WHERE complete)::HUGEINT AS ee_x3960_squared,
    -- ee_mean >= 4.0 <=> ee_s >= 4·ee_k;  ee_mean < 2.5 <=> 2·ee_s < 5·ee_k
    count(*) FILTER (WHERE complete AND ee_s >= 4 * ee_k) AS engaged,
    count(*) FILTER (WHERE complete AND 2 * ee_s < 5 * ee_k) AS actively_disengaged,
    count(*) FILTER (WHERE complete AND ee_s < 4 * ee_k AND 2 * ee_s >= 5 * ee_k) AS not_engaged,
    count(*) FILTER (WHERE amb_k >= 2) AS ambassador_n,
    sum(amb_s * (6 // greatest(amb_k, 1))) FILTER (WHERE amb_k >= 2)::BIGINT AS ambassador_x6,
    count(*) FILTER (WHERE complete AND basic_k > 0) AS basic_needs_n,
    sum(basic_s * (2 // greatest(basic_k, 1))) FILTER (WHERE complete AND basic_k > 0)::BIGINT AS basic_needs_x2,
    count(*) FILTER (WHERE complete AND support_k > 0) AS support_n,
    sum(support_s * (12 // greatest(support_k, 1))) FILTER (WHERE complete AND support_k > 0)::BIGINT AS support_x12,
    count(*) FILTER (WHERE complete AND teamwork_k > 0) AS teamwork_n,
    sum(teamwork_s * (12 // greatest(teamwork_k, 1))) FILTER (WHERE complete AND teamwork_k > 0)::BIGINT AS teamwork_x12,
    count(*) FILTER (WHERE complete AND growth_k > 0) AS growth_n,
    sum(growth_s * (2 // greatest(growth_k, 1))) FILTER (WHERE complete AND growth_k > 0)::BIGINT AS growth_x2
FROM scored
GROUP BY reason, site_id, team_id, interval_idx;
