-- New columns, filled from the old one (3000 rows: one statement, no backfill phase needed).
ALTER TABLE invoices ADD COLUMN IF NOT EXISTS customer_first_name text, ADD COLUMN IF NOT EXISTS customer_last_name text;
UPDATE invoices SET customer_first_name = split_part(customer_full_name, ' ', 1),
                    customer_last_name = nullif(substr(customer_full_name, length(split_part(customer_full_name, ' ', 1)) + 2), '')
WHERE customer_first_name IS NULL;
