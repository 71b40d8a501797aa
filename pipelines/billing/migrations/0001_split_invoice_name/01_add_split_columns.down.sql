ALTER TABLE invoices DROP COLUMN IF EXISTS customer_first_name, DROP COLUMN IF EXISTS customer_last_name;
