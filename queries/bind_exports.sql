-- The files of each export, in path order, as session variables that the views below read.
-- The paths themselves were inserted into export_files as bound parameters.
SET VARIABLE sites_files = (SELECT list(path ORDER BY path) FROM export_files WHERE export = 'sites');
SET VARIABLE teams_files = (SELECT list(path ORDER BY path) FROM export_files WHERE export = 'teams');
SET VARIABLE customer_responses_files = (SELECT list(path ORDER BY path) FROM export_files WHERE export = 'customer_responses');
SET VARIABLE employee_responses_files = (SELECT list(path ORDER BY path) FROM export_files WHERE export = 'employee_responses');
SET VARIABLE financials_files = (SELECT list(path ORDER BY path) FROM export_files WHERE export = 'financials');
