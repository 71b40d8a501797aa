DROP TRIGGER IF EXISTS customers_sync_name ON customers;
DROP FUNCTION IF EXISTS shop_customers_sync_name();
DROP FUNCTION IF EXISTS shop_first_name(text);
DROP FUNCTION IF EXISTS shop_last_name(text);
ALTER TABLE customers DROP COLUMN IF EXISTS first_name, DROP COLUMN IF EXISTS last_name;
