-- The one pass over valid customer rows: per-respondent scores (metrics.md §1) in exact
-- integers, summed per site, team, touchpoint, invitation channel and calendar interval.
--
-- calendar_slots maps each UTC quarter-hour of the run's window to the interval (a run of
-- local calendar days in the job's time zone) it falls in; rows outside the window keep a
-- NULL interval and only count for the export's freshness (newest responded_at).
-- (Divisions by a count use greatest(k, 1): DuckDB evaluates an aggregate's argument before
-- its FILTER, so a row with nothing answered must not divide by zero.)
-- Means are kept as integer numerators over a common denominator so every figure is an
-- exact ratio: attachment × 168 (lcm of 6, 7, 8 answered items), a dimension × 2.
CREATE OR REPLACE TEMP TABLE customer_intervals AS
WITH located AS (
    SELECT
        c.site_id,
        c.team_id,
        c.touchpoint,
        c.invited_by = 'system' AS system_invited,
        k.interval_idx,
        CAST(c.sat AS INTEGER) AS sat,
        CAST(c.recommend AS INTEGER) AS recommend,
        CAST(c.repurchase AS INTEGER) AS repurchase,
        CAST(c.conf1 AS INTEGER) AS conf1, CAST(c.conf2 AS INTEGER) AS conf2,
        CAST(c.integ1 AS INTEGER) AS integ1, CAST(c.integ2 AS INTEGER) AS integ2,
        CAST(c.pride1 AS INTEGER) AS pride1, CAST(c.pride2 AS INTEGER) AS pride2,
        CAST(c.pass1 AS INTEGER) AS pass1, CAST(c.pass2 AS INTEGER) AS pass2,
        CAST(c.ltr AS INTEGER) AS ltr,
        c.root_cause,
        c.responded_at
    FROM customer_checked c
    LEFT JOIN calendar_slots k ON k.slot = epoch_us(c.responded_at) // 900000000
    WHERE c.reason IS NULL
),
counted AS (
    SELECT *,
        (conf1 IS NOT NULL)::INTEGER + (conf2 IS NOT NULL)::INTEGER
          + (integ1 IS NOT NULL)::INTEGER + (integ2 IS NOT NULL)::INTEGER
          + (pride1 IS NOT NULL)::INTEGER + (pride2 IS NOT NULL)::INTEGER
          + (pass1 IS NOT NULL)::INTEGER + (pass2 IS NOT NULL)::INTEGER AS att_k,
        coalesce(conf1, 0) + coalesce(conf2, 0) + coalesce(integ1, 0) + coalesce(integ2, 0)
          + coalesce(pride1, 0) + coalesce(pride2, 0) + coalesce(pass1, 0) + coalesce(pass2, 0) AS att_s,
        sat + recommend + repurchase AS loyalty_s,
        (conf1 IS NOT NULL)::INTEGER + (conf2 IS NOT NULL)::INTEGER AS conf_k,
        (integ1 IS NOT NULL)::INTEGER + (integ2 IS NOT NULL)::INTEGER AS integ_k,
        (pride1 IS NOT NULL)::INTEGER + (pride2 IS NOT NULL)::INTEGER AS pride_k,
        (pass1 IS NOT NULL)::INTEGER + (pass2 IS NOT NULL)::INTEGER AS pass_k
    FROM located
),
classified AS (
    SELECT *,
        loyalty_s IS NOT NULL AND att_k >= 6 AS complete,
        -- the class rules of metrics.md §1 with both sides multiplied out, so boundaries are exact:
        -- attachment >= 4.5  <=>  2·att_s >= 9·att_k;  loyalty <= 2.5  <=>  2·loyalty_s <= 15
        CASE
            WHEN loyalty_s IS NULL OR att_k < 6 THEN NULL
            WHEN sat = 5 AND recommend = 5 AND repurchase = 5 AND 2 * att_s >= 9 * att_k THEN 'fully_engaged'
            WHEN 2 * loyalty_s <= 15 OR att_s <= 2 * att_k THEN 'actively_disengaged'
            WHEN loyalty_s >= 12 AND 2 * att_s >= 7 * att_k THEN 'engaged'
            ELSE 'not_engaged'
        END AS class
    FROM counted
)
SELECT
    site_id, team_id, touchpoint, system_invited, interval_idx,
    max(responded_at) AS newest_responded_at,
    count(*) AS n_valid,
    count(*) FILTER (WHERE complete) AS ce_n,
    sum(CASE WHEN complete THEN att_s * (168 // greatest(att_k, 1)) END)::BIGINT AS attachment_x168,
    count(*) FILTER (WHERE class = 'fully_engaged') AS fully_engaged,
    count(*) FILTER (WHERE class = 'engaged') AS engaged,
    count(*) FILTER (WHERE class = 'not_engaged') AS not_engaged,
    count(*) FILTER (WHERE class = 'actively_disengaged') AS actively_disengaged,
    count(*) FILTER (WHERE complete AND sat = 5 AND recommend = 5 AND repurchase = 5) AS top_box,
    sum((coalesce(conf1, 0) + coalesce(conf2, 0)) * (2 // greatest(conf_k, 1))) FILTER (WHERE conf_k > 0)::BIGINT AS confidence_x2,
    count(*) FILTER (WHERE conf_k > 0) AS confidence_n,
    sum((coalesce(integ1, 0) + coalesce(integ2, 0)) * (2 // greatest(integ_k, 1))) FILTER (WHERE integ_k > 0)::BIGINT AS integrity_x2,
    count(*) FILTER (WHERE integ_k > 0) AS integrity_n,
    sum((coalesce(pride1, 0) + coalesce(pride2, 0)) * (2 // greatest(pride_k, 1))) FILTER (WHERE pride_k > 0)::BIGINT AS pride_x2,
    count(*) FILTER (WHERE pride_k > 0) AS pride_n,
    sum((coalesce(pass1, 0) + coalesce(pass2, 0)) * (2 // greatest(pass_k, 1))) FILTER (WHERE pass_k > 0)::BIGINT AS passion_x2,
    count(*) FILTER (WHERE pass_k > 0) AS passion_n,
    count(ltr) AS nps_n,
    count(*) FILTER (WHERE ltr >= 9) AS promoters,
    count(*) FILTER (WHERE ltr <= 6) AS detractors,
    count(root_cause) AS root_cause_n,
    count(*) FILTER (WHERE root_cause = 'policy') AS root_cause_policy,
    count(*) FILTER (WHERE root_cause = 'people') AS root_cause_people,
    count(*) FILTER (WHERE root_cause = 'product') AS root_cause_product,
    count(*) FILTER (WHERE root_cause = 'process') AS root_cause_process
FROM classified
GROUP BY site_id, team_id, touchpoint, system_invited, interval_idx;
