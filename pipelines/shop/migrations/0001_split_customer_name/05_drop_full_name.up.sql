-- The old shape goes: nothing reads full_name once the flag is on everywhere.
DROP TRIGGER IF EXISTS customers_sync_name ON customers;
DROP FUNCTION IF EXISTS shop_customers_sync_name();
ALTER TABLE customers DROP COLUMN IF EXISTS full_name;
