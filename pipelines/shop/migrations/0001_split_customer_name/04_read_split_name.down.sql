DROP VIEW IF EXISTS customer_names;
