-- The org chart and the financials, typed. Small exports: materialised once per run.
CREATE OR REPLACE TEMP TABLE sites AS
SELECT
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(site_name AS VARCHAR) AS site_name,
    CAST(region AS VARCHAR) AS region,
    CAST(country AS VARCHAR) AS country,
    CAST(locale AS VARCHAR) AS locale,
    CAST(manager_id AS VARCHAR) AS manager_id,
    CAST(manager_name AS VARCHAR) AS manager_name,
    CAST(manager_email AS VARCHAR) AS manager_email,
    CAST(bonus_target AS DOUBLE) AS bonus_target,
    -- active NULL counts as inactive (data contract §9)
    coalesce(CAST(active AS BOOLEAN), false) AS active
FROM read_parquet(getvariable('sites_files'), union_by_name = true);

CREATE OR REPLACE TEMP TABLE teams AS
SELECT
    CAST(team_id AS VARCHAR) AS team_id,
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(team_name AS VARCHAR) AS team_name,
    CAST(lead_name AS VARCHAR) AS lead_name,
    CAST(lead_email AS VARCHAR) AS lead_email,
    CAST(headcount AS INTEGER) AS headcount
FROM read_parquet(getvariable('teams_files'), union_by_name = true);

CREATE OR REPLACE TEMP TABLE financials_typed AS
SELECT
    CAST(site_id AS VARCHAR) AS site_id,
    CAST(month AS DATE) AS month,
    CAST(revenue AS DOUBLE) AS revenue,
    CAST(budget AS DOUBLE) AS budget,
    CAST(transactions AS BIGINT) AS transactions,
    CAST(gross_margin AS DOUBLE) AS gross_margin
FROM read_parquet(getvariable('financials_files'), union_by_name = true);
