-- The files of each export, in the order they were found (path order: the data contract ranks
-- duplicate copies by it), as session variables that the views below read. The paths were
-- inserted into export_files as bound parameters, written so the reader takes them literally.
SET VARIABLE sites_files = (SELECT list(path ORDER BY position) FROM export_files WHERE export = 'sites');
SET VARIABLE teams_files = (SELECT list(path ORDER BY position) FROM export_files WHERE export = 'teams');
SET VARIABLE customer_responses_files = (SELECT list(path ORDER BY position) FROM export_files WHERE export = 'customer_responses');
SET VARIABLE employee_responses_files = (SELECT list(path ORDER BY position) FROM export_files WHERE export = 'employee_responses');
SET VARIABLE financials_files = (SELECT list(path ORDER BY position) FROM export_files WHERE export = 'financials');
