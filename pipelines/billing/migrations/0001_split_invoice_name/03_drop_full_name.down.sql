-- Restores the old column from the new ones.
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS customer_full_name text;
UPDATE invoices SET customer_full_name = concat_ws(' ', customer_first_name, customer_last_name) WHERE customer_full_name IS NULL;
ALTER TABLE invoices ALTER COLUMN customer_full_name SET NOT NULL;
