-- Writes the demo exports as Parquet under the folder `:out_dir`. COPY cannot bind its
-- target as a parameter, so `xbrief demo` substitutes :out_dir with the folder after
-- checking it holds no quote or control character. Rows are ordered, so the same
-- arguments give the same bytes.
COPY (SELECT site_id, site_name, region, country, locale, manager_id, manager_name, manager_email,
             bonus_target, active FROM demo_sites ORDER BY site_id)
    TO ':out_dir/sites.parquet' (FORMAT parquet);
COPY (SELECT team_id, site_id, team_name, lead_name, lead_email, headcount FROM demo_teams ORDER BY team_id)
    TO ':out_dir/teams.parquet' (FORMAT parquet);
COPY (SELECT * FROM demo_financials ORDER BY site_id, month)
    TO ':out_dir/financials.parquet' (FORMAT parquet);
COPY (SELECT * FROM demo_customer_responses ORDER BY responded_at, response_id)
    TO ':out_dir/customer_responses/responses.parquet' (FORMAT parquet);
COPY (SELECT * FROM demo_employee_responses ORDER BY responded_at, response_id)
    TO ':out_dir/employee_responses/responses.parquet' (FORMAT parquet);
