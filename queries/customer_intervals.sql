-- The one pass over the customer export's in-scope rows: per-respondent scores (metrics.md
-- §1) in exact integers, summed per site, invitation channel and calendar interval — and per
-- team and touchpoint in the detailed intervals (the current and previous period of a run
-- that renders briefings). Excluded rows stay apart: grouped by their reason, with their ids
-- listed, they are the data-quality list, and no figure reads them.
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
        c.reason,
        CASE WHEN c.reason IS NOT NULL THEN coalesce(c.response_id, '') END AS excluded_id,
        c.site_id,
        CASE WHEN k.detailed THEN c.team_id END AS team_id,
        CASE WHEN k.detailed THEN c.touchpoint END AS touchpoint,
        c.invited_by = 'system' AS system_invited,
        k.interval_idx,
        -- TRY_CAST: an excluded row may hold any number; valid items are whole and in scale
        TRY_CAST(c.sat AS INTEGER) AS sat,
        TRY_CAST(c.recommend AS INTEGER) AS recommend,
        TRY_CAST(c.repurchase AS INTEGER) AS repurchase,
        TRY_CAST(c.conf1 AS INTEGER) AS conf1, TRY_CAST(c.conf2 AS INTEGER) AS conf2,
        TRY_CAST(c.integ1 AS INTEGER) AS integ1, TRY_CAST(c.integ2 AS INTEGER) AS integ2,
        TRY_CAST(c.pride1 AS INTEGER) AS pride1, TRY_CAST(c.pride2 AS INTEGER) AS pride2,
        TRY_CAST(c.pass1 AS INTEGER) AS pass1, TRY_CAST(c.pass2 AS INTEGER) AS pass2,
        TRY_CAST(c.ltr AS INTEGER) AS ltr,
        c.root_cause,
        c.responded_at
    FROM customer_checked c
    LEFT JOIN calendar_slots k ON k.slot = epoch_us(c.responded_at) // 900000000
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
            WHEN sat = 5 AND recommend = 5 AND repurchase = 5 AND 2 * att_s >= 9 * att_k THEN 1
            WHEN 2 * loyalty_s <= 15 OR att_s <= 2 * att_k THEN 4
            WHEN loyalty_s >= 12 AND 2 * att_s >= 7 * att_k THEN 2
            ELSE 3
        END AS class  -- 1 fully engaged, 2 engaged, 3 not engaged, 4 actively disengaged
    FROM counted
)
SELECT
    reason, site_id, team_id, touchpoint, system_invited, interval_idx,
    list(excluded_id) FILTER (WHERE reason IS NOT NULL) AS excluded_ids,
    max(responded_at) AS newest_responded_at,
    count(*) AS n_valid,
    count(*) FILTER (WHERE complete) AS ce_n,
    sum(CASE WHEN complete THEN att_s * (168 // greatest(att_k, 1)) END)::BIGINT AS attachment_x168,
    count(*) FILTER (WHERE class = 1) AS fully_engaged,
    count(*) FILTER (WHERE class = 2) AS engaged,
    count(*) FILTER (WHERE class = 3) AS not_engaged,
    count(*) FILTER (WHERE class = 4) AS actively_disengaged,
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
GROUP BY reason, site_id, team_id, touchpoint, system_invited, interval_idx;
