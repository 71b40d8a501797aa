ALTER TABLE invoices DROP COLUMN IF EXISTS customer_full_name;
