-- Restores full_name from first/last and re-attaches the trigger that keeps both shapes in step.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS full_name text;
UPDATE customers SET full_name = concat_ws(' ', first_name, last_name) WHERE full_name IS NULL;
ALTER TABLE customers ALTER COLUMN full_name SET NOT NULL;

DROP TRIGGER IF EXISTS customers_sync_name ON customers;
-- Only on the columns it maps: an update of any other column (an email, a timestamp) pays nothing for it.
CREATE TRIGGER customers_sync_name BEFORE INSERT OR UPDATE OF full_name, first_name, last_name ON customers
    FOR EACH ROW EXECUTE FUNCTION shop_customers_sync_name();
