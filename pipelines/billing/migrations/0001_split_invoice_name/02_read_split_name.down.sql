DROP VIEW IF EXISTS invoice_names;
