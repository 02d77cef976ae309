-- The one pass over the customer export's in-scope rows: per-respondent scores (metrics.md
-- §1) in exact integers, summed per site, invitation channel and calendar interval — and per
-- team and touchpoint in the detailed intervals (the current and previous period of a run
-- that renders briefings). Excluded rows stay apart: grouped by their reason, with their ids
-- listed, they are the data-quality list, and no figure reads them.
--
-- calendar_slots maps each UTC quarter-hour of the run's window to the interval (a run of
-- local calendar days in the job's time zone) it falls in; rows outside the window keep a
-- NULL interval and only count for the export's freshness (newest responded_at).
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
        coalesce(k.moments, false) AS moments,
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
),
-- Each scaled score once (DuckDB does not share a repeated expression between columns):
-- attachment × 168 of a complete response, each dimension × 2 where answered.
scored AS (
    SELECT *,
        CASE WHEN complete THEN att_s * (168 // att_k) END AS attachment_scaled,
        CASE WHEN conf_k > 0 THEN (coalesce(conf1, 0) + coalesce(conf2, 0)) * (2 // conf_k) END AS conf_x2,
        CASE WHEN integ_k > 0 THEN (coalesce(integ1, 0) + coalesce(integ2, 0)) * (2 // integ_k) END AS integ_x2,
        CASE WHEN pride_k > 0 THEN (coalesce(pride1, 0) + coalesce(pride2, 0)) * (2 // pride_k) END AS pride_x2,
        CASE WHEN pass_k > 0 THEN (coalesce(pass1, 0) + coalesce(pass2, 0)) * (2 // pass_k) END AS pass_x2
    FROM classified
),
-- The key-driver profile (metrics.md §11) of a complete response of the reported period
-- with all four dimensions answered: loyalty × 3 and each dimension × 2 coded in one
-- integer, base 16 (each is at most 15), and listed per group: the moment sums follow from
-- them exactly, for one aggregate instead of twenty-one.
driven AS (
    SELECT *,
        CASE WHEN moments AND complete AND conf_k > 0 AND integ_k > 0 AND pride_k > 0 AND pass_k > 0
             THEN (((loyalty_s * 16 + conf_x2) * 16 + integ_x2) * 16 + pride_x2) * 16 + pass_x2
        END::INTEGER AS driver_profile
    FROM scored
),
-- Each row's contribution to every sum, as a number (NULL counts as 0), so the aggregate is
-- a plain sum per column.
contributions AS (
    SELECT
        reason, site_id, team_id, touchpoint, system_invited, interval_idx, excluded_id, responded_at,
        1 AS n_valid,
        complete::INTEGER AS ce_n,
        attachment_scaled AS attachment_x168,
        -- Σx² for the change test (metrics.md §10)
        attachment_scaled * attachment_scaled AS attachment_x168_squared,
        (class = 1)::INTEGER AS fully_engaged,
        (class = 2)::INTEGER AS engaged,
        (class = 3)::INTEGER AS not_engaged,
        (class = 4)::INTEGER AS actively_disengaged,
        (complete AND sat = 5 AND recommend = 5 AND repurchase = 5)::INTEGER AS top_box,
        conf_x2 AS confidence_x2,
        (conf_k > 0)::INTEGER AS confidence_n,
        integ_x2 AS integrity_x2,
        (integ_k > 0)::INTEGER AS integrity_n,
        pride_x2,
        (pride_k > 0)::INTEGER AS pride_n,
        pass_x2 AS passion_x2,
        (pass_k > 0)::INTEGER AS passion_n,
        (ltr IS NOT NULL)::INTEGER AS nps_n,
        (ltr >= 9)::INTEGER AS promoters,
        (ltr <= 6)::INTEGER AS detractors,
        (root_cause IS NOT NULL)::INTEGER AS root_cause_n,
        (root_cause = 'policy')::INTEGER AS root_cause_policy,
        (root_cause = 'people')::INTEGER AS root_cause_people,
        (root_cause = 'product')::INTEGER AS root_cause_product,
        (root_cause = 'process')::INTEGER AS root_cause_process,
        driver_profile
    FROM driven
)
SELECT
    reason, site_id, team_id, touchpoint, system_invited, interval_idx,
    list(excluded_id) FILTER (WHERE reason IS NOT NULL) AS excluded_ids,
    max(responded_at) AS newest_responded_at,
    list(driver_profile) FILTER (WHERE driver_profile IS NOT NULL) AS driver_profiles,
    sum(COLUMNS(* EXCLUDE (reason, site_id, team_id, touchpoint, system_invited, interval_idx,
                           excluded_id, responded_at, driver_profile)))::BIGINT
FROM contributions
GROUP BY reason, site_id, team_id, touchpoint, system_invited, interval_idx;
