-- Restores full_name from first/last, and the trigger that keeps both shapes in step.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS full_name text;
UPDATE customers SET full_name = concat_ws(' ', first_name, last_name) WHERE full_name IS NULL;
ALTER TABLE customers ALTER COLUMN full_name SET NOT NULL;

CREATE OR REPLACE FUNCTION shop_customers_sync_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.full_name IS DISTINCT FROM OLD.full_name THEN
        IF NEW.full_name IS NULL AND NEW.first_name IS NOT NULL THEN
            NEW.full_name := concat_ws(' ', NEW.first_name, NEW.last_name);
        ELSE
            NEW.first_name := shop_first_name(NEW.full_name);
            NEW.last_name := shop_last_name(NEW.full_name);
        END IF;
    ELSIF NEW.first_name IS DISTINCT FROM OLD.first_name OR NEW.last_name IS DISTINCT FROM OLD.last_name THEN
        NEW.full_name := concat_ws(' ', NEW.first_name, NEW.last_name);
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS customers_sync_name ON customers;
CREATE TRIGGER customers_sync_name BEFORE INSERT OR UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION shop_customers_sync_name();
