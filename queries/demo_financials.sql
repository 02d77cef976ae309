-- Demo monthly financials: revenue tracks budget, lifted by the site's customer engagement.
CREATE OR REPLACE TEMP TABLE demo_financials AS
SELECT
    site_id,
    month,
    round(budget * (1 + 0.06 * (latent - 3.4) + 0.02 * demo_normal(site_id || strftime(month, '%Y%m'), 1)), 2) AS revenue,
    budget,
    (budget / (38 + 4 * latent))::BIGINT AS transactions,
    round(budget * (0.31 + 0.02 * (latent - 3.4)), 2) AS gross_margin
FROM demo_site_months;
